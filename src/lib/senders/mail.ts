import { headerSafe, layout } from '../signing/mail.js';
import type { SendOutline, SendResult } from './kinds.js';

/**
 * The two mails a sender gets: "请确认发送" before anything goes to anyone else, and, once
 * sent, the management link (so closing the tab never loses it). Both go to the sender's
 * own address only; user text is escaped by `layout` and made header-safe.
 */
export interface SenderMail {
  kind: 'send-confirm' | 'send-started';
  to: string;
  subject: string;
  text: string;
  html: string;
}

const SHOWN_RECIPIENTS = 10;
const shanghai = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

export function confirmSendMail(o: SendOutline, url: string, expiresAt: Date): SenderMail {
  const title = `请确认发送：${o.summary}`;
  const list = o.recipients.slice(0, SHOWN_RECIPIENTS).map((r) => `${r.role ? `${r.role} ` : ''}${r.name} <${r.email}>`);
  const more = o.recipients.length > SHOWN_RECIPIENTS ? `等，共 ${o.recipients.length} 人` : `，共 ${o.recipients.length} 人`;
  const body = layout(
    title,
    [
      `${o.sender.name}，您好：`,
      `有人在工作交接系统中以您的邮箱（${o.sender.email}）发起了“${o.summary}”，将发邮件给：${list.join('、')}${more}。`,
      '为防止他人冒用您的名义发信，需要您本人点击下面的链接确认后，系统才会发给以上各方；目前尚未向任何人发送。',
      `此链接 ${shanghai(expiresAt)}（北京时间）前有效；确认后，管理链接也会发到本邮箱。`,
      '如果不是您本人发起的，请忽略此邮件：不会向任何人发送。',
    ],
    { label: '确认并发送', url },
  );
  return { kind: 'send-confirm', to: o.sender.email, subject: headerSafe(title), ...body };
}

/** After the parties were mailed: the sender's management link, kept in their mailbox. */
export function sendStartedMail(to: string, summary: string, result: SendResult & { manageUrl: string }): SenderMail {
  const title = `已发出：${summary}（${result.caseNumber}）`;
  const body = layout(
    title,
    [
      `您确认的“${summary}”已发给各方，交接编号 ${result.caseNumber}。`,
      '下面是您的管理链接：可随时查看进度、提醒未处理的人、下载当前和最终的 PDF，或撤销。请妥善保存，不要转发——持有此链接的人都能管理这次发送。',
    ],
    { label: '打开管理页面', url: result.manageUrl },
  );
  return { kind: 'send-started', to, subject: headerSafe(title), ...body };
}
