import type { PdfWriter } from './writer.js';
import { RULE, SHADE } from './writer.js';

export interface TableColumn {
  label: string;
  weight: number;
  /** Values that must not wrap (phone numbers, dates, amounts): the column is sized to fit them. */
  atomic?: boolean;
}

/**
 * A table with wrapped cells. Rows taller than the space left continue on the next page;
 * the header row is repeated on every page the table touches.
 */
export function drawTable(w: PdfWriter, columns: TableColumn[], rows: string[][], size = 8.5): void {
  const pad = 3;
  const lh = w.lineHeight(size);
  const widths = columnWidths(w, columns, rows, size, pad);
  const xs = widths.reduce<number[]>((acc, width, i) => [...acc, acc[i] + width], [w.margin.left]);
  const headerLines = columns.map((c, i) => w.wrap(c.label, widths[i] - 2 * pad, w.bold, size));
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * lh + 2 * pad;

  // Horizontal rules per row; the column rules once per page, top to bottom of the table
  // part on that page (far fewer drawing operations than a box per cell).
  let segmentTop = 0;
  const drawColumnRules = () => {
    for (const x of xs) w.page.drawLine({ start: { x, y: segmentTop }, end: { x, y: w.y }, thickness: 0.5, color: RULE });
  };
  const drawRowFrame = (top: number, height: number, shade: boolean) => {
    if (shade) w.page.drawRectangle({ x: w.margin.left, y: top - height, width: w.contentWidth, height, color: SHADE });
    w.page.drawLine({ start: { x: w.margin.left, y: top - height }, end: { x: w.margin.left + w.contentWidth, y: top - height }, thickness: 0.5, color: RULE });
  };
  const drawHeader = () => {
    segmentTop = w.y;
    w.page.drawLine({ start: { x: w.margin.left, y: w.y }, end: { x: w.margin.left + w.contentWidth, y: w.y }, thickness: 0.5, color: RULE });
    drawRowFrame(w.y, headerHeight, true);
    headerLines.forEach((lines, i) => lines.forEach((l, n) => w.line(l, xs[i] + pad, w.y - pad - n * lh, size, w.bold)));
    w.y -= headerHeight;
  };

  w.ensureSpace(headerHeight + lh + 2 * pad);
  drawHeader();
  for (const row of rows) {
    const cells = columns.map((_, i) => w.wrap(row[i] ?? '', widths[i] - 2 * pad, w.regular, size));
    const lineCount = Math.max(...cells.map((c) => c.length));
    let offset = 0;
    while (offset < lineCount) {
      const fit = Math.floor((w.y - w.bottom - 2 * pad) / lh);
      // Move to a new page rather than leave a lone line (or nothing) at the bottom.
      if (fit < Math.min(2, lineCount - offset)) {
        drawColumnRules();
        w.newPage();
        drawHeader();
        continue;
      }
      const take = Math.min(fit, lineCount - offset);
      const height = take * lh + 2 * pad;
      drawRowFrame(w.y, height, false);
      cells.forEach((lines, i) => lines.slice(offset, offset + take).forEach((l, n) => w.line(l, xs[i] + pad, w.y - pad - n * lh, size)));
      w.y -= height;
      offset += take;
    }
  }
  drawColumnRules();
  w.y -= 8;
}

/**
 * Atomic columns get the width of their widest value (so a phone number never wraps);
 * the rest share what is left by weight. Falls back to pure weights if that cannot fit.
 */
function columnWidths(w: PdfWriter, columns: TableColumn[], rows: string[][], size: number, pad: number): number[] {
  const byWeight = (cols: TableColumn[], space: number) => {
    const total = cols.reduce((s, c) => s + c.weight, 0);
    return cols.map((c) => (c.weight / total) * space);
  };
  const fixed = columns.map((c, i) =>
    c.atomic ? Math.max(...rows.map((r) => w.width(w.clean(r[i] ?? ''), w.regular, size)), size * 2) + 2 * pad + 1 : 0,
  );
  const fixedTotal = fixed.reduce((a, b) => a + b, 0);
  const flexible = columns.filter((c) => !c.atomic);
  if (fixedTotal > w.contentWidth * 0.6 || flexible.length === 0) return byWeight(columns, w.contentWidth);
  const shares = byWeight(flexible, w.contentWidth - fixedTotal);
  let k = 0;
  return columns.map((c, i) => (c.atomic ? fixed[i] : shares[k++]));
}

