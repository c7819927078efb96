import { deflateSync } from 'node:zlib';
import type { PDFContext, PDFDict, PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import { PDFName, PDFRawStream, PDFStream } from './pdf-lib.js';

/**
 * A page's drawing as PDF content operators written straight into a string. pdf-lib's
 * drawText builds a dozen operator objects per call, shapes the text again with fontkit
 * and adds a new font resource to the page every time, and its content streams are
 * compressed in JavaScript (pako); a 1,000-row ledger draws tens of thousands of cell lines,
 * so that was most of the render. Here a line of text is one `Tj` of glyph ids the writer
 * already looked up, a font is a page resource once, graphics state (font, colours, line
 * width) is set only when it changes, and the stream is deflated with Node's zlib when the
 * document is saved.
 */
export class PageInk {
  private ops: string[] = [];
  private source: Buffer | undefined;
  private readonly fontKeys = new Map<PDFFont, string>();
  // The graphics state so far, to write an operator only when it changes.
  private font: PDFFont | undefined;
  private size = -1;
  private fill: RGB | undefined;
  private stroke: RGB | undefined;
  private lineWidth = -1;

  constructor(readonly page: PDFPage) {
    const context = page.doc.context;
    // Added to the page now, so what pdf-lib draws later (a stamped signature) goes on top.
    page.node.addContentStream(context.register(new InkStream(context.obj({}), this)));
  }

  /** Glyph ids (4 hex digits each, Identity-H) in `font` with the baseline starting at (x, y). */
  text(font: PDFFont, glyphHex: string, x: number, y: number, size: number, color: RGB): void {
    let op = 'BT';
    if (font !== this.font || size !== this.size) {
      let key = this.fontKeys.get(font);
      if (!key) {
        key = this.page.node.newFontDictionary(font.name, font.ref).toString();
        this.fontKeys.set(font, key);
      }
      op += ` ${key} ${num(size)} Tf`;
      [this.font, this.size] = [font, size];
    }
    if (!same(color, this.fill)) op += ` ${colour((this.fill = color), 'rg')}`;
    this.push(`${op} ${num(x)} ${num(y)} Td <${glyphHex}> Tj ET`);
  }

  line(x1: number, y1: number, x2: number, y2: number, thickness: number, color: RGB): void {
    this.strokeStyle(thickness, color);
    this.push(`${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  fillRect(x: number, y: number, width: number, height: number, color: RGB): void {
    if (!same(color, this.fill)) this.push(colour((this.fill = color), 'rg'));
    this.push(`${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`);
  }

  strokeRect(x: number, y: number, width: number, height: number, thickness: number, color: RGB): void {
    this.strokeStyle(thickness, color);
    this.push(`${num(x)} ${num(y)} ${num(width)} ${num(height)} re S`);
  }

  /** The operators, wrapped in q/Q so nothing drawn after them inherits this state. */
  bytes(): Buffer {
    this.source ??= Buffer.from(`q\n${this.ops.join('\n')}\nQ\n`, 'latin1');
    return this.source;
  }

  private strokeStyle(thickness: number, color: RGB): void {
    if (thickness !== this.lineWidth) this.push(`${num((this.lineWidth = thickness))} w`);
    if (!same(color, this.stroke)) this.push(colour((this.stroke = color), 'RG'));
  }

  private push(op: string): void {
    this.ops.push(op);
    this.source = undefined;
  }
}

/** Enough precision for 1/1000 pt, without pdf-lib's long decimals. */
function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function same(a: RGB, b: RGB | undefined): boolean {
  return a === b || (!!b && a.red === b.red && a.green === b.green && a.blue === b.blue);
}

function colour(c: RGB, op: 'rg' | 'RG'): string {
  return `${num(c.red)} ${num(c.green)} ${num(c.blue)} ${op}`;
}

/** The page's content stream: deflated (natively) when pdf-lib serializes the document, again if drawn on since. */
class InkStream extends PDFStream {
  private deflated: { from: Buffer; bytes: Uint8Array } | undefined;

  constructor(
    dict: PDFDict,
    private readonly ink: PageInk,
  ) {
    super(dict);
    dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  }

  override getContents(): Uint8Array {
    const from = this.ink.bytes();
    if (this.deflated?.from !== from) this.deflated = { from, bytes: deflateSync(from) };
    return this.deflated.bytes;
  }

  override getContentsSize(): number {
    return this.getContents().length;
  }

  override getContentsString(): string {
    return Buffer.from(this.getContents()).toString('latin1');
  }

  /** A copy (pdf-lib's copyPages) is a plain stream of the bytes so far. */
  override clone(context?: PDFContext): PDFRawStream {
    return PDFRawStream.of(this.dict.clone(context), this.getContents().slice());
  }
}

/**
 * Node's zlib for the streams pdf-lib compresses itself when the document is saved (the
 * embedded font subsets and their ToUnicode maps): pako, its JavaScript deflate, took a
 * good part of a short document's render. Same format (FlateDecode), default level.
 */
export function deflateNatively(doc: PDFDocument): void {
  const context = doc.context;
  context.flateStream = (contents, dict = {}) => context.stream(deflateSync(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents), { ...dict, Filter: 'FlateDecode' });
}
