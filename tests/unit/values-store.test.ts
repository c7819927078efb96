/**
 * The checklist's value store (ValuesStore): a cell edit replaces only its row, its table's
 * array and the values object, so untouched rows keep their identity (their cached checks and
 * their rendered components); the form's own fields stay the same object while only table
 * rows change; edits mark the values for autosave and a loaded draft does not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formDefinitionSchema, type TableField } from '../../src/lib/form-definition.js';
import { checkTable, emptyValues } from '../../src/lib/form-data.js';
import { ValuesStore } from '../../src/islands/form/valuesStore.js';
import { customerRows } from '../fixtures/customers.js';

const customers = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/customer-handover.json', 'utf8')));
const table = customers.sections.flatMap((s) => s.fields).find((f) => f.id === 'customers') as TableField;

function filledStore() {
  const store = new ValuesStore(emptyValues(customers));
  store.replace({ ...emptyValues(customers), customers: customerRows(1000).map((r) => ({ ...r, status: '' })) }, false);
  return store;
}

describe('ValuesStore', () => {
  it('an edited cell replaces its row only; the other rows, the form fields and the row checks stay', () => {
    const store = filledStore();
    const source = store.table('customers');
    expect(store.table('customers')).toBe(source);
    const before = source.get();
    const fields = store.getFieldValues();
    checkTable(table, before);
    let calls = 0;
    const off = store.subscribe(() => calls++);

    source.update((rows) => {
      const next = rows.slice();
      next[500] = { ...rows[500], status: '已交接' };
      return next;
    });
    const after = source.get();
    expect(calls).toBe(1);
    expect(after).not.toBe(before);
    expect(after[500]).not.toBe(before[500]);
    expect(after.filter((r, i) => r === before[i])).toHaveLength(999);
    expect(store.getFieldValues()).toBe(fields);
    expect(store.dirty).toBe(true);
    // Only the edited row is checked again.
    const check = checkTable(table, after);
    expect(check.checked).toEqual([500]);
    expect(check.invalid).toBe(999);
    off();
    source.update((rows) => rows.slice(0, 10));
    expect(calls).toBe(1);
    expect(source.get()).toHaveLength(10);
  });

  it('a form field changes the field values; an unchanged value or an unchanged table is no change', () => {
    const store = filledStore();
    expect(store.dirty).toBe(false);
    const fields = store.getFieldValues();
    let calls = 0;
    store.subscribe(() => calls++);
    store.setField('giverName', '张三');
    expect(store.getFieldValues()).not.toBe(fields);
    expect(store.getFieldValues().giverName).toBe('张三');
    expect(store.get()).toBe(store.getFieldValues());
    store.setField('giverName', '张三');
    store.table('customers').update((rows) => rows);
    expect(calls).toBe(1);
  });

  it('a table not in the values reads as the same empty list every time', () => {
    const store = new ValuesStore({});
    expect(store.table('customers').get()).toEqual([]);
    expect(store.table('customers').get()).toBe(store.table('customers').get());
  });
});
