import type { FormValues, Row } from '../../lib/form-data.js';

/**
 * A table's rows, readable one row at a time: a row component subscribes and re-renders only
 * when its own row object changes, so a keystroke in a 1,000-row table renders one row, not
 * the form, the table and every rendered row.
 */
export interface RowsSource {
  /** The rows now (the same array until something changes). */
  get: () => Row[];
  /** Called after every change; returns the unsubscribe function. */
  subscribe: (listener: () => void) => () => void;
  /** Replaces the rows with `change(rows)`. */
  update: (change: (rows: Row[]) => Row[]) => void;
}

const NO_ROWS: Row[] = [];

/**
 * The checklist's values outside React state: the form island subscribes to its top-level
 * fields and to a settled copy (figures over every row), each table to its row count, each
 * rendered row to itself. Edits replace the changed objects only (values → the table's array
 * → the row), so untouched rows keep their identity and their cached checks.
 */
export class ValuesStore {
  private values: FormValues;
  /** The values as of the last change outside the tables (top-level fields, a loaded draft). */
  private fieldValues: FormValues;
  private readonly listeners = new Set<() => void>();
  private readonly tables = new Map<string, RowsSource>();
  /** Changed since the last save (autosave); set by edits, cleared by `replace(…, false)` and the saver. */
  dirty = false;

  constructor(values: FormValues) {
    this.values = this.fieldValues = values;
  }

  readonly get = (): FormValues => this.values;
  /** For the form's own fields: the same object while only table rows change. */
  readonly getFieldValues = (): FormValues => this.fieldValues;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Every value at once (a draft opened, imported or started afresh). */
  replace(values: FormValues, dirty: boolean): void {
    this.values = this.fieldValues = values;
    this.dirty = dirty;
    this.emit();
  }

  setField(id: string, value: string): void {
    if (this.values[id] === value) return;
    this.values = this.fieldValues = { ...this.values, [id]: value };
    this.dirty = true;
    this.emit();
  }

  /** The rows of table `id` (one object per table, so it can be a stable prop). */
  table(id: string): RowsSource {
    let source = this.tables.get(id);
    if (!source) {
      const get = () => {
        const v = this.values[id];
        return Array.isArray(v) ? v : NO_ROWS;
      };
      source = {
        get,
        subscribe: this.subscribe,
        update: (change) => {
          const rows = change(get());
          if (rows === get()) return;
          this.values = { ...this.values, [id]: rows };
          this.dirty = true;
          this.emit();
        },
      };
      this.tables.set(id, source);
    }
    return source;
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
