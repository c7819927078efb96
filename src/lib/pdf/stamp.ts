import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { fontSubset } from './fonts.js';
import type { SignatureBox } from './form-pdf.js';
import { CMAP_GLYPHS_ONLY, MISSING_GLYPH, type MissingCharacter } from './writer.js';

/**
 * Stamps one party's signature into its box on an existing PDF: a drawn signature (PNG) or
 * a typed name in a brush-script CJK font (Ma Shan Zheng), plus the printed name and date.
 * A name with characters the script font lacks is typed in Noto Sans SC instead, so no
 * name ever prints as empty boxes.
 */
export type Signature =
  | { kind: 'typed'; name: string; date: string }
  | { kind: 'image'; png: Uint8Array; name: string; date: string };

const INK = rgb(0.05, 0.1, 0.35);

export async function stampSignature(
  pdf: Uint8Array,
  box: SignatureBox,
  signature: Signature,
): Promise<{ bytes: Uint8Array; missingCharacters: MissingCharacter[] }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  doc.registerFontkit(fontkit);
  const page = doc.getPage(box.page);
  const area = box.signatureArea;
  const labelFont = await doc.embedFont(await fontSubset('regular', signature.name + signature.date + MISSING_GLYPH), { subset: false, features: CMAP_GLYPHS_ONLY });
  // Characters no font here has (rare names such as 𠮷, emoji) print as □ and are reported.
  const known = new Set(labelFont.getCharacterSet());
  const missing = new Map<string, MissingCharacter>();
  const clean = (s: string) =>
    Array.from(s.trim())
      .map((ch) => {
        if (ch === ' ' || known.has(ch.codePointAt(0)!)) return ch;
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
    const script = await doc.embedFont(await fontSubset('signature', name), { subset: false, features: CMAP_GLYPHS_ONLY });
    // The brush font only for names it fully covers (and without spaces; see fonts.ts).
    const covered = !/\s/.test(name) && Array.from(name).every((ch) => script.getCharacterSet().includes(ch.codePointAt(0)!));
    const font = covered ? script : labelFont;
    const size = Math.min(area.height * 0.85, (area.width * 0.9) / Math.max(1, font.widthOfTextAtSize(name, 1)));
    const width = font.widthOfTextAtSize(name, size);
    page.drawText(name, { x: area.x + (area.width - width) / 2, y: area.y + (area.height - size) / 2 + size * 0.15, size, font, color: INK });
  }
  page.drawText(name, { x: box.nameAt.x, y: box.nameAt.y, size: 8.5, font: labelFont, color: rgb(0, 0, 0) });
  page.drawText(clean(signature.date), { x: box.dateAt.x, y: box.dateAt.y, size: 8.5, font: labelFont, color: rgb(0, 0, 0) });
  return { bytes: await doc.save(), missingCharacters: [...missing.values()] };
}
