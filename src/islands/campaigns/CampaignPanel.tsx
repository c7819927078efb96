import { useCallback, useEffect, useMemo, useState } from 'react';
import { postForBlob, postJson } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { labelledTime } from '../../lib/time-format.js';
import type { CampaignView } from '../../lib/campaigns/service.js';
import './campaigns.css';

/**
 * One acknowledgment campaign as HR runs it: progress by department (部门 / 应确认 / 已确认 /
 * 未确认), who has not confirmed, reminders (everyone pending or one person), the roster as
 * CSV or Excel, and 撤回. Used on HR's campaign page (admin session) and on the sender's
 * management page (`manageKey`).
 */
interface Props {
  caseId: string;
  manageKey?: string;
  /** Called when the campaign's state changed here (the management page reloads its timeline). */
  onChange?: () => void;
  /** The admin page shows its own title; the management page has one already. */
  showTitle?: boolean;
}

export function CampaignPanel({ caseId, manageKey, onChange, showTitle = true }: Props) {
  const [view, setView] = useState<CampaignView | null>(null);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState('');
  const [show, setShow] = useState<'pending' | 'all' | 'done'>('pending');
  const [department, setDepartment] = useState('');
  const auth = manageKey ? { key: manageKey } : {};

  const load = useCallback(async () => {
    const r = await postJson<CampaignView>('/api/campaigns', { action: 'view', caseId, ...auth });
    if (r.ok) {
      setView(r.data);
      setError('');
    } else setError(r.error);
  }, [caseId, manageKey]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => void load(), [load]);

  const remind = async (partyId?: string, name?: string) => {
    setBusy(partyId ?? 'all');
    const r = await postJson<{ reminded: number; view: CampaignView }>('/api/campaigns', { action: 'remind', caseId, ...auth, ...(partyId ? { partyId } : {}) });
    setBusy('');
    if (!r.ok) return setError(r.error);
    setView(r.data.view);
    setError('');
    setMessage(partyId ? `已重新发给 ${name}，旧链接已作废。` : `已提醒 ${r.data.reminded} 位未确认的员工（新链接已发出，旧链接作废）。`);
    onChange?.();
  };

  const roster = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    const r = await postForBlob('/api/campaigns', { action: 'roster', caseId, ...auth, format });
    setBusy('');
    if (!r.ok) return setError(r.error);
    downloadBlob(`${view?.title}-确认名单-${view?.caseNumber}.${format}`, r.blob);
  };

  const withdraw = async () => {
    if (!window.confirm('撤回后，所有员工的阅读确认链接立即失效，已收到邮件的员工会收到撤回通知。已确认的记录仍然保留。确定撤回？')) return;
    setBusy('withdraw');
    const r = await postJson<CampaignView>('/api/campaigns', { action: 'withdraw', caseId, ...auth });
    setBusy('');
    if (!r.ok) return setError(r.error);
    setView(r.data);
    setMessage('已撤回，已通知收到链接的员工。');
    onChange?.();
  };

  const people = useMemo(
    () =>
      (view?.staff ?? []).filter(
        (s) => (show === 'all' || (show === 'done') === (s.status === 'signed')) && (!department || (s.department || '（未填部门）') === department),
      ),
    [view, show, department],
  );

  if (!view) return error ? <p className="alert" role="alert">{error}</p> : <p aria-busy="true">正在读取确认进度…</p>;
  const open = view.status === 'open';
  return (
    <div className="camp" data-testid="campaign">
      {showTitle && <h1>{view.title}</h1>}
      <p className="muted">
        编号 {view.caseNumber} · 发起人 {view.senderName} · 发出于 {labelledTime(view.createdAt)}
        {view.publishedVersionId && <> · 制度版本 <span data-testid="campaign-version">{view.publishedVersionId}</span></>}
      </p>
      {error && <p className="alert" role="alert">{error}</p>}
      {message && <p className="success" role="status">{message}</p>}
      <div className="camp-summary" data-testid="campaign-summary">
        <div><span className="muted">状态</span><strong>{view.statusLabel}</strong></div>
        <div><span className="muted">应确认</span><strong>{view.total}</strong></div>
        <div><span className="muted">已确认</span><strong>{view.done}</strong></div>
        <div><span className="muted">未确认</span><strong>{view.pending}</strong></div>
      </div>
      <h2>各部门进度</h2>
      <table className="camp-table" data-testid="department-progress">
        <thead><tr><th>部门</th><th className="num">应确认</th><th className="num">已确认</th><th className="num">未确认</th><th>进度</th></tr></thead>
        <tbody>
          {view.departments.map((d) => (
            <tr key={d.department}>
              <td><button type="button" className="link-like" onClick={() => setDepartment(department === d.department ? '' : d.department)} aria-pressed={department === d.department} title="只看这个部门的人员">{d.department}</button></td>
              <td className="num">{d.total}</td><td className="num">{d.done}</td><td className="num">{d.pending}</td>
              <td><div className="camp-bar" role="img" aria-label={`已确认 ${d.done} / ${d.total}`}><span style={{ width: `${d.total ? Math.round((d.done / d.total) * 100) : 0}%` }} /></div></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        {open && view.pending > 0 && (
          <button type="button" className="primary" disabled={!!busy} onClick={() => void remind()}>{busy === 'all' ? '正在提醒…' : `提醒全部未确认（${view.pending} 人）`}</button>
        )}
        <button type="button" disabled={!!busy} onClick={() => void roster('xlsx')}>{busy === 'xlsx' ? '正在导出…' : '导出名单（Excel）'}</button>
        <button type="button" disabled={!!busy} onClick={() => void roster('csv')}>{busy === 'csv' ? '正在导出…' : '导出名单（CSV）'}</button>
        {open && <button type="button" disabled={!!busy} onClick={() => void withdraw()}>撤回这次确认</button>}
      </div>
      <h2>人员</h2>
      <div className="actions" role="group" aria-label="显示哪些人员">
        {(['pending', 'done', 'all'] as const).map((k) => (
          <button key={k} type="button" aria-pressed={show === k} onClick={() => setShow(k)}>{{ pending: `未确认（${view.pending}）`, done: `已确认（${view.done}）`, all: `全部（${view.total}）` }[k]}</button>
        ))}
        {department && <span className="muted">只看：{department} <button type="button" onClick={() => setDepartment('')}>看全部部门</button></span>}
      </div>
      {people.length ? (
        <table className="camp-table cards" data-testid="campaign-people">
          <thead><tr><th>姓名</th><th>部门</th><th>邮箱</th><th>状态</th><th>确认时间</th><th>操作</th></tr></thead>
          <tbody>
            {people.slice(0, 500).map((s) => (
              <tr key={s.id}>
                <td data-label="姓名">{s.name}</td>
                <td data-label="部门">{s.department || '—'}</td>
                <td data-label="邮箱">{s.email}</td>
                <td data-label="状态"><span className={`badge ${s.status === 'signed' ? 'ok' : ''}`}>{s.statusLabel}</span>{s.reminders ? <span className="muted">（已提醒 {s.reminders} 次）</span> : null}</td>
                <td data-label="确认时间">{s.signedAt ? labelledTime(s.signedAt) : '—'}</td>
                <td>
                  {open && s.status !== 'signed' && (
                    <button type="button" disabled={!!busy} onClick={() => void remind(s.id, s.name)}>{busy === s.id ? '正在提醒…' : '提醒'}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{show === 'pending' ? '没有未确认的人员。' : '没有符合条件的人员。'}</p>
      )}
      {people.length > 500 && <p className="muted">只列出前 500 人；完整名单请导出。</p>}
    </div>
  );
}
