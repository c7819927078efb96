/**
 * Every character of a name prints: rare characters (生僻字) in CJK Extensions A and B and the
 * compatibility ideographs come from the fallback chain (font-chain.ts) in the form's
 * tables, the typed signature, the printed name and the audit page; only characters no font
 * has (emoji) print as □, and those are reported.
 */
import { readFileSync } from 'node:fs';
import { matchesGlob, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { renderFormPdf, type FormPdfResult } from '../../src/lib/pdf/form-pdf.js';
import { stampSignature } from '../../src/lib/pdf/stamp.js';
import { appendAuditPage } from '../../src/lib/pdf/audit.js';
import { FALLBACK_FONT_FILES, FALLBACK_SLICES_CSS, fallbackSliceFiles } from '../../src/lib/pdf/font-chain.js';
import { FONT_FILES } from '../../src/lib/pdf/fonts.js';
import { PdfWriter } from '../../src/lib/pdf/writer.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { inkPerCharacter, pageWords, pdfFonts, pdfText, type Word } from '../fixtures/pdf-probe.js';

/** 𠮷 (Ext B, in Noto Sans JP), 䶮 㛃 (Ext A), 𡒄 (Ext B, Hanazono only), 豈 U+F900 and U+2F800 (compatibility). */
const RARE = '\u{20BB7}\u4DAE\u36C3\u{21484}\uF900\u{2F800}';
const NAME = `王${RARE}`;
const EMOJI = '😀';
const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const codePoints = (s: string) => Array.from(s).map((c) => c.codePointAt(0)!.toString(16));

/** The word on `page` that contains `text`. */
function wordWith(pdf: Uint8Array, page: number, text: string, where?: (w: Word) => boolean): Word {
  const word = pageWords(pdf, page).find((w) => w.text.includes(text) && (!where || where(w)));
  expect(word, `"${text}" on page ${page}`).toBeTruthy();
  return word!;
}

function expectInk(pdf: Uint8Array, page: number, word: Word) {
  for (const { char, ink } of inkPerCharacter(pdf, page, word)) expect(ink, `${char} (U+${codePoints(char)[0]}) in «${word.text}» has ink`).toBeGreaterThan(8);
}

let form: FormPdfResult;
let signed: Awaited<ReturnType<typeof stampSignature>>;

beforeAll(async () => {
  const values = workHandoverValues(def);
  values.giverName = NAME + EMOJI;
  (values.duties as Array<Record<string, string>>)[0].remark = NAME;
  form = await renderFormPdf({ definition: def, values, caseNumber: 'HJ-1', createdAt: new Date('2026-11-23T02:00:00Z') });
  signed = await stampSignature(form.bytes, form.signatureBoxes[0], { kind: 'typed', name: NAME, date: '2026-11-23' });
}, 60_000);

describe('the fallback chain', () => {
  it('covers CJK Unified Ideographs, Extensions A and B and both compatibility blocks', async () => {
    const files = [FONT_FILES.regular, ...FALLBACK_FONT_FILES, ...(await fallbackSliceFiles())];
    const sets = files.map((f) => new Set<number>(fontkit.create(readFileSync(f)).characterSet));
    const covered = (a: number, b: number) => {
      let n = 0;
      for (let c = a; c <= b; c++) if (sets.some((s) => s.has(c))) n++;
      return n;
    };
    // Unicode 15.1 sizes; the few left are the latest additions at each block's end.
    expect(covered(0x4e00, 0x9fff)).toBeGreaterThanOrEqual(20_976); // of 20,992 (up to U+9FEF all)
    expect(covered(0x3400, 0x4dbf)).toBeGreaterThanOrEqual(6_582); // of 6,592
    expect(covered(0x20000, 0x2a6df)).toBeGreaterThanOrEqual(42_711); // of 42,720 (U+2A6D7–2A6DF are Unicode 13/14)
    expect(covered(0xf900, 0xfaff)).toBeGreaterThanOrEqual(472); // of 512 (472 assigned ideographs before U+FA70…)
    expect(covered(0x2f800, 0x2fa1f)).toBeGreaterThanOrEqual(542); // of 544
  }, 60_000);

  it('ships with every function: vercel.json includeFiles matches each file the chain reads (and stays within 256 characters)', async () => {
    const includeFiles: string = JSON.parse(readFileSync('vercel.json', 'utf8')).functions['api/**/*.ts'].includeFiles;
    expect(includeFiles.length).toBeLessThanOrEqual(256); // Vercel refuses a longer one
    const files = [...Object.values(FONT_FILES), ...FALLBACK_FONT_FILES, FALLBACK_SLICES_CSS, ...(await fallbackSliceFiles())];
    expect(files.length).toBeGreaterThan(90);
    for (const f of files) expect(matchesGlob(relative(process.cwd(), f), includeFiles), f).toBe(true);
  });

  it('embeds no fallback font in a document that needs none', async () => {
    const plain = await renderFormPdf({ definition: def, values: workHandoverValues(def) });
    const doc = await PDFDocument.create();
    const w = await PdfWriter.create(doc, { regular: '欧阳明远', bold: '姓名' });
    expect(w.fallbacks).toEqual([]);
    expect(pdfFonts(plain.bytes)).toEqual(['NotoSansSC-Bold', 'NotoSansSC-Regular']);
    // 𠮷 from Noto Sans JP (the same design as the text), 𡒄 and the rest from Hanazono Mincho.
    expect(pdfFonts(form.bytes).sort()).toEqual(['HanaMinA', 'HanaMinB', 'NotoSansJP-Regular', 'NotoSansSC-Bold', 'NotoSansSC-Regular']);
  }, 60_000);

  it('measures each character in the font that draws it', async () => {
    const doc = await PDFDocument.create();
    const w = await PdfWriter.create(doc, { regular: RARE, bold: RARE });
    expect(w.clean(RARE)).toBe(RARE);
    expect(w.missingCharacters).toEqual([]);
    for (const font of [w.regular, w.bold]) {
      for (const ch of Array.from(RARE)) {
        const drawnIn = w.chain(font).fontFor(ch)!;
        expect(drawnIn.getCharacterSet()).toContain(ch.codePointAt(0));
        // A CJK ideograph is about one em wide; .notdef would be measured by the wrong font.
        expect(w.width(ch, font, 10)).toBeCloseTo(drawnIn.widthOfTextAtSize(ch, 10), 5);
        expect(w.width(ch, font, 10)).toBeGreaterThan(8);
      }
    }
  });
});

describe('a name with rare characters', () => {
  it('prints in the form (key/value and table cell), searchable and with ink, and only the emoji is reported', () => {
    expect(form.missingCharacters).toEqual([{ char: EMOJI, codePoint: 'U+1F600' }]);
    const text = pdfText(form.bytes);
    expect(codePoints(text)).toEqual(expect.arrayContaining(codePoints(RARE)));
    expect(text).toContain(`${NAME}□`); // the key/value row: the emoji stays □
    const page = pdfText(form.bytes).split('\f').findIndex((p) => p.includes('职责事项')) + 1;
    const cell = wordWith(form.bytes, page, RARE, (w) => !w.text.includes('□'));
    expectInk(form.bytes, page, cell);
  });

  it('prints in the typed signature (brush font, then the fallbacks, in one line) and the printed name', async () => {
    expect(signed.missingCharacters).toEqual([]);
    const box = form.signatureBoxes[0];
    const page = box.page + 1;
    const height = (await PDFDocument.load(signed.bytes)).getPage(box.page).getHeight();
    const inBox = (w: Word) => w.xMin >= box.box.x - 0.5 && w.xMax <= box.box.x + box.box.width + 0.5 && height - w.yMax >= box.box.y - 0.5 && height - w.yMin <= box.box.y + box.box.height + 0.5;
    const words = pageWords(signed.bytes, page).filter(inBox);
    const found = words.filter((w) => w.text.includes(RARE));
    expect(found.map((w) => w.text)).toEqual([NAME, NAME]); // the signature and the printed name
    for (const w of found) expectInk(signed.bytes, page, w);
    // The typed signature sits centred in its area.
    const signature = found.reduce((a, b) => (a.yMax - a.yMin > b.yMax - b.yMin ? a : b));
    const centre = (signature.xMin + signature.xMax) / 2;
    expect(Math.abs(centre - (box.signatureArea.x + box.signatureArea.width / 2))).toBeLessThan(3);

    const withEmoji = await stampSignature(signed.bytes, form.signatureBoxes[1], { kind: 'typed', name: `司马${RARE}${EMOJI}`, date: '2026-11-24' });
    expect(withEmoji.missingCharacters).toEqual([{ char: EMOJI, codePoint: 'U+1F600' }]);
    expect(pdfText(withEmoji.bytes)).toContain(`司马${RARE}□`);
  });

  it('stamps a typed name the brush font has no character of (𡒄 alone, a Latin name) in the fallback fonts', async () => {
    let bytes = form.bytes;
    for (const [i, name] of ['\u{21484}', 'John Smith'].entries()) {
      const stamped = await stampSignature(bytes, form.signatureBoxes[i + 2], { kind: 'typed', name, date: '2026-11-25' });
      expect(stamped.missingCharacters).toEqual([]);
      bytes = stamped.bytes;
    }
    const last = pdfText(bytes).split('\f').at(-2)!;
    expect(last.split('\u{21484}').length - 1).toBe(2); // signature and printed name
    expect(last.split('John Smith').length - 1).toBe(2);
  });

  it('prints on the audit page, whose footer goes on from the document’s page numbers', async () => {
    const pages = (await PDFDocument.load(signed.bytes)).getPageCount();
    const { bytes, missingCharacters } = await appendAuditPage(signed.bytes, {
      caseNumber: 'HJ-1',
      title: '工作交接清单',
      entries: [{ name: NAME, email: 'wang@example.com', role: '移交人', action: '已签署', time: '2026-11-23 10:02:11', ip: '203.0.113.7', userAgent: 'Chrome/131.0', documentSha256: 'ab'.repeat(32) }],
    });
    expect(missingCharacters).toEqual([]);
    const texts = pdfText(bytes).split('\f');
    const audit = texts[pages];
    expect(audit).toContain(NAME);
    expectInk(bytes, pages + 1, wordWith(bytes, pages + 1, RARE));
    // The document's own pages keep 第 N 页 / 共 M 页; the audit page is 第 M+1 页 and says so.
    expect(texts[pages - 1].replace(/\s+/g, '')).toContain(`第${pages}页/共${pages}页`);
    expect(audit).toContain(`第 ${pages + 1} 页（审计页，正文共 ${pages} 页）`);
    expect(audit).not.toMatch(/共 1 页/);
  });
});
