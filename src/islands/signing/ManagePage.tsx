import { useCallback, useEffect, useState } from 'react';
import { CASE_LABEL, PARTY_LABEL, PROCESS_CASE_LABEL, PROCESS_PARTY_LABEL } from './labels.js';
import { linkParams, postForBlob, postJson } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { useReloadOnHashChange } from './useReloadOnHashChange.js';
import './signing.css';
import { labelledTime } from '../../lib/time-format.js';
import type { RobotDelivery } from '../../lib/robots/deliveries.js';
import { RobotDeliveries } from '../robots/RobotDeliveries.js';
import { RobotChoice } from '../robots/RobotChoice.js';
import type { CaseRobotChoice } from '../../lib/robots/choice.js';
import { CampaignPanel } from '../campaigns/CampaignPanel.js';

/** The sender's private page: who has signed, the timeline, reminders, cancel, documents. */
interface Status {
  caseNumber: string;
  title: string;
  status: 'open' | 'completed' | 'declined' | 'cancelled';
  preparing?: boolean;
  order: string;
  /** Set for a document of a customer-handover process (sent back for correction, not declined). */
  returnsTo: string | null;
  createdAt: string;
  finalSha256: string | null;
  /** The seal's trusted time-stamp (issue 16): pending while the TSA could not be reached. */
  timestamp?: { state: 'none' } | { state: 'pending'; since: string; attempts: number; error: string | null } | { state: 'done'; at: string };
  parties: Array<{ id: string; role: string; name: string; email: string; status: string; reminders: number; lastSentAt: string | null; signedAt: string | null; declineReason: string | null }>;
  events: Array<{ type: string; at: string; who: string; text?: string }>;
  mail: Array<{ kind: string; to: string; status: string; attempts: number; error: string | null }>;
  robots: RobotDelivery[];
  robotChoice: CaseRobotChoice | null;
}

const EVENT_LABEL: Record<string, string> = { created: '创建', sent: '发送签署邮件', viewed: '查看', signed: '签署', declined: '拒签', reminded: '提醒（旧链接作废）', completed: '全部完成并封存', cancelled: '撤销', question: '向 HR 提问' };
const PROCESS_EVENT_LABEL: Record<string, string> = { ...EVENT_LABEL, declined: '退回修改' };
/** A policy sent to staff is read and confirmed, and withdrawn (撤回) — never signed or 撤销交接. */
const ACK_EVENT_LABEL: Record<string, string> = { ...EVENT_LABEL, sent: '发送阅读确认邮件', signed: '确认已阅读并同意', completed: '全员确认并封存记录', cancelled: '撤回' };
const ACK_CASE_LABEL = { open: '确认中', completed: '全员已确认', declined: '已结束', cancelled: '已撤回' } as const;
const time = (iso: string | null) => labelledTime(iso);

export default function ManagePage() {
  const [link, setLink] = useState({ caseId: '', secret: '' });
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');

  const call = useCallback(async (body: Record<string, unknown>, l = link) => {
    const r = await postJson<Status>('/api/manage', { caseId: l.caseId, key: l.secret, ...body });
    if (r.ok) {
      setStatus(r.data);
      setError('');
    } else setError(r.error);
    return r.ok;
  }, [link]);

  useReloadOnHashChange();

  useEffect(() => {
    const l = linkParams('k');
    setLink(l);
    if (!l.caseId || !l.secret) setError('管理链接不完整：请使用创建时得到的完整链接（包括 # 后面的部分）。');
    else void call({ action: 'status' }, l);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const download = async (which: 'current' | 'final') => {
    const r = await postForBlob('/api/manage', { action: 'document', caseId: link.caseId, key: link.secret, which });
    if (r.ok) downloadBlob(`${status?.title}-${status?.caseNumber}${which === 'final' ? '-已签署' : ''}.pdf`, r.blob);
    else setError(r.error);
  };

  // A new case's document is rendered in the background; look again until its links are out.
  useEffect(() => {
    if (!status?.preparing) return;
    const t = setTimeout(() => void call({ action: 'status' }), 1500);
    return () => clearTimeout(t);
  }, [status, call]);

  const queued = status?.mail.filter((m) => m.status === 'queued') ?? [];
  // Only an acknowledgment campaign has a robot choice of its own (manageStatus gives null otherwise).
  const ack = !!status && status.robotChoice !== null;
  const eventLabel = ack ? ACK_EVENT_LABEL : status?.returnsTo ? PROCESS_EVENT_LABEL : EVENT_LABEL;
  return (
    <div className="manage-page">
      {error && <p className="alert" role="alert" data-testid="manage-error">{error}</p>}
      {message && <p className="success" role="status">{message}</p>}
      {status && (
        <>
          <h1>{status.title}</h1>
          <p data-testid="ack-progress">
            {ack ? '已确认' : '已完成'} {status.parties.filter((p) => p.status === 'signed').length} / {status.parties.length} 人
          </p>
          <p className="lead">
            {ack ? '编号' : '交接编号'} {status.caseNumber} · 状态：<strong data-testid="case-status">{(ack ? ACK_CASE_LABEL : status.returnsTo ? PROCESS_CASE_LABEL : CASE_LABEL)[status.status]}</strong> · 创建于 {time(status.createdAt)}
          </p>
          {queued.length > 0 && (
            <p className="notice" data-testid="mail-queued">
              有 {queued.length} 封邮件尚未发出{queued[0].error ? `（${queued[0].error}）` : ''}，系统会自动重试。
            </p>
          )}
          {ack ? (
            <>
              <CampaignPanel caseId={link.caseId} manageKey={link.secret} showTitle={false} onChange={() => void call({ action: 'status' })} />
              <p className="actions">
                <button type="button" onClick={() => download('current')}>下载制度 PDF</button>
                {status.status === 'completed' && <button type="button" className="primary" onClick={() => download('final')}>下载全员确认记录</button>}
              </p>
            </>
          ) : (
          <>
          <table className="manage-table">
            <thead><tr><th>角色</th><th>姓名</th><th>邮箱</th><th>状态</th><th>最近发送</th><th>签署时间</th><th>操作</th></tr></thead>
            <tbody>
              {status.parties.map((p) => (
                <tr key={p.id} data-testid="manage-party">
                  <td>{p.role}</td>
                  <td>{p.name}</td>
                  <td>{p.email}</td>
                  <td>{(status.returnsTo ? PROCESS_PARTY_LABEL : PARTY_LABEL)[p.status] ?? p.status}{p.declineReason ? `：${p.declineReason}` : ''}</td>
                  <td>{time(p.lastSentAt)}{p.reminders ? `（已提醒 ${p.reminders} 次）` : ''}</td>
                  <td>{time(p.signedAt)}</td>
                  <td>
                    {status.status === 'open' && (p.status === 'sent' || p.status === 'viewed') && (
                      <button type="button" onClick={async () => (await call({ action: 'remind', partyId: p.id })) && setMessage(`已重新发送给 ${p.name}，旧链接已作废。`)}>
                        提醒
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {status.preparing && (
            <p className="notice" role="status" data-testid="case-preparing">
              正在生成交接文件，生成后会自动向签署人发出邀请（通常只需几秒钟）。
            </p>
          )}
          <p className="actions">
            {!status.preparing && <button type="button" onClick={() => download('current')}>下载当前文件</button>}
            {status.status === 'completed' && <button type="button" className="primary" onClick={() => download('final')}>下载最终文件</button>}
            {status.status === 'open' && status.parties.some((p) => p.status === 'sent' || p.status === 'viewed') && (
              <button type="button" onClick={async () => (await call({ action: 'remind-all' })) && setMessage('已重新发送给所有未完成的人，旧链接已作废。')}>
                提醒所有未完成的人
              </button>
            )}
            {status.status === 'open' && (
              <button
                type="button"
                onClick={async () => {
                  if (window.confirm('撤销后所有签署链接立即失效，且无法恢复。确定撤销？')) {
                    if (await call({ action: 'cancel' })) setMessage('已撤销，已通知收到链接的各方。');
                  }
                }}
              >
                撤销交接
              </button>
            )}
          </p>
          </>
          )}
          <RobotChoice
            choice={status.robotChoice}
            onSave={async (robots) => {
              const ok = await call({ action: 'set-robots', robots });
              if (ok) setMessage(robots ? '已保存：这次确认的通知只发到所选的群。' : '已恢复默认：按“群机器人通知”页的设置通知。');
              return ok;
            }}
          />
          <RobotDeliveries items={status.robots} />
          {status.finalSha256 && <p className="muted">最终文件 SHA-256：<code>{status.finalSha256}</code></p>}
          {status.timestamp?.state === 'pending' && (
            <p className="notice" data-testid="timestamp-pending">
              等待可信时间戳：时间戳服务暂时无法连接（{time(status.timestamp.since)} 起，已尝试 {status.timestamp.attempts} 次）。最终文件已签署、封存并发出，系统会自动重试；加上时间戳后，文件摘要会更新，之前发出的版本仍可核验。
            </p>
          )}
          {status.timestamp?.state === 'done' && <p className="muted" data-testid="timestamp-done">可信时间戳已于 {time(status.timestamp.at)} 补加到最终文件。</p>}
          <h2>时间线</h2>
          <ol className="timeline" data-testid="timeline">
            {status.events.map((e, i) => (
              <li key={i}>{time(e.at)} · {eventLabel[e.type] ?? e.type}{e.who ? ` · ${e.who}` : ''}{e.text ? `：${e.text}` : ''}</li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
