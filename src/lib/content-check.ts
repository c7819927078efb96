import yaml from 'js-yaml';
import { policyFrontmatterSchema, checkPolicyBody } from './policy-schema.js';
import { formDefinitionSchema } from './form-definition.js';
import { splitFrontmatter } from './frontmatter.js';
import { formatZodIssues } from './zod-messages.js';

/**
 * The same checks the content collections run during `astro build`, on file text, so they can
 * be run quickly from the command line and in unit tests. Each returns zh-CN problems.
 */
export function checkFormSource(fileId: string, source: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (e) {
    return [`不是合法的 JSON：${(e as Error).message}`];
  }
  const parsed = formDefinitionSchema.safeParse(json);
  if (!parsed.success) return formatZodIssues(parsed.error, json);
  if (parsed.data.id !== fileId) return [`id ${parsed.data.id} 与文件名 ${fileId} 不一致`];
  return [];
}

export function checkPolicySource(source: string, knownFormIds: ReadonlySet<string>): string[] {
  const parts = splitFrontmatter(source);
  if (!parts) return ['缺少 --- 包围的 frontmatter'];
  let data: unknown;
  try {
    data = yaml.load(parts.yaml);
  } catch (e) {
    return [`frontmatter 不是合法的 YAML：${(e as Error).message.split('\n')[0]}`];
  }
  const parsed = policyFrontmatterSchema.safeParse(data);
  if (!parsed.success) return formatZodIssues(parsed.error, data);
  return checkPolicyBody(parsed.data, parts.body, knownFormIds);
}
