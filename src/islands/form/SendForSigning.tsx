import { memo, useState } from 'react';
import type { FormDefinition } from '../../lib/form-definition.js';
import type { FormValues } from '../../lib/form-data.js';
import { postJson } from '../api.js';
import type { PdfHeader } from './PdfActions.js';
import '../senders/senders.css';

/** 发起签署: each party's name and email (roles and order come from the definition), then send. */
interface Props {
  definition: FormDefinition;
  /** The values as they are now (read when the button is pressed). */
  getValues: () => FormValues;
  header: PdfHeader;
}

export const SendForSigning = memo(function SendForSigning({ definition, getValues, header }: Props) {
  const roles = definition.signing.parties.map((p) => p.label ?? p.role);
  const [open, setOpen] = useState(false);
  const [parties, setParties] = useState(() => roles.map(() => ({ name: '', email: '', phone: '' })));
  // Issue 16: a 6-digit code before the sign button (none: the emailed link alone signs).
  const [verification, setVerification] = useState<'none' | 'email' | 'sms'>('none');
  const [sender, setSender] = useState({ name: '', email: '' });
  const [archiveEmail, setArchiveEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; fields: string[] } | null>(null);
  const [created, setCreated] = useState<{ caseNumber: string; manageUrl: string } | null>(null);
  const [pending, setPending] = useState<{ email: string } | null>(null);

  const send = async () => {
    setBusy(true);
    setProblem(null);
    const r = await postJson<{ caseId: string; caseNumber: string; manageUrl: string } | { pending: true; email: string }>('/api/cases', {
      formId: definition.id,
      // Blank rows are sent as they are: the server drops them after checking, so the row
      // numbers of its errors are those of the table on screen.
      values: getValues(),
      company: header.company.trim() || undefined,
      caseNumber: header.caseNumber.trim() || undefined,
      sender,
      parties: parties.map((p) => ({ name: p.name, email: p.email, ...(verification === 'sms' ? { phone: p.phone } : {}) })),
      archiveEmail: archiveEmail.trim() || undefined,
      verification,
    });
    setBusy(false);
    if (r.ok) {
      if ('pending' in r.data) setPending({ email: r.data.email });
      else setCreated(r.data);
    } else setProblem({ message: r.error, fields: r.fields ?? [] });
  };

  if (!open) {
    return (
      <p className="send-signing">
        <button type="button" className="primary-btn" onClick={() => setOpen(true)}>发起签署…</button>
        <span className="muted"> 按{definition.signing.order === 'sequential' ? '顺序' : '同时'}邮件通知：{roles.join(definition.signing.order === 'sequential' ? ' → ' : '、')}</span>
      </p>
    );
  }
  return (
    <section className="send-panel" aria-labelledby="send-heading">
      <h2 id="send-heading">发起签署</h2>
      {pending ? (
        <div className="send-pending" role="status" data-testid="send-pending">
          <p><strong>请到 {pending.email} 查收确认邮件，点击其中的链接后才会发给各方。</strong></p>
          <p>为防止他人冒用发起人的名义发信，目前尚未向任何人发送。确认后，签署邮件会立即发出{definition.signing.order === 'sequential' ? `（先发给${roles[0]}）` : ''}，您的管理链接也会发到这个邮箱。确认链接 24 小时内有效。</p>
        </div>
      ) : created ? (
        <div className="success" role="status" data-testid="send-done">
          <p>已发起签署，交接编号 <strong>{created.caseNumber}</strong>。签署邮件已发出{definition.signing.order === 'sequential' ? `（先发给${roles[0]}）` : ''}。</p>
          <p>
            您的管理链接（请收藏，只有持此链接的人能查看进度、提醒和撤销）：
            <br />
            <a href={created.manageUrl} data-testid="manage-link">{created.manageUrl}</a>
          </p>
        </div>
      ) : (
        <>
          <div className="send-grid">
            {roles.map((role, i) => (
              <fieldset key={i}>
                <legend>{i + 1}. {role}</legend>
                <label>姓名<input type="text" maxLength={40} value={parties[i].name} onChange={(e) => setParties((ps) => ps.map((p, j) => (j === i ? { ...p, name: e.target.value } : p)))} /></label>
                <label>邮箱<input type="email" maxLength={254} value={parties[i].email} onChange={(e) => setParties((ps) => ps.map((p, j) => (j === i ? { ...p, email: e.target.value } : p)))} /></label>
                {verification === 'sms' && (
                  <label>手机号（接收验证码）<input type="tel" inputMode="tel" autoComplete="off" maxLength={20} value={parties[i].phone} onChange={(e) => setParties((ps) => ps.map((p, j) => (j === i ? { ...p, phone: e.target.value } : p)))} /></label>
                )}
              </fieldset>
            ))}
            <fieldset>
              <legend>发起人（您）</legend>
              <label>姓名<input type="text" maxLength={40} value={sender.name} onChange={(e) => setSender({ ...sender, name: e.target.value })} /></label>
              <label>邮箱<input type="email" maxLength={254} value={sender.email} onChange={(e) => setSender({ ...sender, email: e.target.value })} /></label>
              <label>HR 备案邮箱（可选）<input type="email" maxLength={254} value={archiveEmail} onChange={(e) => setArchiveEmail(e.target.value)} /></label>
            </fieldset>
          </div>
          <fieldset className="send-verification">
            <legend>签署前身份验证</legend>
            <label>
              <input type="radio" name="verification" checked={verification === 'none'} onChange={() => setVerification('none')} />
              不需要：凭邮件中的链接即可签署
            </label>
            <label>
              <input type="radio" name="verification" checked={verification === 'email'} onChange={() => setVerification('email')} data-testid="verify-email" />
              邮箱验证码：签署前输入发到本人邮箱的 6 位验证码
            </label>
            <label>
              <input type="radio" name="verification" checked={verification === 'sms'} onChange={() => setVerification('sms')} />
              短信验证码：签署前输入发到本人手机的 6 位验证码（需填写每位签署人的手机号）
            </label>
          </fieldset>
          {problem && (
            <div className="alert" role="alert" data-testid="send-problem">
              <p>{problem.message}</p>
              {problem.fields.length > 0 && <ul>{problem.fields.slice(0, 10).map((f) => <li key={f}>{f}</li>)}</ul>}
            </div>
          )}
          <p className="actions">
            <button type="button" onClick={send} disabled={busy}>{busy ? '正在发送…' : '发送签署邮件'}</button>
            <button type="button" onClick={() => setOpen(false)}>取消</button>
          </p>
        </>
      )}
    </section>
  );
});
