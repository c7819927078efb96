import { z } from 'zod';
import './zod-messages.js';

/**
 * The company profile HR sets once; its values fill the shared variables of every template
 * (the keys templates use for the same meaning — see content/policies).
 */
export const PROFILE_FIELDS = [
  { key: 'companyName', label: '公司名称', placeholder: '上海某某贸易有限公司' },
  { key: 'hrDept', label: '人力资源部门', placeholder: '人力资源部' },
  { key: 'archiveDept', label: '交接清单存档部门', placeholder: '行政部' },
  { key: 'noticePeriod', label: '提前书面申请期限', placeholder: '30 日' },
  { key: 'handoverDeadline', label: '交接完成时限', placeholder: '最后工作日前 3 个工作日' },
  { key: 'accountRevocationDeadline', label: '离职后系统账号注销时限', placeholder: '1 个工作日' },
  { key: 'firstContactDeadline', label: '接收人首次联系客户时限', placeholder: '7 日' },
  { key: 'customerVisitDeadline', label: '接收人完成客户拜访时限', placeholder: '1 个月' },
  { key: 'contactPerson', label: '制度解释/咨询联系人', placeholder: '人力资源部 王老师' },
] as const;

export type ProfileKey = (typeof PROFILE_FIELDS)[number]['key'];
export type CompanyProfile = Partial<Record<ProfileKey, string>>;

export const companyProfileSchema = z
  .object(Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, z.string().trim().max(100, `${f.label}不能超过 100 字`).optional()])) as Record<ProfileKey, z.ZodOptional<z.ZodString>>)
  .strict();

export const PROFILE_FILE_FORMAT = 'handover-kit-company-profile';

export function profileFileContent(profile: CompanyProfile): string {
  return JSON.stringify({ format: PROFILE_FILE_FORMAT, version: 1, profile }, null, 2);
}

/** Reads an exported profile; a corrupt or foreign file is refused with a reason. */
export function parseProfileFile(text: string): { ok: true; profile: CompanyProfile } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: '文件不是有效的 JSON，当前公司信息未改动。' };
  }
  const env = z.object({ format: z.literal(PROFILE_FILE_FORMAT), version: z.literal(1), profile: companyProfileSchema }).safeParse(json);
  if (!env.success) return { ok: false, error: '文件不是本系统导出的公司信息，当前公司信息未改动。' };
  return { ok: true, profile: env.data.profile };
}
