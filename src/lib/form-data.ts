import { z } from 'zod';
import './zod-messages.js';
import type { FormDefinition, FormField, Rule, ScalarField, TableField } from './form-definition.js';
import { parseNumber, validateValue } from './field-values.js';
import { locateMessage } from './form-errors.js';

/**
 * Filled-in form data. Every value is the text the user typed; tables are arrays of rows
 * keyed by column id. The same definition yields the zod schema (browser and api/), the
 * computed values and the completeness figure.
 */
export type Row = Record<string, string>;
export type FormValues = Record<string, string | Row[]>;

/** Where an error sits (a field id, or `table.rowIndex.columnId`) and what it says. */
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

// The passes over every row that follow typing in a 1,000-row table (row counts, progress,
// computed totals) ask each row whether it is blank: answered once per row object, under the
// same rule as the error cache below (an edit replaces the row object, it is not changed in place).
const blankCache = new WeakMap<Row, boolean>();
function isBlank(row: Row): boolean {
  let blank = blankCache.get(row);
  if (blank === undefined) blankCache.set(row, (blank = isRowEmpty(row)));
  return blank;
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
 * Cross-field errors of one scope (the form's top-level fields, or one table row): a date
 * before the date it may not precede (a date field's `notBefore`, or a `notBefore` rule), and
 * a field left empty that a `when … require` rule asks for. Keyed by the field to correct.
 * Dates are compared only when both are valid; the value checks report the rest.
 */
export function ruleErrors(fields: readonly FormField[], rules: readonly Rule[] = [], valueOf: (id: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  const byId = new Map(fields.map((f) => [f.id, f]));
  const order = (field: string, notBefore: string) => {
    const [f, other] = [byId.get(field), byId.get(notBefore)];
    if (f?.type !== 'date' || other?.type !== 'date' || errors[field]) return;
    const [start, end] = [valueOf(notBefore).trim(), valueOf(field).trim()];
    if (start && end && !validateValue(f, end) && !validateValue(other, start) && end < start)
      errors[field] = `${f.label}（${end}）不能早于${other.label}（${start}）`;
  };
  for (const f of fields) if (f.type === 'date' && f.notBefore) order(f.id, f.notBefore);
  for (const r of rules) {
    if (!('when' in r)) {
      order(r.field, r.notBefore);
      continue;
    }
    const [cond, target] = [byId.get(r.when.field), byId.get(r.require)];
    const v = valueOf(r.when.field).trim();
    if (!cond || !target || errors[r.require] || valueOf(r.require).trim()) continue;
    if ([r.when.equals].flat().includes(v)) errors[r.require] = `${cond.label}为“${v}”时，请填写${target.label}`;
  }
  return errors;
}

// Rows keep their identity until edited (an edit replaces the row object, every other row is
// carried over as it was), so a row's errors are worked out once per change of that row: a
// 1,000-row table re-checks one row per keystroke, and removing or sorting rows re-checks none.
// Rules only ever look inside one row (`when … require`, `notBefore`); what spans rows (the
// row count against minRows/maxRows) is a count over the cached results, not a new check.
const rowErrorCache = new WeakMap<TableField, WeakMap<Row, Record<string, string>>>();

function cacheOf(table: TableField): WeakMap<Row, Record<string, string>> {
  let cache = rowErrorCache.get(table);
  if (!cache) rowErrorCache.set(table, (cache = new WeakMap()));
  return cache;
}

function checkRow(table: TableField, row: Row): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!isRowEmpty(row)) {
    for (const c of table.columns) {
      const e = validateValue(c, row[c.id] ?? '');
      if (e) errors[c.id] = e;
    }
    // A value error (e.g. an invalid date) says more than the rule built on it.
    for (const [col, e] of Object.entries(ruleErrors(table.columns, table.rules, (id) => row[id] ?? ''))) errors[col] ??= e;
  }
  return errors;
}

/** Errors of one table row, keyed by column; blank rows are ignored (they are dropped when saving a PDF). */
export function rowErrors(table: TableField, row: Row): Record<string, string> {
  const cache = cacheOf(table);
  let errors = cache.get(row);
  if (!errors) cache.set(row, (errors = checkRow(table, row)));
  return errors;
}

/** A table's state of errors, worked out incrementally (see `checkTable`). */
export interface TableCheck {
  /** Errors of each row (by index), keyed by column. */
  errors: readonly Readonly<Record<string, string>>[];
  /** Rows that are not blank. */
  filled: number;
  /** Rows with at least one error. */
  invalid: number;
  /** Indexes of the rows this call had to check; every other row's result was reused. */
  checked: number[];
}

/** Errors of every row of a table, checking only rows new or changed since they were last checked. */
export function checkTable(table: TableField, rows: readonly Row[]): TableCheck {
  const cache = cacheOf(table);
  const errors: Record<string, string>[] = new Array(rows.length);
  const checked: number[] = [];
  let filled = 0;
  let invalid = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let e = cache.get(row);
    if (!e) {
      cache.set(row, (e = checkRow(table, row)));
      checked.push(i);
    }
    errors[i] = e;
    if (!isBlank(row)) filled++;
    for (const _ in e) {
      invalid++;
      break;
    }
  }
  return { errors, filled, invalid, checked };
}

/** Errors of the top-level fields (value checks, then the form's rules), keyed by field id. */
export function fieldErrors(definition: FormDefinition, values: FormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of inputFields(definition)) {
    const e = validateValue(f, textOf(values, f.id));
    if (e) errors[f.id] = e;
  }
  for (const [id, e] of Object.entries(ruleErrors(allFields(definition), definition.rules, (id) => textOf(values, id)))) errors[id] ??= e;
  return errors;
}

// The located messages of a row (「设备 第 4 行：…」) depend on its row number as well: kept
// per row object with the index they were written for.
const locatedCache = new WeakMap<TableField, WeakMap<Row, { index: number; errors: [string, string][] }>>();

/** The cell errors of a table, keyed `table.row.column`, each saying its row (「设备 第 4 行：…」). */
export function tableRowErrors(definition: FormDefinition, table: TableField, rows: Row[]): ErrorMap {
  let cache = locatedCache.get(table);
  if (!cache) locatedCache.set(table, (cache = new WeakMap()));
  const errors: ErrorMap = {};
  rows.forEach((row, i) => {
    let hit = cache.get(row);
    if (!hit || hit.index !== i) {
      const located = Object.entries(rowErrors(table, row)).map(([col, e]): [string, string] => [`${table.id}.${i}.${col}`, locateMessage(definition, [table.id, i, col], e)]);
      cache.set(row, (hit = { index: i, errors: located }));
    }
    for (const [path, text] of hit.errors) errors[path] = text;
  });
  return errors;
}

/**
 * Every error of the form, keyed by where it sits, each message saying where in words
 * (「设备 第 4 行：…」); rows are numbered as shown, blank rows included.
 */
export function validateForm(definition: FormDefinition, values: FormValues): ErrorMap {
  const errors: ErrorMap = {};
  const scalar = fieldErrors(definition, values);
  for (const f of allFields(definition)) {
    if (f.type === 'computed') continue;
    if (f.type === 'table') {
      const rows = rowsOf(values, f.id);
      const filled = rows.filter((r) => !isRowEmpty(r)).length;
      if (filled < f.minRows) errors[f.id] = `${f.label}至少需要 ${f.minRows} 行`;
      if (filled > f.maxRows) errors[f.id] = `${f.label}最多 ${f.maxRows} 行（当前 ${filled} 行）`;
      Object.assign(errors, tableRowErrors(definition, f, rows));
    } else if (scalar[f.id]) errors[f.id] = scalar[f.id];
  }
  return errors;
}

/** What the check summary shows: how many errors, the first few of them located, and the table-level ones. */
export interface ErrorSummary {
  /** Every error of the form (what `validateForm` would list). */
  count: number;
  /** The first `max` errors in form order, each saying where it is (「客户 第 4 行：…」). */
  first: { path: string; text: string }[];
  /** Errors of a table as a whole (its row count), keyed by table id. */
  tables: Record<string, string>;
}

/**
 * `validateForm` counted rather than listed: the same errors in the same order, but only the
 * first `max` are worked into located messages. Table rows come from their cached check
 * (`checkTable`), so with 1,000 rows that each have an error a keystroke re-checks one row and
 * writes `max` messages, not 1,000.
 */
export function errorSummary(definition: FormDefinition, values: FormValues, max: number): ErrorSummary {
  const scalar = fieldErrors(definition, values);
  const summary: ErrorSummary = { count: 0, first: [], tables: {} };
  const add = (path: string, text: () => string) => {
    summary.count++;
    if (summary.first.length < max) summary.first.push({ path, text: text() });
  };
  for (const f of allFields(definition)) {
    if (f.type === 'computed') continue;
    if (f.type !== 'table') {
      if (scalar[f.id]) add(f.id, () => scalar[f.id]);
      continue;
    }
    const rows = rowsOf(values, f.id);
    const { errors, filled } = checkTable(f, rows);
    const whole = filled > f.maxRows ? `${f.label}最多 ${f.maxRows} 行（当前 ${filled} 行）` : filled < f.minRows ? `${f.label}至少需要 ${f.minRows} 行` : '';
    if (whole) {
      summary.tables[f.id] = whole;
      add(f.id, () => whole);
    }
    errors.forEach((e, i) => {
      for (const col in e) add(`${f.id}.${i}.${col}`, () => locateMessage(definition, [f.id, i, col], e[col]));
    });
  }
  return summary;
}

/**
 * The zod schema of a form's data, for api/ and for imports: shape and size bounds come from
 * the definition, and each value is checked by the same rule the browser shows.
 */
export function buildFormSchema(definition: FormDefinition) {
  // Built once per definition (the site's forms are loaded once): every send and preview of
  // a form used to build its schema again.
  let schema = formSchemas.get(definition);
  if (!schema) formSchemas.set(definition, (schema = makeFormSchema(definition)));
  return schema;
}
const formSchemas = new WeakMap<FormDefinition, ReturnType<typeof makeFormSchema>>();

function makeFormSchema(definition: FormDefinition) {
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
        .superRefine((r, ctx) => {
          const valueOf = (id: string) => (r as Row)[id] ?? '';
          const errors = ruleErrors(f.columns, f.rules, valueOf);
          addRuleIssues(ctx, Object.fromEntries(Object.entries(errors).filter(([id]) => !validateValue(f.columns.find((c) => c.id === id)!, valueOf(id)))));
        });
      // Blank rows (an empty line left in the table) are skipped and dropped, but counted in
      // the row numbers of the errors, so 「第 4 行」 is the fourth row the user sees.
      shape[f.id] = z
        .array(z.unknown(), { invalid_type_error: `${f.label}必须是表格行的列表` })
        .max(f.maxRows * 2 + 100, `${f.label}最多 ${f.maxRows} 行`)
        .transform((items, ctx) => {
          const kept: Row[] = [];
          items.forEach((item, i) => {
            if (isBlankRecord(item)) return;
            const parsed = row.safeParse(item);
            if (parsed.success) kept.push(parsed.data as Row);
            else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
          });
          const count = items.filter((item) => !isBlankRecord(item)).length;
          if (count < f.minRows) ctx.addIssue({ code: 'custom', message: `${f.label}至少需要 ${f.minRows} 行` });
          if (count > f.maxRows) ctx.addIssue({ code: 'custom', message: `${f.label}最多 ${f.maxRows} 行（当前 ${count} 行）` });
          return kept;
        })
        .default([]);
    } else {
      shape[f.id] = cell(f).default('');
    }
  }
  const scalars = allFields(definition);
  return z
    .object(shape)
    .strict()
    .superRefine((v, ctx) => {
      // Only rule errors here: the value checks already ran field by field.
      const values = v as FormValues;
      const invalid = new Set(inputFields(definition).filter((f) => validateValue(f, textOf(values, f.id))).map((f) => f.id));
      const errors = ruleErrors(scalars, definition.rules, (id) => textOf(values, id));
      addRuleIssues(ctx, Object.fromEntries(Object.entries(errors).filter(([id]) => !invalid.has(id))));
    });
}

function addRuleIssues(ctx: z.RefinementCtx, errors: Record<string, string>) {
  for (const [path, message] of Object.entries(errors)) ctx.addIssue({ code: 'custom', message, path: [path] });
}

/** Value of a computed field, as a number. */
export function computeValue(definition: FormDefinition, id: string, values: FormValues): number {
  const f = allFields(definition).find((x) => x.id === id);
  if (!f || f.type !== 'computed') throw new Error(`not a computed field: ${id}`);
  const rows = rowsOf(values, f.compute.table).filter((r) => !isBlank(r));
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
      if (isBlank(row)) continue;
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
