import { z } from 'zod';
import { CATEGORY_SLUGS } from './categories.js';
import { usedVariables, VARIABLE_KEY } from './template-vars.js';

/** Situations a handover policy covers (shown as chips; also a search facet). */
export const APPLIES_TO = ['离职', '辞退', '合同终止', '调岗', '晋升', '区域调整', '病假', '产假', '长假'] as const;

/** Parties of a handover, in the order they usually act. */
export const PARTY_ROLES = ['移交人', '接收人', '监交人', '分管经理', 'HR/行政备案', '会签部门'] as const;

export const VARIABLE_TYPES = ['text', 'number', 'duration', 'department', 'date', 'email'] as const;

const nonEmpty = (what: string) => z.string({ required_error: `缺少${what}` }).trim().min(1, `${what}不能为空`);

export const policyVariableSchema = z.object({
  key: z.string().regex(VARIABLE_KEY, '变量名只能由英文字母和数字组成，且以字母开头'),
  label: nonEmpty('变量说明 label'),
  // YAML reads `30` as a number; the text always needs a string.
  default: z.union([z.string(), z.number()]).transform(String).pipe(nonEmpty('变量默认值 default')),
  type: z.enum(VARIABLE_TYPES).default('text'),
});

export const policyFrontmatterSchema = z.object({
  title: nonEmpty('标题 title'),
  category: z.enum(CATEGORY_SLUGS, {
    errorMap: () => ({ message: `分类 category 必须是以下之一：${CATEGORY_SLUGS.join(', ')}` }),
  }),
  summary: nonEmpty('摘要 summary'),
  appliesTo: z.array(z.enum(APPLIES_TO)).min(1, '至少写一种适用情形 appliesTo'),
  parties: z
    .array(z.object({ role: z.enum(PARTY_ROLES), who: nonEmpty('参与方说明 who') }))
    .min(2, '至少列出两个参与方 parties'),
  variables: z.array(policyVariableSchema).default([]),
  forms: z.array(z.string().regex(/^[a-z0-9-]+$/, '表单 id 只能用小写字母、数字和连字符')).default([]),
  keywords: z.array(z.string()).default([]),
  /** Headings (text after `## `) of clauses HR may switch off in the customizer. */
  optionalClauses: z.array(z.string()).default([]),
  version: z.union([z.string(), z.number()]).transform(String),
  updated: z.coerce.date({ errorMap: () => ({ message: '更新日期 updated 必须是日期，例如 2026-11-23' }) }),
});

export type PolicyFrontmatter = z.infer<typeof policyFrontmatterSchema>;
export type PolicyVariable = z.infer<typeof policyVariableSchema>;

/**
 * Checks what the frontmatter schema cannot see: the body's variables and the form ids.
 * Returns zh-CN problems, each naming the variable or form; empty when the template is sound.
 */
export function checkPolicyBody(
  data: Pick<PolicyFrontmatter, 'variables' | 'forms'>,
  body: string,
  knownFormIds: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const declared = new Map(data.variables.map((v) => [v.key, v]));
  const used = usedVariables(body);
  for (const key of used) {
    if (!declared.has(key)) problems.push(`正文使用了未声明的变量 {{${key}}}：请在 variables 中声明，或改正拼写`);
  }
  for (const key of declared.keys()) {
    if (!used.includes(key)) problems.push(`变量 ${key} 已声明但正文未使用：请删除声明或在正文中使用 {{${key}}}`);
  }
  const headings = new Set([...body.matchAll(/^##\s+(.+?)\s*$/gm)].map((m) => m[1]));
  for (const h of (data as { optionalClauses?: string[] }).optionalClauses ?? []) {
    if (!headings.has(h)) problems.push(`optionalClauses 中的“${h}”不是正文里的二级标题（## ${h}）`);
  }
  const seen = new Set<string>();
  for (const v of data.variables) {
    if (seen.has(v.key)) problems.push(`变量 ${v.key} 重复声明`);
    seen.add(v.key);
  }
  for (const id of data.forms) {
    if (!knownFormIds.has(id)) problems.push(`引用了不存在的表单 ${id}：可用的表单有 ${[...knownFormIds].sort().join(', ')}`);
  }
  return problems;
}
