import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import { SfntFont } from './sfnt.js';

/**
 * Rare characters in names (生僻字: 𠮷 U+20BB7, 𡒄 U+21484, compatibility ideographs such as
 * 豈 U+F900) that Noto Sans SC lacks come from a chain of fallback fonts, all from npm:
 *
 * 1. Noto Sans TC, then Noto Sans JP (SIL OFL 1.1): the same Source Han design as Noto Sans
 *    SC, so the ~2,000 Extension B and ~360 compatibility ideographs they add (𠮷 among them)
 *    look like the text around them.
 * 2. Hanazono Mincho (花園明朝 2017-09-04, from GlyphWiki) from the `hanamin` package, for
 *    everything else: CJK Unified Ideographs, Extensions A–F and both compatibility blocks,
 *    as WOFF2 files of one Unicode block slice each (~220 KB). It is dual-licensed, the
 *    Hanazono Font License (use, copy, distribute, with or without modification) or SIL OFL
 *    1.1; the package's slices are a modified version still named HanaMin, which the
 *    Hanazono Font License allows (the OFL's Reserved Font Name would not).
 *
 * A document whose characters Noto Sans SC has (nearly all) reads none of these files; one
 * that needs them reads only the fonts and slices that get asked, each once per process,
 * and embeds a HarfBuzz subset of just those characters.
 */
const require = createRequire(import.meta.url);
export const FALLBACK_FONT_FILES = [
  require.resolve('@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf'),
  require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf'),
] as const;
/** The `hanamin` stylesheet maps each slice file to its unicode-range. */
export const FALLBACK_SLICES_CSS = require.resolve('hanamin/HanaMin.css');

/** Only Han characters go down the chain: nothing in it draws emoji, so they never cost a read. */
const HAN = /\p{Script=Han}/u;

interface Slice {
  file: string;
  ranges: Array<[number, number]>;
}

let slices: Promise<Slice[]> | undefined;

/**
 * The ideograph slices only (vercel.json ships exactly those files with the functions);
 * kana, Latin and symbols Noto Sans SC has already.
 */
function fallbackSlices(): Promise<Slice[]> {
  slices ??= readFile(FALLBACK_SLICES_CSS, 'utf8').then((css) => {
    const dir = dirname(FALLBACK_SLICES_CSS);
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

/** The slice files the chain may read (for the bundling check and the coverage numbers). */
export async function fallbackSliceFiles(): Promise<string[]> {
  return (await fallbackSlices()).map((s) => s.file);
}

const files = new Map<string, Promise<Buffer>>();
function readOnce(file: string): Promise<Buffer> {
  let bytes = files.get(file);
  if (!bytes) {
    bytes = readFile(file);
    files.set(file, bytes);
  }
  return bytes;
}

/** Reading a TrueType cmap (sfnt.ts reads only that table) is far cheaper than a HarfBuzz subset. */
const cmaps = new Map<string, Promise<(ch: string) => boolean>>();
function hasGlyph(file: string): Promise<(ch: string) => boolean> {
  let has = cmaps.get(file);
  if (!has) {
    has = readOnce(file).then((bytes) => {
      const font = new SfntFont(bytes);
      return (ch: string) => font.hasGlyphForCodePoint(ch.codePointAt(0)!);
    });
    cmaps.set(file, has);
  }
  return has;
}

/** The code points a TrueType subset holds (none when HarfBuzz kept no character: it then writes no cmap). */
export function subsetCharacters(bytes: Uint8Array): Set<number> {
  try {
    return new Set<number>(new SfntFont(bytes).characterSet);
  } catch {
    return new Set();
  }
}

/** A TrueType subset of `file` cut to those of `chars` it has, and which ones those are. */
async function subsetOf(file: string, chars: string[]): Promise<{ bytes: Uint8Array; has: string[] } | null> {
  // Loaded on first use: subset-font brings its WOFF2 codecs, which only the rare documents
  // that reach the WOFF2 slices need, and which were a good part of a cold start.
  const { default: subsetFont } = await import('subset-font');
  const bytes: Uint8Array = await subsetFont(await readOnce(file), chars.join(''), { targetFormat: 'truetype' });
  const cmap = subsetCharacters(bytes);
  const has = chars.filter((ch) => cmap.has(ch.codePointAt(0)!));
  return has.length ? { bytes, has } : null;
}

/**
 * TrueType subsets, in chain order, that together hold as many of `chars` as the chain has
 * (none for a document whose text Noto Sans SC covers). Characters nothing has are left
 * out: the caller finds them missing in every embedded font's cmap.
 */
export async function fallbackSubsets(chars: Iterable<string>): Promise<Uint8Array[]> {
  let rest = [...new Set(chars)].filter((ch) => HAN.test(ch));
  const out: Uint8Array[] = [];
  for (const file of FALLBACK_FONT_FILES) {
    if (!rest.length) return out;
    // Whole fonts of several MB: subset only when the cmap says they have something. (The
    // small WOFF2 slices below are subset straight away: they would need decoding first.)
    const has = await hasGlyph(file);
    const cut = rest.some(has) ? await subsetOf(file, rest.filter(has)) : null;
    if (cut) {
      out.push(cut.bytes);
      rest = rest.filter((ch) => !cut.has.includes(ch));
    }
  }
  if (!rest.length) return out;
  const bySlice = new Map<Slice, string[]>();
  const all = await fallbackSlices();
  for (const ch of rest) {
    const cp = ch.codePointAt(0)!;
    const slice = all.find((sl) => sl.ranges.some(([a, b]) => cp >= a && cp <= b));
    if (slice) bySlice.set(slice, [...(bySlice.get(slice) ?? []), ch]);
  }
  const cuts = await Promise.all([...bySlice].map(([slice, cs]) => subsetOf(slice.file, cs)));
  for (const cut of cuts) if (cut) out.push(cut.bytes);
  return out;
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
    return this.fontForCodePoint(ch.codePointAt(0)!);
  }

  fontForCodePoint(cp: number): PDFFont | undefined {
    const i = this.sets.findIndex((s) => s.has(cp));
    return i < 0 ? undefined : this.fonts[i];
  }

  hasCodePoint(cp: number): boolean {
    for (const set of this.sets) if (set.has(cp)) return true;
    return false;
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
