import { z } from 'zod';
import { PARTY_ROLES } from './policy-schema.js';

/**
 * The declarative shape of a checklist in content/forms/*.json. One definition drives the
 * browser island, the zod data schema, the print view and the PDF layout.
 */

export const STATUS_VALUES = ['已交接', '未交接', '不适用'] as const;

const id = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, '字段 id 只能由英文字母、数字、下划线组成，且以字母开头');
const label = z.string().trim().min(1, '缺少显示名称 label');

const base = {
  id,
  label,
  required: z.boolean().default(false),
  help: z.string().optional(),
};

/** Types usable both as a top-level field and as a table column. */
const scalarOptions = [
  z.object({ ...base, type: z.literal('text'), maxLength: z.number().int().positive().max(2000).default(200) }),
  z.object({ ...base, type: z.literal('longtext'), maxLength: z.number().int().positive().max(20000).default(2000) }),
  /** notBefore: another date field (same form level, or same table row) this one cannot precede. */
  z.object({ ...base, type: z.literal('date'), notBefore: id.optional() }),
  z.object({ ...base, type: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().default(false) }),
  z.object({ ...base, type: z.literal('money') }),
  z.object({ ...base, type: z.literal('phone') }),
  z.object({ ...base, type: z.literal('email') }),
  z.object({ ...base, type: z.literal('choice'), options: z.array(z.string().min(1)).min(2, '选项 options 至少两个') }),
  z.object({ ...base, type: z.literal('status') }),
  z.object({ ...base, type: z.literal('rating'), max: z.number().int().min(3).max(10).default(5) }),
  z.object({ ...base, type: z.literal('yesno') }),
] as const;

const typeError = (allowed: readonly string[]): z.ZodErrorMap => (issue, ctx) =>
  issue.code === 'invalid_union_discriminator'
    ? { message: `字段类型 type 必须是以下之一：${allowed.join(', ')}` }
    : { message: ctx.defaultError };

const SCALAR_TYPES = scalarOptions.map((o) => o.shape.type.value);
const scalarField = z.discriminatedUnion('type', [...scalarOptions], { errorMap: typeError(SCALAR_TYPES) });

const computed = z.object({
  id,
  label,
  type: z.literal('computed'),
  /** count: rows of a table; sum: a numeric column; countWhere: rows whose column equals a value */
  compute: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('count'), table: id }),
    z.object({ kind: z.literal('sum'), table: id, column: id }),
    z.object({ kind: z.literal('countWhere'), table: id, column: id, equals: z.string() }),
  ]),
});

/**
 * A cross-field rule, checked by one function (form-data.ts `ruleErrors`) in the browser and in
 * api/. Table rules apply within each row; form rules to the top-level fields.
 * - `{ when: { field, equals }, require }`: when `field` holds one of `equals`, `require` must be filled;
 * - `{ field, notBefore }`: the date in `field` may not precede the date in `notBefore`.
 */
const requireRule = z
  .object({
    when: z.object({ field: id, equals: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) }).strict(),
    require: id,
  })
  .strict();
const orderRule = z.object({ field: id, notBefore: id }).strict();
const ruleSchema = z.union([requireRule, orderRule], {
  errorMap: (issue, ctx) =>
    issue.code === 'invalid_union'
      ? { message: '规则 rules 只能是 { "when": { "field", "equals" }, "require" } 或 { "field", "notBefore" }' }
      : { message: ctx.defaultError },
});

const table = z.object({
  id,
  label,
  type: z.literal('table'),
  /** Optional (not defaulted): Astro's content cache keeps entries parsed before rules existed. */
  rules: z.array(ruleSchema).optional(),
  help: z.string().optional(),
  columns: z.array(scalarField).min(1, '表格至少一列 columns'),
  minRows: z.number().int().min(0).default(0),
  maxRows: z.number().int().positive().max(5000).default(500),
  /** Column to sort by when the user asks (e.g. customer grade). */
  sortBy: id.optional(),
});

export const formFieldSchema = z.discriminatedUnion('type', [...scalarOptions, computed, table], {
  errorMap: typeError([...SCALAR_TYPES, 'computed', 'table']),
});

export const formDefinitionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, '表单 id 只能用小写字母、数字和连字符'),
    title: label,
    description: z.string().trim().min(1, '缺少表单说明 description'),
    signing: z.object({
      order: z.enum(['sequential', 'parallel']),
      parties: z
        .array(z.object({ role: z.enum(PARTY_ROLES), label: label.optional() }))
        .min(1, '至少一个签署方'),
    }),
    sections: z
      .array(z.object({ id, title: label, help: z.string().optional(), fields: z.array(formFieldSchema).min(1) }))
      .min(1),
    rules: z.array(ruleSchema).optional(),
  })
  .superRefine((def, ctx) => {
    // Field ids are unique across the form; computed values must point at real tables/columns.
    const fields = def.sections.flatMap((s) => s.fields);
    const seen = new Set<string>();
    fields.forEach((f) => {
      if (seen.has(f.id)) ctx.addIssue({ code: 'custom', message: `字段 id ${f.id} 重复`, path: ['sections'] });
      seen.add(f.id);
    });
    const tables = new Map(fields.flatMap((f) => (f.type === 'table' ? [[f.id, f] as const] : [])));
    // A date's notBefore names a date in its own scope: the form's top level, or its table's row.
    const checkOrder = (scope: FormField[], where: string) => {
      for (const f of scope) {
        if (f.type !== 'date' || !f.notBefore) continue;
        const other = scope.find((x) => x.id === f.notBefore);
        if (!other || other.type !== 'date' || other.id === f.id)
          ctx.addIssue({ code: 'custom', message: `${where}日期字段 ${f.id} 的 notBefore 必须指向同一层级的另一个日期字段（现为 ${f.notBefore}）`, path: ['sections'] });
      }
    };
    checkOrder(fields, '');
    for (const t of tables.values()) checkOrder(t.columns, `表格 ${t.id} 的`);
    // Rules name fields of their own scope; a typo would otherwise silently never fire.
    const checkRules = (rules: readonly Rule[], scope: readonly FormField[], path: (string | number)[]) => {
      const inScope = (name: string) => scope.find((x) => x.id === name && x.type !== 'table' && x.type !== 'computed') as ScalarField | undefined;
      rules.forEach((r, i) => {
        const bad = (message: string) => ctx.addIssue({ code: 'custom', message, path: [...path, 'rules', i] });
        if ('when' in r) {
          const cond = inScope(r.when.field);
          if (!cond) bad(`when.field 指向不存在的字段 ${r.when.field}`);
          if (!inScope(r.require)) bad(`require 指向不存在的字段 ${r.require}`);
          if (r.require === r.when.field) bad('when.field 与 require 不能是同一个字段');
          const allowed = cond ? optionsOf(cond) : null;
          for (const v of [r.when.equals].flat())
            if (allowed && !allowed.includes(v)) bad(`when.equals 的取值“${v}”不是字段 ${cond!.id} 的选项（${allowed.join('、')}）`);
        } else {
          for (const name of [r.field, r.notBefore]) {
            const f = inScope(name);
            if (!f) bad(`指向不存在的字段 ${name}`);
            else if (f.type !== 'date') bad(`字段 ${name} 不是日期，不能比较先后`);
          }
          if (r.field === r.notBefore) bad('field 与 notBefore 不能是同一个字段');
        }
      });
    };
    checkRules(def.rules ?? [], fields, []);
    def.sections.forEach((s, si) =>
      s.fields.forEach((f, fi) => f.type === 'table' && checkRules(f.rules ?? [], f.columns, ['sections', si, 'fields', fi])),
    );
    for (const f of fields) {
      if (f.type === 'table' && f.minRows > f.maxRows)
        ctx.addIssue({ code: 'custom', message: `表格 ${f.id} 的 minRows 大于 maxRows`, path: ['sections'] });
      if (f.type === 'table' && f.sortBy && !f.columns.some((c) => c.id === f.sortBy))
        ctx.addIssue({ code: 'custom', message: `表格 ${f.id} 的 sortBy 指向不存在的列 ${f.sortBy}`, path: ['sections'] });
      if (f.type !== 'computed') continue;
      const t = tables.get(f.compute.table);
      if (!t) {
        ctx.addIssue({ code: 'custom', message: `计算字段 ${f.id} 引用了不存在的表格 ${f.compute.table}`, path: ['sections'] });
        continue;
      }
      if ('column' in f.compute && !t.columns.some((c) => 'column' in f.compute && c.id === f.compute.column))
        ctx.addIssue({ code: 'custom', message: `计算字段 ${f.id} 引用了表格 ${t.id} 中不存在的列 ${f.compute.column}`, path: ['sections'] });
    }
  });

export type FormDefinition = z.infer<typeof formDefinitionSchema>;
export type Rule = z.infer<typeof ruleSchema>;

/** The values a choice-like field accepts, or null when any text will do. */
export function optionsOf(field: ScalarField): readonly string[] | null {
  if (field.type === 'choice') return field.options;
  if (field.type === 'status') return STATUS_VALUES;
  if (field.type === 'yesno') return ['是', '否'];
  return null;
}
export type FormField = z.infer<typeof formFieldSchema>;
export type ScalarField = z.infer<typeof scalarField>;
export type TableField = z.infer<typeof table>;

/** Tables wider than this print on landscape A4 so their columns stay readable. */
export const WIDE_TABLE_COLUMNS = 8;

export function hasWideTable(definition: FormDefinition): boolean {
  return definition.sections.some((s) => s.fields.some((f) => f.type === 'table' && f.columns.length > WIDE_TABLE_COLUMNS));
}
