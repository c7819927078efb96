/** Issue 12: a long name never leaves its signature box in the sealed PDF. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { renderFormPdf } from '../../src/lib/pdf/form-pdf.js';
import { fitNameLines, stampSignature } from '../../src/lib/pdf/stamp.js';
import { fontSubset } from '../../src/lib/pdf/fonts.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { strokePng } from '../fixtures/png.js';

const LONG = '买买提·艾力·阿卜杜拉·吐尔逊'; // 15 characters
const LONGEST = '阿'.repeat(40); // the longest name the forms accept
const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const scratch = mkdtempSync(join(tmpdir(), 'sigbox-'));

/** Every word poppler finds on a page, with its box in PDF points (top-left origin). */
function words(pdf: Uint8Array, page: number) {
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const html = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  const height = Number(/<page width="[\d.]+" height="([\d.]+)"/.exec(html)![1]);
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    text: m[5], xMin: Number(m[1]), xMax: Number(m[3]), yMin: height - Number(m[4]), yMax: height - Number(m[2]),
  }));
}

describe('names in signature boxes', () => {
  it('a 15-character name, typed or under a drawn signature, stays inside its own box', async () => {
    const pdf = await renderFormPdf({ definition: def, values: workHandoverValues(def), caseNumber: 'HJ-1', createdAt: new Date('2026-11-23T02:00:00Z') });
    const [a, b] = pdf.signatureBoxes;
    let bytes = (await stampSignature(pdf.bytes, a, { kind: 'typed', name: LONG, date: '2026-11-23' })).bytes;
    bytes = (await stampSignature(bytes, b, { kind: 'image', png: strokePng(600, 200), name: LONGEST, date: '2026-11-23' })).bytes;
    const found = words(bytes, a.page + 1);
    for (const [box, name] of [[a, LONG], [b, LONGEST]] as const) {
      const { x, y, width, height } = box.box;
      // Every word that starts in the box ends in it too (an overflowing name starts inside and runs on).
      const inBox = found.filter((w) => w.xMin >= x - 0.5 && w.xMin < x + width && w.yMin >= y - 0.5 && w.yMax <= y + height + 0.5);
      for (const w of inBox) expect(w.xMax, `"${w.text}" crosses the right edge of box ${box.party}`).toBeLessThanOrEqual(x + width + 0.5);
      // The name is there, twice (signature and printed name), inside the box.
      const text = inBox.map((w) => w.text).join('');
      for (const ch of new Set(Array.from(name))) expect(text, `${name} in box ${box.party}`).toContain(ch);
      expect(text.split('阿').length - 1).toBeGreaterThanOrEqual(Array.from(name).filter((c) => c === '阿').length * (box === b ? 1 : 2));
    }
    writeFileSync('test-artifacts/pdf/long-names-signed.pdf', bytes);
  });

  it('shrinks the printed name to a minimum size, then wraps it to two lines that fit (measured with the font)', async () => {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const font = await doc.embedFont(await fontSubset('regular', LONG + LONGEST + '欧阳明远'), { subset: false });
    const width = 70; // the printed-name line of a box in a four-across row
    const short = fitNameLines(font, '欧阳明远', width, 8.5);
    expect(short).toEqual({ lines: ['欧阳明远'], size: 8.5 });
    for (const name of [LONG, LONGEST, 'Muhammad Abdullah bin Abdul Rahman Al-Farsi']) {
      const fit = fitNameLines(font, name, width, 8.5);
      expect(fit.lines.join('').replace(/\s/g, '')).toBe(name.replace(/\s/g, ''));
      for (const line of fit.lines) expect(font.widthOfTextAtSize(line, fit.size)).toBeLessThanOrEqual(width + 0.01);
      expect(fit.lines.length).toBeLessThanOrEqual(2);
    }
    expect(fitNameLines(font, LONG, width, 8.5).lines).toHaveLength(2);
  });
});
