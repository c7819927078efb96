import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import subsetFont from 'subset-font';

/**
 * Rare characters in names (生僻字: 𠮷 U+20BB7, 𡒄 U+21484, compatibility ideographs such as
 * 豈 U+F900) that Noto Sans SC lacks are drawn from a fallback font: Hanazono Mincho (花園明朝,
 * from GlyphWiki; SIL OFL 1.1 or the Hanazono Font License), shipped by the `hanamin` npm
 * package as WOFF2 files of one Unicode block slice each (about 200 KB). Together they cover
 * CJK Unified Ideographs, Extensions A–F and both compatibility blocks. Only the slices a
 * document actually needs are read (each once per process) and cut to its characters, so a
 * document without rare characters embeds nothing more and a cold start reads nothing more.
 */
const require = createRequire(import.meta.url);
/** The package's stylesheet maps each slice file to its unicode-range. */
export const FALLBACK_CSS = require.resolve('hanamin/HanaMin.css');

interface Slice {
  file: string;
  ranges: Array<[number, number]>;
}

let slices: Promise<Slice[]> | undefined;

/**
 * The ideograph slices only (vercel.json ships exactly those files with the functions);
 * everything else (kana, Latin, symbols) Noto Sans SC has or is not a name's business.
 */
function fallbackSlices(): Promise<Slice[]> {
  slices ??= readFile(FALLBACK_CSS, 'utf8').then((css) => {
    const dir = dirname(FALLBACK_CSS);
    const found: Slice[] = [];
    for (const m of css.matchAll(/url\(([^)]*Ideographs[^)]*\.woff2)\)[^;]*;\s*unicode-range:\s*([^;}]+)/g)) {
      const ranges = m[2].split(',').map((r): [number, number] => {
        const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
        return [parseInt(a, 16), parseInt(b ?? a, 16)];
      });
      found.push({ file: join(dir, m[1].replace(/["']/g, '')), ranges });
    }
    return found;
  });
  return slices;
}

const files = new Map<string, Promise<Buffer>>();
function sliceFile(file: string): Promise<Buffer> {
  let bytes = files.get(file);
  if (!bytes) {
    bytes = readFile(file);
    files.set(file, bytes);
  }
  return bytes;
}

/**
 * TrueType subsets of the fallback font holding those of `chars` it has, one per slice
 * touched (usually none or one). Characters no slice claims are left out; the caller
 * checks each embedded font's cmap, so a claimed character a slice lacks stays missing.
 */
export async function fallbackSubsets(chars: Iterable<string>): Promise<Uint8Array[]> {
  const bySlice = new Map<Slice, string[]>();
  const all = await fallbackSlices();
  for (const ch of new Set(chars)) {
    const cp = ch.codePointAt(0)!;
    const slice = all.find((s) => s.ranges.some(([a, b]) => cp >= a && cp <= b));
    if (slice) bySlice.set(slice, [...(bySlice.get(slice) ?? []), ch]);
  }
  return Promise.all([...bySlice].map(async ([slice, cs]) => subsetFont(await sliceFile(slice.file), cs.join(''), { targetFormat: 'truetype' })));
}

/** A run of text drawn in one font. */
export interface Run {
  text: string;
  font: PDFFont;
}

/**
 * An ordered list of fonts: each character is drawn in the first one that has its glyph.
 * Characters none has are the caller's to replace (see PdfWriter.clean); here they go to
 * the first font, which draws them as .notdef.
 */
export class FontChain {
  private readonly sets: Array<Set<number>>;

  constructor(readonly fonts: PDFFont[]) {
    this.sets = fonts.map((f) => new Set(f.getCharacterSet()));
  }

  get primary(): PDFFont {
    return this.fonts[0];
  }

  /** The font that draws `ch`, or undefined when none has it. */
  fontFor(ch: string): PDFFont | undefined {
    const cp = ch.codePointAt(0)!;
    const i = this.sets.findIndex((s) => s.has(cp));
    return i < 0 ? undefined : this.fonts[i];
  }

  has(ch: string): boolean {
    return this.fontFor(ch) !== undefined;
  }

  /** `text` split into maximal runs of one font each. */
  runs(text: string): Run[] {
    const runs: Run[] = [];
    for (const ch of text) {
      const font = this.fontFor(ch) ?? this.primary;
      const last = runs.at(-1);
      if (last && last.font === font) last.text += ch;
      else runs.push({ text: ch, font });
    }
    return runs;
  }

  widthOfTextAtSize(text: string, size: number): number {
    let w = 0;
    for (const r of this.runs(text)) w += r.font.widthOfTextAtSize(r.text, size);
    return w;
  }

  /** Draws `text` run by run from (x, y) on its baseline. */
  draw(page: PDFPage, text: string, options: { x: number; y: number; size: number; color?: RGB }): void {
    let x = options.x;
    for (const r of this.runs(text)) {
      page.drawText(r.text, { ...options, x, font: r.font });
      x += r.font.widthOfTextAtSize(r.text, options.size);
    }
  }
}

/** Embeds the fallback subsets a document needs for `chars` (none when it needs none). */
export async function embedFallbacks(doc: PDFDocument, chars: Iterable<string>, features: Record<string, boolean>): Promise<PDFFont[]> {
  const subsets = await fallbackSubsets(chars);
  // subset: false — the bytes are already a HarfBuzz subset (see fonts.ts).
  return Promise.all(subsets.map((bytes) => doc.embedFont(bytes, { subset: false, features })));
}
