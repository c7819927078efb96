import { useState } from 'react';
import './signing.css';
import { labelledTime } from '../../lib/time-format.js';

/**
 * Upload a PDF: is it, byte for byte, a document issued here, and for which case? Who signed
 * and how each proved who they were; what the PDF's own seal says (certificate, whether it
 * still matches the bytes, the trusted time-stamp). The file is only hashed and read.
 */
interface Party {
  role: string;
  name: string;
  signedAt: string | null;
  verification: { method: 'email' | 'sms'; maskedTo: string; at: string } | { method: 'link' };
}
interface Seal {
  signatureValid: boolean;
  coversWholeFile: boolean;
  certificate: { subject: string; issuer: string; notBefore: string; notAfter: string; serialNumber: string; sha256: string } | null;
  signingTime: string | null;
  timestamp: { time: string; authority: string; serialNumber: string; policy: string; valid: boolean } | null;
}
type Result = { sha256: string; parties: Party[]; seal: Seal | null; beforeTimestamp: boolean; timestampStatus: 'none' | 'pending' | 'done' } & (
  | { valid: true; caseNumber: string; title: string; company: string | null; completedAt: string | null; copyOf?: string }
  | { valid: false }
);

const METHOD = { email: '邮箱验证码', sms: '短信验证码' } as const;

function verificationLine(v: Party['verification']): string {
  return v.method === 'link' ? '仅凭邮件链接（未要求验证码）' : `${METHOD[v.method]}：发送至 ${v.maskedTo}，${labelledTime(v.at)} 验证通过`;
}

function SealDetails({ seal }: { seal: Seal }) {
  const intact = seal.signatureValid && seal.coversWholeFile;
  return (
    <section className="verify-seal" aria-labelledby="seal-heading" data-testid="verify-seal">
      <h2 id="seal-heading">电子印章（PDF 数字签名）</h2>
      <p className={intact ? 'seal-ok' : 'seal-bad'} data-testid="seal-integrity">
        {intact
          ? '✓ 签名有效：签名后文件内容没有任何改动。'
          : seal.signatureValid
            ? '✗ 签名本身有效，但签名之后文件又被追加或改动过。'
            : '✗ 签名与文件内容不符：文件在签名后被修改过。'}
      </p>
      {seal.certificate && (
        <dl className="verify-dl">
          <dt>证书主体</dt><dd>{seal.certificate.subject}</dd>
          <dt>颁发者</dt><dd>{seal.certificate.issuer}{seal.certificate.issuer === seal.certificate.subject ? '（自签名证书）' : ''}</dd>
          <dt>有效期</dt><dd>{labelledTime(seal.certificate.notBefore)} 至 {labelledTime(seal.certificate.notAfter)}</dd>
          <dt>SHA-256 指纹</dt><dd><code className="wrap">{seal.certificate.sha256}</code></dd>
          {seal.signingTime && (<><dt>签名时间（服务器时钟）</dt><dd>{labelledTime(seal.signingTime)}</dd></>)}
        </dl>
      )}
      <h3>可信时间戳</h3>
      {seal.timestamp ? (
        <dl className="verify-dl" data-testid="verify-timestamp">
          <dt>时间</dt><dd>{labelledTime(seal.timestamp.time)}</dd>
          <dt>时间戳机构</dt><dd>{seal.timestamp.authority || '（未注明）'}</dd>
          <dt>序列号</dt><dd><code>{seal.timestamp.serialNumber}</code></dd>
          <dt>校验</dt><dd>{seal.timestamp.valid ? '✓ 时间戳签名有效，且对应本文件的签名' : '✗ 时间戳无法校验'}</dd>
        </dl>
      ) : (
        <p className="muted" data-testid="verify-no-timestamp">此文件的签名没有可信时间戳：签名时间只来自服务器时钟。</p>
      )}
    </section>
  );
}

export default function VerifyPage() {
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const check = async (file: File | undefined) => {
    if (!file) return;
    setResult(null);
    setError('');
    if (file.size > 20 * 1024 * 1024) return setError('文件超过 20 MB。');
    setBusy(true);
    try {
      const res = await fetch('/api/verify', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: file });
      const data = await res.json();
      if (res.ok) setResult(data as Result);
      else setError((data as { error?: string }).error ?? '核验失败');
    } catch {
      setError('无法连接服务器，请稍后重试。');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="verify-page">
      <label>
        选择要核验的 PDF：
        <input type="file" accept="application/pdf,.pdf" onChange={(e) => check(e.target.files?.[0])} data-testid="verify-input" />
      </label>
      {busy && <p aria-live="polite">正在核验…</p>}
      {error && <p className="alert" role="alert">{error}</p>}
      {result && (
        <>
          <div className={result.valid ? 'success verify-result' : 'alert verify-result'} role="status" data-testid="verify-result">
            {result.valid ? (
              <p>
                {result.copyOf ? `✓ 这是本系统签发的 ${result.copyOf} 的个人确认回执，未被改动：` : '✓ 这是本系统签发的最终文件，未被改动：'}《{result.title}》，交接编号 {result.caseNumber}
                {result.completedAt ? `，${result.copyOf ? '确认' : '完成'}于 ${labelledTime(result.completedAt)}` : ''}。
              </p>
            ) : (
              <p>✗ 未找到与此文件完全一致的签发记录：文件可能被修改过，或不是本系统签发的最终版。</p>
            )}
            {result.beforeTimestamp && <p>这是加盖可信时间戳之前发出的版本，内容与签署记录一致；系统中的最终文件已补加时间戳，可通过管理链接下载。</p>}
            {result.valid && result.timestampStatus === 'pending' && <p>这份文件正在等待可信时间戳（时间戳服务暂时无法连接，系统会自动补加）。</p>}
            <p className="muted">SHA-256：<code className="wrap">{result.sha256}</code></p>
          </div>
          {result.parties.length > 0 && (
            <section aria-labelledby="parties-heading" data-testid="verify-parties">
              <h2 id="parties-heading">签署人与身份验证</h2>
              <ul className="verify-parties">
                {result.parties.map((p, i) => (
                  <li key={i}>
                    <strong>{p.role} {p.name}</strong>
                    {p.signedAt ? `，签署于 ${labelledTime(p.signedAt)}` : '，未签署'}
                    <br />
                    <span className="muted">身份验证：{verificationLine(p.verification)}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {result.seal ? <SealDetails seal={result.seal} /> : <p className="muted">此 PDF 没有可读取的数字签名。</p>}
        </>
      )}
    </div>
  );
}
