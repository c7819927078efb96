import { useEffect, useRef, useState } from 'react';
import { linkParams, postForBlob, postJson } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad.js';
import { DocumentViewer } from './DocumentViewer.js';
import { useReadingProgress } from './useReadingProgress.js';
import { TypedSignaturePreview } from './TypedSignaturePreview.js';
import { useReloadOnHashChange } from './useReloadOnHashChange.js';
import { PARTY_LABEL, PROCESS_PARTY_LABEL } from './labels.js';
import { VerificationStep } from './VerificationStep.js';
import './signing.css';

/**
 * The page a party reaches from their email: read, then sign (drawn or typed) or decline. A
 * policy acknowledgment is confirmed or questioned (向 HR 提问), never declined: one person's
 * objection must not end it for everyone. A document of a customer-handover process is not
 * declined either: it is sent back (退回修改) to the stage's owner, who corrects it and
 * submits it again while the process goes on — the page says so.
 */
interface PartyView {
  kind: 'form' | 'acknowledgment';
  caseNumber: string;
  title: string;
  company: string | null;
  senderName: string;
  status: string;
  order: 'sequential' | 'parallel';
  you: { role: string; name: string; status: string };
  parties: Array<{ role: string; name: string; status: string; signedAt: string | null }>;
  canSign: boolean;
  notice: string | null;
  /** A process document: who gets it back for correction (“移交人 欧阳明远”). */
  returnsTo: string | null;
  /** Signed; the signature is being stamped into the document (seconds): asked again until the copy exists. */
  preparing: boolean;
}

/** How often, and how long, the page asks whether the signed copy is ready. */
const PREPARING_POLL_MS = 1_500;
const PREPARING_POLL_LIMIT = 80;

export default function SignPage() {
  const [link, setLink] = useState<{ caseId: string; secret: string } | null>(null);
  const [view, setView] = useState<PartyView | null>(null);
  const [error, setError] = useState('');
  const [mode, setMode] = useState<'draw' | 'type'>('draw');
  const [typed, setTyped] = useState('');
  const [padEmpty, setPadEmpty] = useState(true);
  const [consent, setConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const [question, setQuestion] = useState('');
  const [asked, setAsked] = useState('');
  // The code step (when the case asks for one) must pass before the sign button shows.
  const [verified, setVerified] = useState(false);
  const pad = useRef<SignaturePadHandle>(null);
  const reading = useReadingProgress();
  // WeChat's browser blocks downloads: the document is read in the page, the download needs the system browser.
  const [inWeChat] = useState(() => /MicroMessenger/i.test(navigator.userAgent));

  /** The stamped PDF as the viewer draws it (the current one: it changes as parties sign). */
  const loadDocument = async () => {
    if (!link) return null;
    const r = await postForBlob('/api/sign', { action: 'document', caseId: link.caseId, token: link.secret });
    if (!r.ok) return null;
    return new Uint8Array(await r.blob.arrayBuffer());
  };

  useReloadOnHashChange();

  useEffect(() => {
    const l = linkParams('t');
    setLink(l);
    if (!l.caseId || !l.secret) {
      setError('链接不完整：请直接点击邮件中的按钮，或复制完整的链接（包括 # 后面的部分）。');
      return;
    }
    void postJson<PartyView>('/api/sign', { action: 'view', caseId: l.caseId, token: l.secret }).then((r) => {
      if (r.ok) {
        setView(r.data);
        setTyped(r.data.you.name);
      } else setError(r.error);
    });
  }, []);

  // The signature is recorded; a job stamps it into the document. Ask until the copy exists
  // (then the viewer loads it), for a couple of minutes at most.
  const preparing = view?.preparing ?? false;
  useEffect(() => {
    if (!preparing || !link) return;
    let polls = 0;
    const timer = setInterval(() => {
      if (++polls > PREPARING_POLL_LIMIT) {
        clearInterval(timer);
        setError('签署副本生成得比平时慢：您的签名已记录，请稍后刷新本页查看。');
        return;
      }
      void postJson<PartyView>('/api/sign', { action: 'view', caseId: link.caseId, token: link.secret }).then((r) => {
        if (r.ok && !r.data.preparing) {
          clearInterval(timer);
          setView(r.data);
        }
      });
    }, PREPARING_POLL_MS);
    return () => clearInterval(timer);
  }, [preparing, link]);

  const download = async () => {
    if (!link) return;
    const r = await postForBlob('/api/sign', { action: 'document', caseId: link.caseId, token: link.secret });
    if (r.ok) downloadBlob(`${view?.title ?? '交接文件'}-${view?.caseNumber ?? ''}.pdf`, r.blob);
    else setError(r.error);
  };

  /** Signs with a drawn or typed signature (an acknowledgment is a typed one). */
  const submit = async (kind: 'draw' | 'type' = mode) => {
    if (!link || !view) return;
    const signature = kind === 'draw' ? { kind: 'drawn' as const, png: pad.current?.toPng() ?? '' } : { kind: 'typed' as const, text: typed.trim() };
    if (signature.kind === 'drawn' && !signature.png) return setError('请先在签名区手写签名，或改用“输入姓名”。');
    if (signature.kind === 'typed' && !signature.text) return setError('请输入姓名。');
    setBusy(true);
    setError('');
    const r = await postJson<PartyView>('/api/sign', { action: 'sign', caseId: link.caseId, token: link.secret, consent, signature, reading: reading.record() });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setView(r.data);
    if (r.data.kind === 'acknowledgment') return setDone('已确认：您已阅读并同意本制度。');
    setDone(
      r.data.status === 'completed'
        ? '签署成功！所有人都已签署，最终文件已通过邮件发送给各方。'
        : '签署成功！您的签名已记录。我们会通知下一位签署人，全部完成后您会收到最终文件。',
    );
  };

  const returnsTo = view?.returnsTo ?? null;
  const decline = async () => {
    if (!link) return;
    setBusy(true);
    const r = await postJson<{ ok: true }>('/api/sign', { action: 'decline', caseId: link.caseId, token: link.secret, reason });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setDeclining(false);
    setView(null);
    setDone(
      returnsTo
        ? `已退回修改：文件已退回给${returnsTo}，并附上您的意见。交接案件继续进行；修改后重新提交时，您会再次收到签署邮件。`
        : '您已拒签，发起人会收到您填写的原因。流程已终止。',
    );
  };

  const ask = async () => {
    if (!link) return;
    setBusy(true);
    const r = await postJson<{ ok: true }>('/api/sign', { action: 'question', caseId: link.caseId, token: link.secret, text: question });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError('');
    setAsking(false);
    setQuestion('');
    setAsked(`问题已发给 ${view?.senderName ?? 'HR'}，HR 会通过邮件回复您。提问不影响确认：读完后您仍可以点“已阅读并同意”。`);
  };

  return (
    <div className="sign-page">
      {error && <p className="alert" role="alert" data-testid="sign-error">{error}</p>}
      {done && <p className="success" role="status" data-testid="sign-done">{done}</p>}
      {!view && !error && !done && <p aria-live="polite">正在打开签署文件…</p>}
      {view && (
        <>
          <h1>{view.title}</h1>
          <p className="lead">
            交接编号 {view.caseNumber}{view.company ? ` · ${view.company}` : ''} · 发起人 {view.senderName}
          </p>
          <p>
            您的身份：<strong data-testid="your-role">{view.you.role}</strong>（{view.you.name}）
          </p>
          <ol className="party-progress" aria-label="签署进度">
            {view.parties.map((p, i) => (
              <li key={i} className={`party-${p.status}`}>
                <span className="party-role">{p.role}</span> {p.name} — <span data-testid={`party-status-${i}`}>{(view.returnsTo ? PROCESS_PARTY_LABEL : PARTY_LABEL)[p.status] ?? p.status}</span>
              </li>
            ))}
          </ol>
          {view.preparing ? (
            <p className="notice" role="status" data-testid="sign-preparing">
              签名已记录，正在生成您的签署副本…（通常几秒钟，生成后会自动显示在下方）
            </p>
          ) : inWeChat ? (
            <p className="wechat-hint" data-testid="wechat-hint">
              微信内无法下载：文件已显示在下方，可直接阅读；如需保存 PDF，请点右上角「···」选「在浏览器打开」。
            </p>
          ) : (
            <p>
              <button type="button" onClick={download}>下载 PDF 文件{view.status === 'completed' ? '（最终版）' : ''}</button>
            </p>
          )}
          {link && !view.preparing && <DocumentViewer load={loadDocument} title={view.title} reading={reading} version={`${link.caseId}:${view.status}:${view.you.status}`} />}
          {view.notice && !view.preparing && <p className="notice" data-testid="sign-notice">{view.notice}</p>}
          {view.canSign && link && <VerificationStep link={link} onVerified={setVerified} />}
          {view.canSign && verified && view.kind === 'acknowledgment' && (
            <section className="sign-form" aria-labelledby="ack-heading">
              <h2 id="ack-heading">确认</h2>
              <label className="typed-name">
                姓名
                <input type="text" value={typed} maxLength={40} onChange={(e) => setTyped(e.target.value)} />
              </label>
              <label className="consent">
                <input type="checkbox" checked={consent} disabled={!reading.done} onChange={(e) => setConsent(e.target.checked)} />
                我已完整阅读上述制度，理解并同意遵守。
              </label>
              <div className="actions">
                <button type="button" className="primary" onClick={() => void submit('type')} disabled={busy || !consent || !typed.trim() || !reading.done}>
                  已阅读并同意
                </button>
                {!reading.done && <span className="wait-reading">请先阅读至最后一页，再勾选同意。</span>}
              </div>
            </section>
          )}
          {view.kind === 'acknowledgment' && (
            <section className="sign-form" aria-labelledby="ask-heading">
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
                <p>
                  <button type="button" onClick={() => setAsking(true)}>向 HR 提问…</button>
                </p>
              )}
            </section>
          )}
          {view.canSign && verified && view.kind !== 'acknowledgment' && !declining && (
            <section className="sign-form" aria-labelledby="sign-heading">
              <h2 id="sign-heading">签署</h2>
              <div role="tablist" aria-label="签名方式" className="tabs">
                <button type="button" role="tab" aria-selected={mode === 'draw'} onClick={() => setMode('draw')}>手写签名</button>
                <button type="button" role="tab" aria-selected={mode === 'type'} onClick={() => setMode('type')}>输入姓名</button>
              </div>
              {mode === 'draw' ? (
                <div>
                  <SignaturePad ref={pad} onChange={setPadEmpty} />
                  <div className="pad-actions">
                    <button type="button" onClick={() => pad.current?.undo()} disabled={padEmpty}>撤销一笔</button>
                    <button type="button" onClick={() => pad.current?.clear()} disabled={padEmpty}>清除重写</button>
                  </div>
                </div>
              ) : (
                <>
                  <label className="typed-name">
                    姓名
                    <input type="text" value={typed} maxLength={40} onChange={(e) => setTyped(e.target.value)} />
                  </label>
                  <TypedSignaturePreview text={typed} link={link} />
                </>
              )}
              <label className="consent">
                <input type="checkbox" checked={consent} disabled={!reading.done} onChange={(e) => setConsent(e.target.checked)} />
                我已阅读上述文件，同意使用电子签名签署，其效力与手写签名相同。
              </label>
              {!reading.done && <p className="wait-reading">请先阅读文件至最后一页，再勾选同意并签署。</p>}
              <div className="actions">
                <button type="button" className="primary" onClick={() => void submit()} disabled={busy || !consent}>{busy ? '正在签署…' : '确认签署'}</button>
                <button type="button" onClick={() => setDeclining(true)}>{view.returnsTo ? '退回修改…' : '拒签…'}</button>
              </div>
            </section>
          )}
          {declining && view.kind !== 'acknowledgment' && (
            <section className="sign-form" aria-labelledby="decline-heading">
              <h2 id="decline-heading">{view.returnsTo ? '退回修改' : '拒绝签署'}</h2>
              {view.returnsTo && (
                <p data-testid="return-explain">文件会退回给{view.returnsTo}，按您的意见修改后重新提交，各位签署人再重新签署。交接案件继续进行，不会终止。</p>
              )}
              <label>
                {view.returnsTo ? `修改意见（${view.returnsTo}会看到）` : '拒签原因（发起人会看到）'}
                <textarea value={reason} maxLength={500} rows={3} onChange={(e) => setReason(e.target.value)} />
              </label>
              <div className="actions">
                <button type="button" className="primary" onClick={decline} disabled={busy || reason.trim().length < 2}>{view.returnsTo ? '确认退回修改' : '确认拒签'}</button>
                <button type="button" onClick={() => setDeclining(false)}>返回</button>
              </div>
            </section>
          )}
        </>
      )}
    </div>
  );
}
