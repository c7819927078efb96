/**
 * The PDF table layout on a real 300-customer list (all 15 columns filled), read back with
 * poppler: density (pages, rows per page), every name, e-mail, phone, contract number and
 * amount found whole, no row split across a page break; and the layout rules one by one on
 * small tables drawn straight onto a PdfWriter.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { emptyValues } from '../../src/lib/form-data.js';
import { displayValue } from '../../src/lib/field-values.js';
import { renderFormPdf, type FormPdfResult } from '../../src/lib/pdf/form-pdf.js';
import { PdfWriter } from '../../src/lib/pdf/writer.js';
import { drawTable, type TableColumn } from '../../src/lib/pdf/table.js';
import { customerLedgerRows } from '../fixtures/customers.js';

const ARTIFACTS = 'test-artifacts/pdf';
mkdirSync(ARTIFACTS, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'pdf-table-'));

/** Text per page in content-stream order (-raw): a cell's wrapped lines stay together, as in a PDF viewer's search. */
function pageTexts(bytes: Uint8Array): string[] {
  const file = join(scratch, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
}
const squash = (s: string) => s.replace(/\s+/g, '');

const def: FormDefinition = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/customer-handover.json', 'utf8')));
const table = def.sections.flatMap((s) => s.fields).find((f) => f.id === 'customers');
if (table?.type !== 'table') throw new Error('customer-handover has no customers table');
const column = (id: string) => table.columns.find((c) => c.id === id)!;
const rows = customerLedgerRows(300);

let ledger: FormPdfResult;
let pages: string[];

beforeAll(async () => {
  const values = { ...emptyValues(def), giverName: '张三', department: '销售一部', reason: '离职', receiverName: '李四', witnessName: '王五', handoverDate: '2026-11-23', customers: rows };
  ledger = await renderFormPdf({ definition: def, values, company: '上海某某贸易有限公司', caseNumber: 'HJ-20261123-0300' });
  pages = pageTexts(ledger.bytes);
  writeFileSync(`${ARTIFACTS}/customers-300.pdf`, ledger.bytes);
  // Kept for people to look at: the first full page of the ledger.
  execFileSync('pdftoppm', ['-r', '70', '-png', '-f', '2', '-l', '2', `${ARTIFACTS}/customers-300.pdf`, `${ARTIFACTS}/customers-300`]);
});

/** The page a customer's row is on: the one holding its contract number as a whole line token. */
function pageOf(contractNo: string): number[] {
  const own = new RegExp(`(^|\\s)${contractNo}(?![-\\d])`);
  return pages.flatMap((p, i) => (own.test(p) ? [i] : []));
}

describe('a 300-customer list as a PDF ledger', () => {
  it('fits on at most 16 landscape pages with at least 20 customers on every full page', async () => {
    const doc = await PDFDocument.load(ledger.bytes);
    expect(doc.getPage(0).getSize().width).toBeGreaterThan(doc.getPage(0).getSize().height);
    expect(ledger.pageCount).toBeLessThanOrEqual(16);
    const perPage = new Array<number>(pages.length).fill(0);
    for (const r of rows) {
      const at = pageOf(r.contractNo.split('、')[0]);
      expect(at, r.contractNo).toHaveLength(1);
      perPage[at[0]]++;
    }
    const tablePages = perPage.flatMap((n, i) => (n > 0 ? [i] : []));
    // Full pages: all but the first (title and basic information above the table) and the last.
    for (const i of tablePages.slice(1, -1)) expect(perPage[i], `customers on page ${i + 1}`).toBeGreaterThanOrEqual(20);
  });

  it('keeps every row whole on one page, each name, e-mail, phone, contract number and amount unbroken', () => {
    for (const r of rows) {
      const [page] = pageOf(r.contractNo.split('、')[0]);
      const text = pages[page];
      const lines = text.split('\n');
      // Tokens that may never break: each sits whole on one line of the page.
      const tokens = [r.email, ...r.contractNo.split('、'), r.phone.split('转')[0], displayValue(column('amount'), r.amount), r.renewalDate];
      for (const t of tokens) expect(lines.some((l) => l.includes(t)), `«${t}» whole on one line (row ${r.name})`).toBe(true);
      // The rest of the row on the same page: name and every text cell, found by a search
      // that ignores line breaks inside a cell.
      for (const v of [r.name, r.contact, r.paymentProgress, r.needs, r.risks, r.nextStep, r.remark]) {
        if (v) expect(squash(text), `«${v}» on page ${page + 1} with ${r.contractNo}`).toContain(squash(v));
      }
    }
  });

  it('repeats the header on every page of the table', () => {
    for (const p of pages.filter((p) => /HT-2026-\d{4}/.test(p))) expect(squash(p)).toContain('客户名称');
  });
});

/** A writer on a fresh A4 document with the fonts cut to `text`. */
async function writer(text: string, pageSize?: [number, number]): Promise<PdfWriter> {
  const w = await PdfWriter.create(await PDFDocument.create(), { regular: text, bold: text }, { pageSize });
  w.newPage();
  return w;
}
const textOf = (rows: string[][], columns: TableColumn[]) => [...columns.map((c) => c.label), ...rows.flat()].join('');

describe('drawTable', () => {
  it('sizes columns from the content: an empty column keeps only its header, a long one grows', async () => {
    const columns: TableColumn[] = [{ label: '客户名称' }, { label: '备注' }, { label: '邮箱', atomic: true }];
    const data = [
      ['北京顺达物流有限公司', '', 'c145@example.com'],
      ['上海华信电子科技股份有限公司', '', 'purchase@huaxin.com.cn'],
    ];
    const w = await writer(textOf(data, columns));
    const { widths, size } = drawTable(w, columns, data, 9);
    const labelWidth = w.width('备注', w.bold, size);
    expect(widths[1]).toBeLessThan(labelWidth + 12);
    expect(widths[0]).toBeGreaterThan(widths[1] * 3);
    expect(widths[2]).toBeGreaterThanOrEqual(w.width('purchase@huaxin.com.cn', w.regular, size));
  });

  it('breaks neither an e-mail nor a contract number in free text while another layout fits', async () => {
    // Five columns that each need about a fifth of the page: only the tokens' own widths fit.
    const columns: TableColumn[] = Array.from({ length: 5 }, (_, i) => ({ label: `说明${i + 1}` }));
    const note = '巡检报告发 c145@example.com，合同 HT-2026-0145 已续签，金额 ¥12,800.00';
    const data = [columns.map(() => note)];
    const w = await writer(textOf(data, columns));
    drawTable(w, columns, data, 8);
    const text = pageTexts(await w.doc.save())[0];
    const lines = text.split('\n');
    for (const token of ['c145@example.com', 'HT-2026-0145', '¥12,800.00']) expect(lines.filter((l) => l.includes(token)), token).toHaveLength(5);
  });

  it('moves a row that does not fit to the next page whole, and splits only a row taller than a page', async () => {
    const columns: TableColumn[] = [{ label: '序号', atomic: true }, { label: '内容' }];
    const tall = Array.from({ length: 8 }, (_, i) => `第${i + 1}行说明`).join('\n');
    const data = Array.from({ length: 30 }, (_, i) => [`R${i + 1}`, tall]);
    const huge = Array.from({ length: 120 }, (_, i) => `长行${i + 1}`).join('\n');
    const w = await writer(textOf([...data, ['R99', huge]], columns));
    drawTable(w, columns, [...data, ['R99', huge]], 9);
    const texts = pageTexts(await w.doc.save());
    for (let i = 1; i <= 30; i++) {
      const page = texts.findIndex((t) => new RegExp(`(^|\\s)R${i}(\\s|$)`).test(t));
      expect(page, `R${i}`).toBeGreaterThanOrEqual(0);
      // All eight lines of the row are on the page of its number.
      expect(squash(texts[page]), `R${i}`).toContain(squash(tall));
    }
    const hugePages = texts.flatMap((t, i) => (/长行\d+/.test(t) ? [i] : []));
    expect(hugePages.length).toBeGreaterThan(1);
    expect(texts.map((t) => squash(t).replaceAll('序号内容', '')).join('')).toContain(squash(huge));
  });

  it('keeps a table whose tokens cannot all fit inside the page, breaking tokens only then', async () => {
    const columns: TableColumn[] = Array.from({ length: 12 }, (_, i) => ({ label: `邮箱${i + 1}`, atomic: true }));
    const data = [columns.map((_, i) => `purchase${i}@dingsheng-group.com.cn`), columns.map(() => '')];
    const w = await writer(textOf(data, columns));
    const { widths } = drawTable(w, columns, data, 8);
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(w.contentWidth + 0.01);
    for (const x of widths) expect(x).toBeGreaterThan(0);
    // Every character still drawn (cut across lines), none lost.
    expect(squash(pageTexts(await w.doc.save())[0])).toContain('purchase11@dingsheng-');
  });

  it('shrinks the font for a wide table only as far as minSize', async () => {
    const columns: TableColumn[] = Array.from({ length: 14 }, (_, i) => ({ label: `列${i + 1}` }));
    const data = Array.from({ length: 20 }, () => columns.map(() => '需要提前一周确认排期并附质检报告'));
    const w = await writer(textOf(data, columns), [841.89, 595.28]);
    expect(drawTable(w, columns, data, 8, { minSize: 7 }).size).toBe(7);
    const w2 = await writer(textOf(data, columns), [841.89, 595.28]);
    expect(drawTable(w2, columns, data.map((r) => r.map(() => '短')), 8, { minSize: 7 }).size).toBe(8);
  });
});
