import type { ScalarField, TableField } from './form-definition.js';

/** Relative column widths by field type (in em), shared by the screen table and the PDF. */
export const COLUMN_EM: Record<ScalarField['type'], number> = {
  text: 10, longtext: 16, date: 10, number: 7, money: 8, phone: 10, email: 12, choice: 7, status: 7, rating: 5, yesno: 5,
};

/** Width of a table in em: its columns plus the row-number and action columns. */
export const tableWidthEm = (table: TableField): number => 6 + table.columns.reduce((sum, c) => sum + COLUMN_EM[c.type], 0);
