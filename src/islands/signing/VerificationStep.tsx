import { useEffect, useRef, useState, type FormEvent } from 'react';
import { postJson } from '../api.js';

/**
 * The step before the sign button when a case asks for a code (issue 16): the party asks for
 * a 6-digit code sent to their mailbox or phone and enters it. A case without codes renders
 * nothing and lets the page go straight on. Phone friendly: a numeric keypad and the
 * system's one-time-code autofill; resend with a countdown.
 */
interface State {
  required: boolean;
  channel: 'email' | 'sms';
  verified: boolean;
  verifiedUntil: string | null;
  sent: { channel: 'email' | 'sms'; maskedTo: string; expiresAt: string } | null;
  resendInSeconds: number;
}

const CHANNEL = { email: '邮箱', sms: '手机' } as const;
const hhmm = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });

export function VerificationStep({ link, onVerified }: { link: { caseId: string; secret: string }; onVerified: (verified: boolean) => void }) {
  const [state, setState] = useState<State | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [wait, setWait] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const apply = (s: State) => {
    setState(s);
    setWait(s.resendInSeconds);
    onVerified(!s.required || s.verified);
  };

  useEffect(() => {
    void postJson<State>('/api/sign', { action: 'verification', caseId: link.caseId, token: link.secret }).then((r) => {
      if (r.ok) apply(r.data);
      else setError(r.error);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [link.caseId, link.secret]);

  // The resend countdown.
  useEffect(() => {
    if (wait <= 0) return;
    const t = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(t);
  }, [wait]);

  if (!state || !state.required) return error ? <p className="alert" role="alert">{error}</p> : null;

  if (state.verified) {
    return (
      <p className="success verification-done" role="status" data-testid="verification-done">
        ✓ 已验证身份{state.verifiedUntil ? `，请在 ${hhmm(state.verifiedUntil)} 前完成签署` : ''}。
      </p>
    );
  }

  const send = async () => {
    setBusy(true);
    setError('');
    const r = await postJson<State>('/api/sign', { action: 'send-code', caseId: link.caseId, token: link.secret });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    apply(r.data);
    setCode('');
    input.current?.focus();
  };

  const check = async (e: FormEvent) => {
    e.preventDefault();
    const digits = code.replace(/\D/g, '');
    if (digits.length !== 6) return setError('请输入 6 位数字验证码。');
    setBusy(true);
    setError('');
    const r = await postJson<{ verified: true; verifiedUntil: string }>('/api/sign', { action: 'check-code', caseId: link.caseId, token: link.secret, code: digits });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      input.current?.select();
      return;
    }
    apply({ ...state, verified: true, verifiedUntil: r.data.verifiedUntil });
  };

  const where = CHANNEL[state.sent?.channel ?? state.channel];
  return (
    <section className="sign-form verification-step" aria-labelledby="verify-heading" data-testid="verification-step">
      <h2 id="verify-heading">验证身份</h2>
      <p>为确认是您本人签署，请获取并输入发送到您{where}的 6 位验证码。验证后 30 分钟内可以签署。</p>
      {state.sent && (
        <p className="muted" role="status" data-testid="code-sent">
          验证码已发送至 <strong>{state.sent.maskedTo}</strong>，{hhmm(state.sent.expiresAt)} 前有效（10 分钟）。{state.sent.channel === 'email' ? '没收到？请查看垃圾邮件文件夹。' : ''}
        </p>
      )}
      <form className="code-form" onSubmit={check} noValidate>
        <label htmlFor="verification-code">验证码</label>
        <div className="code-row">
          <input
            id="verification-code"
            ref={input}
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
            aria-describedby={error ? 'verification-error' : undefined}
            aria-invalid={error ? true : undefined}
            data-testid="code-input"
          />
          <button type="submit" className="primary" disabled={busy || code.length !== 6}>验证</button>
        </div>
        <p>
          <button type="button" onClick={() => void send()} disabled={busy || wait > 0} data-testid="send-code">
            {wait > 0 ? `重新获取（${wait} 秒）` : state.sent ? '重新获取验证码' : '获取验证码'}
          </button>
        </p>
      </form>
      {error && <p className="alert" role="alert" id="verification-error" data-testid="verification-error">{error}</p>}
    </section>
  );
}
