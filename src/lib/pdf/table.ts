import type { PDFFont } from 'pdf-lib';
import type { PdfWriter } from './writer.js';
import { RULE, SHADE } from './writer.js';
import { atomicUnits, breakUnits, wrapText, type Splitter } from './line-break.js';

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
  /**
   * Smallest font size the table may shrink to (in 0.5 pt steps from `size`) so that most
   * rows fit in two lines; default `size` (no shrinking).
   */
  minSize?: number;
  /** Cell padding above and below the text, in points; default a third of the font size. */
  pad?: number;
  /** Cell padding left and right of the text; default as `pad`. */
  padX?: number;
  /** Line height as a multiple of the font size. */
  leading?: number;
}

/** The column widths and font size a table was drawn with. */
export interface TableLayout {
  widths: number[];
  size: number;
}

/** At most this many rows are wrapped trial-wise to choose the column widths (spread over the whole table). */
const SAMPLE_ROWS = 300;
/** Line counts tried for the common start before giving up and starting from the floors. */
const MAX_TARGET = 8;
/** Share of a column's cells that may wrap past the common line count when choosing widths. */
const OUTLIERS = 0.03;
/** A font may shrink (down to `minSize`) until most rows need no more lines than this. */
const PREFERRED_LINES = 2;

/**
 * A table sized from its content, like a browser's automatic table layout: every column
 * gets its min-content width (its widest unbreakable token, so an e-mail, phone, contract
 * number or amount never breaks), then the rest of the page width goes where it saves the
 * most lines. A row that does not fit in the space left moves whole to the next page; only a
 * row taller than a page is split. The header row is repeated on every page.
 */
export function drawTable(w: PdfWriter, columns: TableColumn[], rows: string[][], maxSize = 8.5, options: TableOptions = {}): TableLayout {
  const pad = options.pad ?? maxSize / 3;
  const padX = options.padX ?? pad;
  const cells = rows.map((row) => columns.map((_, i) => paragraphs(w, row[i] ?? '')));
  // Each paragraph is split into units once, for measuring and again for wrapping.
  const splitters = columns.map((c) => remembered(c.atomic ? atomicUnits : breakUnits));
  const content = { ...measureContent(w, splitters, cells), headerMin: columns.map((c) => headerMinWidth(w, c.label)) };
  let size = maxSize;
  let layout = columnWidths(content, w.contentWidth, size, padX);
  for (let s = maxSize - 0.5; layout.lines > PREFERRED_LINES && s >= (options.minSize ?? maxSize) - 1e-9; s -= 0.5) {
    [size, layout] = [s, columnWidths(content, w.contentWidth, s, padX)];
  }
  const { widths } = layout;
  const lh = size * (options.leading ?? 1.32);
  const xs = widths.reduce<number[]>((acc, width, i) => [...acc, acc[i] + width], [w.margin.left]);
  const tableWidth = xs[xs.length - 1] - w.margin.left;
  // Lists repeat themselves (状态, 阶段, the same note): each column wraps a text once.
  const wrapped = columns.map(() => new Map<string, string[]>());
  const wrap = (paras: string[], i: number): string[] =>
    paras.flatMap((p) => {
      let lines = wrapped[i].get(p);
      if (!lines) {
        lines = wrapText(p, widths[i] - 2 * padX, (s) => w.width(s, w.regular, size), splitters[i]);
        wrapped[i].set(p, lines);
      }
      return lines;
    });
  const headerLines = columns.map((c, i) => headerLabelLines(w, c.label, widths[i] - 2 * padX, size));
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * lh + 2 * pad;
  // Noto Sans SC's ideographs sit a little low in the line box that `w.line` assumes; this
  // centres them between the rules.
  const lift = size * 0.06;

  const drawLines = (lines: string[], i: number, top: number, font: PDFFont) => {
    lines.forEach((l, n) => {
      const x = columns[i].align === 'right' ? xs[i] + widths[i] - padX - w.width(l, font, size) : xs[i] + padX;
      w.line(l, x, top - pad + lift - n * lh, size, font);
    });
  };
  // Horizontal rules per row; the column rules once per page, top to bottom of the table
  // part on that page (far fewer drawing operations than a box per cell).
  let segmentTop = 0;
  const drawColumnRules = () => {
    for (const x of xs) w.rule(x, segmentTop, x, w.y, 0.5, RULE);
  };
  const rule = (y: number) => w.rule(w.margin.left, y, w.margin.left + tableWidth, y, 0.5, RULE);
  const drawHeader = () => {
    segmentTop = w.y;
    w.ink().fillRect(w.margin.left, w.y - headerHeight, tableWidth, headerHeight, SHADE);
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
    const lines = cells[r].map((paras, i) => wrap(paras, i));
    const lineCount = Math.max(...lines.map((l) => l.length));
    const height = lineCount * lh + 2 * pad;
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
  w.y -= 8;
  return { widths, size };
}

/** `split` with its answers kept (callers only read the units). */
function remembered(split: Splitter): Splitter {
  const seen = new Map<string, string[]>();
  return (text) => {
    let units = seen.get(text);
    if (!units) seen.set(text, (units = split(text)));
    return units;
  };
}

/** A cell's text as the font will draw it, one string per explicit line. */
function paragraphs(w: PdfWriter, text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n').map((p) => w.clean(p).trim());
}

/** One paragraph as unbreakable units: each unit's width at 1 pt, and its width without trailing spaces. */
interface Measured {
  full: number[];
  trimmed: number[];
}

/** What the layout needs to know of the content, measured once at 1 pt and scaled per font size. */
interface Content {
  /** Per column: widest unbreakable token, longest unwrapped line, header's two-line width. */
  minContent: number[];
  maxContent: number[];
  headerMin: number[];
  /** Up to SAMPLE_ROWS rows, spread over the table: [row][column] → paragraphs. */
  sample: Measured[][][];
}

function measureContent(w: PdfWriter, splitters: Splitter[], cells: string[][][]): Content {
  const measure = (text: string, split: Splitter): Measured => {
    const units = split(text);
    return { full: units.map((u) => w.width(u, w.regular, 1)), trimmed: units.map((u) => w.width(u.trimEnd(), w.regular, 1)) };
  };
  const cache = splitters.map(() => new Map<string, Measured>());
  const measured = cells.map((row) =>
    row.map((paras, i) =>
      paras.filter(Boolean).map((p) => {
        let m = cache[i].get(p);
        if (!m) cache[i].set(p, (m = measure(p, splitters[i])));
        return m;
      }),
    ),
  );
  const minContent = splitters.map(() => 0);
  const maxContent = splitters.map(() => 0);
  for (const row of measured) {
    row.forEach((paras, i) => {
      for (const { full, trimmed } of paras) {
        let sum = 0;
        for (let k = 0; k < full.length; k++) {
          if (trimmed[k] > minContent[i]) minContent[i] = trimmed[k];
          sum += full[k];
        }
        maxContent[i] = Math.max(maxContent[i], sum - full[full.length - 1] + trimmed[trimmed.length - 1]);
      }
    });
  }
  const sample = measured.length <= SAMPLE_ROWS ? measured : Array.from({ length: SAMPLE_ROWS }, (_, k) => measured[Math.floor((k * measured.length) / SAMPLE_ROWS)]);
  return { minContent, maxContent, headerMin: [], sample };
}

/**
 * A header label in as few lines as fit, two lines balanced (业务/阶段, not 业务阶/段);
 * a label too long for two lines wraps normally.
 */
function headerLabelLines(w: PdfWriter, label: string, inner: number, size: number): string[] {
  const text = w.clean(label, w.bold);
  const measure = (s: string) => w.width(s, w.bold, size);
  const lines = wrapText(text, inner, measure);
  if (lines.length !== 2) return lines;
  const units = breakUnits(text);
  let best = lines;
  let bestWidth = Infinity;
  for (let k = 1; k < units.length; k++) {
    const pair = [units.slice(0, k).join('').trim(), units.slice(k).join('').trim()];
    const width = Math.max(...pair.map(measure));
    // On a tie the longer first line wins: 合同金额 /（元）, not 合同金 / 额（元）.
    if (width <= inner + 1e-6 && width <= bestWidth) [best, bestWidth] = [pair, width];
  }
  return best;
}

/** Narrowest width at 1 pt (without padding) at which `label` wraps to at most two lines. */
function headerMinWidth(w: PdfWriter, label: string): number {
  const units = breakUnits(w.clean(label, w.bold));
  const widthOf = (us: string[]) => w.width(us.join('').trim(), w.bold, 1);
  let best = widthOf(units);
  // Labels are short: try every split point.
  for (let k = 1; k < units.length; k++) best = Math.min(best, Math.max(widthOf(units.slice(0, k)), widthOf(units.slice(k))));
  return best;
}

/**
 * Lines the wrapper (line-break.ts) will make of these paragraphs at `inner` width (in 1 pt
 * units), counted from unit widths alone so trial widths cost no string work.
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
 * Column widths from the content at one font size, and the line count most rows get.
 *
 * Each column's floor is the larger of its header's two-line width and its min-content
 * width (widest unbreakable token); its ceiling is its max-content width (longest line
 * unwrapped). Starting from the smallest line count every column can afford at once, what
 * is left of the page width goes in steps to the column where a step saves the most lines
 * (rows' heights first, then lines in any cell), so a long name column widens before a
 * mostly empty 备注 does; width that saves no line is shared towards max-content (a column
 * taking at most 40 % of the table). If even the floors do not fit, they shrink in
 * proportion and long tokens break.
 */
function columnWidths(content: Content, avail: number, size: number, padX: number): { widths: number[]; lines: number } {
  const { sample } = content;
  const columnCount = content.minContent.length;
  const floor = content.minContent.map((min, i) => Math.max(min, content.headerMin[i]) * size + 2 * padX + 0.1);
  const ceiling = content.maxContent.map((max, i) => Math.max(floor[i], Math.min(max * size + 2 * padX + 0.1, avail)));
  const floorTotal = floor.reduce((a, b) => a + b, 0);
  if (floorTotal >= avail) return { widths: floor.map((f) => (f / floorTotal) * avail), lines: Infinity };

  const linesAt = (i: number, width: number) => {
    const inner = (width - 2 * padX) / size;
    return sample.map((row) => lineCount(row[i], inner));
  };
  const start = startWidths(linesAt, floor, ceiling, avail, sample.length);
  const widths = start.widths;
  let rest = avail - widths.reduce((a, b) => a + b, 0);
  const lines = widths.map((width, i) => linesAt(i, width));
  // Per row the tallest and second-tallest cell, so a trial width in one column is scored
  // without looking at the others.
  const top1 = new Array<number>(sample.length);
  const top1Col = new Array<number>(sample.length);
  const top2 = new Array<number>(sample.length);
  const rank = () => {
    for (let r = 0; r < sample.length; r++) {
      let [a, ac, b] = [1, -1, 1];
      for (let i = 0; i < columnCount; i++) {
        const n = lines[i][r];
        if (n > a) [b, a, ac] = [a, n, i];
        else if (n > b) b = n;
      }
      [top1[r], top1Col[r], top2[r]] = [a, ac, b];
    }
  };
  rank();
  const step = Math.max(1, avail / 160);
  // Trial line counts per column and width: a column's trials stay valid until it changes.
  const trials = widths.map(() => new Map<number, number[]>());
  while (rest > 0.01) {
    let best: { i: number; width: number; lines: number[]; score: number; cellScore: number } | undefined;
    for (let i = 0; i < columnCount; i++) {
      const room = Math.min(rest, ceiling[i] - widths[i]);
      if (room <= 0.01) continue;
      // Small steps find small wins; bigger ones get over a plateau (a line saved only 20 pt on).
      for (const s of [step, step * 4, step * 16]) {
        const width = widths[i] + Math.min(s, room);
        let trial = trials[i].get(width);
        if (!trial) trials[i].set(width, (trial = linesAt(i, width)));
        let rowsSaved = 0;
        let cellsSaved = 0;
        for (let r = 0; r < trial.length; r++) {
          const other = top1Col[r] === i ? top2[r] : top1[r];
          rowsSaved += top1[r] - Math.max(other, trial[r]);
          cellsSaved += lines[i][r] - trial[r];
        }
        const used = width - widths[i];
        const [score, cellScore] = [rowsSaved / used, cellsSaved / used];
        if (!best || score > best.score || (score === best.score && cellScore > best.cellScore)) best = { i, width, lines: trial, score, cellScore };
        if (s >= room) break;
      }
    }
    if (!best || (best.score <= 0 && best.cellScore <= 0)) break;
    rest -= best.width - widths[best.i];
    widths[best.i] = best.width;
    lines[best.i] = best.lines;
    trials[best.i].clear();
    rank();
  }
  // Nothing left to save: share what remains towards max-content, then in proportion.
  if (rest > 0.01) {
    // A very long note wraps rather than take most of the page for nothing.
    const want = widths.map((x, i) => Math.max(0, Math.min(ceiling[i], avail * 0.4) - x));
    const wantTotal = want.reduce((a, b) => a + b, 0);
    if (wantTotal > 0.01) {
      const share = Math.min(1, rest / wantTotal);
      want.forEach((d, i) => (widths[i] += d * share));
      rest -= wantTotal * share;
    }
    const total = widths.reduce((a, b) => a + b, 0);
    if (rest > 0.01) widths.forEach((x, i) => (widths[i] += (x / total) * rest));
  }
  return { widths, lines: start.lines };
}

/**
 * For the smallest line count that fits the page: each column as narrow as it can be with
 * its cells within that many lines — except cells that cannot get there at any width (more
 * explicit lines) and the few longest (a one-off long remark should not widen the column
 * for every row).
 */
function startWidths(linesAt: (i: number, width: number) => number[], floor: number[], ceiling: number[], avail: number, rowCount: number): { widths: number[]; lines: number } {
  const atFloor = floor.map((x, i) => linesAt(i, x));
  const atCeiling = ceiling.map((x, i) => linesAt(i, x));
  const allowed = Math.floor(rowCount * OUTLIERS);
  for (let target = 1; target <= MAX_TARGET; target++) {
    const over = (i: number, n: number[]) => n.reduce((count, x, r) => count + (x > target && atCeiling[i][r] <= target ? 1 : 0), 0);
    const widths: number[] = [];
    let total = 0;
    for (let i = 0; i < floor.length && total <= avail; i++) {
      let [lo, hi] = [floor[i], ceiling[i]];
      if (over(i, atFloor[i]) > allowed) {
        while (hi - lo > 1) {
          const mid = (lo + hi) / 2;
          if (over(i, linesAt(i, mid)) <= allowed) hi = mid;
          else lo = mid;
        }
      } else hi = lo;
      widths.push(hi);
      total += hi;
    }
    if (total <= avail) return { widths, lines: target };
  }
  return { widths: [...floor], lines: MAX_TARGET + 1 };
}
