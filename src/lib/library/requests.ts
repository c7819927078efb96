import { z } from 'zod';
import '../zod-messages.js';
import { companyProfileSchema } from '../company-profile.js';
import { VARIABLE_KEY } from '../template-vars.js';

/**
 * POST /api/library bodies (every action needs the HR admin session cookie) and the public
 * page addresses (GET /p/…). Sizes are bounded: a policy is at most 200 clauses and
 * 300,000 characters, like the export.
 */

/** A company policy's stable address: /p/<slug>/. Lower-case letters, digits and hyphens. */
export const policySlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, '制度地址只能用小写字母、数字和连字符（-），2 至 60 个字符，例如 resignation-handover');
export const versionNumber = z.number({ invalid_type_error: '版本号应为数字' }).int().min(1, '版本号无效').max(1_000_000, '版本号无效');
/** A version's public id (the acknowledgment sender names a published version by it). */
export const versionId = z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, '版本编号无效');

const clause = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, '条款编号无效'),
    heading: z.string().max(100, '条款标题不能超过 100 字'),
    body: z.string().max(50_000, '一条条款不能超过 5 万字'),
    enabled: z.boolean(),
    origin: z.enum(['template', 'custom']),
    optional: z.boolean().optional(),
  })
  .strict();

const variableValues = z
  .record(z.string().regex(VARIABLE_KEY, '变量名无效').max(60), z.string().max(100, '变量取值不能超过 100 字'))
  .refine((r) => Object.keys(r).length <= 100, '变量过多（上限 100 个）');

/** The editor's document (CustomPolicy): clauses in Markdown, variables left as {{key}}. */
export const policyDoc = z
  .object({
    slug: z.string().max(100),
    title: z.string().trim().min(1, '请填写制度名称').max(100, '制度名称不能超过 100 字'),
    clauses: z.array(clause).max(200, '条款不能超过 200 条'),
    overrides: variableValues,
  })
  .strict()
  .refine((d) => d.clauses.reduce((n, c) => n + c.heading.length + c.body.length, 0) <= 300_000, '正文过长（上限 30 万字）')
  .refine((d) => new Set(d.clauses.map((c) => c.id)).size === d.clauses.length, '条款编号重复');

const note = z.string().trim().max(200, '修改说明不能超过 200 字').default('');
/** The version a save builds on; null for a policy new to the library. */
const baseVersion = versionNumber.nullable();
/** 生效日期, a calendar day in Beijing (YYYY-MM-DD); omitted: the moment of publishing. */
const effectiveDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '生效日期格式应为 2026-12-01').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00+08:00`)), '生效日期无效');

const saveItem = {
  slug: policySlug,
  name: z.string().trim().min(1, '请填写制度名称').max(100, '制度名称不能超过 100 字'),
  templateSlug: z.string().regex(/^[a-z0-9-]{1,100}$/, '模板编号无效').nullable(),
  doc: policyDoc,
  /** The template's own variable defaults (the site's content; the function does not read it). */
  defaults: variableValues,
};

export const libraryBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }).strict(),
  z.object({ action: z.literal('get'), slug: policySlug, number: versionNumber.optional() }).strict(),
  z.object({ action: z.literal('get-version'), versionId }).strict(),
  z.object({ action: z.literal('save'), ...saveItem, baseVersion, note }).strict(),
  z.object({ action: z.literal('restore'), slug: policySlug, number: versionNumber, baseVersion: versionNumber }).strict(),
  z.object({ action: z.literal('publish'), slug: policySlug, number: versionNumber, effectiveDate: effectiveDate.optional() }).strict(),
  z.object({ action: z.literal('save-profile'), profile: companyProfileSchema, baseVersion }).strict(),
  z
    .object({
      action: z.literal('import'),
      // 移入公司制度库: what this browser holds. The profile is taken only when the library has none.
      profile: companyProfileSchema.optional(),
      policies: z.array(z.object({ templateSlug: saveItem.templateSlug, doc: policyDoc, defaults: variableValues }).strict()).max(50, '一次最多移入 50 份制度'),
    })
    .strict(),
]);

export type LibraryBodyInput = z.input<typeof libraryBody>;
export type LibraryBody = z.output<typeof libraryBody>;
export type PolicyDocInput = z.input<typeof policyDoc>;
export type PolicyDoc = z.output<typeof policyDoc>;

/**
 * The public addresses under /p/ (the rewrite passes the rest of the path):
 * <slug>/ the newest published version; <slug>/v<N>/ one published version;
 * …/changes/ what changed since the previous published version; …/pdf the PDF.
 */
export type PublicPath = { slug: string; number: number | null; view: 'page' | 'changes' | 'pdf' };

export function parsePublicPath(path: string): PublicPath | null {
  const m = /^\/?([a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?)\/(?:v(\d{1,7})\/)?(changes\/|pdf)?$/.exec(path.endsWith('/') || path.endsWith('pdf') ? path : `${path}/`);
  if (!m) return null;
  return { slug: m[1], number: m[2] ? Number(m[2]) : null, view: m[3] === 'pdf' ? 'pdf' : m[3] ? 'changes' : 'page' };
}
