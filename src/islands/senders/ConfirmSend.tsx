import { useEffect, useState } from 'react';
import { postJson } from '../api.js';
import { useReloadOnHashChange } from '../signing/useReloadOnHashChange.js';
import './senders.css';

/**
 * The sender's confirmation page (/confirm/#t=…, from the "请确认发送" mail): what is waiting
 * to be sent and to whom; one button sends it. Opened again, it shows what was sent.
 */
interface Pending {
  state: 'pending' | 'sent' | 'expired';
  kind: 'case' | 'acknowledgment' | 'process';
  summary: string;
  senderEmail: string;
  recipients: number;
  recipientList: Array<{ name: string; email: string; role?: string }>;
  expiresAt: string;
  confirmedAt: string | null;
  result: { caseNumber: string; caseId?: string; processId?: string; manageUrl?: string } | null;
  firstTime?: boolean;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

export default function ConfirmSend() {
  const [token, setToken] = useState('');
  const [view, setView] = useState<Pending | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useReloadOnHashChange();

  useEffect(() => {
    const t = new URLSearchParams(location.hash.slice(1)).get('t') ?? '';
    setToken(t);
    if (!t) return setError('链接不完整：请直接点击确认邮件中的按钮，或复制完整的链接（包括 # 后面的部分）。');
    void postJson<Pending>('/api/confirm', { action: 'view', token: t }).then((r) => (r.ok ? setView(r.data) : setError(r.error)));
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError('');
    const r = await postJson<Pending>('/api/confirm', { action: 'confirm', token });
    setBusy(false);
    if (r.ok) setView(r.data);
    else setError(r.error);
  };

  return (
    <div className="confirm-page">
      <h1>确认发送</h1>
      {error && <p className="alert" role="alert" data-testid="confirm-error">{error}</p>}
      {view && (
        <>
          <dl>
            <dt>发起人</dt><dd>{view.senderEmail}</dd>
            <dt>内容</dt><dd data-testid="confirm-summary">{view.summary}</dd>
            <dt>收件人</dt><dd>共 {view.recipients} 人</dd>
          </dl>
          {view.state === 'pending' && (
            <>
              <ul className="recipients" aria-label="将收到邮件的人">
                {view.recipientList.map((r) => <li key={r.email}>{r.role ? `${r.role} ` : ''}{r.name} &lt;{r.email}&gt;</li>)}
                {view.recipients > view.recipientList.length && <li>……共 {view.recipients} 人</li>}
              </ul>
              <p className="notice">目前尚未向任何人发送。点击“确认发送”后，系统才会发邮件给以上各方。此链接 {when(view.expiresAt)}（北京时间）前有效。</p>
              <p>如果这不是您本人发起的，请直接关闭本页面：什么都不会发出。</p>
              <p><button type="button" className="primary" onClick={confirm} disabled={busy}>{busy ? '正在发送…' : '确认发送'}</button></p>
            </>
          )}
          {view.state === 'expired' && (
            <p className="alert" role="alert" data-testid="confirm-expired">确认链接已过期：什么都没有发出。请回到原页面重新发起，系统会再发一封确认邮件。</p>
          )}
          {view.state === 'sent' && view.result && (
            <div className="success" role="status" data-testid="confirm-done">
              {view.firstTime ? (
                <p>已发出：{view.summary}，编号 <strong>{view.result.caseNumber}</strong>。</p>
              ) : (
                <p>这次发送已于 {view.confirmedAt ? when(view.confirmedAt) : ''} 确认并发出，编号 <strong>{view.result.caseNumber}</strong>；无需再次确认。</p>
              )}
              {view.kind === 'process' ? (
                <p>各方（包括您）会收到只属于自己的案件链接邮件，用它查看进度和各项期限。</p>
              ) : view.result.manageUrl ? (
                <p>
                  您的管理链接（已同时发到 {view.senderEmail}；只有持此链接的人能查看进度、提醒和撤销）：
                  <br />
                  <a href={view.result.manageUrl} className="manage-link" data-testid="confirm-manage-link">{view.result.manageUrl}</a>
                </p>
              ) : (
                <p>管理链接在发到 {view.senderEmail} 的“已发出”邮件中。</p>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}
