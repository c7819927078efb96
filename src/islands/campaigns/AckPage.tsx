import { useEffect, useRef, useState } from 'react';
import { linkParams, postForBlob } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { useReloadOnHashChange } from '../signing/useReloadOnHashChange.js';
import { labelledTime } from '../../lib/time-format.js';
import './campaigns.css';

/**
 * The page a staff member reaches from a policy mail: the policy as text (readable on a
 * phone, the PDF one tap away), then 已阅读并同意 — or a question to HR. Everything here
 * speaks of reading and confirming: nothing is signed, nothing is handed over.
 */
interface AckView {
  kind: 'form' | 'acknowledgment';
  caseNumber: string;
  title: string;
  company: string | null;
  senderName: string;
  status: string;
  you: { role: string; name: string; status: string };
  parties: Array<{ signedAt: string | null }>;
  canSign: boolean;
  notice: string | null;
  html: string;
  publishedVersionId: string | null;
  /** Pages of the policy PDF (the text shown is all of them); null for older acknowledgments. */
  pageCount: number | null;
}

/** The signing service's refusals, in the words of a read-and-agree. */
const ACK_WORDS: Record<string, string> = {
  expired: '阅读确认链接已过期：请联系 HR 重新发送。',
  invalid: '链接无效（可能被修改或复制不完整）：请直接点击邮件中的原始链接。',
  revoked: '这个链接已失效：HR 已给您发送了新的链接，请使用最新的邮件。',
  'other-case': '链接与这份制度不匹配：请使用该制度邮件中的链接。',
  'document-changed': '制度在发出链接后被修改过，此链接已失效：请联系 HR。',
  cancelled: 'HR 已撤回这份制度确认，无需再确认。',
  completed: '全员都已确认这份制度，无需再确认。',
  'already-signed': '您已经确认过“已阅读并同意”，无需重复确认。',
  'not-found': '找不到这份制度：链接可能不完整。',
  outdated: '这个链接是系统升级前发出的，已失效：请使用最新邮件中的链接，或联系 HR 重新发送。',
};

async function call<T>(body: Record<string, unknown>, url = '/api/campaigns'): Promise<{ ok: true; data: T } | { ok: false; error: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await res.json().catch(() => ({}))) as T & { error?: string; code?: string };
    if (res.ok) return { ok: true, data };
    return { ok: false, error: (data.code && ACK_WORDS[data.code]) || data.error || `请求失败（${res.status}）` };
  } catch {
    return { ok: false, error: '无法连接服务器，请检查网络后重试。' };
  }
}

export default function AckPage() {
  const [link, setLink] = useState<{ caseId: string; secret: string } | null>(null);
  const [view, setView] = useState<AckView | null>(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [consent, setConsent] = useState(false);
  const [readToEnd, setReadToEnd] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const [asking, setAsking] = useState(false);
  const [question, setQuestion] = useState('');
  const [asked, setAsked] = useState('');
  const end = useRef<HTMLDivElement>(null);
  /** When the text appeared: the confirmation records how long the reader took. */
  const shownAt = useRef(0);
  const [inWeChat] = useState(() => /MicroMessenger/i.test(navigator.userAgent));

  useReloadOnHashChange();

  useEffect(() => {
    const l = linkParams('t');
    setLink(l);
    if (!l.caseId || !l.secret) return setError('链接不完整：请直接点击邮件中的按钮，或复制完整的链接（包括 # 后面的部分）。');
    void call<AckView>({ action: 'read', caseId: l.caseId, token: l.secret }).then((r) => {
      if (!r.ok) return setError(r.error);
      setView(r.data);
      setName(r.data.you.name);
      shownAt.current = Date.now();
    });
  }, []);

  // Confirming waits until the end of the text has been on screen (a short policy: at once).
  useEffect(() => {
    if (!view || !end.current) return;
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setReadToEnd(true));
    seen.observe(end.current);
    return () => seen.disconnect();
  }, [view]);

  const download = async () => {
    if (!link) return;
    const r = await postForBlob('/api/sign', { action: 'document', caseId: link.caseId, token: link.secret });
    if (r.ok) downloadBlob(`${view?.title ?? '制度'}-${view?.caseNumber ?? ''}.pdf`, r.blob);
    else setError(r.error);
  };

  const agree = async () => {
    if (!link || !view) return;
    setBusy(true);
    setError('');
    // Confirming is only possible once the end of the text has been on screen: every page of the PDF was read.
    const seconds = Math.min(86_400, Math.max(0, Math.round((Date.now() - shownAt.current) / 1000)));
    const reading = view.pageCount ? { pageCount: view.pageCount, pagesViewed: view.pageCount, seconds } : undefined;
    const r = await call<AckView>({ action: 'sign', caseId: link.caseId, token: link.secret, consent, signature: { kind: 'typed', text: name.trim() }, ...(reading ? { reading } : {}) }, '/api/sign');
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setView({ ...view, ...r.data, html: view.html, publishedVersionId: view.publishedVersionId, pageCount: view.pageCount });
    setDone('已确认：您已阅读并同意本制度。确认记录已保存，可随时下载您的确认回执（PDF）。');
  };

  const ask = async () => {
    if (!link) return;
    setBusy(true);
    const r = await call<{ ok: true }>({ action: 'question', caseId: link.caseId, token: link.secret, text: question }, '/api/sign');
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError('');
    setAsking(false);
    setQuestion('');
    setAsked(`问题已发给 ${view?.senderName ?? 'HR'}，HR 会通过邮件回复您。提问不影响确认：读完后您仍可以点“已阅读并同意”。`);
  };

  const confirmed = view?.you.status === 'signed';
  const confirmedAt = view?.parties[0]?.signedAt ?? null;
  return (
    <div className="ack-page">
      {error && <p className="alert" role="alert" data-testid="sign-error">{error}</p>}
      {done && <p className="success" role="status" data-testid="sign-done">{done}</p>}
      {!view && !error && <p aria-live="polite">正在打开制度全文…</p>}
      {view && (
        <>
          <h1>{view.title}</h1>
          <p className="muted">
            {view.company ? `${view.company} · ` : ''}发布人 {view.senderName} · 编号 {view.caseNumber}
            {view.publishedVersionId ? ` · 制度版本 ${view.publishedVersionId}` : ''}
          </p>
          <p>
            {confirmed ? (
              <span data-testid="ack-state">您已于 {labelledTime(confirmedAt)} 确认“已阅读并同意”。</span>
            ) : (
              <span data-testid="ack-state">请阅读全文，读完后在页面底部确认“已阅读并同意”。</span>
            )}
          </p>
          <p className="actions">
            {inWeChat ? (
              <span className="muted" data-testid="wechat-hint">微信内无法下载 PDF：如需保存，请点右上角「···」选「在浏览器打开」。</span>
            ) : (
              <button type="button" onClick={download}>{confirmed ? '下载 PDF（含我的确认回执）' : '下载 PDF'}</button>
            )}
          </p>
          <article className="policy-text" data-testid="policy-text" dangerouslySetInnerHTML={{ __html: view.html }} />
          <div ref={end} aria-hidden="true" />
          {view.notice && !done && <p className="notice" data-testid="sign-notice">{view.notice}</p>}
          {view.canSign && !confirmed && (
            <section className="ack-box" aria-labelledby="ack-heading">
              <h2 id="ack-heading">阅读确认</h2>
              <label>
                姓名
                <input type="text" value={name} maxLength={40} onChange={(e) => setName(e.target.value)} autoComplete="name" />
              </label>
              <label className="consent">
                <input type="checkbox" checked={consent} disabled={!readToEnd} onChange={(e) => setConsent(e.target.checked)} />
                <span>我已完整阅读上述制度，理解并同意遵守。</span>
              </label>
              {!readToEnd && <p className="reading-hint">请先读到制度末尾，再勾选确认。</p>}
              <div className="actions">
                <button type="button" className="primary" onClick={() => void agree()} disabled={busy || !consent || !name.trim() || !readToEnd}>
                  {busy ? '正在提交…' : '已阅读并同意'}
                </button>
              </div>
            </section>
          )}
          {!confirmed && view.status === 'open' && (
            <section className="ack-box" aria-labelledby="ask-heading">
              <h2 id="ask-heading">有疑问？</h2>
              {asked && <p className="success" role="status" data-testid="question-sent">{asked}</p>}
              {asking ? (
                <>
                  <label>
                    您的问题（只发给 HR，不会发给其他同事）
                    <textarea value={question} maxLength={1000} rows={3} onChange={(e) => setQuestion(e.target.value)} />
                  </label>
                  <div className="actions">
                    <button type="button" className="primary" onClick={ask} disabled={busy || question.trim().length < 2}>发送问题</button>
                    <button type="button" onClick={() => setAsking(false)}>返回</button>
                  </div>
                </>
              ) : (
                <p><button type="button" onClick={() => setAsking(true)}>向 HR 提问…</button></p>
              )}
            </section>
          )}
        </>
      )}
    </div>
  );
}
