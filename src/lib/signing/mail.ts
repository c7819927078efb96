/**
 * The emails of the signing flow, in zh-CN, as HTML and plain text. Every value that came
 * from a user is escaped for HTML and stripped of line breaks for headers.
 */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const headerSafe = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim().slice(0, 200);

export interface Mail {
  kind: 'sign-request' | 'reminder' | 'completed' | 'declined' | 'cancelled' | 'process-link' | 'process-step' | 'process-returned' | 'process-deadline' | 'customer-notice' | 'admin-link' | 'process-completed';
  to: string;
  subject: string;
  text: string;
  html: string;
  attachFinal?: boolean;
}

export function layout(title: string, paragraphs: string[], action?: { label: string; url: string }): { text: string; html: string } {
  const text = [title, '', ...paragraphs, ...(action ? ['', `${action.label}：${action.url}`] : []), '', '—— 工作交接 Handover Kit（系统邮件，请勿直接回复）'].join('\n');
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;line-height:1.7">
<h2 style="font-size:18px">${escapeHtml(title)}</h2>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${action ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#b4232c;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#59636e">如果按钮无法点击，请复制此链接到浏览器：<br>${escapeHtml(action.url)}</p>` : ''}
<p style="font-size:12px;color:#59636e">—— 工作交接 Handover Kit（系统邮件，请勿直接回复）</p>
</body></html>`;
  return { text, html };
}

export interface CaseSummary {
  title: string;
  caseNumber: string;
  company?: string | null;
  senderName: string;
}

export function signRequestMail(c: CaseSummary, party: { name: string; email: string; role: string }, url: string, expiresAt: Date, reminder = false): Mail {
  const title = `${reminder ? '提醒：' : ''}请签署《${c.title}》（${c.caseNumber}）`;
  const body = layout(
    title,
    [
      `${party.name}，您好：`,
      `${c.senderName}${c.company ? `（${c.company}）` : ''}请您以“${party.role}”身份查阅并签署《${c.title}》，交接编号 ${c.caseNumber}。`,
      '打开链接后可先下载 PDF 查看，再手写或输入姓名签署；如有异议，也可以填写原因后拒签。',
      `此链接仅供您本人使用，${expiresAt.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })} 前有效，签署一次后即失效。`,
    ],
    { label: '查看并签署', url },
  );
  return { kind: reminder ? 'reminder' : 'sign-request', to: party.email, subject: headerSafe(title), ...body };
}

export function ackRequestMail(c: CaseSummary, party: { name: string; email: string }, url: string, expiresAt: Date, reminder = false): Mail {
  const title = `${reminder ? '提醒：' : ''}请阅读并确认《${c.title}》`;
  const body = layout(
    title,
    [
      `${party.name}，您好：`,
      `${c.senderName}${c.company ? `（${c.company}）` : ''}发布了《${c.title}》，请您阅读全文后点击“已阅读并同意”确认。`,
      `此链接仅供您本人使用，${expiresAt.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })} 前有效。`,
    ],
    { label: '阅读并确认', url },
  );
  return { kind: reminder ? 'reminder' : 'sign-request', to: party.email, subject: headerSafe(title), ...body };
}

export function completedMail(c: CaseSummary, to: string, verifyUrl: string): Mail {
  const title = `《${c.title}》（${c.caseNumber}）已全部签署完成`;
  const body = layout(title, [
    '所有参与方均已签署。附件是加盖了数字签名的最终 PDF（含审计页），请妥善保存。',
    `如需核验文件是否被改动，可在 ${verifyUrl} 上传该 PDF。`,
  ]);
  return { kind: 'completed', to, subject: headerSafe(title), attachFinal: true, ...body };
}

export function endedMail(c: CaseSummary, to: string, how: 'declined' | 'cancelled', detail: string): Mail {
  const title = `《${c.title}》（${c.caseNumber}）${how === 'declined' ? '已被拒签' : '已撤销'}`;
  const body = layout(title, [detail, '此前发出的签署链接均已失效。']);
  return { kind: how, to, subject: headerSafe(title), ...body };
}
