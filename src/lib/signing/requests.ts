import { z } from 'zod';
import '../zod-messages.js';
import { signatureImageProblem } from '../signature-image.js';
import { email, personName, recordId, token } from '../schema-parts.js';
import { PHONE_PATTERN } from '../sms/sender.js';
import { publishedVersionId } from '../campaigns/requests.js';

/** Bodies the signing endpoints accept. Sizes are bounded; anything else is refused. */
const caseId = recordId('交接编号');

/** A mobile number for SMS codes: 11-digit mainland (optionally +86) or international E.164. */
const phone = z.string().trim().max(20).transform((s) => s.replace(/[\s-]/g, '')).pipe(z.string().regex(PHONE_PATTERN, '手机号格式不正确（例如 13800138000）'));

export const MAX_SIGNATURE_PNG_BYTES = 300 * 1024;

export const createCaseBody = z
  .object({
    formId: z.string().regex(/^[a-z0-9-]{1,64}$/),
    values: z.record(z.unknown()),
    company: z.string().trim().max(100).optional(),
    caseNumber: z.string().trim().max(64).regex(/^[\p{L}\p{N}_\-\s#/]*$/u, '交接编号只能包含文字、数字、-、_、#、/').optional(),
    sender: z.object({ name: personName, email }).strict(),
    parties: z.array(z.object({ name: personName, email, phone: phone.optional().or(z.literal('').transform(() => undefined)) }).strict()).min(1).max(10),
    archiveEmail: email.optional().or(z.literal('').transform(() => undefined)),
    /** A 6-digit code before signing: none (the link alone), by email, or by SMS (needs every party's mobile). */
    verification: z.enum(['none', 'email', 'sms']).default('none'),
  })
  .strict()
  .superRefine((b, ctx) => {
    b.parties.forEach((p, i) => {
      if (b.verification === 'sms' && !p.phone) ctx.addIssue({ code: 'custom', path: ['parties', i, 'phone'], message: '选择短信验证码时，请填写每位签署人的手机号' });
    });
  });

const pngBase64 = z
  .string()
  .max(Math.ceil((MAX_SIGNATURE_PNG_BYTES * 4) / 3) + 4, '签名图片过大（上限 300 KB）')
  .transform((s, ctx) => {
    const bytes = Buffer.from(s.replace(/^data:image\/png;base64,/, ''), 'base64');
    // Size from the PNG header, before anything decodes the image (a small file can decode to gigabytes).
    const problem = bytes.length < 67 ? '签名必须是 PNG 图片' : signatureImageProblem(bytes);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return bytes;
  });

/**
 * What the signing page saw of the reader: pages of the document that were on screen, of
 * how many, and the seconds from the document appearing to the signature. Recorded with the
 * signature and printed on the audit page.
 */
export const readingRecord = z
  .object({
    pageCount: z.number().int().min(1).max(2000),
    pagesViewed: z.number().int().min(0).max(2000),
    seconds: z.number().int().min(0).max(86_400),
  })
  .strict()
  .refine((r) => r.pagesViewed <= r.pageCount, '阅读记录的页数不正确');
export type ReadingRecord = z.infer<typeof readingRecord>;

/** Characters a typed signature's brush-font preview may ask for (a name). */
export const MAX_PREVIEW_CHARS = 40;

export const signBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view'), caseId, token }).strict(),
  z.object({ action: z.literal('document'), caseId, token }).strict(),
  z
    .object({
      action: z.literal('sign'),
      caseId,
      token,
      consent: z.literal(true, { errorMap: () => ({ message: '请先勾选同意使用电子签名' }) }),
      signature: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('typed'), text: personName }).strict(),
        z.object({ kind: z.literal('drawn'), png: pngBase64 }).strict(),
      ]),
      /** Absent from older pages and API clients: the audit line then says nothing about reading. */
      reading: readingRecord.optional(),
    })
    .strict(),
  /** The brush font (Ma Shan Zheng) cut to the characters of a typed name, for its preview. */
  z.object({ action: z.literal('signature-font'), caseId, token, text: z.string().trim().min(1).max(MAX_PREVIEW_CHARS) }).strict(),
  z.object({ action: z.literal('decline'), caseId, token, reason: z.string().trim().min(2, '请写明拒签原因').max(500, '原因不能超过 500 字') }).strict(),
  /** An employee's question to HR about a policy they are asked to acknowledge. */
  z.object({ action: z.literal('question'), caseId, token, text: z.string().trim().min(2, '请写下您的问题').max(1000, '问题不能超过 1000 字') }).strict(),
  /** The code step before signing: its state, a new code, a code to check. */
  z.object({ action: z.literal('verification'), caseId, token }).strict(),
  z.object({ action: z.literal('send-code'), caseId, token }).strict(),
  z.object({ action: z.literal('check-code'), caseId, token, code: z.string().trim().regex(/^\d{6}$/, '请输入 6 位数字验证码') }).strict(),
]);

export const acknowledgmentBody = z
  .object({
    title: z.string().trim().min(1).max(100),
    company: z.string().trim().max(100).optional(),
    markdown: z.string().min(1).max(300_000),
    staff: z
      .array(z.object({ name: personName, email, department: z.string().trim().max(60).optional() }).strict())
      .min(1, '员工名单为空')
      .max(2000, '一次最多发给 2000 人')
      .refine((list) => new Set(list.map((s) => s.email)).size === list.length, '员工名单中有重复的邮箱'),
    sender: z.object({ name: personName, email }).strict(),
    archiveEmail: email.optional().or(z.literal('').transform(() => undefined)),
    publishedVersionId: publishedVersionId.optional(),
  })
  .strict();

export const manageBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('status'), caseId, key: z.string().max(100) }).strict(),
  z.object({ action: z.literal('remind'), caseId, key: z.string().max(100), partyId: caseId }).strict(),
  z.object({ action: z.literal('remind-all'), caseId, key: z.string().max(100) }).strict(),
  z.object({ action: z.literal('cancel'), caseId, key: z.string().max(100), reason: z.string().trim().max(500).optional() }).strict(),
  z.object({ action: z.literal('document'), caseId, key: z.string().max(100), which: z.enum(['current', 'final']) }).strict(),
]);
