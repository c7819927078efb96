import { z } from 'zod';
import './zod-messages.js';
import type { FormDefinition, FormField, ScalarField, TableField } from './form-definition.js';
import { parseNumber, validateValue } from './field-values.js';

/**
 * Filled-in form data. Every value is the text the user typed; tables are arrays of rows
 * keyed by column id. The same definition yields the zod schema (browser and api/), the
 * computed values and the completeness figure.
 */
export type Row = Record<string, string>;
export type FormValues = Record<string, string | Row[]>;

/** Where an error sits: a field id, or `table.rowIndex.columnId`. */
export type ErrorMap = Record<string, string>;

export const MAX_VALUE_LENGTH = 20_000;

export function allFields(definition: FormDefinition): FormField[] {
  return definition.sections.flatMap((s) => s.fields);
}

export function tableFields(definition: FormDefinition): TableField[] {
  return allFields(definition).filter((f): f is TableField => f.type === 'table');
}

export function inputFields(definition: FormDefinition): ScalarField[] {
  return allFields(definition).filter((f): f is ScalarField => f.type !== 'table' && f.type !== 'computed');
}

export function emptyRow(table: TableField): Row {
  return Object.fromEntries(table.columns.map((c) => [c.id, '']));
}

export function emptyValues(definition: FormDefinition): FormValues {
  const values: FormValues = {};
  for (const f of allFields(definition)) {
    if (f.type === 'table') values[f.id] = Array.from({ length: f.minRows }, () => emptyRow(f));
    else if (f.type !== 'computed') values[f.id] = '';
  }
  return values;
}

export function isRowEmpty(row: Row): boolean {
  return Object.values(row).every((v) => !v.trim());
}

/** A row-like object whose every value is a blank string (anything else is validated). */
function isBlankRecord(r: unknown): boolean {
  return !!r && typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((v) => typeof v === 'string' && !v.trim());
}

export const rowsOf = (values: FormValues, tableId: string): Row[] => {
  const v = values[tableId];
  return Array.isArray(v) ? v : [];
};
export const textOf = (values: FormValues, id: string): string => {
  const v = values[id];
  return typeof v === 'string' ? v : '';
};

/**
 * Dates that come before the date they may not precede (`notBefore`), e.g. an end before its
 * start; only pairs whose both values are valid dates are compared.
 */
export function dateOrderErrors(fields: readonly FormField[], valueOf: (id: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    if (f.type !== 'date' || !f.notBefore) continue;
    const other = fields.find((x) => x.id === f.notBefore);
    const [start, end] = [valueOf(f.notBefore).trim(), valueOf(f.id).trim()];
    if (other && start && end && !validateValue(f, end) && !validateValue(f, start) && end < start)
      errors[f.id] = `${f.label}（${end}）不能早于${other.label}（${start}）`;
  }
  return errors;
}

/** Errors of one table row; blank rows are ignored (they are dropped when saving a PDF). */
export function rowErrors(table: TableField, row: Row): Record<string, string> {
  const errors: Record<string, string> = {};
  if (isRowEmpty(row)) return errors;
  for (const c of table.columns) {
    const e = validateValue(c, row[c.id] ?? '');
    if (e) errors[c.id] = e;
  }
  return { ...dateOrderErrors(table.columns, (id) => row[id] ?? ''), ...errors };
}

export function validateForm(definition: FormDefinition, values: FormValues): ErrorMap {
  const errors: ErrorMap = {};
  for (const f of allFields(definition)) {
    if (f.type === 'computed') continue;
    if (f.type === 'table') {
      const rows = rowsOf(values, f.id).filter((r) => !isRowEmpty(r));
      if (rows.length < f.minRows) errors[f.id] = `${f.label}至少需要 ${f.minRows} 行`;
      if (rows.length > f.maxRows) errors[f.id] = `${f.label}最多 ${f.maxRows} 行（当前 ${rows.length} 行）`;
      rowsOf(values, f.id).forEach((row, i) => {
        for (const [col, e] of Object.entries(rowErrors(f, row))) errors[`${f.id}.${i}.${col}`] = e;
      });
      continue;
    }
    const e = validateValue(f, textOf(values, f.id));
    if (e) errors[f.id] = e;
  }
  return { ...dateOrderErrors(allFields(definition), (id) => textOf(values, id)), ...errors };
}

/**
 * The zod schema of a form's data, for api/ and for imports: shape and size bounds come from
 * the definition, and each value is checked by the same rule the browser shows.
 */
export function buildFormSchema(definition: FormDefinition) {
  const cell = (f: ScalarField) =>
    z
      .string({ invalid_type_error: `${f.label}必须是文本` })
      .max(MAX_VALUE_LENGTH, `${f.label}过长`)
      .superRefine((v, ctx) => {
        const e = validateValue(f, v);
        if (e) ctx.addIssue({ code: 'custom', message: e });
      });
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const f of allFields(definition)) {
    if (f.type === 'computed') continue;
    if (f.type === 'table') {
      const row = z
        .object(Object.fromEntries(f.columns.map((c) => [c.id, cell(c).default('')])))
        .strict()
        .superRefine((r, ctx) => addOrderIssues(ctx, dateOrderErrors(f.columns, (id) => (r as Row)[id] ?? '')));
      // Blank rows (an empty line left in the table) are dropped before validation.
      const dropBlankRows = (v: unknown) => (Array.isArray(v) ? v.filter((r) => !isBlankRecord(r)) : v);
      shape[f.id] = z
        .preprocess(
          dropBlankRows,
          z
            .array(row, { invalid_type_error: `${f.label}必须是表格行的列表` })
            .min(f.minRows, `${f.label}至少需要 ${f.minRows} 行`)
            .max(f.maxRows, `${f.label}最多 ${f.maxRows} 行`),
        )
        .default([]);
    } else {
      shape[f.id] = cell(f).default('');
    }
  }
  return z
    .object(shape)
    .strict()
    .superRefine((v, ctx) => addOrderIssues(ctx, dateOrderErrors(allFields(definition), (id) => textOf(v as FormValues, id))));
}

function addOrderIssues(ctx: z.RefinementCtx, errors: Record<string, string>) {
  for (const [path, message] of Object.entries(errors)) ctx.addIssue({ code: 'custom', message, path: [path] });
}

/** Value of a computed field, as a number. */
export function computeValue(definition: FormDefinition, id: string, values: FormValues): number {
  const f = allFields(definition).find((x) => x.id === id);
  if (!f || f.type !== 'computed') throw new Error(`not a computed field: ${id}`);
  const rows = rowsOf(values, f.compute.table).filter((r) => !isRowEmpty(r));
  const c = f.compute;
  switch (c.kind) {
    case 'count':
      return rows.length;
    case 'countWhere':
      return rows.filter((r) => (r[c.column] ?? '').trim() === c.equals).length;
    case 'sum':
      // Cents avoid 0.1 + 0.2 drift in money totals.
      return rows.reduce((sum, r) => sum + Math.round((parseNumber(r[c.column] ?? '') ?? 0) * 100), 0) / 100;
  }
}

export function formatComputed(definition: FormDefinition, id: string, values: FormValues): string {
  const f = allFields(definition).find((x) => x.id === id);
  const n = computeValue(definition, id, values);
  if (f?.type === 'computed' && f.compute.kind === 'sum') return n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return String(n);
}

/**
 * How far the handover is: status cells marked 已交接 out of all status cells that apply
 * (不适用 is left out), plus how many required top-level fields are filled.
 */
export function completeness(definition: FormDefinition, values: FormValues) {
  let handed = 0;
  let applicable = 0;
  for (const t of tableFields(definition)) {
    const statusCols = t.columns.filter((c) => c.type === 'status');
    for (const row of rowsOf(values, t.id)) {
      if (isRowEmpty(row)) continue;
      for (const c of statusCols) {
        const v = (row[c.id] ?? '').trim();
        if (v === '不适用') continue;
        applicable++;
        if (v === '已交接') handed++;
      }
    }
  }
  const required = inputFields(definition).filter((f) => f.required);
  const filled = required.filter((f) => textOf(values, f.id).trim()).length;
  return { handed, applicable, requiredFilled: filled, requiredTotal: required.length };
}
