import { z, ZodIssueCode, type ZodError, type ZodErrorMap } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  string: '文本', number: '数字', boolean: '是/否', object: '对象', array: '列表', null: '空值', undefined: '未填写', integer: '整数', date: '日期',
};

/**
 * zh-CN messages for every zod check that has no message of its own, so no request is ever
 * answered in English. Installed once, for the whole process, when this module loads.
 */
export const zhErrorMap: ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case ZodIssueCode.invalid_type:
      return { message: issue.received === 'undefined' ? '缺少必填内容' : `类型不正确：应为${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    case ZodIssueCode.invalid_literal:
      return { message: `取值不正确：应为 ${JSON.stringify(issue.expected)}` };
    case ZodIssueCode.unrecognized_keys:
      return { message: `不认识的字段：${issue.keys.join('、')}` };
    case ZodIssueCode.invalid_union:
    case ZodIssueCode.invalid_union_discriminator:
      return { message: '取值不在允许的范围内' };
    case ZodIssueCode.invalid_enum_value:
      return { message: `取值只能是：${issue.options.join('、')}` };
    case ZodIssueCode.invalid_string:
      return { message: issue.validation === 'email' ? '邮箱格式不正确' : '文本格式不正确' };
    case ZodIssueCode.too_small:
      return { message: issue.type === 'array' ? `至少需要 ${issue.minimum} 项` : issue.type === 'string' ? `至少 ${issue.minimum} 个字` : `不能小于 ${issue.minimum}` };
    case ZodIssueCode.too_big:
      return { message: issue.type === 'array' ? `最多 ${issue.maximum} 项` : issue.type === 'string' ? `不能超过 ${issue.maximum} 个字` : `不能大于 ${issue.maximum}` };
    case ZodIssueCode.invalid_date:
      return { message: '日期不正确' };
    default:
      return { message: ctx.defaultError === 'Invalid input' ? '内容不正确' : ctx.defaultError };
  }
};
z.setErrorMap(zhErrorMap);

/**
 * Turns zod issues into zh-CN lines that say where the problem is, using the value's own
 * ids where there are any (`sections[2].fields[0] (id: phone)` rather than bare indexes).
 */
export function formatZodIssues(error: ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    let node: unknown = input;
    const parts: string[] = [];
    for (const key of issue.path) {
      node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
      const ident = node && typeof node === 'object' && 'id' in node ? ` (id: ${String((node as { id: unknown }).id)})` : '';
      parts.push(typeof key === 'number' ? `[${key}]${ident}` : `${parts.length ? '.' : ''}${key}${ident}`);
    }
    return `${parts.join('') || '(根)'}: ${issue.message}`;
  });
}
