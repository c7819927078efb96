import type { PDFFont } from 'pdf-lib';
import type { PdfWriter } from './writer.js';
import { RULE, SHADE } from './writer.js';
import { atomicUnits, breakUnits, wrapText } from './line-break.js';

export interface TableColumn {
  label: string;
  /**
   * Values that must not wrap (phone numbers, e-mail addresses, dates, amounts): each line of
   * a value is one unbreakable token, and the column is at least as wide as the widest.
   */
  atomic?: boolean;
  /** Amounts and numbers line up on the right, as in a ledger. */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Cell padding in points; default a third of the font size. */
  pad?: number;
  /** Line height as a multiple of the font size. */
  leading?: number;
}

/** At most this many rows are wrapped trial-wise to choose the column widths (spread over the whole table). */
const SAMPLE_ROWS = 300;
/** Share of a column's cells that may wrap past the common line count when choosing widths. */
const OUTLIERS = 0.03;
/** A header label wraps to at most this many lines. */
const HEADER_LINES = 2;

/**
 * A table sized from its content, like a browser's automatic table layout: every column
 * gets its min-content width (its widest unbreakable token, so an e-mail, phone, contract
 * number or amount never breaks), then the rest of the page width goes where it saves the
 * most lines. A row that does not fit in the space left moves whole to the next page; only a
 * row taller than a page is split. The header row is repeated on every page.
 */
export function drawTable(w: PdfWriter, columns: TableColumn[], rows: string[][], size = 8.5, options: TableOptions = {}): void {
  const pad = options.pad ?? size / 3;
  const lh = size * (options.leading ?? 1.32);
  const cells = rows.map((row) => columns.map((c, i) => paragraphs(w, row[i] ?? '')));
  const widths = columnWidths(w, columns, cells, size, pad);
  const xs = widths.reduce<number[]>((acc, width, i) => [...acc, acc[i] + width], [w.margin.left]);
  const tableWidth = xs[xs.length - 1] - w.margin.left;
  const wrap = (paras: string[], width: number, font: PDFFont, atomic = false) =>
    paras.flatMap((p) => wrapText(p, width - 2 * pad, (s) => w.width(s, font, size), atomic ? atomicUnits : breakUnits));
  const headerLines = columns.map((c, i) => wrap([w.clean(c.label, w.bold)], widths[i], w.bold));
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * lh + 2 * pad;
  // Noto Sans SC's ideographs sit a little low in the line box that `w.line` assumes; this
  // centres them between the rules.
  const lift = size * 0.06;

  const drawLines = (lines: string[], i: number, top: number, font: PDFFont) => {
    lines.forEach((l, n) => {
      const x = columns[i].align === 'right' ? xs[i] + widths[i] - pad - w.width(l, font, size) : xs[i] + pad;
      w.line(l, x, top - pad + lift - n * lh, size, font);
    });
  };
  // Horizontal rules per row; the column rules once per page, top to bottom of the table
  // part on that page (far fewer drawing operations than a box per cell).
  let segmentTop = 0;
  const drawColumnRules = () => {
    for (const x of xs) w.page.drawLine({ start: { x, y: segmentTop }, end: { x, y: w.y }, thickness: 0.5, color: RULE });
  };
  const rule = (y: number) => w.page.drawLine({ start: { x: w.margin.left, y }, end: { x: w.margin.left + tableWidth, y }, thickness: 0.5, color: RULE });
  const drawHeader = () => {
    segmentTop = w.y;
    w.page.drawRectangle({ x: w.margin.left, y: w.y - headerHeight, width: tableWidth, height: headerHeight, color: SHADE });
    rule(w.y);
    rule(w.y - headerHeight);
    headerLines.forEach((lines, i) => drawLines(lines, i, w.y, w.bold));
    w.y -= headerHeight;
  };
  const nextPage = () => {
    drawColumnRules();
    w.newPage();
    drawHeader();
  };
  /** What a fresh page holds below its header. */
  const pageRoom = w.pageSize[1] - w.margin.top - w.bottom - headerHeight;

  rows.forEach((_, r) => {
    const lines = cells[r].map((paras, i) => wrap(paras, widths[i], w.regular, columns[i].atomic));
    const lineCount = Math.max(...lines.map((l) => l.length));
    const height = lineCount * lh + 2 * pad;
    if (process.env.TABLE_DEBUG) (globalThis as any).hist = { ...((globalThis as any).hist ?? {}), [lineCount]: ((globalThis as any).hist?.[lineCount] ?? 0) + 1, ...(lineCount >= 3 ? { ['ex' + lineCount]: lines.map((l) => l.length).join(',') } : {}) };
    if (r === 0) {
      // The header never stands alone at the bottom of a page.
      w.ensureSpace(headerHeight + Math.min(height, pageRoom));
      drawHeader();
    }
    if (height <= w.y - w.bottom) {
      lines.forEach((l, i) => drawLines(l, i, w.y, w.regular));
      w.y -= height;
      rule(w.y);
      return;
    }
    if (height <= pageRoom) {
      // The row moves whole to the next page.
      nextPage();
      lines.forEach((l, i) => drawLines(l, i, w.y, w.regular));
      w.y -= height;
      rule(w.y);
      return;
    }
    // Taller than a page: split, never leaving a lone line at the bottom.
    let offset = 0;
    while (offset < lineCount) {
      const fit = Math.floor((w.y - w.bottom - 2 * pad) / lh);
      if (fit < Math.min(2, lineCount - offset)) {
        nextPage();
        continue;
      }
      const take = Math.min(fit, lineCount - offset);
      lines.forEach((l, i) => drawLines(l.slice(offset, offset + take), i, w.y, w.regular));
      w.y -= take * lh + 2 * pad;
      rule(w.y);
      offset += take;
    }
  });
  if (rows.length === 0) {
    w.ensureSpace(headerHeight);
    drawHeader();
  }
  drawColumnRules();
  if (process.env.TABLE_DEBUG) console.log((globalThis as any).hist, widths.map((x) => x.toFixed(0)).join(' '));
  w.y -= 8;
}

/** A cell's text as the font will draw it, one string per explicit line. */
function paragraphs(w: PdfWriter, text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n').map((p) => w.clean(p).trim());
}

/** One paragraph as unbreakable units: each unit's width, and its width without trailing spaces. */
interface Measured {
  full: number[];
  trimmed: number[];
}

/**
 * Lines the wrapper (line-break.ts) will make of these paragraphs at `inner` width, counted
 * from unit widths alone so trial widths cost no string work.
 */
function lineCount(paras: Measured[], inner: number): number {
  let total = 0;
  const limit = inner + 1e-6;
  for (const { full, trimmed } of paras) {
    let lines = 1;
    let used = 0;
    for (let k = 0; k < full.length; k++) {
      if (used + trimmed[k] <= limit) {
        used += full[k];
        continue;
      }
      if (used > 0) lines++;
      if (trimmed[k] <= limit) {
        used = full[k];
        continue;
      }
      // A token wider than the column is cut by characters.
      const extra = Math.ceil(trimmed[k] / inner) - 1;
      lines += extra;
      used = trimmed[k] - extra * inner;
    }
    total += lines;
  }
  return total;
}

/**
 * For the smallest line count T that fits the page: each column as narrow as it can be
 * with none of its cells over T lines (cells with more than T explicit lines aside).
 */
function startWidths(linesAt: Array<(width: number) => number[]>, floor: number[], ceiling: number[], avail: number): number[] {
  for (let target = 1; target <= 8; target++) {
    const widths = floor.map((lo, i) => {
      const atFloor = linesAt[i](lo);
      const atCeiling = linesAt[i](ceiling[i]);
      // Cells that cannot get down to `target` lines at any width do not set the width, nor
      // do the few longest (a one-off long remark should not widen the column for every row).
      const allowed = Math.floor(atFloor.length * OUTLIERS);
      const counts = (n: number[]) => n.filter((x, r) => atCeiling[r] <= target && x > target).length;
      if (counts(atFloor) <= allowed) return lo;
      let hi = ceiling[i];
      while (hi - lo > 0.5) {
        const mid = (lo + hi) / 2;
        if (counts(linesAt[i](mid)) <= allowed) hi = mid;
        else lo = mid;
      }
      return hi;
    });
    if (process.env.TABLE_DEBUG) console.log('T', target, widths.map((x) => x.toFixed(0)).join(' '), widths.reduce((a, b) => a + b, 0).toFixed(0));
    if (widths.reduce((a, b) => a + b, 0) <= avail) return widths;
  }
  return [...floor];
}

/** Narrowest width (without padding) at which `label` wraps to at most HEADER_LINES lines. */
function headerMinWidth(w: PdfWriter, label: string, font: PDFFont, size: number): number {
  const units = breakUnits(w.clean(label, font));
  const widthOf = (us: string[]) => w.width(us.join('').trim(), font, size);
  let best = widthOf(units);
  // Two lines: the best split point (labels are short, so trying each is cheap).
  if (HEADER_LINES >= 2) for (let k = 1; k < units.length; k++) best = Math.min(best, Math.max(widthOf(units.slice(0, k)), widthOf(units.slice(k))));
  return Math.max(best, ...units.map((u) => w.width(u.trim(), font, size)));
}

/**
 * Column widths from the content. Each column's floor is the larger of its header's
 * two-line width and its min-content width (widest unbreakable token); its ceiling is its
 * max-content width (longest line unwrapped). From the floors, the remaining page width is
 * handed out in steps to the column where a step saves the most table lines (rows' heights
 * first, then lines in any cell), so a long name column widens before an empty 备注 does.
 * If even the floors do not fit, they shrink in proportion and long tokens break.
 */
function columnWidths(w: PdfWriter, columns: TableColumn[], cells: string[][][], size: number, pad: number): number[] {
  const avail = w.contentWidth;
  const unitWidths = (text: string, atomic: boolean): Measured => {
    const units = atomic ? atomicUnits(text) : breakUnits(text);
    return { full: units.map((u) => w.width(u, w.regular, size)), trimmed: units.map((u) => w.width(u.trimEnd(), w.regular, size)) };
  };
  // Unit widths of every cell (min and max content need all rows); trial wrapping uses a sample.
  const measured = cells.map((row) => row.map((paras, i) => paras.filter(Boolean).map((p) => unitWidths(p, !!columns[i].atomic))));
  const floor = columns.map((c, i) => {
    let min = headerMinWidth(w, c.label, w.bold, size);
    for (const row of measured) for (const p of row[i]) for (const t of p.trimmed) if (t > min) min = t;
    return min + 2 * pad + 0.1;
  });
  const ceiling = columns.map((_, i) => {
    let max = 0;
    for (const row of measured) for (const p of row[i]) max = Math.max(max, p.full.reduce((a, b) => a + b, 0) - (p.full.at(-1)! - p.trimmed.at(-1)!));
    // A very long note wraps rather than take most of the page.
    return Math.max(floor[i], Math.min(max + 2 * pad + 0.1, avail * 0.4));
  });
  const floorTotal = floor.reduce((a, b) => a + b, 0);
  if (process.env.TABLE_DEBUG) console.log({ avail, floor: floor.map((x) => x.toFixed(0)).join(' '), ceiling: ceiling.map((x) => x.toFixed(0)).join(' '), floorTotal });
  if (floorTotal >= avail) return floor.map((f) => (f / floorTotal) * avail);

  const step = Math.max(1, avail / 160);
  const sample = measured.length <= SAMPLE_ROWS ? measured : Array.from({ length: SAMPLE_ROWS }, (_, k) => measured[Math.floor((k * measured.length) / SAMPLE_ROWS)]);
  const linesAt = (i: number, width: number) => sample.map((row) => lineCount(row[i], width - 2 * pad));
  // Start from the fewest lines per row every column can afford at once (one step at a time
  // cannot find that: a row only gets shorter when all its tall cells do).
  const widths = startWidths(columns.map((_, i) => (width: number) => linesAt(i, width)), floor, ceiling, avail);
  let rest = avail - widths.reduce((a, b) => a + b, 0);
  const lines = columns.map((_, i) => linesAt(i, widths[i]));
  // Per row the tallest and second-tallest cell, so a trial width in one column is scored
  // without looking at the others.
  const top1 = new Array<number>(sample.length);
  const top1Col = new Array<number>(sample.length);
  const top2 = new Array<number>(sample.length);
  const rank = () => {
    sample.forEach((_, r) => {
      let a = 0, ac = -1, b = 0;
      lines.forEach((col, i) => {
        if (col[r] > a) [b, a, ac] = [a, col[r], i];
        else if (col[r] > b) b = col[r];
      });
      [top1[r], top1Col[r], top2[r]] = [a, ac, b];
    });
  };
  rank();
  while (rest > 0.01) {
    let best: { i: number; width: number; lines: number[]; score: number; cellScore: number } | undefined;
    columns.forEach((_, i) => {
      const room = Math.min(rest, ceiling[i] - widths[i]);
      if (room <= 0.01) return;
      // Small steps find small wins; bigger ones get over a plateau (a line saved only 20 pt on).
      for (const s of [step, step * 4, step * 16]) {
        const width = widths[i] + Math.min(s, room);
        const trial = linesAt(i, width);
        let rowsSaved = 0;
        let cellsSaved = 0;
        trial.forEach((n, r) => {
          const other = top1Col[r] === i ? top2[r] : top1[r];
          rowsSaved += Math.max(top1[r], 1) - Math.max(other, n, 1);
          cellsSaved += lines[i][r] - n;
        });
        const used = width - widths[i];
        const score = rowsSaved / used;
        const cellScore = cellsSaved / used;
        if (!best || score > best.score || (score === best.score && cellScore > best.cellScore)) best = { i, width, lines: trial, score, cellScore };
        if (s >= room) break;
      }
    });
    if (process.env.TABLE_DEBUG) console.log(best && { i: best.i, w: best.width.toFixed(1), s: best.score.toFixed(2), c: best.cellScore.toFixed(2), rest: rest.toFixed(0) });
    if (!best || (best.score <= 0 && best.cellScore <= 0)) break;
    rest -= best.width - widths[best.i];
    widths[best.i] = best.width;
    lines[best.i] = best.lines;
    rank();
  }
  // Nothing left to save: share what remains towards max-content, then evenly.
  if (rest > 0.01) {
    const want = columns.map((_, i) => ceiling[i] - widths[i]);
    const wantTotal = want.reduce((a, b) => a + b, 0);
    if (wantTotal > 0.01) {
      const share = Math.min(1, rest / wantTotal);
      want.forEach((d, i) => (widths[i] += d * share));
      rest -= wantTotal * share;
    }
    const total = widths.reduce((a, b) => a + b, 0);
    if (rest > 0.01) widths.forEach((x, i) => (widths[i] += (x / total) * rest));
  }
  return widths;
}
