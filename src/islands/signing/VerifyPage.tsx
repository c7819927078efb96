import { useState } from 'react';
import './signing.css';
import { labelledTime } from '../../lib/time-format.js';

/** Upload a PDF: is it, byte for byte, a final document issued here, and for which case? */
type Result =
  | { valid: true; sha256: string; caseNumber: string; title: string; company: string | null; completedAt: string | null; copyOf?: string }
  | { valid: false; sha256: string };

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
        <div className={result.valid ? 'success verify-result' : 'alert verify-result'} role="status" data-testid="verify-result">
          {result.valid ? (
            <p>
              {result.copyOf ? `✓ 这是本系统签发的 ${result.copyOf} 的个人确认回执，未被改动：` : '✓ 这是本系统签发的最终文件，未被改动：'}《{result.title}》，交接编号 {result.caseNumber}
              {result.completedAt ? `，${result.copyOf ? '确认' : '完成'}于 ${labelledTime(result.completedAt)}` : ''}。
            </p>
          ) : (
            <p>✗ 未找到与此文件完全一致的签发记录：文件可能被修改过，或不是本系统签发的最终版。</p>
          )}
          <p className="muted">SHA-256：<code>{result.sha256}</code></p>
        </div>
      )}
    </div>
  );
}
