import { PDFDocument } from './pdf-lib.js';
import { PdfWriter } from './writer.js';

/**
 * The audit page appended to a signed document: for each party what they did, when, from
 * where, and the SHA-256 of the document as they signed it. Chinese names are drawn with
 * the same CJK font as the document (other tools print them as empty boxes).
 */
export interface AuditEntry {
  name: string;
  email: string;
  role: string;
  action: string;
  time: string;
  ip: string;
  userAgent: string;
  documentSha256: string;
  /** How the party proved who they were: 邮箱验证码 / 短信验证码 (masked address, time) or 仅凭邮件链接. */
  verification?: string;
}

export interface AuditInput {
  caseNumber: string;
  title: string;
  entries: AuditEntry[];
  /** SHA-256 of the document before this page was added. */
  originalSha256?: string;
  /** A sentence under the introduction (e.g. that a copy lists its holder only). */
  note?: string;
}

const LABELS: Array<[keyof AuditEntry, string]> = [
  ['role', '角色'],
  ['name', '姓名'],
  ['email', '邮箱'],
  ['action', '操作'],
  ['time', '时间'],
  ['verification', '身份验证'],
  ['ip', 'IP 地址'],
  ['userAgent', '浏览器'],
  ['documentSha256', '签署时文档 SHA-256'],
];

export async function appendAuditPage(pdf: Uint8Array, audit: AuditInput): Promise<{ bytes: Uint8Array; missingCharacters: { char: string; codePoint: string }[] }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  // The document's own pages say 第 N 页 / 共 M 页 and cannot be redrawn (their SHA-256 is on
  // record), so the audit page goes on counting after them and says what it is:
  // 第 3 页（审计页，正文共 2 页）.
  const bodyPages = doc.getPageCount();
  const pageLabel = (i: number) => `第 ${bodyPages + i + 1} 页（审计页，正文共 ${bodyPages} 页）`;
  const heading = `审计记录：${audit.title}`;
  const intro = `交接编号：${audit.caseNumber}。以下记录由系统自动生成，列出每一方的操作、时间、来源和当时文档的 SHA-256 摘要，用于核验签署过程。`;
  const hashLine = audit.originalSha256 ? `签署前文档 SHA-256：${audit.originalSha256}` : '';
  const values = audit.entries.flatMap((e) => LABELS.map(([k]) => e[k] ?? ''));
  const w = await PdfWriter.create(doc, {
    // Header and footer are drawn in the regular weight too.
    regular: [intro, hashLine, audit.note ?? '', audit.title, '审计页', pageLabel(0), ...values].join(''),
    bold: [heading, ...LABELS.map(([, l]) => l + '：'), '第一二三四五六七八九十方'].join(''),
  });
  w.newPage();
  w.heading(heading, 14);
  w.paragraph(intro, { size: 9 });
  if (hashLine) w.paragraph(hashLine, { size: 8.5 });
  if (audit.note) w.paragraph(audit.note, { size: 9 });
  audit.entries.forEach((e) => {
    // A line without a value is left out (entries recorded before verification existed).
    const rows = LABELS.filter(([k]) => e[k] !== undefined);
    w.keyValues(rows.map(([k, label]) => ({ label, value: e[k] ?? '', wide: k === 'userAgent' || k === 'documentSha256' || k === 'email' || k === 'verification' })), 8.5);
  });
  w.decoratePages({ left: '审计页', right: audit.title }, `交接编号：${audit.caseNumber}`, pageLabel);
  return { bytes: await doc.save(), missingCharacters: w.missingCharacters };
}
