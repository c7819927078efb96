import { useEffect, useRef, useState } from 'react';
import type { TableField } from '../../lib/form-definition.js';
import type { ImportMode, ImportPlan } from '../../lib/table-import.js';

interface Props {
  table: TableField;
  plan: ImportPlan;
  /** Filled rows already in the table: when there are any, the user chooses replace or append. */
  existingRows: number;
  onCancel: () => void;
  onConfirm: (mapping: (string | null)[], mode: ImportMode) => void;
}

/**
 * The step where the user says which pasted column goes into which table column (when the
 * header was not fully recognised), and whether the rows replace or follow the existing ones.
 */
export function MappingDialog({ table, plan, existingRows, onCancel, onConfirm }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [mapping, setMapping] = useState(plan.mapping);
  const [mode, setMode] = useState<ImportMode>('append');
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);

  const targets = mapping.filter(Boolean) as string[];
  const duplicated = new Set(targets.filter((t, i) => targets.indexOf(t) !== i));
  const sample = plan.dataRows.slice(0, 3);

  return (
    <dialog ref={ref} className="mapping-dialog" aria-labelledby="mapping-title" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id="mapping-title">{plan.needsMapping ? '选择每一列对应的栏目' : `导入 ${plan.dataRows.length} 行到“${table.label}”`}</h2>
      {plan.needsMapping ? (
        <p>
          {plan.hasHeader ? '有些表头没有认出来' : '粘贴的数据没有表头'}，请为每一列选择要填入“{table.label}”的哪一栏（不需要的列选“忽略”）。共 {plan.dataRows.length} 行数据。
        </p>
      ) : (
        <p>表头已全部认出，请核对下面的对应关系。共 {plan.dataRows.length} 行数据。</p>
      )}
      {existingRows > 0 && (
        <fieldset className="mapping-mode">
          <legend>表格中已有 {existingRows} 行</legend>
          <label><input type="radio" name="import-mode" value="append" checked={mode === 'append'} onChange={() => setMode('append')} /> 追加到末尾</label>
          <label><input type="radio" name="import-mode" value="replace" checked={mode === 'replace'} onChange={() => setMode('replace')} /> 替换现有行（原有 {existingRows} 行将被清除）</label>
        </fieldset>
      )}
      <div className="mapping-scroll">
        <table className="mapping-table">
          <thead>
            <tr><th scope="col">粘贴的列</th><th scope="col">示例</th><th scope="col">填入</th></tr>
          </thead>
          <tbody>
            {plan.sourceColumns.map((name, i) => (
              <tr key={i}>
                <th scope="row">{name}</th>
                <td className="sample">{sample.map((r) => r[i] ?? '').filter(Boolean).join('；').slice(0, 40) || '（空）'}</td>
                <td>
                  <select
                    aria-label={`“${name}”填入`}
                    value={mapping[i] ?? ''}
                    aria-invalid={mapping[i] && duplicated.has(mapping[i]!) ? true : undefined}
                    onChange={(e) => setMapping((m) => m.map((v, j) => (j === i ? e.target.value || null : v)))}
                  >
                    <option value="">忽略</option>
                    {table.columns.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {duplicated.size > 0 && <p className="bad" role="alert">同一栏被选了多次，这些列的内容会合并到一格。</p>}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>取消</button>
        <button type="button" className="primary" disabled={targets.length === 0} onClick={() => onConfirm(mapping, mode)}>
          {mode === 'replace' && existingRows > 0 ? `替换为 ${plan.dataRows.length} 行` : `导入 ${plan.dataRows.length} 行`}
        </button>
      </div>
    </dialog>
  );
}
