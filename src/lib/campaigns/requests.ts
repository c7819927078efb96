import { z } from 'zod';
import '../zod-messages.js';
import { email, recordId, token } from '../schema-parts.js';
import { isValidDate } from '../process/calendar.js';

/** Bodies of /api/campaigns. Every size is bounded; anything else is refused. */
const caseId = recordId('确认编号');
const partyId = recordId('员工编号');
/** A manage key (the sender's link) — absent when an HR admin is signed in. */
const key = z.string().min(20).max(100).optional();
const date = z.string().refine(isValidDate, '日期格式应为 YYYY-MM-DD');
const blankless = <T extends z.ZodTypeAny>(s: T) => s.optional().or(z.literal('').transform(() => undefined));

/** The published policy version a campaign was sent from (the policy library's id). */
export const publishedVersionId = z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '制度版本编号无效');

export const HOME_KINDS = ['signing', 'campaign', 'process'] as const;
export type HomeKind = (typeof HOME_KINDS)[number];
export const HOME_STATUSES = ['open', 'completed', 'declined', 'cancelled'] as const;
export const HOME_PAGE_SIZE = 50;
/** Rows one CSV export of HR home may hold. */
export const HOME_EXPORT_MAX = 5000;

/** HR home's filters: kind, status, overdue, created between, and a search over title, people and case number. */
const homeFilterShape = {
  kind: blankless(z.enum(HOME_KINDS)),
  status: blankless(z.enum(HOME_STATUSES)),
  overdue: z.boolean().optional(),
  from: blankless(date),
  to: blankless(date),
  q: blankless(z.string().trim().max(60, '搜索内容不能超过 60 字')),
  page: z.number().int().min(1).max(10_000).default(1),
};
export const homeFilters = z
  .object(homeFilterShape)
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: '开始日期不能晚于结束日期', path: ['to'] });
export type HomeFiltersInput = z.input<typeof homeFilters>;
export type HomeFilters = z.output<typeof homeFilters>;

export const campaignBody = z.discriminatedUnion('action', [
  /** HR home (admins): one page of everything sent, or all of it as CSV. */
  z.object({ action: z.literal('home'), ...homeFilterShape }).strict(),
  z.object({ action: z.literal('home-csv'), ...homeFilterShape }).strict(),
  /** HR home's own sign-in link (it lands on /hr/). */
  z.object({ action: z.literal('request-link'), email }).strict(),
  /** The staff list of the latest campaign (复用上次名单). */
  z.object({ action: z.literal('last-list') }).strict(),
  z.object({ action: z.literal('view'), caseId, key }).strict(),
  /** One person (partyId) or everyone still pending. */
  z.object({ action: z.literal('remind'), caseId, key, partyId: partyId.optional() }).strict(),
  z.object({ action: z.literal('roster'), caseId, key, format: z.enum(['csv', 'xlsx']) }).strict(),
  z.object({ action: z.literal('withdraw'), caseId, key, reason: z.string().trim().max(500).optional() }).strict(),
  /** A staff member, through their own link: the policy as text. */
  z.object({ action: z.literal('read'), caseId, token }).strict(),
]);
export type CampaignBodyInput = z.input<typeof campaignBody>;
export type CampaignBody = z.output<typeof campaignBody>;

/** The date range check of homeFilters, for bodies that carry the filters inline. */
export function homeFiltersOf(b: Extract<CampaignBody, { action: 'home' | 'home-csv' }>): HomeFilters {
  const { action: _, ...rest } = b;
  return homeFilters.parse(rest);
}
