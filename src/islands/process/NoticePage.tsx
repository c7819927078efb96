import { useEffect, useState } from 'react';
import { postJson } from '../api.js';
import './process.css';

interface Notice {
  company: string | null;
  customer: string;
  employee: string;
  receiver: { name: string; email: string };
  answer: 'confirmed' | 'concern' | null;
  comment: string;
}

/** What a customer sees from the handover notice: confirm, or leave a concern. */
export default function NoticePage() {
  const [link, setLink] = useState({ processId: '', token: '' });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const l = { processId: new URLSearchParams(location.search).get('p') ?? '', token: new URLSearchParams(location.hash.slice(1)).get('t') ?? '' };
    setLink(l);
    if (!l.processId || !l.token) return setError('链接不完整：请直接点击邮件中的链接。');
    void postJson<Notice>('/api/notice', { action: 'view', ...l }).then((r) => (r.ok ? setNotice(r.data) : setError(r.error)));
  }, []);

  const answer = async (kind: 'confirmed' | 'concern') => {
    setBusy(true);
    const r = await postJson<Notice>('/api/notice', { action: 'answer', ...link, answer: kind, comment });
    setBusy(false);
    if (r.ok) {
      setNotice(r.data);
      setError('');
    } else setError(r.error);
  };

  return (
    <div className="notice-page">
      {error && <p className="alert" role="alert">{error}</p>}
      {notice && (
        <>
          <h1>对接人变更通知</h1>
          <p>{notice.customer}：</p>
          <p>{notice.company ?? '我司'}原负责贵单位业务的 {notice.employee} 因工作变动，今后由 <strong>{notice.receiver.name}</strong>（{notice.receiver.email}）作为贵单位的对接人。</p>
          {notice.answer ? (
            <p className="success" role="status" data-testid="notice-answered">
              {notice.answer === 'confirmed' ? '感谢您的确认！' : `已收到您的反馈：“${notice.comment}”，我们会尽快联系您。`}
            </p>
          ) : (
            <div className="notice-answer">
              <button type="button" className="primary" disabled={busy} onClick={() => answer('confirmed')}>确认已知悉</button>
              <label>如有疑问，请留言（例如从未有人联系过您）
                <textarea value={comment} maxLength={1000} onChange={(e) => setComment(e.target.value)} rows={3} name="comment" />
              </label>
              <button type="button" disabled={busy || comment.trim().length < 2} onClick={() => answer('concern')}>提交疑问</button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
