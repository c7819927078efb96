/**
 * sfnt.ts reads fonts for pdf-lib in place of fontkit (which a render no longer loads). It
 * must read every font the documents use exactly as fontkit does — same character set,
 * glyph per code point, advance widths, PostScript name and metrics — so that the PDF pdf-lib
 * writes (font dictionaries, W widths, ToUnicode map, font file) is the same, byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fontkit from '@pdf-lib/fontkit';
import subsetFont from 'subset-font';
import { PDFDocument } from 'pdf-lib';
import { fontSubset } from '../../src/lib/pdf/fonts.js';
import { FALLBACK_FONT_FILES, fallbackSliceFiles } from '../../src/lib/pdf/font-chain.js';
import { SfntFont, sfntKit } from '../../src/lib/pdf/sfnt.js';
import { CMAP_GLYPHS_ONLY } from '../../src/lib/pdf/writer.js';

const TEXT = '工作交接清单：客户名称 上海某某科技有限公司（第12分公司），金额 ¥12,800.00，邮箱 client12@example.com。□第页共/';
const RARE = '\u{20BB7}\u4DAE\u36C3\u{21484}\uF900\u{2F800}';

interface FontkitFont {
  characterSet: number[];
  postscriptName: string | null;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  italicAngle: number;
  capHeight: number;
  xHeight: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  'OS/2'?: { sFamilyClass: number };
  post: { isFixedPitch: number };
  head: { macStyle: { italic: boolean } };
  glyphForCodePoint(cp: number): { id: number; advanceWidth: number; codePoints: number[] };
  hasGlyphForCodePoint(cp: number): boolean;
  layout(text: string): { glyphs: Array<{ id: number; advanceWidth: number }> };
}

/** The fonts the documents embed: the writer's subsets (with and without layout tables), a signature subset and fallback subsets. */
async function subsets(): Promise<Array<[string, Uint8Array]>> {
  const slices = await fallbackSliceFiles();
  const slice = slices.find((f) => /Ideographs/.test(f))!;
  return [
    ['regular, no layout tables', await fontSubset('regular', TEXT, { layout: false })],
    ['regular, with layout tables', await fontSubset('regular', TEXT)],
    ['bold', await fontSubset('bold', TEXT, { layout: false })],
    ['signature', await fontSubset('signature', '王小明欧阳')],
    ['Noto Sans JP subset', await subsetFont(readFileSync(FALLBACK_FONT_FILES[1]), '\u{20BB7}', { targetFormat: 'truetype' })],
    ['Hanazono slice subset', await subsetFont(readFileSync(slice), RARE, { targetFormat: 'truetype' })],
  ];
}

function expectSameFont(label: string, bytes: Uint8Array, sample?: number) {
  const ours = new SfntFont(bytes);
  const theirs = fontkit.create(Buffer.from(bytes)) as unknown as FontkitFont;
  expect(ours.characterSet, label).toEqual(theirs.characterSet);
  for (const key of ['postscriptName', 'unitsPerEm', 'ascent', 'descent', 'italicAngle', 'capHeight', 'xHeight'] as const) expect(ours[key], `${label}: ${key}`).toEqual(theirs[key]);
  expect({ ...ours.bbox }, `${label}: bbox`).toEqual({ minX: theirs.bbox.minX, minY: theirs.bbox.minY, maxX: theirs.bbox.maxX, maxY: theirs.bbox.maxY });
  expect(ours['OS/2']?.sFamilyClass, `${label}: sFamilyClass`).toBe(theirs['OS/2']?.sFamilyClass);
  expect(ours.post.isFixedPitch, `${label}: isFixedPitch`).toBe(theirs.post.isFixedPitch);
  expect(ours.head.macStyle.italic, `${label}: italic`).toBe(theirs.head.macStyle.italic);
  const set = theirs.characterSet;
  const step = sample ? Math.max(1, Math.floor(set.length / sample)) : 1;
  for (let i = 0; i < set.length; i += step) {
    const a = ours.glyphForCodePoint(set[i]);
    const b = theirs.glyphForCodePoint(set[i]);
    expect([a.id, a.advanceWidth, a.codePoints], `${label}: U+${set[i].toString(16)}`).toEqual([b.id, b.advanceWidth, b.codePoints]);
  }
  for (const cp of [0x41, 0x4e00, 0x20bb7, 0x1f600, 0x10ffff]) expect(ours.hasGlyphForCodePoint(cp), `${label}: has U+${cp.toString(16)}`).toBe(theirs.hasGlyphForCodePoint(cp));
}

describe('a font read by sfnt.ts', () => {
  it('is every subset the documents embed as fontkit reads it: characters, glyphs, widths, name, metrics', async () => {
    for (const [label, bytes] of await subsets()) expectSameFont(label, bytes);
  }, 30_000);

  it('is the whole fallback fonts as fontkit reads them (the chain asks their cmaps)', () => {
    for (const file of FALLBACK_FONT_FILES) expectSameFont(file, readFileSync(file), 2_000);
  }, 30_000);

  it('lays text out one cmap glyph per character, as fontkit does for a font without layout tables, and refuses what it cannot', async () => {
    const bytes = await fontSubset('regular', TEXT, { layout: false });
    // A zero-width space and a soft hyphen (default ignorable) and a character the subset lacks.
    for (const text of [TEXT, `上海\u200B某某\u00AD科技`, '上海〇']) {
      const ours = new SfntFont(bytes).layout(text);
      const theirs = (fontkit.create(Buffer.from(bytes)) as unknown as FontkitFont).layout(text) as unknown as typeof ours;
      expect(ours.glyphs.map((g) => [g.id, g.advanceWidth, g.codePoints]), text).toEqual(theirs.glyphs.map((g) => [g.id, g.advanceWidth, g.codePoints]));
      expect(ours.positions.map((p) => p.xAdvance), text).toEqual(theirs.positions.map((p) => p.xAdvance));
    }
    expect(() => new SfntFont(bytes).layout('e\u0301')).toThrow(/combining marks/);
    expect(() => new SfntFont(bytes).layout('한국')).toThrow(/Han, Kana/);
    const withLayout = new SfntFont(await fontSubset('regular', TEXT));
    expect(() => withLayout.layout('上海')).toThrow(/substitution or positioning/);
  });

  it('has no characters when HarfBuzz kept none (no cmap), and refuses what is not a TrueType/OpenType font', async () => {
    const empty = await fontSubset('signature', '𡒄');
    expect(() => new SfntFont(empty).characterSet).toThrow(/cmap/);
    const woff2 = readFileSync((await fallbackSliceFiles())[0]);
    expect(() => new SfntFont(woff2)).toThrow(/TrueType/);
  });
});

describe('pdf-lib embedding with sfnt.ts', () => {
  it('writes the same PDF, byte for byte, as with fontkit', async () => {
    const fonts = await subsets();
    const render = async (kit: unknown) => {
      const doc = await PDFDocument.create();
      doc.registerFontkit(kit as Parameters<PDFDocument['registerFontkit']>[0]);
      const page = doc.addPage();
      let y = 800;
      for (const [label, bytes] of fonts) {
        const font = await doc.embedFont(bytes, { subset: false, features: CMAP_GLYPHS_ONLY });
        // Text drawn through pdf-lib (its own layout) only in the fonts without layout tables; every font embedded.
        if (!/regular, no|bold/.test(label)) continue;
        const line = String.fromCodePoint(...font.getCharacterSet().filter((cp) => cp > 0x20 && cp < 0xffff));
        page.drawText(line, { x: 20, y: (y -= 30), size: 12, font });
        page.drawText(`${font.widthOfTextAtSize(line, 12)} 〇`, { x: 20, y: (y -= 30), size: 8, font });
      }
      const at = new Date('2026-11-23T08:00:00Z');
      doc.setCreationDate(at);
      doc.setModificationDate(at);
      return Buffer.from(await doc.save());
    };
    const [ours, theirs] = [await render(sfntKit), await render(fontkit)];
    expect(ours.length).toBeGreaterThan(5_000);
    expect(ours.equals(theirs)).toBe(true);
  }, 30_000);
});

describe('a render in a fresh process', () => {
  it('loads neither fontkit nor the WOFF2 codecs', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { readFileSync } from 'node:fs';
      const { formDefinitionSchema } = await import('./src/lib/form-definition.ts');
      const { renderFormPdf } = await import('./src/lib/pdf/form-pdf.ts');
      const { workHandoverValues } = await import('./tests/fixtures/form-values.ts');
      const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
      const { bytes } = await renderFormPdf({ definition: def, values: workHandoverValues(def), company: '上海某某贸易有限公司' });
      console.log(JSON.stringify({ size: bytes.length, loaded: Object.keys(createRequire(import.meta.url).cache) }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const { size, loaded } = JSON.parse(out.trim().split('\n').at(-1)!) as { size: number; loaded: string[] };
    expect(size).toBeGreaterThan(10_000);
    expect(loaded.some((f) => f.includes('/pdf-lib/')), 'pdf-lib is seen in the module cache').toBe(true);
    expect(loaded.filter((f) => /fontkit|subset-font|wawoff|fontverter/.test(f))).toEqual([]);
  }, 60_000);
});
