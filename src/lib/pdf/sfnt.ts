/**
 * A TrueType/OpenType font read straight from its bytes: the tables and fields that
 * pdf-lib's font embedder and the writer read, nothing more. It stands in for fontkit
 * (`doc.registerFontkit(sfntKit)`) when a document embeds fonts that are already HarfBuzz
 * subsets drawn one cmap glyph per character (fonts.ts, writer.ts): loading fontkit — 1.5 MB
 * of JavaScript that also decodes a Brotli dictionary when it loads — was the largest part
 * of a render's cold start, and none of its shaping is used there.
 *
 * Every value is worked out as fontkit works it out (the same cmap subtable chosen, the same
 * character set, the same glyph for a code point and the same advance width, the same
 * PostScript name and metrics), so pdf-lib writes the same font dictionaries, widths (W),
 * ToUnicode map and font file as with fontkit; tests/unit/sfnt.test.ts compares the two on
 * every font the documents use. Not covered, because nothing here needs them: glyph
 * substitution and positioning (GSUB/GPOS, kern), variation sequences, variable fonts,
 * and subsetting (pdf-lib's `subset: true`).
 */

/** What pdf-lib's CustomFontEmbedder and the writer read of a glyph. */
export interface SfntGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

interface Table {
  offset: number;
  length: number;
}

interface Cmap {
  format: number;
  /** Offset of the subtable in the font. */
  at: number;
}

/** The cmap subtables fontkit looks for, in its order of preference (32-bit ones first). */
const CMAP_PREFERENCE: Array<[number, number]> = [
  [3, 10],
  [0, 6],
  [0, 4],
  [3, 1],
  [0, 3],
  [0, 2],
  [0, 1],
  [0, 0],
];

export class SfntFont {
  private readonly view: DataView;
  private readonly tables = new Map<string, Table>();
  private cmapTable: Cmap | null | undefined;
  private charSet: number[] | undefined;
  private readonly glyphs = new Map<number, SfntGlyph>();
  private hmtxCache: { at: number; count: number } | undefined;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = this.u32(0);
    // TrueType (0x00010000, 'true') or CFF-flavoured OpenType ('OTTO'); not WOFF or a collection.
    if (version !== 0x00010000 && version !== 0x74727565 && version !== 0x4f54544f) throw new Error('Unsupported font format (a TrueType or OpenType font is expected)');
    const count = this.u16(4);
    for (let i = 0; i < count; i++) {
      const at = 12 + i * 16;
      const tag = String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
      this.tables.set(tag, { offset: this.u32(at + 8), length: this.u32(at + 12) });
    }
  }

  /** fontkit's TTFFont has no `cff` property, so pdf-lib always writes FontFile2/CIDFontType2; kept the same. */
  readonly cff = undefined;

  get unitsPerEm(): number {
    return this.u16(this.table('head').offset + 18);
  }

  get ascent(): number {
    return this.i16(this.table('hhea').offset + 4);
  }

  get descent(): number {
    return this.i16(this.table('hhea').offset + 6);
  }

  get italicAngle(): number {
    return this.i32(this.table('post').offset + 4) / 65536;
  }

  /** Versions 0 and 1 of OS/2 have no cap height or x-height (fontkit then gives undefined). */
  get capHeight(): number | undefined {
    const os2 = this.tables.get('OS/2');
    if (!os2) return this.ascent;
    return this.u16(os2.offset) >= 2 ? this.i16(os2.offset + 88) : undefined;
  }

  get xHeight(): number | undefined {
    const os2 = this.tables.get('OS/2');
    if (!os2) return 0;
    return this.u16(os2.offset) >= 2 ? this.i16(os2.offset + 86) : undefined;
  }

  get bbox(): { minX: number; minY: number; maxX: number; maxY: number } {
    const at = this.table('head').offset;
    return { minX: this.i16(at + 36), minY: this.i16(at + 38), maxX: this.i16(at + 40), maxY: this.i16(at + 42) };
  }

  /** The fields pdf-lib's deriveFontFlags reads. */
  get 'OS/2'(): { sFamilyClass: number } | undefined {
    const os2 = this.tables.get('OS/2');
    return os2 && { sFamilyClass: this.i16(os2.offset + 30) };
  }

  get post(): { isFixedPitch: number } {
    return { isFixedPitch: this.u32(this.table('post').offset + 12) };
  }

  get head(): { macStyle: { italic: boolean } } {
    return { macStyle: { italic: (this.u16(this.table('head').offset + 44) & 2) !== 0 } };
  }

  /**
   * As fontkit reads it: the name ID 6 entry of the first language the name table lists
   * it in (Macintosh English and Windows en-US are both "en", the latter listed later and
   * winning), or null.
   */
  get postscriptName(): string | null {
    const name = this.tables.get('name');
    if (!name) return null;
    const at = name.offset;
    const count = this.u16(at + 2);
    const strings = at + this.u16(at + 4);
    let language: string | undefined;
    let value: string | null = null;
    for (let i = 0; i < count; i++) {
      const r = at + 6 + i * 12;
      if (this.u16(r + 6) !== 6) continue;
      const platform = this.u16(r);
      const lang = this.u16(r + 4);
      const key = (platform === 1 && lang === 0) || (platform === 3 && lang === 0x409) ? 'en' : `${platform}-${lang}`;
      language ??= key;
      if (key !== language) continue;
      const start = strings + this.u16(r + 10);
      const raw = this.bytes.subarray(start, start + this.u16(r + 8));
      value = platform === 1 ? Buffer.from(raw).toString('latin1') : Buffer.from(raw).swap16().toString('utf16le');
    }
    return value;
  }

  /** Every code point the cmap lists (fontkit's order; a format 4 table's final 0xFFFF included). */
  get characterSet(): number[] {
    if (this.charSet) return this.charSet;
    const cmap = this.cmap();
    const out: number[] = [];
    if (cmap.format === 4) {
      const segs = this.u16(cmap.at + 6) / 2;
      const ends = cmap.at + 14;
      const starts = ends + segs * 2 + 2;
      for (let i = 0; i < segs; i++) for (let c = this.u16(starts + i * 2), end = this.u16(ends + i * 2); c <= end; c++) out.push(c);
    } else if (cmap.format === 12 || cmap.format === 13) {
      const groups = this.u32(cmap.at + 12);
      for (let i = 0; i < groups; i++) {
        const g = cmap.at + 16 + i * 12;
        for (let c = this.u32(g), end = this.u32(g + 4); c <= end; c++) out.push(c);
      }
    } else if (cmap.format === 6) {
      const first = this.u16(cmap.at + 6);
      for (let c = first, end = first + this.u16(cmap.at + 8); c < end; c++) out.push(c);
    } else {
      for (let c = 0; c < 256; c++) out.push(c);
    }
    this.charSet = out;
    return out;
  }

  hasGlyphForCodePoint(codePoint: number): boolean {
    return this.glyphId(codePoint) !== 0;
  }

  /** The cmap glyph of a code point (fontkit keeps the first code points a glyph was asked for). */
  glyphForCodePoint(codePoint: number): SfntGlyph {
    return this.glyph(this.glyphId(codePoint), [codePoint]);
  }

  /**
   * One glyph per code point with its advance, as fontkit lays out text in a font whose
   * layout tables hold no features (the writer's subsets: see hb-subset.ts) and in a script
   * its default shaper handles: a variation selector goes with the character before it,
   * default-ignorable characters become a zero-width space. Anything else — a font with
   * substitutions or kerning, combining marks (fontkit places them from glyph outlines),
   * scripts with their own shapers (Arabic, Hangul, Indic…), variation sequences in a font
   * with a format 14 cmap — is refused rather than laid out differently. The writer measures
   * and draws glyph ids itself and never asks this; it is here for pdf-lib's PDFFont methods.
   */
  layout(text: string): { glyphs: SfntGlyph[]; positions: Array<{ xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }> } {
    if (!this.withoutLayoutFeatures()) throw new Error('sfnt.ts lays out only fonts without substitution or positioning features');
    const selectors = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
    if (!DEFAULT_SHAPER_TEXT.test(text.replace(selectors, ''))) throw new Error('sfnt.ts lays out only Han, Kana, Bopomofo, Latin, Greek and Cyrillic text without combining marks');
    if (text.search(selectors) >= 0 && this.hasVariationSequences()) throw new Error('sfnt.ts does not look up variation sequences');
    const glyphs: SfntGlyph[] = [];
    const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i];
      const next = cps[i + 1];
      if (isVariationSelector(cp)) continue; // one at the start, or a second in a row: no glyph, as in fontkit
      if (next !== undefined && isVariationSelector(next)) glyphs.push(this.glyph(this.glyphId(cp), [cp, next]));
      else glyphs.push(this.glyphForCodePoint(cp));
    }
    const positions = glyphs.map((g) => ({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 }));
    if (glyphs.length) {
      const space = this.glyphForCodePoint(0x20);
      glyphs.forEach((g, i) => {
        if (isDefaultIgnorable(g.codePoints[0])) {
          glyphs[i] = space;
          positions[i].xAdvance = 0;
        }
      });
    }
    return { glyphs, positions };
  }

  /** No kern or morx table, and GSUB and GPOS (if any) list no features: then fontkit neither substitutes nor positions. */
  private withoutLayoutFeatures(): boolean {
    if (this.tables.has('kern') || this.tables.has('morx')) return false;
    for (const tag of ['GSUB', 'GPOS']) {
      const t = this.tables.get(tag);
      if (t && this.u16(t.offset + 6) !== 0 && this.u16(t.offset + this.u16(t.offset + 6)) !== 0) return false;
    }
    return true;
  }

  /** Whether the font has a Unicode Variation Sequences (format 14) cmap subtable. */
  private hasVariationSequences(): boolean {
    const table = this.tables.get('cmap');
    if (!table) return false;
    for (let i = 0, n = this.u16(table.offset + 2); i < n; i++) {
      const r = table.offset + 4 + i * 8;
      if (this.u16(r) === 0 && this.u16(r + 2) === 5) return true;
    }
    return false;
  }

  /** A glyph by id: the advance from hmtx (the last entry's for glyphs past numberOfHMetrics). */
  private glyph(id: number, codePoints: number[]): SfntGlyph {
    let g = this.glyphs.get(id);
    if (!g) {
      this.hmtxCache ??= { at: this.table('hmtx').offset, count: this.u16(this.table('hhea').offset + 34) };
      const { at, count } = this.hmtxCache;
      const advanceWidth = count === 0 ? 0 : this.u16(at + Math.min(id, count - 1) * 4);
      g = { id, advanceWidth, codePoints };
      this.glyphs.set(id, g);
    }
    return g;
  }

  /** The glyph id the chosen cmap subtable gives a code point (0 when none). */
  glyphId(codePoint: number): number {
    const cmap = this.cmap();
    const at = cmap.at;
    switch (cmap.format) {
      case 4: {
        const segs = this.u16(at + 6) / 2;
        const ends = at + 14;
        const starts = ends + segs * 2 + 2;
        const deltas = starts + segs * 2;
        const rangeOffsets = deltas + segs * 2;
        let lo = 0;
        let hi = segs - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const start = this.u16(starts + mid * 2);
          if (codePoint < start) hi = mid - 1;
          else if (codePoint > this.u16(ends + mid * 2)) lo = mid + 1;
          else {
            const delta = this.i16(deltas + mid * 2);
            const rangeOffset = this.u16(rangeOffsets + mid * 2);
            if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
            // As fontkit computes it: an index into glyphIdArray, which follows idRangeOffset.
            const index = rangeOffset / 2 + (codePoint - start) - (segs - mid);
            const glyphIds = rangeOffsets + segs * 2;
            const end = at + this.u16(at + 2);
            const pos = glyphIds + index * 2;
            const g = index >= 0 && pos + 2 <= end ? this.u16(pos) : 0;
            return g === 0 ? 0 : (g + delta) & 0xffff;
          }
        }
        return 0;
      }
      case 12:
      case 13: {
        let lo = 0;
        let hi = this.u32(at + 12) - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const g = at + 16 + mid * 12;
          if (codePoint < this.u32(g)) hi = mid - 1;
          else if (codePoint > this.u32(g + 4)) lo = mid + 1;
          else return cmap.format === 12 ? this.u32(g + 8) + (codePoint - this.u32(g)) : this.u32(g + 8);
        }
        return 0;
      }
      case 6: {
        const i = codePoint - this.u16(at + 6);
        return i >= 0 && i < this.u16(at + 8) ? this.u16(at + 10 + i * 2) : 0;
      }
      default:
        return codePoint >= 0 && codePoint < 256 ? this.view.getUint8(at + 6 + codePoint) : 0;
    }
  }

  /** The Unicode cmap subtable fontkit would use; fontkit too fails on a font without one. */
  private cmap(): Cmap {
    if (this.cmapTable === undefined) {
      this.cmapTable = null;
      const table = this.tables.get('cmap');
      if (table) {
        const count = this.u16(table.offset + 2);
        const records = Array.from({ length: count }, (_, i) => table.offset + 4 + i * 8);
        for (const [platform, encoding] of CMAP_PREFERENCE) {
          const r = records.find((rec) => this.u16(rec) === platform && this.u16(rec + 2) === encoding);
          if (r === undefined) continue;
          const at = table.offset + this.u32(r + 4);
          this.cmapTable = { format: this.u16(at), at };
          break;
        }
      }
    }
    if (!this.cmapTable) throw new Error('Could not find a supported cmap table');
    if (![0, 4, 6, 12, 13].includes(this.cmapTable.format)) throw new Error(`Unsupported cmap format ${this.cmapTable.format}`);
    return this.cmapTable;
  }

  private table(tag: string): Table {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`The font has no ${tag} table`);
    return t;
  }

  private u16(at: number): number {
    return this.view.getUint16(at);
  }
  private i16(at: number): number {
    return this.view.getInt16(at);
  }
  private u32(at: number): number {
    return this.view.getUint32(at);
  }
  private i32(at: number): number {
    return this.view.getInt32(at);
  }
}

/** Scripts fontkit's default shaper handles (Common includes CJK punctuation and digits); no combining marks. */
const DEFAULT_SHAPER_TEXT = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}]*$/u;

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** Unicode's Default_Ignorable_Code_Point, less U+115F, U+1160, U+3164 and U+FFA0 (as fontkit, HarfBuzz and Uniscribe). */
function isDefaultIgnorable(cp: number): boolean {
  return (
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x61c ||
    (cp >= 0x17b4 && cp <= 0x17b5) ||
    (cp >= 0x180b && cp <= 0x180e) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    (cp >= 0xfff0 && cp <= 0xfff8) ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe0fff)
  );
}

/**
 * What `PDFDocument.registerFontkit` takes, for fonts embedded with `subset: false` (pdf-lib
 * then only reads the font; see above). Cast where it is registered: pdf-lib's Fontkit type
 * describes all of fontkit.
 */
export const sfntKit = {
  create(bytes: Uint8Array): SfntFont {
    return new SfntFont(bytes);
  },
};
