/**
 * The emails of the signing flow, in zh-CN, as HTML and plain text. Every value that came
 * from a user is escaped for HTML and stripped of line breaks for headers.
 */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The day a link expires, as the mails have always written it (2026/12/14); one formatter for every mail. */
const linkDate = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai' });

/**
 * What every mail header built from user text goes through (subjects of the signing and the
 * process mails alike): line breaks, tabs and the Unicode line/paragraph separators become
 * one space, other control and bidi-override characters are dropped, and the result is cut
 * to `max` characters without splitting a surrogate pair.
 */
export function headerSafe(s: string, max = 200): string {
  const clean = s
    .replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  const chars = Array.from(clean);
  return chars.length > max ? chars.slice(0, max).join('').trimEnd() : clean;
}

export interface Mail {
  kind: 'sign-request' | 'reminder' | 'completed' | 'declined' | 'cancelled' | 'question' | 'process-link' | 'process-step' | 'process-returned' | 'process-deadline' | 'customer-notice' | 'admin-link' | 'process-completed';
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
  /**
   * For a document of a customer-handover process: who gets it back when a signer sends it
   * back (“移交人 欧阳明远”). Such a document is returned for correction, never declined for good.
   */
  returnsTo?: string | null;
  /** A policy sent to staff for 已阅读并同意: its mails speak of reading and confirming, never of signing. */
  acknowledgment?: boolean;
}

export function signRequestMail(c: CaseSummary, party: { name: string; email: string; role: string }, url: string, expiresAt: Date, reminder = false): Mail {
  const title = `${reminder ? '提醒：' : ''}请签署《${c.title}》（${c.caseNumber}）`;
  const body = layout(
    title,
    [
      `${party.name}，您好：`,
      `${c.senderName}${c.company ? `（${c.company}）` : ''}请您以“${party.role}”身份查阅并签署《${c.title}》，交接编号 ${c.caseNumber}。`,
      c.returnsTo
        ? `打开链接后可先下载 PDF 查看，再手写或输入姓名签署；如需修改，可以写明意见退回修改，文件会退回${c.returnsTo}修改后重新提交，交接案件继续进行。`
        : '打开链接后可先下载 PDF 查看，再手写或输入姓名签署；如有异议，也可以填写原因后拒签。',
      `此链接仅供您本人使用，${linkDate.format(expiresAt)} 前有效，只能签署一次；签署后再打开，只读显示您已签署的文件，直到链接过期。`,
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
      `${c.senderName}${c.company ? `（${c.company}）` : ''}发布了《${c.title}》，请您阅读全文后点击“已阅读并同意”确认；如有疑问，可以在页面上“向 HR 提问”。`,
      `此链接仅供您本人使用，${linkDate.format(expiresAt)} 前有效。`,
    ],
    { label: '阅读并确认', url },
  );
  return { kind: reminder ? 'reminder' : 'sign-request', to: party.email, subject: headerSafe(title), ...body };
}

export function completedMail(c: CaseSummary, to: string, verifyUrl: string): Mail {
  const title = c.acknowledgment ? `《${c.title}》（${c.caseNumber}）全员已阅读确认` : `《${c.title}》（${c.caseNumber}）已全部签署完成`;
  const body = layout(title, [
    c.acknowledgment
      ? '名单上的全部员工均已确认“已阅读并同意”。附件是加盖了数字签名的确认记录 PDF（制度全文及每位员工的确认时间），请妥善保存。'
      : '所有参与方均已签署。附件是加盖了数字签名的最终 PDF（含审计页），请妥善保存。',
    `如需核验文件是否被改动，可在 ${verifyUrl} 上传该 PDF。`,
  ]);
  return { kind: 'completed', to, subject: headerSafe(title), attachFinal: true, ...body };
}

export function endedMail(c: CaseSummary, to: string, how: 'declined' | 'cancelled', detail: string): Mail {
  const title = `《${c.title}》（${c.caseNumber}）${how === 'declined' ? '已被拒签' : c.acknowledgment ? '已撤回' : '已撤销'}`;
  const body = layout(title, [detail, c.acknowledgment ? '此前发出的阅读确认链接均已失效，无需再确认。' : '此前发出的签署链接均已失效。']);
  return { kind: how, to, subject: headerSafe(title), ...body };
}

/** An employee's question about a policy: to HR (the sender) only; the acknowledgment goes on. */
export function questionMail(c: CaseSummary, to: string, party: { name: string; email: string; department?: string | null }, question: string): Mail {
  const title = `员工提问：《${c.title}》（${c.caseNumber}）`;
  const body = layout(title, [
    `${party.name}（${party.email}${party.department ? `，${party.department}` : ''}）阅读《${c.title}》后提出了以下问题：`,
    question,
    `请直接回复该员工（${party.email}）。提问不会终止确认：其他员工照常确认，该员工也仍可以确认。`,
  ]);
  return { kind: 'question', to, subject: headerSafe(title), ...body };
}
