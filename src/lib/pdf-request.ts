import { z } from 'zod';
import type { FormDefinition } from './form-definition.js';
import { buildFormSchema, type FormValues } from './form-data.js';
import { formatZodIssues } from './zod-messages.js';
import { formErrorsFromZod, type FormError } from './form-errors.js';

/**
 * What a PDF request may carry, checked before any work is done: which form, its values
 * (validated by the form's own schema), and the optional header text. Everything else is
 * refused with a zh-CN reason and the HTTP status to send.
 */
export const MAX_PDF_BODY_BYTES = 4 * 1024 * 1024;

const envelope = z
  .object({
    formId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'formId 格式不正确'),
    values: z.record(z.unknown(), { invalid_type_error: 'values 必须是对象' }),
    company: z.string().trim().max(100, '公司名称不能超过 100 字').optional(),
    caseNumber: z.string().trim().max(64, '交接编号不能超过 64 字').regex(/^[\p{L}\p{N}_\-\s#/]*$/u, '交接编号只能包含文字、数字、-、_、#、/').optional(),
  })
  .strict();

export type PdfRequestResult =
  | { ok: true; definition: FormDefinition; values: FormValues; company?: string; caseNumber?: string }
  /** fields: readable lines (「办公设备及用品 第 4 行：…」); errors: the same with their data path, for links. */
  | { ok: false; status: number; error: string; fields?: string[]; errors?: FormError[] };

export function parsePdfRequest(body: unknown, findForm: (id: string) => FormDefinition | undefined): PdfRequestResult {
  const env = envelope.safeParse(body);
  if (!env.success) return { ok: false, status: 400, error: '请求格式不正确', fields: formatZodIssues(env.error, body) };
  const definition = findForm(env.data.formId);
  if (!definition) return { ok: false, status: 404, error: `没有这张表单：${env.data.formId}` };
  const values = buildFormSchema(definition).safeParse(env.data.values);
  if (!values.success) {
    const errors = formErrorsFromZod(definition, values.error);
    return { ok: false, status: 422, error: '表单内容有误，请按提示修改后再生成 PDF', fields: errors.map((e) => e.text), errors };
  }
  return { ok: true, definition, values: values.data as FormValues, company: env.data.company || undefined, caseNumber: env.data.caseNumber || undefined };
}
