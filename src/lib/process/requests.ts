import { z } from 'zod';
import '../zod-messages.js';
import { PROCESS_ROLES } from './roles.js';
import { processSettingsSchema } from './settings.js';
import { isValidDate } from './calendar.js';
import { compactPhone, MOBILE } from '../field-values.js';
import { email, personName, recordId, token } from '../schema-parts.js';

/** Bodies of /api/process, /api/notice and /api/admin. Every size is bounded. */
const id = recordId('案件编号');
const date = z.string().refine(isValidDate, '日期格式应为 YYYY-MM-DD');
const cell = z.string().max(2000);
const row = z.record(cell).refine((r) => Object.keys(r).length <= 30, '表格列过多');
const rows = (max: number) => z.array(row).max(max, `最多 ${max} 行`);
const values = z.record(z.union([z.string().max(20_000), rows(5000)])).refine((v) => Object.keys(v).length <= 60, '字段过多');
/**
 * Optional mainland mobile of a process person (the phone field's rule, mobiles only): used
 * solely to @mention them in WeCom / DingTalk groups when a message asks them to act.
 */
const mobile = z
  .string()
  .trim()
  .max(30)
  .transform((v) => compactPhone(v).replace(/^86(?=1\d{10}$)/, ''))
  .refine((v) => v === '' || MOBILE.test(v), '手机号格式不正确：请填写 11 位中国大陆手机号，例如 13812345678（可不填）')
  .transform((v) => v || undefined)
  .optional();
const person = z.object({ name: personName, email, mobile }).strict();

export const openProcessBody = z
  .object({
    action: z.literal('open'),
    policySlug: z.string().regex(/^[a-z0-9-]{1,80}$/).nullable(),
    company: z.string().trim().max(100).optional(),
    department: z.string().trim().min(1, '请填写部门').max(60),
    reason: z.enum(['离职', '辞退', '合同终止', '调岗', '区域调整', '其他']),
    lastWorkingDay: date,
    parties: z.object(Object.fromEntries(PROCESS_ROLES.map((r) => [r, person])) as Record<(typeof PROCESS_ROLES)[number], typeof person>).strict(),
    archiveEmail: email.optional().or(z.literal('').transform(() => undefined)),
    settings: processSettingsSchema,
    /** Who opens the case (HR or the supervisor): the one who confirms it by mail. */
    openedBy: z.enum(['hr', 'supervisor']).optional(),
  })
  .strict();

const auth = { processId: id, token: token.optional() };

/** Whom the customer notices go to: every customer, customers of some grades, or the ones ticked. */
export const noticeSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('grade'), grades: z.array(z.string().trim().min(1).max(10)).min(1, '请至少选择一个客户等级').max(20) }).strict(),
  z.object({ kind: z.literal('customers'), ids: z.array(z.string().max(20)).min(1, '请先勾选要通知的客户').max(5000) }).strict(),
]);
export type NoticeSelection = z.infer<typeof noticeSelection>;

export const processActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view'), ...auth }).strict(),
  z.object({ action: z.literal('save-plan'), ...auth, values }).strict(),
  z.object({ action: z.literal('submit-plan'), ...auth, values }).strict(),
  z.object({ action: z.literal('save-materials'), ...auth, rows: rows(3000) }).strict(),
  z.object({ action: z.literal('confirm-materials'), ...auth, lines: z.array(z.number().int().min(0).max(5000)).min(1, '请先勾选要确认的资料条目').max(5000) }).strict(),
  z
    .object({
      action: z.literal('return-materials'),
      ...auth,
      lines: z.array(z.number().int().min(0).max(5000)).min(1, '请先勾选要退回的资料条目').max(5000),
      reason: z.string().trim().min(1, '请写明退回原因，移交人才知道要补什么').max(300),
    })
    .strict(),
  z.object({ action: z.literal('submit-materials'), ...auth }).strict(),
  z.object({ action: z.literal('save-visits'), ...auth, rows: rows(3000) }).strict(),
  z
    .object({
      action: z.literal('confirm-visit'),
      ...auth,
      customerIds: z.array(z.string().max(20)).min(1, '请先勾选要确认的客户').max(3000),
      actualDate: date,
      outcome: z.string().trim().min(1, '请填写拜访结果').max(1000),
      customerAccepts: z.enum(['是', '否']),
      followUp: z.string().trim().max(500).default(''),
    })
    .strict(),
  z.object({ action: z.literal('submit-visits'), ...auth }).strict(),
  z
    .object({
      action: z.literal('record-call'),
      ...auth,
      customerId: z.string().max(20),
      callDate: date,
      reached: z.enum(['已接通', '未接通', '号码有误']),
      handoverConfirmed: z.enum(['是', '否']),
      satisfaction: z.string().regex(/^[1-5]?$/, '满意度请打 1 到 5 分').default(''),
      issues: z.string().trim().max(1000).default(''),
    })
    .strict(),
  z.object({ action: z.literal('submit-calls'), ...auth }).strict(),
  z.object({ action: z.literal('save-report'), ...auth, values }).strict(),
  z.object({ action: z.literal('submit-report'), ...auth, values }).strict(),
  /** Counts who would get a notice (nothing is sent); the page shows it for confirmation. */
  z.object({ action: z.literal('preview-notices'), ...auth, selection: noticeSelection }).strict(),
  /** `expected`: the count the person confirmed; a different count now (someone sent meanwhile) is refused. */
  z.object({ action: z.literal('send-notices'), ...auth, selection: noticeSelection, expected: z.number().int().min(1).max(5000) }).strict(),
  z.object({ action: z.literal('accounts-revoked'), ...auth }).strict(),
  z.object({ action: z.literal('cancel'), ...auth, reason: z.string().trim().min(2, '请写明撤销原因').max(500) }).strict(),
  /** HR (admin session) or the supervisor: take one person's case link away, or mail them a new one. */
  z.object({ action: z.literal('revoke-access'), ...auth, role: z.enum(PROCESS_ROLES) }).strict(),
  z.object({ action: z.literal('resend-link'), ...auth, role: z.enum(PROCESS_ROLES) }).strict(),
]);
export type ProcessAction = z.infer<typeof processActionBody>;

export const processExportBody = z.object({ processId: id, token: token.optional() }).strict();

export const noticeBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view'), processId: id, token }).strict(),
  z.object({ action: z.literal('answer'), processId: id, token, answer: z.enum(['confirmed', 'concern']), comment: z.string().trim().max(1000).default('') }).strict(),
]);

export const adminBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('request-link'), email }).strict(),
  z.object({ action: z.literal('sign-in'), token }).strict(),
  z.object({ action: z.literal('sign-out') }).strict(),
  z.object({ action: z.literal('document'), caseId: z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, '交接编号无效') }).strict(),
  z
    .object({
      action: z.literal('list'),
      department: z.string().trim().max(60).optional(),
      kind: z.enum(['process', 'signing']).optional().or(z.literal('').transform(() => undefined)),
      status: z.enum(['open', 'completed', 'declined', 'cancelled']).optional().or(z.literal('').transform(() => undefined)),
      from: date.optional().or(z.literal('').transform(() => undefined)),
      to: date.optional().or(z.literal('').transform(() => undefined)),
    })
    .strict(),
]);
