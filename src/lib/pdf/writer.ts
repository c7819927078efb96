import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import { rgb } from './pdf-lib.js';
import { fontSubset } from './fonts.js';
import { fallbackSubsets, FontChain } from './font-chain.js';
import { deflateNatively, PageInk } from './ink.js';
import { SfntFont, sfntKit } from './sfnt.js';
import { wrapText } from './line-break.js';
import { drawTable, type TableColumn } from './table.js';
export type { TableColumn } from './table.js';

/**
 * A small flowing-layout writer over pdf-lib: pages with a running cursor, wrapped CJK text,
 * key/value blocks and tables that break across pages with their header repeated. Fonts are
 * subset to exactly the characters the document will draw (given up front). Characters Noto
 * Sans SC lacks (rare name characters such as 𠮷) come from a fallback font (font-chain.ts),
 * embedded only in documents that have such characters; text is measured and drawn per run.
 *
 * Each character's glyph id and advance width are looked up once per document (the fonts
 * are subsets without substitutions, see CMAP_GLYPHS_ONLY, so a character is always its
 * cmap glyph): measuring is a sum and drawing writes the ids straight into the page's
 * content stream (ink.ts).
 */
export const A4: [number, number] = [595.28, 841.89];
export const MISSING_GLYPH = '□';
export const INK = rgb(0.12, 0.12, 0.14);
export const MUTED = rgb(0.42, 0.44, 0.47);
export const RULE = rgb(0.55, 0.57, 0.6);
export const SHADE = rgb(0.93, 0.94, 0.95);

export interface MissingCharacter {
  char: string;
  codePoint: string;
}

const LINE_HEIGHT = 1.45;

/**
 * Glyph substitutions off: pdf-lib writes widths only for glyphs reachable through the cmap,
 * so a substituted glyph (Noto Sans SC's `locl` swaps the digits after Latin letters) is
 * drawn with the default 1000-unit width — "HT-2 0 2 6" — and overlaps the next column.
 */
export const CMAP_GLYPHS_ONLY = { liga: false, clig: false, dlig: false, rlig: false, calt: false, ccmp: false, locl: false };

/** One character as a font chain draws it: the font that has it, its glyph id (4 hex digits), its width at 1 pt. */
interface Glyph {
  font: PDFFont;
  hex: string;
  width: number;
}

/** What the writer reads of a font itself: its cmap and advance widths. */
type Metrics = SfntFont;

export class PdfWriter {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];
  /** Per primary font (regular, bold): each code point as its chain draws it. */
  private readonly glyphs = new Map<PDFFont, Map<number, Glyph>>();
  private readonly inks = new Map<PDFPage, PageInk>();
  private missingSet = new Set<string>();
  /** Per primary font (regular, bold): that font, then the fallbacks. */
  private readonly chains: Map<PDFFont, FontChain>;

  private constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    readonly pageSize: [number, number],
    readonly margin: { top: number; right: number; bottom: number; left: number },
    /** Fallback fonts embedded for this document's rare characters (usually none). */
    readonly fallbacks: PDFFont[],
    private readonly metrics: Map<PDFFont, Metrics>,
  ) {
    // Bold text falls back to the same (regular-weight) fallback font: there is no bold one.
    this.chains = new Map([regular, bold].map((f) => [f, new FontChain([f, ...fallbacks])]));
  }

  /**
   * `text.regular` is every string the document draws in the regular weight, `text.bold`
   * every string in bold (headings, labels); each font is cut to its own characters.
   */
  static async create(
    doc: PDFDocument,
    text: { regular: string; bold: string },
    options: { pageSize?: [number, number]; margin?: PdfWriter['margin'] } = {},
  ): Promise<PdfWriter> {
    // The fonts are HarfBuzz subsets drawn one cmap glyph per character: pdf-lib only reads
    // them (cmap, widths, metrics), which sfnt.ts does without loading fontkit.
    doc.registerFontkit(sfntKit as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
    deflateNatively(doc);
    const always = MISSING_GLYPH + '0123456789第页共/';
    // Each character once: a long table's text is hundreds of thousands of characters, a few hundred distinct.
    const regularChars = [...new Set(text.regular + always)].join('');
    const boldChars = [...new Set(text.bold + always)].join('');
    // Without layout tables: the writer draws each character's cmap glyph (CMAP_GLYPHS_ONLY).
    const [regularBytes, boldBytes] = await Promise.all([fontSubset('regular', regularChars, { layout: false }), fontSubset('bold', boldChars, { layout: false })]);
    // subset: false — the bytes are already a HarfBuzz subset (see fonts.ts).
    const metrics = new Map<PDFFont, Metrics>();
    const embed = async (bytes: Uint8Array) => {
      const font = await doc.embedFont(bytes, { subset: false, features: CMAP_GLYPHS_ONLY });
      // The writer's own reading of the same bytes (pdf-lib keeps its font object private).
      metrics.set(font, new SfntFont(bytes));
      return font;
    };
    const regular = await embed(regularBytes);
    const bold = await embed(boldBytes);
    // What the subsets lack is what the fallback font is asked for (nothing, most of the time).
    const lacking = (font: PDFFont, s: string) => {
      const set = new Set(font.getCharacterSet());
      return Array.from(s).filter((ch) => ch.codePointAt(0)! >= 0x20 && !set.has(ch.codePointAt(0)!));
    };
    const rare = [...lacking(regular, regularChars), ...lacking(bold, boldChars)];
    // subset: false — the bytes are already HarfBuzz subsets (see fonts.ts).
    const fallbacks = rare.length ? await Promise.all((await fallbackSubsets(rare)).map(embed)) : [];
    return new PdfWriter(doc, regular, bold, options.pageSize ?? A4, options.margin ?? { top: 64, right: 42, bottom: 54, left: 42 }, fallbacks, metrics);
  }

  get contentWidth(): number {
    return this.pageSize[0] - this.margin.left - this.margin.right;
  }
  get bottom(): number {
    return this.margin.bottom;
  }

  /** Characters the fonts lack, replaced by □ when drawn. */
  get missingCharacters(): MissingCharacter[] {
    return [...this.missingSet].map((char) => ({ char, codePoint: `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` }));
  }

  /** The fonts text in `font` is drawn with: `font`, then the fallbacks. */
  chain(font: PDFFont): FontChain {
    let chain = this.chains.get(font);
    if (!chain) this.chains.set(font, (chain = new FontChain([font, ...this.fallbacks])));
    return chain;
  }

  /**
   * Text as `font` will draw it: characters neither it nor a fallback has become □ and are
   * recorded. The result is drawable with `line` (which picks the font per run).
   */
  clean(text: string, font: PDFFont = this.regular): string {
    const chain = this.chain(font);
    // Nearly all text is drawable as it is (no surrogate pairs, nothing missing): then no new string is made.
    let i = 0;
    for (; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      if (cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff) || !chain.hasCodePoint(cp)) break;
    }
    if (i === text.length) return text;
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x20) out += ' ';
      else if (chain.has(ch)) out += ch;
      else {
        this.missingSet.add(ch);
        out += MISSING_GLYPH;
      }
    }
    return out;
  }

  /** The glyphs of text in `font`, by code point (filled by `lookUp`). */
  private glyphsOf(font: PDFFont): Map<number, Glyph> {
    let map = this.glyphs.get(font);
    if (!map) this.glyphs.set(font, (map = new Map()));
    return map;
  }

  /** Code point `cp` as text in `font` draws it: in the first font of the chain that has it (else as `font`'s .notdef). */
  private lookUp(cp: number, font: PDFFont, map: Map<number, Glyph>): Glyph {
    const drawnIn = this.chain(font).fontForCodePoint(cp) ?? font;
    const metrics = this.metrics.get(drawnIn);
    if (!metrics) throw new Error(`PdfWriter: the font ${drawnIn.name} was not embedded by this writer`);
    const { id, advanceWidth } = metrics.glyphForCodePoint(cp);
    // The same arithmetic as pdf-lib's widthOfTextAtSize, so line breaks do not move.
    const g = { font: drawnIn, hex: id.toString(16).padStart(4, '0'), width: advanceWidth * (1000 / metrics.unitsPerEm) * (1 / 1000) };
    map.set(cp, g);
    return g;
  }

  /** Width of cleaned text, each character measured in the font that draws it. */
  width(text: string, font: PDFFont, size: number): number {
    const map = this.glyphsOf(font);
    let w = 0;
    // By code point without making a string per character (this runs for every table cell, many times).
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      w += (map.get(cp) ?? this.lookUp(cp, font, map)).width;
    }
    return w * size;
  }

  /** The page's own content stream, where the writer draws. */
  ink(page: PDFPage = this.page): PageInk {
    let ink = this.inks.get(page);
    if (!ink) this.inks.set(page, (ink = new PageInk(page)));
    return ink;
  }

  /** A straight line on `page` (default: the current page). */
  rule(x1: number, y1: number, x2: number, y2: number, thickness: number, color: RGB, page: PDFPage = this.page): void {
    this.ink(page).line(x1, y1, x2, y2, thickness, color);
  }

  /** Wrapped lines of `text`; line breaks the writer typed (a multi-line note) are kept. */
  wrap(text: string, maxWidth: number, font: PDFFont, size: number): string[] {
    const paragraphs = text.split(/\r\n?|\n/).map((p) => this.clean(p, font));
    return wrapText(paragraphs.join('\n'), maxWidth, (s) => this.width(s, font, size));
  }

  lineHeight(size: number): number {
    return size * LINE_HEIGHT;
  }

  newPage(): void {
    this.page = this.doc.addPage(this.pageSize);
    this.pages.push(this.page);
    this.ink(this.page);
    this.y = this.pageSize[1] - this.margin.top;
  }

  /** Starts a new page unless `height` still fits above the bottom margin. */
  ensureSpace(height: number): void {
    if (!this.page || this.y - height < this.bottom) this.newPage();
  }

  /** Draws one line of already-cleaned text with its top at `top`. */
  line(text: string, x: number, top: number, size: number, font: PDFFont = this.regular, color = INK): void {
    if (!text) return;
    // Baseline sits about 80% down a line box for Noto Sans SC.
    this.drawOn(this.page, text, x, top - size * 1.1, size, font, color);
  }

  /** Draws cleaned text on `page` with its baseline at `y`, run by run when it needs a fallback. */
  drawOn(page: PDFPage, text: string, x: number, y: number, size: number, font: PDFFont = this.regular, color: RGB = INK): void {
    const ink = this.ink(page);
    const map = this.glyphsOf(font);
    let runFont: PDFFont | undefined;
    let hex = '';
    let runX = x;
    let runWidth = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      const g = map.get(cp) ?? this.lookUp(cp, font, map);
      if (g.font !== runFont && hex) {
        ink.text(runFont!, hex, runX, y, size, color);
        [hex, runX, runWidth] = ['', runX + runWidth * size, 0];
      }
      runFont = g.font;
      hex += g.hex;
      runWidth += g.width;
    }
    if (hex) ink.text(runFont!, hex, runX, y, size, color);
  }

  /** A wrapped paragraph at the cursor, across pages if needed. */
  paragraph(text: string, options: { size?: number; font?: PDFFont; color?: typeof INK; indent?: number; gapAfter?: number } = {}): void {
    const size = options.size ?? 9.5;
    const font = options.font ?? this.regular;
    const indent = options.indent ?? 0;
    const lh = this.lineHeight(size);
    for (const l of this.wrap(text, this.contentWidth - indent, font, size)) {
      this.ensureSpace(lh);
      this.line(l, this.margin.left + indent, this.y, size, font, options.color);
      this.y -= lh;
    }
    this.y -= options.gapAfter ?? 4;
  }

  heading(text: string, size = 12): void {
    // Keep a heading with at least a few lines of what follows it.
    this.ensureSpace(this.lineHeight(size) + 60);
    this.y -= 6;
    this.line(this.clean(text, this.bold), this.margin.left, this.y, size, this.bold);
    this.y -= this.lineHeight(size) + 1;
    this.rule(this.margin.left, this.y, this.margin.left + this.contentWidth, this.y, 0.8, INK);
    this.y -= 6;
  }

  /** Label/value pairs, two to a row; `wide` items take the full width. */
  keyValues(items: Array<{ label: string; value: string; wide?: boolean }>, size = 9): void {
    const gap = 16;
    const half = (this.contentWidth - gap) / 2;
    const lh = this.lineHeight(size);
    const layout = (item: (typeof items)[number], width: number) => {
      const label = this.clean(item.label + '：', this.bold);
      const labelWidth = Math.min(this.width(label, this.bold, size), width * 0.45);
      const lines = this.wrap(item.value || ' ', width - labelWidth - 4, this.regular, size);
      return { label, labelWidth, lines, width };
    };
    let i = 0;
    while (i < items.length) {
      const row = items[i].wide || i + 1 >= items.length || items[i + 1].wide ? [items[i]] : [items[i], items[i + 1]];
      const width = row.length === 1 && items[i].wide ? this.contentWidth : half;
      const cells = row.map((it) => layout(it, width));
      const height = Math.max(...cells.map((c) => c.lines.length)) * lh + 4;
      if (height > this.y - this.bottom) this.newPage();
      cells.forEach((c, k) => {
        const x = this.margin.left + k * (half + gap);
        this.line(c.label, x, this.y, size, this.bold);
        c.lines.forEach((l, n) => this.line(l, x + c.labelWidth + 4, this.y - n * lh, size));
        this.rule(x + c.labelWidth + 2, this.y - height + 2, x + c.width, this.y - height + 2, 0.4, RULE);
      });
      this.y -= height + 3;
      i += row.length;
    }
    this.y -= 4;
  }

  /** A table at the cursor; the layout lives in table.ts. */
  table(columns: TableColumn[], rows: string[][], size = 8.5): void {
    drawTable(this, columns, rows, size);
  }

  /**
   * Header and footer on every page, once the page count is known. `pageLabel` words the
   * page number (default 第 N 页 / 共 M 页); its characters must be in the regular text.
   */
  decoratePages(
    header: { left: string; right: string },
    footerLeft: string,
    pageLabel: (index: number, total: number) => string = (i, total) => `第 ${i + 1} 页 / 共 ${total} 页`,
  ): void {
    const size = 8;
    const total = this.pages.length;
    this.pages.forEach((page, i) => {
      const [w, h] = this.pageSize;
      const top = h - this.margin.top + 30;
      const draw = (text: string, x: number, y: number, align: 'left' | 'right') => {
        const t = this.clean(text);
        const tx = align === 'left' ? x : x - this.width(t, this.regular, size);
        this.drawOn(page, t, tx, y, size, this.regular, MUTED);
      };
      draw(header.left, this.margin.left, top, 'left');
      draw(header.right, w - this.margin.right, top, 'right');
      this.rule(this.margin.left, top - 5, w - this.margin.right, top - 5, 0.5, RULE, page);
      const bottom = this.margin.bottom - 26;
      this.rule(this.margin.left, bottom + 12, w - this.margin.right, bottom + 12, 0.5, RULE, page);
      draw(footerLeft, this.margin.left, bottom, 'left');
      draw(pageLabel(i, total), w - this.margin.right, bottom, 'right');
    });
  }
}
