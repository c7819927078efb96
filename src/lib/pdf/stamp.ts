import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont } from 'pdf-lib';
import { fontSubset } from './fonts.js';
import { deflateNatively } from './ink.js';
import { embedFallbacks, FontChain, subsetCharacters } from './font-chain.js';
import type { SignatureBox } from './form-pdf.js';
import { CMAP_GLYPHS_ONLY, MISSING_GLYPH, type MissingCharacter } from './writer.js';

/**
 * Stamps one party's signature into its box on an existing PDF: a drawn signature (PNG) or
 * a typed name in a brush-script CJK font (Ma Shan Zheng), plus the printed name and date.
 * Characters the brush font lacks are typed, in the same line, in Noto Sans SC, and rare
 * ones Noto lacks too (𠮷) in the fallback font (font-chain.ts), so a name never prints as
 * empty boxes; only characters no font has (emoji) print as □ and are reported.
 */
export type Signature =
  | { kind: 'typed'; name: string; date: string }
  | { kind: 'image'; png: Uint8Array; name: string; date: string };

const INK = rgb(0.05, 0.1, 0.35);

/** Characters a name may break after when it needs two lines (Uyghur and foreign names: 买买提·艾力). */
const BREAK_AFTER = /[\s·•・.\-‐–—/]/;

/**
 * How a name fits a width: one line at `maxSize`, else one line shrunk down to `minSize`,
 * else two lines (split where the longer line is shortest, preferring a break after · or a
 * space) at the size that fits. Measured with the font itself, so it always fits.
 */
export function fitNameLines(font: PDFFont | FontChain, text: string, maxWidth: number, maxSize: number, minSize = 6): { lines: string[]; size: number } {
  const width = (s: string) => font.widthOfTextAtSize(s, 1);
  const down = (size: number) => Math.floor(size * 100) / 100;
  const one = width(text);
  if (one * maxSize <= maxWidth) return { lines: [text], size: maxSize };
  if (maxWidth / one >= minSize) return { lines: [text], size: down(maxWidth / one) };
  const chars = Array.from(text);
  let best: { lines: string[]; widest: number; natural: boolean } | null = null;
  for (let i = 1; i < chars.length; i++) {
    const lines = [chars.slice(0, i).join('').trimEnd(), chars.slice(i).join('').trimStart()];
    if (!lines[0] || !lines[1]) continue;
    const widest = Math.max(width(lines[0]), width(lines[1]));
    const natural = BREAK_AFTER.test(chars[i - 1]) || /\s/.test(chars[i]);
    // A natural break wins unless it makes the longer line more than 15 % longer.
    const better = !best || (natural === best.natural ? widest < best.widest : natural ? widest <= best.widest * 1.15 : widest * 1.15 < best.widest);
    if (better) best = { lines, widest, natural };
  }
  if (!best) return { lines: [text], size: down(maxWidth / one) };
  return { lines: best.lines, size: down(Math.min(maxSize, maxWidth / best.widest)) };
}

export async function stampSignature(
  pdf: Uint8Array,
  box: SignatureBox,
  signature: Signature,
): Promise<{ bytes: Uint8Array; missingCharacters: MissingCharacter[] }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  deflateNatively(doc);
  doc.registerFontkit(fontkit);
  const page = doc.getPage(box.page);
  const area = box.signatureArea;
  const labelFont = await doc.embedFont(await fontSubset('regular', signature.name + signature.date + MISSING_GLYPH), { subset: false, features: CMAP_GLYPHS_ONLY });
  const labelSet = new Set(labelFont.getCharacterSet());
  const rare = Array.from(signature.name + signature.date).filter((ch) => !/\s/.test(ch) && !labelSet.has(ch.codePointAt(0)!));
  const label = new FontChain([labelFont, ...(await embedFallbacks(doc, rare, CMAP_GLYPHS_ONLY))]);
  // Characters no font here has (emoji) print as □ and are reported.
  const missing = new Map<string, MissingCharacter>();
  const clean = (s: string) =>
    Array.from(s.trim())
      .map((ch) => {
        if (ch === ' ' || label.has(ch)) return ch;
        missing.set(ch, { char: ch, codePoint: `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}` });
        return MISSING_GLYPH;
      })
      .join('');
  const name = clean(signature.name);

  if (signature.kind === 'image') {
    const image = await doc.embedPng(signature.png);
    const scale = Math.min(area.width / image.width, area.height / image.height, 1);
    const w = image.width * scale;
    const h = image.height * scale;
    page.drawImage(image, { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h });
  } else {
    // The brush font for every character it has; the rest (and spaces, see fonts.ts) in the
    // printed-name fonts, run by run in the same line.
    const scriptBytes = await fontSubset('signature', name);
    // A name the brush font has no character of (𡒄, Latin) leaves a subset without a cmap.
    const script = subsetCharacters(scriptBytes).size ? [await doc.embedFont(scriptBytes, { subset: false, features: CMAP_GLYPHS_ONLY })] : [];
    const font = new FontChain([...script, ...label.fonts]);
    // One line as large as fits; a long name goes on two lines when that reads larger.
    const single = fitNameLines(font, name, area.width * 0.9, area.height * 0.85, 0);
    const double = fitNameLines(font, name, area.width * 0.9, (area.height * 0.85) / 2.3, area.height);
    const fit = double.lines.length === 2 && double.size > single.size * 1.2 ? double : single;
    const lead = fit.size * 1.15;
    fit.lines.forEach((line, i) => {
      const width = font.widthOfTextAtSize(line, fit.size);
      const top = area.y + (area.height + lead * fit.lines.length) / 2; // the block centred in the area
      font.draw(page, line, { x: area.x + (area.width - width) / 2, y: top - lead * (i + 1) + fit.size * 0.25, size: fit.size, color: INK });
    });
  }
  // The printed name on its line: shrunk, then on two lines, never past the box's edge.
  const nameWidth = box.box.x + box.box.width - 8 - box.nameAt.x;
  const printed = fitNameLines(label, name, nameWidth, 8.5, 6);
  const black = rgb(0, 0, 0);
  if (printed.lines.length === 1) label.draw(page, name, { x: box.nameAt.x, y: box.nameAt.y, size: printed.size, color: black });
  else {
    const size = Math.min(printed.size, 7);
    printed.lines.forEach((line, i) => label.draw(page, line, { x: box.nameAt.x, y: box.nameAt.y + (1 - i) * size * 1.15, size, color: black }));
  }
  label.draw(page, clean(signature.date), { x: box.dateAt.x, y: box.dateAt.y, size: 8.5, color: black });
  return { bytes: await doc.save(), missingCharacters: [...missing.values()] };
}
