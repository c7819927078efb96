import { describe, expect, it } from 'vitest';
import { cellText, readXlsxGrid, XlsxImportError } from '../../src/lib/xlsx-import.js';
import { buildXlsx } from '../fixtures/xlsx.js';

describe('reading .xlsx files', () => {
  it('gives the first sheet as text: Chinese strings, phone numbers with all digits, amounts, dates as YYYY-MM-DD', async () => {
    const file = buildXlsx([
      ['客户名称', '客户等级', '联系电话', '合同金额（元）', '续约日期'],
      ['华东贸易有限公司', 'A', 13812345678, 128000.5, { date: '2027-03-31' }],
      ['金桥科技有限公司', 'B', '021-62345678', 56000, { date: '2026-12-01' }],
    ]);
    expect(await readXlsxGrid(file)).toEqual([
      ['客户名称', '客户等级', '联系电话', '合同金额（元）', '续约日期'],
      ['华东贸易有限公司', 'A', '13812345678', '128000.5', '2027-03-31'],
      ['金桥科技有限公司', 'B', '021-62345678', '56000', '2026-12-01'],
    ]);
  });

  it('refuses what is not an .xlsx with a Chinese message', async () => {
    await expect(readXlsxGrid(new TextEncoder().encode('客户名称,电话\n'))).rejects.toBeInstanceOf(XlsxImportError);
    await expect(readXlsxGrid(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))).rejects.toThrow('无法读取这个 Excel 文件');
  });

  it('turns cell values into the text people typed', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(0.1 + 0.2)).toBe('0.3');
    expect(cellText(true)).toBe('是');
    expect(cellText(new Date('2027-01-05T00:00:00Z'))).toBe('2027-01-05');
  });
});
