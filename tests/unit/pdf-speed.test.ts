/**
 * What the faster PDF engine must keep: HarfBuzz subsets cut from a font loaded once are
 * the bytes subset-font makes; the writer's own glyph lookup measures exactly what pdf-lib
 * measures with fontkit (so no line break moves); text it writes straight into the content
 * stream is extractable (ToUnicode) and drawn in the right fonts, fallback runs included; a
 * second save after more drawing carries the new text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import subsetFont from 'subset-font';
import { FONT_FILES, fontSubset } from '../../src/lib/pdf/fonts.js';
import { CMAP_GLYPHS_ONLY, PdfWriter } from '../../src/lib/pdf/writer.js';

const scratch = mkdtempSync(join(tmpdir(), 'pdf-speed-'));
const pdftotext = (bytes: Uint8Array): string => {
  const file = join(scratch, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
};

const SAMPLE = '交接清单：客户名称 上海某某科技有限公司（第12分公司），金额 ¥12,800.00，邮箱 client12@example.com。';

describe('font subsets from a font loaded once', () => {
  it('are the same bytes subset-font cuts, call after call', async () => {
    const chars = [...new Set(SAMPLE + ' ')].join('');
    for (const name of ['regular', 'bold'] as const) {
      const expected = Buffer.from(await subsetFont(readFileSync(FONT_FILES[name]), chars, { targetFormat: 'truetype' }));
      expect(Buffer.from(await fontSubset(name, SAMPLE)).equals(expected), name).toBe(true);
      expect(Buffer.from(await fontSubset(name, SAMPLE)).equals(expected), `${name}, again`).toBe(true);
    }
  });

  it('without layout tables are smaller and still hold every character', async () => {
    const full = await fontSubset('regular', SAMPLE);
    const bare = await fontSubset('regular', SAMPLE, { layout: false });
    expect(bare.length).toBeLessThan(full.length);
    const doc = await PDFDocument.create();
    const w = await PdfWriter.create(doc, { regular: SAMPLE, bold: SAMPLE });
    for (const ch of SAMPLE) expect(w.chain(w.regular).fontFor(ch), ch).toBe(w.regular);
  });
});

describe('the writer draws and measures itself', () => {
  it('measures exactly as pdf-lib with fontkit does, character by character and summed', async () => {
    const doc = await PDFDocument.create();
    const w = await PdfWriter.create(doc, { regular: SAMPLE, bold: SAMPLE });
    // The reference: the same font, subset, embedded the way pdf-lib does with fontkit.
    const ref = await PDFDocument.create();
    ref.registerFontkit(fontkit);
    for (const [name, font] of [['regular', w.regular], ['bold', w.bold]] as const) {
      const theirs = await ref.embedFont(await fontSubset(name, SAMPLE, { layout: false }), { subset: false, features: CMAP_GLYPHS_ONLY });
      let sum = 0;
      for (const ch of SAMPLE) {
        expect(w.width(ch, font, 1), ch).toBe(theirs.widthOfTextAtSize(ch, 1));
        sum += theirs.widthOfTextAtSize(ch, 1);
      }
      expect(w.width(SAMPLE, font, 9)).toBe(sum * 9);
      // pdf-lib's own measure of the writer's font (read by sfnt.ts) agrees too.
      expect(font.widthOfTextAtSize(SAMPLE, 9)).toBe(theirs.widthOfTextAtSize(SAMPLE, 9));
    }
  });

  it('writes text pdftotext reads back, a rare character from the fallback font in the same line, and keeps drawing after a save', async () => {
    const rare = '𠮷野家';
    const doc = await PDFDocument.create();
    const w = await PdfWriter.create(doc, { regular: SAMPLE + rare + '第二次保存', bold: '标题' });
    w.newPage();
    w.heading('标题');
    w.paragraph(SAMPLE);
    w.paragraph(`客户：${w.clean(rare)}`);
    expect(w.fallbacks.length).toBeGreaterThan(0);
    expect(w.chain(w.regular).fontFor('𠮷')).not.toBe(w.regular);
    const first = pdftotext(await doc.save()).replace(/\s+/g, '');
    for (const s of ['标题', SAMPLE.replace(/\s+/g, ''), `客户：${rare}`]) expect(first).toContain(s);
    w.paragraph('第二次保存');
    expect(pdftotext(await doc.save())).toContain('第二次保存');
  });
});
