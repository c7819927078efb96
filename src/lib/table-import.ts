import Papa from 'papaparse';
import type { ScalarField, TableField } from './form-definition.js';
import { normalizeValue } from './field-values.js';
import { emptyRow, isRowEmpty, type Row } from './form-data.js';

/**
 * Turning text copied from Excel/WPS (tab-separated, quoted cells may hold line breaks) or a
 * CSV file into table rows: parse the grid, match its header to the table's columns, and
 * let the user map what could not be matched.
 */

export function parseGrid(text: string, format: 'tsv' | 'csv'): string[][] {
  const clean = text.replace(/^\uFEFF/, '');
  const result = Papa.parse<string[]>(clean, {
    delimiter: format === 'tsv' ? '\t' : '',
    delimitersToGuess: [',', ';', '\t'],
    skipEmptyLines: 'greedy',
  });
  return result.data.map((row) => row.map((cell) => (cell ?? '').replace(/\r\n?/g, '\n')));
}

/** Clipboard text looks like a block of cells (more than one cell), not a single value. */
export function looksLikeGrid(text: string): boolean {
  return /\t/.test(text) || /\n./.test(text.trim());
}

const stripParens = (s: string) => s.replace(/[（(][^）)]*[）)]/g, '');
export function normalizeHeader(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s*:：_\-]/g, '');
}

/** Other names people give the same column in their spreadsheets. */
const ALIASES: Record<string, string[]> = {
  客户名称: ['客户', '公司名称', '单位名称', '客户名', '企业名称'],
  联系电话: ['电话', '手机', '手机号', '手机号码', '联系方式', '电话号码'],
  邮箱: ['电子邮箱', 'email', 'e-mail', '邮件'],
  联系人: ['对接人', '客户联系人'],
  客户等级: ['等级', '客户级别', '级别'],
  备注: ['说明'],
};

function columnNames(c: ScalarField): string[] {
  const label = normalizeHeader(c.label);
  const short = normalizeHeader(stripParens(c.label));
  const aliases = Object.entries(ALIASES).flatMap(([k, v]) => (normalizeHeader(k) === short ? v.map(normalizeHeader) : []));
  return [...new Set([label, short, normalizeHeader(c.id), ...aliases])];
}

/** For each source header, the column it names (exact or alias first, then containment), or null. */
export function matchHeaders(headers: string[], columns: readonly ScalarField[]): (string | null)[] {
  const mapping: (string | null)[] = headers.map(() => null);
  const used = new Set<string>();
  const names = columns.map((c) => ({ id: c.id, names: columnNames(c) }));
  const norm = headers.map((h) => normalizeHeader(h));
  const normShort = headers.map((h) => normalizeHeader(stripParens(h)));
  const pass = (test: (i: number, candidate: string[]) => boolean) => {
    norm.forEach((h, i) => {
      if (mapping[i] || !h) return;
      const hit = names.find((c) => !used.has(c.id) && test(i, c.names));
      if (hit) {
        mapping[i] = hit.id;
        used.add(hit.id);
      }
    });
  };
  pass((i, cand) => cand.includes(norm[i]) || cand.includes(normShort[i]));
  pass((i, cand) => normShort[i].length >= 2 && cand.some((n) => n.length >= 2 && (n.includes(normShort[i]) || normShort[i].includes(n))));
  return mapping;
}

export interface ImportPlan {
  hasHeader: boolean;
  /** Names shown in the mapping step: the header cells, or 第 N 列. */
  sourceColumns: string[];
  /** Per source column, the target column id, or null to ignore it. */
  mapping: (string | null)[];
  /** True when the user should confirm the mapping before rows are added. */
  needsMapping: boolean;
  dataRows: string[][];
}

export function planImport(grid: string[][], table: TableField): ImportPlan {
  const width = Math.max(0, ...grid.map((r) => r.length));
  const first = grid[0] ?? [];
  const headerMatch = matchHeaders(first, table.columns);
  const nonEmpty = first.filter((c) => c.trim()).length;
  const matched = headerMatch.filter(Boolean).length;
  const hasHeader = matched > 0 && matched * 2 >= nonEmpty;
  if (hasHeader) {
    const sourceColumns = Array.from({ length: width }, (_, i) => first[i]?.trim() || `第 ${i + 1} 列`);
    const mapping = Array.from({ length: width }, (_, i) => headerMatch[i] ?? null);
    const unmatchedNamed = sourceColumns.some((_, i) => !mapping[i] && first[i]?.trim());
    return { hasHeader, sourceColumns, mapping, needsMapping: unmatchedNamed, dataRows: grid.slice(1) };
  }
  // No header: propose columns in table order and let the user confirm.
  return {
    hasHeader,
    sourceColumns: Array.from({ length: width }, (_, i) => `第 ${i + 1} 列（${(first[i] ?? '').slice(0, 12) || '空'}）`),
    mapping: Array.from({ length: width }, (_, i) => table.columns[i]?.id ?? null),
    needsMapping: true,
    dataRows: grid,
  };
}

export interface ImportResult {
  rows: Row[];
  added: number;
  /** Rows that did not fit under the table's maxRows. */
  overflow: number;
}

/** Undo the formula guard our CSV export adds ('=… → =…). */
const unguard = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);

/** Add the imported rows after the filled rows, or put them in place of all rows. */
export type ImportMode = 'append' | 'replace';

export function applyImport(plan: ImportPlan, table: TableField, existing: Row[], mode: ImportMode = 'append'): ImportResult {
  const columns = new Map(table.columns.map((c) => [c.id, c]));
  const incoming: Row[] = [];
  for (const cells of plan.dataRows) {
    const row = emptyRow(table);
    plan.mapping.forEach((target, i) => {
      const col = target ? columns.get(target) : undefined;
      if (!col) return;
      const value = normalizeValue(col, unguard(cells[i] ?? ''));
      row[col.id] = row[col.id] ? `${row[col.id]} ${value}`.trim() : value;
    });
    if (!isRowEmpty(row)) incoming.push(row);
  }
  const kept = mode === 'replace' ? [] : existing.filter((r) => !isRowEmpty(r));
  const room = Math.max(0, table.maxRows - kept.length);
  const added = incoming.slice(0, room);
  return { rows: [...kept, ...added], added: added.length, overflow: incoming.length - added.length };
}

/** Cells a spreadsheet would run as a formula get a leading apostrophe (CSV injection). */
function guardCell(value: string, column: ScalarField): string {
  const numeric = (column.type === 'money' || column.type === 'number') && /^-?\d+(\.\d+)?$/.test(value);
  return !numeric && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV with a BOM so Excel opens the Chinese text as UTF-8; header row is the column labels. */
export function tableToCsv(table: TableField, rows: Row[]): string {
  const data = rows.filter((r) => !isRowEmpty(r)).map((r) => table.columns.map((c) => guardCell(r[c.id] ?? '', c)));
  return '\uFEFF' + Papa.unparse({ fields: table.columns.map((c) => c.label), data }, { newline: '\r\n' });
}

/** Any grid of text as CSV (BOM, formula guard on every cell). */
export function gridToCsv(header: string[], rows: string[][]): string {
  const guard = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return '\uFEFF' + Papa.unparse({ fields: header, data: rows.map((r) => r.map(guard)) }, { newline: '\r\n' });
}
