/**
 * Incremental validation of a long table (checkTable, validateForm): an edit re-checks only
 * the edited row; moving rows (delete, sort) re-checks none but renumbers the messages; the
 * table's own checks (row count) follow every change; the check summary counts them all and
 * words only the first few.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formDefinitionSchema, type TableField } from '../../src/lib/form-definition.js';
import { checkTable, emptyRow, emptyValues, errorSummary, validateForm, type Row } from '../../src/lib/form-data.js';
import { customerRows } from '../fixtures/customers.js';

const customers = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/customer-handover.json', 'utf8')));
const table = customers.sections.flatMap((s) => s.fields).find((f) => f.id === 'customers') as TableField;

/** 1,000 customers pasted from Excel, every one without its 交接状态 (required). */
const missingStatus = () => customerRows(1000).map((r) => ({ ...r, status: '' }));
const edit = (rows: Row[], index: number, change: Row): Row[] => rows.map((r, i) => (i === index ? { ...r, ...change } : r));

describe('checkTable', () => {
  it('checks every row once, then only the row that was edited', () => {
    const rows = missingStatus();
    const first = checkTable(table, rows);
    expect(first.checked).toHaveLength(1000);
    expect(first.invalid).toBe(1000);
    expect(first.filled).toBe(1000);
    expect(first.errors[899]).toEqual({ status: '请填写交接状态' });

    const fixed = edit(rows, 899, { status: '已交接' });
    const second = checkTable(table, fixed);
    expect(second.checked).toEqual([899]);
    expect(second.errors[899]).toEqual({});
    expect(second.invalid).toBe(999);
    // The other rows' results are the very objects found before, not worked out again.
    expect(second.errors[898]).toBe(first.errors[898]);

    // The same rows again: nothing to check.
    expect(checkTable(table, fixed).checked).toEqual([]);
  });

  it('re-checks nothing when rows are removed, added blank or reordered', () => {
    const rows = missingStatus();
    checkTable(table, rows);
    const removed = rows.filter((_, i) => i !== 0);
    const after = checkTable(table, removed);
    expect(after.checked).toEqual([]);
    expect(after.invalid).toBe(999);
    expect(checkTable(table, [...removed].reverse()).checked).toEqual([]);
    // A new blank row is checked (it is new) and has no errors: blank rows are not counted.
    const withBlank = checkTable(table, [...removed, emptyRow(table)]);
    expect(withBlank.checked).toEqual([999]);
    expect(withBlank.filled).toBe(999);
    expect(withBlank.errors[999]).toEqual({});
  });
});

describe('validateForm on a long table', () => {
  it('fixing row 900 clears its message; removing a row renumbers the rest', () => {
    const values = emptyValues(customers);
    values.customers = missingStatus();
    const before = validateForm(customers, values);
    expect(before['customers.899.status']).toBe('客户明细 第 900 行：请填写交接状态');
    expect(Object.keys(before).filter((k) => k.startsWith('customers.'))).toHaveLength(1000);

    const fixed = validateForm(customers, { ...values, customers: edit(values.customers as Row[], 899, { status: '已交接' }) });
    expect(fixed['customers.899.status']).toBeUndefined();
    expect(fixed['customers.900.status']).toBe('客户明细 第 901 行：请填写交接状态');

    // Row 1 removed: the row that was 第 901 行 is now 第 900 行, though it was not checked again.
    const shifted = validateForm(customers, { ...values, customers: (values.customers as Row[]).slice(1) });
    expect(shifted['customers.899.status']).toBe('客户明细 第 900 行：请填写交接状态');
    expect(shifted['customers.999.status']).toBeUndefined();
  });

  it('the table-wide check (its row limit) follows the rows', () => {
    const small = { ...table, maxRows: 3 };
    const def = { ...customers, sections: customers.sections.map((s) => ({ ...s, fields: s.fields.map((f) => (f.id === 'customers' ? small : f)) })) };
    const values = emptyValues(def);
    values.customers = customerRows(4);
    expect(validateForm(def, values).customers).toBe(`${table.label}最多 3 行（当前 4 行）`);
    values.customers = customerRows(3);
    expect(validateForm(def, values).customers).toBeUndefined();
  });
});

describe('errorSummary (the check summary of the form page)', () => {
  /** validateForm's list, as the summary should count and begin it. */
  const listed = (def: typeof customers, values: ReturnType<typeof emptyValues>) => Object.entries(validateForm(def, values)).map(([path, text]) => ({ path, text }));

  it('counts every error of validateForm and words the first ones, in the same order', () => {
    // Required top-level fields left blank (before the table) and 1,000 rows without 交接状态.
    const values = emptyValues(customers);
    values.customers = edit(missingStatus(), 3, { email: 'not-an-email' });
    const all = listed(customers, values);
    const summary = errorSummary(customers, values, 20);
    expect(all.length).toBeGreaterThan(1000);
    expect(summary.count).toBe(all.length);
    expect(summary.first).toEqual(all.slice(0, 20));
    expect(summary.first.some((e) => e.path === 'customers.3.email')).toBe(true);
    expect(summary.tables).toEqual({});
  });

  it('follows an edit and a removed row like validateForm', () => {
    const values = emptyValues(customers);
    values.customers = missingStatus();
    const fixed = { ...values, customers: edit(values.customers as Row[], 0, { status: '已交接' }) };
    const summary = errorSummary(customers, fixed, 5);
    expect(summary.count).toBe(listed(customers, fixed).length);
    expect(summary.first).toEqual(listed(customers, fixed).slice(0, 5));
    expect(summary.first.map((e) => e.path)).not.toContain('customers.0.status');
    const shifted = { ...values, customers: (values.customers as Row[]).slice(1) };
    expect(errorSummary(customers, shifted, 5).first).toEqual(listed(customers, shifted).slice(0, 5));
  });

  it('reports the table-wide check (its row limit) under the table', () => {
    const small = { ...table, maxRows: 3 };
    const def = { ...customers, sections: customers.sections.map((s) => ({ ...s, fields: s.fields.map((f) => (f.id === 'customers' ? small : f)) })) };
    const values = emptyValues(def);
    values.customers = customerRows(4);
    const summary = errorSummary(def, values, 100);
    expect(summary.tables.customers).toBe(`${table.label}最多 3 行（当前 4 行）`);
    expect(summary.first).toEqual(listed(def, values));
    values.customers = customerRows(3);
    expect(errorSummary(def, values, 100).tables).toEqual({});
  });
});
