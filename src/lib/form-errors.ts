import type { ZodError } from 'zod';
import type { FormDefinition, FormField } from './form-definition.js';

/**
 * Where a form error sits, said the way people count: 「设备 第 4 行「状况」：…」 rather than
 * `equipment[3].condition`. One wording for the form island, the /api/pdf refusal and the case
 * page; paths are the data's own (`giverName`, `equipment.3.damage`), row numbers start at 1.
 */

export interface FormError {
  /** `field`, `table`, `table.3` or `table.3.column` (0-based row index, as in the data). */
  path: string;
  /** The readable message, with its place in the form. */
  text: string;
}

const fieldsOf = (definition: FormDefinition): FormField[] => definition.sections.flatMap((s) => s.fields);

/** 「办公设备及用品 第 4 行」 */
export function rowPlace(tableLabel: string, index: number): string {
  return `${tableLabel} 第 ${index + 1} 行`;
}

/** The message with its place; a message that already names the field is not prefixed twice. */
export function locateMessage(definition: FormDefinition, path: readonly (string | number)[], message: string): string {
  if (path.length === 0) return message;
  const [first, row, col] = path;
  const field = fieldsOf(definition).find((f) => f.id === first);
  if (!field) return `${path.join('.')}：${message}`;
  const named = (label: string) => (message.includes(label) ? message : `「${label}」${message}`);
  if (field.type !== 'table' || row === undefined || !Number.isInteger(Number(row))) {
    return message.includes(field.label) ? message : `${field.label}：${message}`;
  }
  const where = rowPlace(field.label, Number(row));
  if (col === undefined) return `${where}：${message}`;
  const column = field.columns.find((c) => c.id === col);
  return column ? `${where}：${named(column.label)}` : `${where}（${String(col)}）：${message}`;
}

/** zod issues of a form's values schema, located, in the order the form shows them (top to bottom, row by row). */
export function formErrorsFromZod(definition: FormDefinition, error: ZodError): FormError[] {
  const fields = fieldsOf(definition);
  const rank = (path: readonly (string | number)[]): number[] => {
    const i = fields.findIndex((f) => f.id === path[0]);
    const f = fields[i];
    const row = typeof path[1] === 'number' ? path[1] : -1;
    const col = f?.type === 'table' ? f.columns.findIndex((c) => c.id === path[2]) : -1;
    return [i < 0 ? fields.length : i, row, col];
  };
  const byPlace = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  return [...error.issues]
    .sort((a, b) => byPlace(rank(a.path), rank(b.path)))
    .map((issue) => ({ path: issue.path.join('.'), text: locateMessage(definition, issue.path, issue.message) }));
}

/** The DOM id of a table cell's input (TableEditor). */
export const cellId = (tableId: string, index: number, columnId: string) => `${tableId}-${index}-${columnId}`;

/**
 * The element to focus for an error: the field's input (`scalarPrefix` + id), the cell, the
 * row's first cell, or the table's editor.
 */
export function errorAnchor(definition: FormDefinition, path: string, scalarPrefix = 'f-'): string {
  const [first, row, col] = path.split('.');
  const field = fieldsOf(definition).find((f) => f.id === first);
  if (!field || field.type !== 'table') return `${scalarPrefix}${first}`;
  if (row === undefined || !/^\d+$/.test(row)) return `table-${field.id}`;
  const column = field.columns.find((c) => c.id === col) ?? field.columns[0];
  return cellId(field.id, Number(row), column.id);
}
