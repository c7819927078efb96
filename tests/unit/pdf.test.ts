/**
 * The PDF engine against the real thing: poppler's pdftotext must extract every string we
 * put in (copy, search, screen readers) and pdftoppm must show ink in every glyph's place
 * (fontkit's own subsetting draws Chinese glyphs blank while pdftotext still reads them).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { renderFormPdf, type FormPdfResult } from '../../src/lib/pdf/form-pdf.js';
import { stampSignature } from '../../src/lib/pdf/stamp.js';
import { appendAuditPage } from '../../src/lib/pdf/audit.js';
import { NO_LINE_START } from '../../src/lib/pdf/line-break.js';
import { customerValues, workHandoverValues } from '../fixtures/form-values.js';

const ARTIFACTS = 'test-artifacts/pdf'; // not test-results/: Playwright empties that folder
mkdirSync(ARTIFACTS, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'pdf-test-'));

const load = (id: string): FormDefinition => formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${id}.json`, 'utf8')));
const text = (bytes: Uint8Array, layout = false): string => {
  const file = join(scratch, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
};
const pageTexts = (bytes: Uint8Array) => text(bytes).split('\f').slice(0, -1);

let work: FormPdfResult;
let customers100: FormPdfResult;
const workDef = load('work-handover');
const customerDef = load('customer-handover');
const workValues = workHandoverValues(workDef);

beforeAll(async () => {
  work = await renderFormPdf({ definition: workDef, values: workValues, company: '上海某某贸易有限公司', caseNumber: 'HJ-20261123-0007', createdAt: new Date('2026-11-23T10:00:00+08:00') });
  customers100 = await renderFormPdf({ definition: customerDef, values: customerValues(customerDef, 100), company: '上海某某贸易有限公司', caseNumber: 'HJ-20261123-0008' });
  writeFileSync(`${ARTIFACTS}/work-handover.pdf`, work.bytes);
  writeFileSync(`${ARTIFACTS}/customers-100.pdf`, customers100.bytes);
  // Kept as test artifacts for people to look at.
  execFileSync('pdftoppm', ['-r', '72', '-png', '-f', '1', '-l', '2', `${ARTIFACTS}/work-handover.pdf`, `${ARTIFACTS}/work-handover`]);
  execFileSync('pdftoppm', ['-r', '72', '-png', '-f', '1', '-l', '2', `${ARTIFACTS}/customers-100.pdf`, `${ARTIFACTS}/customers-100`]);
});

describe('renderFormPdf', () => {
  it('puts every Chinese string in as searchable text', () => {
    const extracted = text(work.bytes).replace(/\s+/g, '');
    const expected = [
      '工作交接清单', '上海某某贸易有限公司', 'HJ-20261123-0007', '欧阳明远', '司马晓燕', '诸葛建国', '华东区重点客户维护',
      '每周电话回访一次，每月上门拜访；在CRM中记录每次沟通要点。', '客户甲的年度框架合同（HT-2026-018）尚待续签', '备用金', '2,000.00',
      '签字确认（依次签署）', '移交人', '接收人', '监交人', '分管经理', '第1页/共',
    ];
    for (const s of expected) expect(extracted, s).toContain(s.replace(/\s+/g, ''));
    expect(work.missingCharacters).toEqual([]);
  });

  it('sets A4, metadata and numbers every page 第 N 页 / 共 M 页', async () => {
    const doc = await PDFDocument.load(work.bytes, { updateMetadata: false });
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
    expect(doc.getTitle()).toBe('工作交接清单（HJ-20261123-0007）');
    expect(doc.getSubject()).toContain('移交人');
    expect(doc.getProducer()).toContain('Handover Kit');
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    const pages = pageTexts(customers100.bytes);
    expect(pages.length).toBe(customers100.pageCount);
    pages.forEach((p, i) => expect(p.replace(/\s+/g, '')).toContain(`第${i + 1}页/共${pages.length}页`));
  });

  it('breaks a long table across pages, repeating its header, in landscape', async () => {
    const doc = await PDFDocument.load(customers100.bytes);
    expect(doc.getPage(0).getSize().width).toBeGreaterThan(doc.getPage(0).getSize().height);
    const pages = pageTexts(customers100.bytes);
    const withRows = pages.filter((p) => /王经理\d+/.test(p));
    expect(withRows.length).toBeGreaterThan(5);
    for (const p of withRows) expect(p).toContain('客户名称');
    const all = pages.join('').replace(/\s+/g, '');
    for (let i = 1; i <= 100; i++) expect(all).toContain(`王经理${i}`);
  });

  it('never starts a line with closing punctuation', () => {
    for (const line of text(customers100.bytes, true).split('\n')) {
      for (const cell of line.trim().split(/\s{2,}/)) {
        if (cell) expect(NO_LINE_START.has(cell[0]) && !/^[-%.,:;)]/.test(cell), `«${cell}» in «${line}»`).toBe(false);
      }
    }
  });

  it('draws every glyph: each character cell of a rendered line has ink', () => {
    const probe = '交接确认监督签字清单客户资料合同金额续约风险拜访抽查报告保密承诺评估';
    const def: FormDefinition = { ...workDef, sections: [{ id: 's', title: '字形', fields: [{ id: 'notes', type: 'longtext', label: '内容', required: false, maxLength: 2000 }] }] };
    return renderFormPdf({ definition: def, values: { notes: probe } }).then((r) => {
      const file = join(scratch, 'glyphs.pdf');
      writeFileSync(file, r.bytes);
      // Render at 144 dpi as greyscale PGM and find the text line's row band.
      execFileSync('pdftoppm', ['-r', '144', '-gray', '-f', '1', '-l', '1', file, join(scratch, 'glyphs')]);
      const pgm = readFileSync(join(scratch, 'glyphs-1.pgm'));
      const header = pgm.subarray(0, 20).toString('latin1').split(/\s+/);
      const [width, height] = [Number(header[1]), Number(header[2])];
      const offset = pgm.length - width * height;
      const px = (x: number, y: number) => pgm[offset + y * width + x];
      // Locate the probe in the layout: pdftotext -bbox gives each word's box in points.
      const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
      const word = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<\/word>/g)].find((m) => m[5].startsWith(probe.slice(0, 4)));
      expect(word, 'probe text located').toBeTruthy();
      const [x0, y0, x1, y1] = word!.slice(1, 5).map((n) => Number(n) * 2);
      const chars = Array.from(word![5]);
      const cell = (x1 - x0) / chars.length;
      chars.forEach((ch, i) => {
        let ink = 0;
        for (let x = Math.floor(x0 + i * cell + 1); x < x0 + (i + 1) * cell - 1; x++) for (let y = Math.floor(y0); y < y1; y++) if (px(x, y) < 128) ink++;
        expect(ink, `glyph ${ch} has ink`).toBeGreaterThan(8);
      });
    });
  });

  it('prints rare characters from the fallback fonts, and reports (as □) those no font has', async () => {
    const r = await renderFormPdf({ definition: workDef, values: { ...workValues, giverName: '吉𠮷祥😀' } });
    expect(r.missingCharacters).toEqual([{ char: '😀', codePoint: 'U+1F600' }]);
    expect(text(r.bytes)).toContain('吉𠮷祥□');
  });

  it('records a signature box per party, in order, inside the page', async () => {
    expect(work.signatureBoxes.map((b) => b.role)).toEqual(['移交人', '接收人', '监交人', '分管经理', 'HR/行政备案']);
    const doc = await PDFDocument.load(work.bytes);
    for (const b of work.signatureBoxes) {
      const { width, height } = doc.getPage(b.page).getSize();
      expect(b.box.x).toBeGreaterThan(0);
      expect(b.box.x + b.box.width).toBeLessThan(width);
      expect(b.box.y).toBeGreaterThan(0);
      expect(b.box.y + b.box.height).toBeLessThan(height);
      expect(b.signatureArea.y).toBeGreaterThan(b.box.y);
    }
  });
});

describe('stamping and the audit page', () => {
  it('stamps typed Chinese signatures into their boxes and keeps them searchable', async () => {
    const first = await stampSignature(work.bytes, work.signatureBoxes[0], { kind: 'typed', name: '欧阳明远', date: '2026-11-23' });
    expect(first.missingCharacters).toEqual([]);
    const second = await stampSignature(first.bytes, work.signatureBoxes[1], { kind: 'typed', name: '司马𠮷燕', date: '2026-11-24' });
    expect(second.missingCharacters).toEqual([]);
    const bytes = second.bytes;
    execFileSync('pdftoppm', ['-r', '96', '-png', '-f', String(work.pageCount), '-l', String(work.pageCount), '-x', '0', '-y', '0', '-W', '800', '-H', '1123', `${ARTIFACTS}/work-handover.pdf`, `${ARTIFACTS}/unsigned`]);
    writeFileSync(`${ARTIFACTS}/work-handover-signed.pdf`, bytes);
    const last = pageTexts(bytes).at(-1)!.replace(/\s+/g, '');
    expect(last).toContain('欧阳明远');
    expect(last).toContain('2026-11-23');
    expect(last).toContain('司马𠮷燕');
  });

  it('appends an audit page that prints Chinese names, hashes and user agents', async () => {
    const before = createHash('sha256').update(work.bytes).digest('hex');
    const { bytes, missingCharacters } = await appendAuditPage(work.bytes, {
      caseNumber: 'HJ-20261123-0007',
      title: '工作交接清单',
      originalSha256: before,
      entries: [
        { name: '欧阳明远', email: 'ouyang@example.com', role: '移交人', action: '已签署', time: '2026-11-23 10:02:11', ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0', documentSha256: before },
        { name: '司马晓燕', email: 'sima@example.com', role: '接收人', action: '已签署', time: '2026-11-23 11:15:40', ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari', documentSha256: before },
      ],
    });
    writeFileSync(`${ARTIFACTS}/work-handover-audit.pdf`, bytes);
    execFileSync('pdftoppm', ['-r', '72', '-png', '-f', String((await PDFDocument.load(bytes)).getPageCount()), `${ARTIFACTS}/work-handover-audit.pdf`, `${ARTIFACTS}/audit`]);
    expect(missingCharacters).toEqual([]);
    const audit = pageTexts(bytes).at(-1)!.replace(/\s+/g, '');
    for (const s of ['审计记录', '欧阳明远', '司马晓燕', 'ouyang@example.com', '203.0.113.7', before, 'Chrome/131.0', '已签署']) expect(audit, s).toContain(s);
  });
});
