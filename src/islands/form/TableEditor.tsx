import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent } from 'react';
import { decodeTextFile, gridFormatOf } from '../../lib/text-file.js';
import { isOldExcelName, isXlsxName, readXlsxGrid, XlsxImportError } from '../../lib/xlsx-import.js';
import type { TableField } from '../../lib/form-definition.js';
import { tableWidthEm } from '../../lib/column-widths.js';
import { emptyRow, isRowEmpty, rowErrors, type Row } from '../../lib/form-data.js';
import { applyImport, looksLikeGrid, parseGrid, planImport, tableToCsv, type ImportPlan } from '../../lib/table-import.js';
import { FieldInput } from './FieldInput.js';
import { MappingDialog } from './MappingDialog.js';
import { downloadText } from './download.js';

interface Props {
  table: TableField;
  rows: Row[];
  formTitle: string;
  onRowsChange: (update: (rows: Row[]) => Row[]) => void;
  announce: (message: string) => void;
}

interface RowProps {
  table: TableField;
  row: Row;
  index: number;
  onCell: (index: number, column: string, value: string) => void;
  onRemove: (index: number) => void;
}

const TableRow = memo(function TableRow({ table, row, index, onCell, onRemove }: RowProps) {
  const errors = useMemo(() => rowErrors(table, row), [table, row]);
  return (
    <tr data-row={index}>
      <th scope="row" className="rownum">{index + 1}</th>
      {table.columns.map((c) => {
        const id = `${table.id}-${index}-${c.id}`;
        const error = errors[c.id];
        return (
          <td key={c.id} className={error ? 'cell cell-invalid' : 'cell'} data-col={c.id}>
            <FieldInput
              field={c}
              id={id}
              ariaLabel={`第 ${index + 1} 行 ${c.label}`}
              value={row[c.id] ?? ''}
              invalid={!!error}
              errorId={`${id}-err`}
              compact
              onChange={(v) => onCell(index, c.id, v)}
            />
            {error && <span className="cell-error" id={`${id}-err`} role="note">{error}</span>}
          </td>
        );
      })}
      <td className="row-actions">
        <button type="button" className="icon-btn" aria-label={`删除第 ${index + 1} 行`} title="删除此行" onClick={() => onRemove(index)}>×</button>
      </td>
    </tr>
  );
});

/** Orders a choice column by its option order (A, B, C); other columns by their text. */
function sortRows(table: TableField, rows: Row[], columnId: string): Row[] {
  const col = table.columns.find((c) => c.id === columnId)!;
  const rank = (v: string) => (col.type === 'choice' ? (col.options.indexOf(v) + 1 || 999) : 0);
  return [...rows].sort((a, b) => rank(a[columnId]) - rank(b[columnId]) || (a[columnId] ?? '').localeCompare(b[columnId] ?? '', 'zh-CN'));
}

export function TableEditor({ table, rows, formTitle, onRowsChange, announce }: Props) {
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  // A fixed-layout table needs a definite width, or typing into one cell makes the browser
  // re-measure every row (500 rows: ~200 ms per key instead of ~20). Set through the CSSOM,
  // not a style attribute: the CSP forbids inline style attributes.
  useLayoutEffect(() => {
    tableRef.current!.style.width = `${tableWidthEm(table)}em`;
  }, [table]);
  const filled = rows.filter((r) => !isRowEmpty(r)).length;
  const invalidRows = useMemo(() => rows.filter((r) => Object.keys(rowErrors(table, r)).length > 0).length, [table, rows]);

  const onCell = useCallback(
    (index: number, column: string, value: string) => onRowsChange((rs) => rs.map((r, i) => (i === index ? { ...r, [column]: value } : r))),
    [onRowsChange],
  );
  const onRemove = useCallback(
    (index: number) => {
      onRowsChange((rs) => rs.filter((_, i) => i !== index));
      announce(`已删除第 ${index + 1} 行`);
    },
    [onRowsChange, announce],
  );

  const addRow = () => {
    if (rows.length >= table.maxRows) return announce(`${table.label}最多 ${table.maxRows} 行，不能再添加`);
    onRowsChange((rs) => [...rs, emptyRow(table)]);
    // Focus the first cell of the new row so keyboard users can type straight away.
    requestAnimationFrame(() => document.getElementById(`${table.id}-${rows.length}-${table.columns[0].id}`)?.focus());
  };

  const runImport = (p: ImportPlan) => {
    const result = applyImport(p, table, rows);
    onRowsChange(() => result.rows);
    if (result.added === 0 && result.overflow === 0) announce('没有可导入的数据行');
    else if (result.overflow > 0) announce(`已添加 ${result.added} 行；${table.label}最多 ${table.maxRows} 行，另有 ${result.overflow} 行未添加，请分表填写`);
    else announce(`已添加 ${result.added} 行`);
  };

  const startImport = (text: string, format: 'tsv' | 'csv') => startImportGrid(parseGrid(text, format));
  const startImportGrid = (grid: string[][]) => {
    if (grid.length === 0) return announce('没有读到任何数据');
    const p = planImport(grid, table);
    if (p.needsMapping) setPlan(p);
    else runImport(p);
  };

  const onPaste = (e: ClipboardEvent<HTMLDivElement>) => {
    const text = e.clipboardData.getData('text/plain');
    if (!looksLikeGrid(text)) return; // a single value pastes into the focused cell as usual
    e.preventDefault();
    startImport(text, 'tsv');
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (fileInput.current) fileInput.current.value = ''; // the same file can be chosen again
    if (file.size > 5 * 1024 * 1024) return announce('文件超过 5 MB，请拆分后再导入');
    if (isOldExcelName(file.name)) return announce('不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV 再导入');
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (isXlsxName(file.name)) {
      try {
        return startImportGrid(await readXlsxGrid(bytes));
      } catch (e) {
        return announce(e instanceof XlsxImportError ? e.message : '无法读取这个 Excel 文件');
      }
    }
    const { text } = decodeTextFile(bytes);
    startImport(text, gridFormatOf(text));
  };

  const exportCsv = () => {
    downloadText(`${formTitle}-${table.label}.csv`, tableToCsv(table, rows), 'text/csv;charset=utf-8');
    announce(`已导出 ${filled} 行`);
  };

  const sortCol = table.sortBy ? table.columns.find((c) => c.id === table.sortBy) : undefined;

  return (
    <div className="table-editor" data-table={table.id}>
      <div className="table-toolbar">
        <span className="table-count" data-testid={`count-${table.id}`}>
          共 {filled} 行{invalidRows > 0 && <strong className="bad">，{invalidRows} 行有误</strong>}（上限 {table.maxRows}）
        </span>
        <button type="button" onClick={addRow}>添加一行</button>
        {sortCol && (
          <button type="button" onClick={() => { onRowsChange((rs) => sortRows(table, rs, sortCol.id)); announce(`已按${sortCol.label}排序`); }}>
            按{sortCol.label}排序
          </button>
        )}
        <button type="button" onClick={() => fileInput.current?.click()}>导入 CSV / Excel</button>
        <input ref={fileInput} type="file" accept=".csv,text/csv,.txt,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" hidden onChange={(e) => onFile(e.target.files?.[0])} data-testid={`csv-input-${table.id}`} />
        <button type="button" onClick={exportCsv} disabled={filled === 0}>导出 CSV</button>
      </div>
      <p className="paste-hint">可直接从 Excel / WPS 复制多行（含表头更准确），点进表格后按 Ctrl+V 粘贴。</p>
      {/* Focusable so the table can be scrolled sideways from the keyboard (and pasted into). */}
      <div className="table-scroll" onPaste={onPaste} tabIndex={0} role="region" aria-label={`${table.label}（表格，可左右滚动）`}>
        <table className="edit-table" ref={tableRef}>
          <colgroup>
            <col className="w-narrow" />
            {table.columns.map((c) => <col key={c.id} className={`w-${c.type}`} />)}
            <col className="w-narrow" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col" className="rownum">#</th>
              {table.columns.map((c) => (
                <th scope="col" key={c.id} className={`col-${c.type}`}>
                  {c.label}
                  {c.required && <span className="req" aria-hidden="true">*</span>}
                </th>
              ))}
              <th scope="col"><span className="visually-hidden">操作</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <TableRow key={i} table={table} row={row} index={i} onCell={onCell} onRemove={onRemove} />
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={table.columns.length + 2} className="empty-table">
                  还没有内容：点“添加一行”，或把 Excel 中的表格粘贴到这里。
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {plan && (
        <MappingDialog
          table={table}
          plan={plan}
          onCancel={() => { setPlan(null); announce('已取消导入'); }}
          onConfirm={(mapping) => { setPlan(null); runImport({ ...plan, mapping }); }}
        />
      )}
    </div>
  );
}
