import { useEffect, useMemo, useState } from 'react';
import { useLocalDraft } from './useLocalDraft.js';
import type { FormDefinition, TableField } from '../../lib/form-definition.js';
import { allFields, tableRowErrors, validateForm, type ErrorMap, type FormValues, type Row } from '../../lib/form-data.js';
import { errorAnchor, type FormError } from '../../lib/form-errors.js';
import { ErrorList } from '../form/ErrorList.js';
import type { ProcessView } from '../../lib/process/view.js';
import { FieldsEditor } from './FieldsEditor.js';
import { TableEditor } from '../form/TableEditor.js';
import { todayIso } from './labels.js';
import { isReturnedLine, returnedReason } from '../../lib/process/actions.js';

export type Call = (body: Record<string, unknown>) => Promise<boolean>;
interface PanelProps {
  view: ProcessView;
  forms: Record<string, FormDefinition>;
  call: Call;
  busy: boolean;
  announce: (m: string) => void;
}

const tableOf = (d: FormDefinition, id: string) => allFields(d).find((f) => f.id === id) as TableField;
const listOf = (errors: ErrorMap): FormError[] => Object.entries(errors).map(([path, text]) => ({ path, text }));

/** B and F: a whole form filled by the departing employee, saved and then submitted for signature. */
export function FormStage({ forms, call, busy, announce, formId, initial, saveAction, submitAction, submitLabel, draftKey }: PanelProps & {
  formId: string; initial: FormValues; saveAction: string; submitAction: string; submitLabel: string; draftKey: string;
}) {
  const draft = useLocalDraft<FormValues>(draftKey, initial);
  const definition = forms[formId];
  // After a submit is tried, the form's own rules (the ones the server applies) are shown next
  // to the button, and stay current as the person corrects them.
  const [checked, setChecked] = useState(false);
  const errors = useMemo(() => (checked ? listOf(validateForm(definition, draft.value)) : []), [checked, definition, draft.value]);
  const send = async (action: string) => {
    if (action === submitAction) {
      setChecked(true);
      const found = listOf(validateForm(definition, draft.value));
      if (found.length) return announce(`还有 ${found.length} 处需要修改，未提交`);
    }
    if (await call({ action, values: draft.value })) draft.saved();
  };
  return (
    <div>
      <DraftNotice draft={draft} />
      <FieldsEditor definition={forms[formId]} values={draft.value} onChange={draft.set} announce={announce} />
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void send(saveAction)}>保存</button>
        <button type="button" className="primary" disabled={busy} onClick={() => void send(submitAction)}>{submitLabel}</button>
      </div>
      <ErrorList errors={errors} anchor={(path) => errorAnchor(definition, path, 'pf-')} title="提交前请先修改：" testId={`errors-${formId}`} />
      <p className="muted">提交后系统生成 PDF，按表单规定的顺序发邮件请各方签署；任何一方都可以“退回修改”并写明意见。</p>
    </div>
  );
}

/** Says that unsaved edits were brought back from this browser, and lets the person drop them. */
function DraftNotice({ draft }: { draft: { dirty: boolean; restoredAt: string | null; saved: () => void } }) {
  if (!draft.restoredAt || !draft.dirty) return null;
  return (
    <p className="draft-notice" role="status" data-testid="draft-restored">
      已恢复您在本机未保存的修改（{new Date(draft.restoredAt).toLocaleString('zh-CN', { hour12: false })}），请保存或提交。
      <button type="button" onClick={draft.saved}>放弃这些修改</button>
    </p>
  );
}

/** C and D: the employee (or receiver) edits the list; edited lines lose the receiver's confirmation. */
export function RowsEditor({ forms, call, busy, announce, formId, tableId, rows, saveAction, label, draftKey }: PanelProps & {
  formId: string; tableId: string; rows: Row[]; saveAction: string; label: string; draftKey: string;
}) {
  const table = useMemo(() => tableOf(forms[formId], tableId), [forms, formId, tableId]);
  const draft = useLocalDraft<Row[]>(draftKey, rows);
  // Saving a list with mistakes is allowed (work in progress); submitting it is not, so they are listed here.
  const errors = useMemo(() => listOf(tableRowErrors(forms[formId], table, draft.value)), [forms, formId, table, draft.value]);
  return (
    <details className="rows-editor" open={draft.dirty || undefined}>
      <summary>{label}{draft.dirty && '（有未保存的修改）'}</summary>
      <DraftNotice draft={draft} />
      <TableEditor table={table} rows={draft.value} formTitle={forms[formId].title} onRowsChange={draft.set} announce={announce} />
      <div className="actions">
        <button type="button" disabled={busy} onClick={async () => { if (await call({ action: saveAction, rows: draft.value })) draft.saved(); }}>保存清单</button>
      </div>
      <ErrorList errors={errors} anchor={(path) => errorAnchor(forms[formId], path)} title="清单中有需要修改的地方（可先保存，提交前须改正）：" testId={`errors-${tableId}`} />
    </details>
  );
}

/** C: the receiver ticks the material lines received, or sends some back with a reason. */
export function MaterialsConfirm({ view, call, busy, canConfirm }: PanelProps & { canConfirm: boolean }) {
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [reason, setReason] = useState('');
  useEffect(() => setPicked(new Set()), [view]);
  const open = view.materials.map((r, i) => [r, i] as const).filter(([r]) => r.receiverConfirmed !== '是');
  const returned = open.filter(([r]) => isReturnedLine(r));
  return (
    <div>
      <p>资料共 {view.materials.length} 条，已点收 {view.materials.length - open.length} 条{returned.length > 0 && `，退回待补正 ${returned.length} 条`}。</p>
      {!canConfirm && returned.length > 0 && (
        <table className="data" data-testid="returned-materials">
          <caption>接收人退回的资料：在“编辑资料移交清单”中更正后，请接收人重新点收</caption>
          <thead><tr><th>客户</th><th>资料</th><th>退回原因</th></tr></thead>
          <tbody>{returned.map(([r, i]) => <tr key={i} className="attention"><td>{r.customer}</td><td>{r.materialName}</td><td>{returnedReason(r)}</td></tr>)}</tbody>
        </table>
      )}
      {canConfirm && open.length > 0 && (
        <>
          <table className="data">
            <thead><tr><th><input type="checkbox" aria-label="全选待点收资料" checked={picked.size === open.length} onChange={(e) => setPicked(e.target.checked ? new Set(open.map(([, i]) => i)) : new Set())} /></th><th>客户</th><th>资料</th><th>类别</th><th>份数</th><th>存放位置</th><th>状态</th></tr></thead>
            <tbody>
              {open.map(([r, i]) => (
                <tr key={i} className={isReturnedLine(r) ? 'attention' : undefined}>
                  <td><input type="checkbox" aria-label={`选择 ${r.customer} ${r.materialName}`} checked={picked.has(i)} onChange={(e) => { const s = new Set(picked); if (e.target.checked) s.add(i); else s.delete(i); setPicked(s); }} /></td>
                  <td>{r.customer}</td><td>{r.materialName}</td><td>{r.kind}</td><td>{r.copies}</td><td>{r.location}</td>
                  <td>{isReturnedLine(r) ? `已退回：${returnedReason(r)}` : '待点收'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button type="button" className="primary" disabled={busy || picked.size === 0} onClick={() => call({ action: 'confirm-materials', lines: [...picked] })}>确认收到所选 {picked.size} 条</button>
          </div>
          <div className="return-lines">
            <label>有问题的资料，退回原因<input name="returnReason" value={reason} maxLength={300} onChange={(e) => setReason(e.target.value)} placeholder="如：合同原件缺第 3 页；份数与清单不符" /></label>
            <button type="button" disabled={busy || picked.size === 0 || !reason.trim()} onClick={async () => { if (await call({ action: 'return-materials', lines: [...picked], reason })) setReason(''); }}>退回所选 {picked.size} 条给移交人</button>
          </div>
        </>
      )}
    </div>
  );
}

/** D (and re-visits in E): the receiver confirms visits, one or many with the same outcome. */
export function VisitsConfirm({ view, call, busy, onlyRevisits }: PanelProps & { onlyRevisits: boolean }) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [form, setForm] = useState({ actualDate: todayIso(), outcome: '', customerAccepts: '是', followUp: '' });
  useEffect(() => setPicked(new Set()), [view]);
  const revisit = new Set(view.customers.filter((c) => c.revisit).map((c) => c.id));
  const open = view.visits.filter((v) => (onlyRevisits ? revisit.has(v._cid) : v.status !== '已交接'));
  if (!open.length) return <p>{onlyRevisits ? '没有需要重新拜访的客户。' : '全部拜访已确认。'}</p>;
  return (
    <div>
      <table className="data">
        <thead><tr><th><input type="checkbox" aria-label="全选待确认拜访" checked={picked.size === open.length} onChange={(e) => setPicked(e.target.checked ? new Set(open.map((v) => v._cid)) : new Set())} /></th><th>客户</th><th>等级</th><th>计划日期</th><th>方式</th><th>备注</th></tr></thead>
        <tbody>
          {open.map((v) => (
            <tr key={v._cid} className={revisit.has(v._cid) ? 'attention' : undefined}>
              <td><input type="checkbox" aria-label={`选择 ${v.customer}`} checked={picked.has(v._cid)} onChange={(e) => { const s = new Set(picked); if (e.target.checked) s.add(v._cid); else s.delete(v._cid); setPicked(s); }} /></td>
              <td>{v.customer}</td><td>{v.grade}</td><td>{v.plannedDate}</td><td>{v.visitMode}</td><td>{revisit.has(v._cid) ? '抽查未确认，需重新拜访' : v.followUp}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid2 visit-form">
        <label>实际拜访日期<input type="date" value={form.actualDate} onChange={(e) => setForm({ ...form, actualDate: e.target.value })} name="actualDate" /></label>
        <label>客户是否认可新对接人<select value={form.customerAccepts} onChange={(e) => setForm({ ...form, customerAccepts: e.target.value })} name="customerAccepts"><option>是</option><option>否</option></select></label>
        <label className="wide">拜访结果<input value={form.outcome} maxLength={1000} onChange={(e) => setForm({ ...form, outcome: e.target.value })} name="outcome" placeholder="如：已上门介绍新对接人，确认在办订单" /></label>
        <label className="wide">后续跟进（可选）<input value={form.followUp} maxLength={500} onChange={(e) => setForm({ ...form, followUp: e.target.value })} name="followUp" /></label>
      </div>
      <div className="actions"><button type="button" className="primary" disabled={busy || picked.size === 0} onClick={() => call({ action: 'confirm-visit', customerIds: [...picked], ...form })}>确认所选 {picked.size} 位客户已拜访</button></div>
    </div>
  );
}

/** E: the supervisor records each call of the sample. */
export function CallsPanel({ view, call, busy, canRecord }: PanelProps & { canRecord: boolean }) {
  const sampled = view.customers.filter((c) => c.sampled);
  const reason = (id: string) => ({ 'grade-a': 'A 级', forced: '客户有疑问', random: '随机抽取' })[view.sample?.reasons[id] ?? 'random'];
  return (
    <div>
      {view.sample && <p>样本 {view.sample.ids.length} 家（A 级全部，其余按 {Math.round(view.sample.rule.share * 100)}% 随机抽取、至少 {view.sample.rule.min} 家）。抽样种子 <code>{view.sample.seed}</code>，同一种子可复核重现。</p>}
      <table className="data">
        <thead><tr><th>客户</th><th>抽中原因</th><th>电话</th><th>状态</th>{canRecord && <th>记录回访</th>}</tr></thead>
        <tbody>
          {sampled.map((c) => (
            <tr key={c.id} className={c.spot === 'failed' || c.revisit ? 'attention' : undefined} data-customer={c.name}>
              <td>{c.name}</td><td>{reason(c.id)}</td><td>{view.calls.filter((r) => r._cid === c.id).length} 次</td>
              <td>{c.revisit ? '待重新拜访' : { passed: '已确认交接', failed: '未确认', pending: '待回访', 'not-sampled': '' }[c.spot]}</td>
              {canRecord && <td>{c.spot !== 'passed' && !c.revisit && <CallForm customerId={c.id} name={c.name} call={call} busy={busy} />}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CallForm({ customerId, name, call, busy }: { customerId: string; name: string; call: Call; busy: boolean }) {
  const [f, setF] = useState({ reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' });
  return (
    <div className="call-form">
      <select aria-label={`${name} 是否接通`} value={f.reached} onChange={(e) => setF({ ...f, reached: e.target.value })}><option>已接通</option><option>未接通</option><option>号码有误</option></select>
      <select aria-label={`${name} 是否确认已交接`} value={f.handoverConfirmed} onChange={(e) => setF({ ...f, handoverConfirmed: e.target.value })}><option value="是">确认已交接</option><option value="否">未获知交接</option></select>
      <select aria-label={`${name} 满意度`} value={f.satisfaction} onChange={(e) => setF({ ...f, satisfaction: e.target.value })}>{['5', '4', '3', '2', '1'].map((s) => <option key={s} value={s}>{s} 分</option>)}</select>
      <input aria-label={`${name} 问题`} placeholder="客户反映的问题" value={f.issues} maxLength={1000} onChange={(e) => setF({ ...f, issues: e.target.value })} />
      <button type="button" disabled={busy} onClick={() => call({ action: 'record-call', customerId, callDate: todayIso(), ...f })}>记录</button>
    </div>
  );
}
