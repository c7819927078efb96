/**
 * The first worksheet of an Excel .xlsx file as a grid of strings, ready for the same column
 * matching as a paste or a CSV. Numbers keep their digits (phones, amounts), dates become
 * YYYY-MM-DD. The reader (read-excel-file, MIT) is loaded only when an .xlsx is chosen.
 */
export class XlsxImportError extends Error {}

type Cell = string | number | boolean | Date | null | undefined;

export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    // Excel dates carry no time zone; the reader builds them at UTC midnight.
    return v.toISOString().slice(0, 10);
  }
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  return v;
}

export const isXlsxName = (name: string) => /\.xlsx$/i.test(name);
export const isOldExcelName = (name: string) => /\.(xls|et)$/i.test(name);

export async function readXlsxGrid(data: ArrayBuffer | Uint8Array): Promise<string[][]> {
  const { readSheet } = await import('read-excel-file/universal');
  const buffer = data instanceof Uint8Array ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data;
  let rows: Cell[][];
  try {
    rows = (await readSheet(buffer as ArrayBuffer)) as Cell[][];
  } catch {
    throw new XlsxImportError('无法读取这个 Excel 文件：请确认它是 .xlsx 格式且未加密，或另存为 CSV 再导入。');
  }
  return rows.map((r) => r.map(cellText));
}
