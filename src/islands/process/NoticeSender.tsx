import { useEffect, useMemo, useRef, useState } from 'react';
import { postJson } from '../api.js';
import type { ProcessView } from '../../lib/process/view.js';
import type { NoticePreview } from '../../lib/process/operations.js';
import type { NoticeSelection } from '../../lib/process/requests.js';

type Mode = 'all' | 'grade' | 'customers';

interface Props {
  customers: ProcessView['customers'];
  link: { processId: string; token: string };
  call: (body: Record<string, unknown>) => Promise<boolean>;
  busy: boolean;
  /** Customers ticked in the customer table (mode “指定客户”). */
  picked: Set<string>;
  /** Turns the customer table's tick boxes on or off. */
  setPicking: (on: boolean) => void;
  onClose: () => void;
}

/**
 * Customer notices: choose whom (all, some grades, ticked customers), let the server count
 * who would get one and who is skipped, confirm that count in a dialog, then send. The
 * server sends to exactly that selection and refuses if the count changed meanwhile.
 */
export function NoticeSender({ customers, link, call, busy, picked, setPicking, onClose }: Props) {
  const [mode, setMode] = useState<Mode>('all');
  const [grades, setGrades] = useState<string[]>([]);
  const [preview, setPreview] = useState<(NoticePreview & { selection: NoticeSelection }) | null>(null);
  const [error, setError] = useState('');
  const [checking, setChecking] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  const byGrade = useMemo(() => {
    const m = new Map<string, number>();
    for (const c of customers) if (c.grade.trim()) m.set(c.grade.trim(), (m.get(c.grade.trim()) ?? 0) + 1);
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [customers]);
  const told = customers.filter((c) => c.notice !== 'none').length;

  useEffect(() => {
    setPicking(mode === 'customers');
    return () => setPicking(false);
  }, [mode, setPicking]);
  useEffect(() => {
    if (preview) dialog.current?.showModal();
  }, [preview]);

  const selection = (): NoticeSelection | null => {
    if (mode === 'all') return { kind: 'all' };
    if (mode === 'grade') return grades.length ? { kind: 'grade', grades } : null;
    return picked.size ? { kind: 'customers', ids: [...picked] } : null;
  };
  const chosen = selection();

  const check = async () => {
    if (!chosen) return;
    setChecking(true);
    const r = await postJson<{ preview: NoticePreview }>('/api/process', { action: 'preview-notices', processId: link.processId, ...(link.token ? { token: link.token } : {}), selection: chosen });
    setChecking(false);
    if (!r.ok) return setError(r.error);
    setError('');
    setPreview({ ...r.data.preview, selection: chosen });
  };
  const closeDialog = () => {
    dialog.current?.close();
    setPreview(null);
  };
  const send = async () => {
    if (!preview) return;
    const ok = await call({ action: 'send-notices', selection: preview.selection, expected: preview.recipients });
    closeDialog();
    if (ok) onClose();
  };

  return (
    <section className="notice-sender" aria-labelledby="notice-sender-heading" data-testid="notice-sender">
      <h2 id="notice-sender-heading">向客户发送交接告知</h2>
      <p className="muted">客户会收到对接人变更通知，可在线确认或留言提问。已发送 {told} 位，共 {customers.length} 位；已发送过或没有邮箱的客户会自动跳过。</p>
      <fieldset>
        <legend>通知哪些客户</legend>
        <label className="choice">
          <input type="radio" name="notice-mode" checked={mode === 'all'} onChange={() => setMode('all')} />
          全部客户（{customers.length} 位）
        </label>
        <label className="choice">
          <input type="radio" name="notice-mode" checked={mode === 'grade'} onChange={() => setMode('grade')} />
          按客户等级
        </label>
        {mode === 'grade' && (
          <div className="choice-sub" role="group" aria-label="客户等级">
            {byGrade.map(([g, n]) => (
              <label key={g} className="choice">
                <input type="checkbox" checked={grades.includes(g)} onChange={(e) => setGrades(e.target.checked ? [...grades, g] : grades.filter((x) => x !== g))} />
                {g} 级（{n} 位）
              </label>
            ))}
          </div>
        )}
        <label className="choice">
          <input type="radio" name="notice-mode" checked={mode === 'customers'} onChange={() => setMode('customers')} />
          指定客户
        </label>
        {mode === 'customers' && <p className="choice-sub muted" data-testid="notice-picked">请在下方客户表中勾选（已选 {picked.size} 位）。</p>}
      </fieldset>
      {error && <p className="alert" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" className="primary" disabled={!chosen || checking || busy} onClick={() => void check()}>{checking ? '正在核对…' : '核对人数…'}</button>
        <button type="button" onClick={onClose}>取消</button>
      </div>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby="notice-confirm-heading" onClose={() => setPreview(null)}>
        {preview && (
          <>
            <h2 id="notice-confirm-heading">确认发送交接告知</h2>
            <p data-testid="notice-confirm-text">{preview.text}</p>
            <p className="muted">邮件发出后不能撤回；每位客户只会收到一次。</p>
            <div className="actions">
              {preview.recipients > 0 && (
                <button type="button" className="primary" disabled={busy} onClick={() => void send()}>{busy ? '正在发送…' : `确认发送 ${preview.recipients} 封`}</button>
              )}
              <button type="button" onClick={closeDialog}>返回修改</button>
            </div>
          </>
        )}
      </dialog>
    </section>
  );
}
