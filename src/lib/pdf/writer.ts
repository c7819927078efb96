import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { fontSubset } from './fonts.js';
import { embedFallbacks, FontChain } from './font-chain.js';
import { wrapText } from './line-break.js';
import { drawTable, type TableColumn } from './table.js';
export type { TableColumn } from './table.js';

/**
 * A small flowing-layout writer over pdf-lib: pages with a running cursor, wrapped CJK text,
 * key/value blocks and tables that break across pages with their header repeated. Fonts are
 * subset to exactly the characters the document will draw (given up front). Characters Noto
 * Sans SC lacks (rare name characters such as 𠮷) come from a fallback font (font-chain.ts),
 * embedded only in documents that have such characters; text is measured and drawn per run.
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

export class PdfWriter {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];
  private readonly widthCache = new Map<PDFFont, Map<string, number>>();
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
    doc.registerFontkit(fontkit);
    const always = MISSING_GLYPH + '0123456789第页共/';
    const [regularBytes, boldBytes] = await Promise.all([fontSubset('regular', text.regular + always), fontSubset('bold', text.bold + always)]);
    // subset: false — the bytes are already a HarfBuzz subset (see fonts.ts).
    const regular = await doc.embedFont(regularBytes, { subset: false, features: CMAP_GLYPHS_ONLY });
    const bold = await doc.embedFont(boldBytes, { subset: false, features: CMAP_GLYPHS_ONLY });
    // What the subsets lack is what the fallback font is asked for (nothing, most of the time).
    const lacking = (font: PDFFont, s: string) => {
      const set = new Set(font.getCharacterSet());
      return Array.from(s).filter((ch) => ch.codePointAt(0)! >= 0x20 && !set.has(ch.codePointAt(0)!));
    };
    const fallbacks = await embedFallbacks(doc, [...lacking(regular, text.regular), ...lacking(bold, text.bold)], CMAP_GLYPHS_ONLY);
    return new PdfWriter(doc, regular, bold, options.pageSize ?? A4, options.margin ?? { top: 64, right: 42, bottom: 54, left: 42 }, fallbacks);
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

  /** Width of cleaned text, each character measured in the font that draws it. */
  width(text: string, font: PDFFont, size: number): number {
    let cache = this.widthCache.get(font);
    if (!cache) this.widthCache.set(font, (cache = new Map()));
    const chain = this.chain(font);
    let w = 0;
    for (const ch of text) {
      let cw = cache.get(ch);
      if (cw === undefined) cache.set(ch, (cw = (chain.fontFor(ch) ?? font).widthOfTextAtSize(ch, 1)));
      w += cw;
    }
    return w * size;
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
  drawOn(page: PDFPage, text: string, x: number, y: number, size: number, font: PDFFont = this.regular, color = INK): void {
    if (this.fallbacks.length === 0) page.drawText(text, { x, y, size, font, color });
    else this.chain(font).draw(page, text, { x, y, size, color });
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
    this.page.drawLine({ start: { x: this.margin.left, y: this.y }, end: { x: this.margin.left + this.contentWidth, y: this.y }, thickness: 0.8, color: INK });
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
        this.page.drawLine({ start: { x: x + c.labelWidth + 2, y: this.y - height + 2 }, end: { x: x + c.width, y: this.y - height + 2 }, thickness: 0.4, color: RULE });
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
      page.drawLine({ start: { x: this.margin.left, y: top - 5 }, end: { x: w - this.margin.right, y: top - 5 }, thickness: 0.5, color: RULE });
      const bottom = this.margin.bottom - 26;
      page.drawLine({ start: { x: this.margin.left, y: bottom + 12 }, end: { x: w - this.margin.right, y: bottom + 12 }, thickness: 0.5, color: RULE });
      draw(footerLeft, this.margin.left, bottom, 'left');
      draw(pageLabel(i, total), w - this.margin.right, bottom, 'right');
    });
  }
}
