import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { formDefinitionSchema, type TableField } from '../../src/lib/form-definition.js';
import { applyImport, looksLikeGrid, matchHeaders, parseGrid, planImport, tableToCsv } from '../../src/lib/table-import.js';

const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/customer-handover.json', 'utf8')));
const table = def.sections.flatMap((s) => s.fields).find((f) => f.id === 'customers') as TableField;

describe('parsing pasted Excel/WPS text', () => {
  it('reads TSV with quoted cells holding tabs, quotes and line breaks, skipping blank lines', () => {
    const text = '客户名称\t需求与特别事项\r\n"上海某某"\t"要求:\n1. 月结\n2. 开""专票"""\r\n\r\n北京某某\t\t\r\n';
    expect(parseGrid(text, 'tsv')).toEqual([
      ['客户名称', '需求与特别事项'],
      ['上海某某', '要求:\n1. 月结\n2. 开"专票"'],
      ['北京某某', '', ''],
    ]);
  });

  it('tells a block of cells from a single value', () => {
    expect(looksLikeGrid('a\tb')).toBe(true);
    expect(looksLikeGrid('a\nb')).toBe(true);
    expect(looksLikeGrid('13812345678')).toBe(false);
    expect(looksLikeGrid('单值\n')).toBe(false);
  });

  it('guesses the CSV delimiter and strips the BOM', () => {
    expect(parseGrid('\uFEFF客户名称,客户等级\n甲公司,A\n', 'csv')).toEqual([['客户名称', '客户等级'], ['甲公司', 'A']]);
    expect(parseGrid('客户名称;客户等级\n甲公司;A', 'csv')).toEqual([['客户名称', '客户等级'], ['甲公司', 'A']]);
  });
});

describe('matching headers', () => {
  it('matches Chinese labels, labels without units, ids and common aliases', () => {
    expect(matchHeaders(['客户名称', '客户等级', '合同金额', '手机号', 'email', '随便一列'], table.columns)).toEqual([
      'name', 'grade', 'amount', 'phone', 'email', null,
    ]);
  });

  it('maps straight through when every header is known', () => {
    const plan = planImport([['客户名称', '客户等级'], ['甲', 'A']], table);
    expect(plan).toMatchObject({ hasHeader: true, needsMapping: false, mapping: ['name', 'grade'] });
  });

  it('asks for a mapping when a header is unknown or there is no header', () => {
    expect(planImport([['客户名称', '行业'], ['甲', '制造']], table)).toMatchObject({ hasHeader: true, needsMapping: true, mapping: ['name', null] });
    const noHeader = planImport([['甲公司', 'A'], ['乙公司', 'B']], table);
    expect(noHeader).toMatchObject({ hasHeader: false, needsMapping: true, mapping: ['name', 'grade'] });
    expect(noHeader.dataRows).toHaveLength(2);
  });
});

describe('applying an import', () => {
  it('adds normalized rows after existing ones, replacing blank rows, and keeps invalid values', () => {
    const plan = planImport(parseGrid('客户名称\t客户等级\t续约日期\n甲\ta\t2027/1/5\n乙\tZ\t下月\n', 'tsv'), table);
    const existing = [{ ...Object.fromEntries(table.columns.map((c) => [c.id, ''])), name: '原有客户' }, Object.fromEntries(table.columns.map((c) => [c.id, '']))];
    const { rows, added, overflow } = applyImport(plan, table, existing);
    expect(added).toBe(2);
    expect(overflow).toBe(0);
    expect(rows.map((r) => [r.name, r.grade, r.renewalDate])).toEqual([['原有客户', '', ''], ['甲', 'A', '2027-01-05'], ['乙', 'Z', '下月']]);
  });

  it('replaces every existing row when asked to', () => {
    const plan = planImport(parseGrid('客户名称\n甲\n乙\n', 'tsv'), table);
    const existing = [{ ...Object.fromEntries(table.columns.map((c) => [c.id, ''])), name: '原有客户' }];
    const replaced = applyImport(plan, table, existing, 'replace');
    expect(replaced.rows.map((r) => r.name)).toEqual(['甲', '乙']);
    expect(replaced.added).toBe(2);
    expect(applyImport(plan, table, existing, 'append').rows.map((r) => r.name)).toEqual(['原有客户', '甲', '乙']);
    // Replacing frees the room of the old rows under maxRows.
    const small = { ...table, maxRows: 2 };
    expect(applyImport(plan, small, existing, 'replace')).toMatchObject({ added: 2, overflow: 0 });
    expect(applyImport(plan, small, existing, 'append')).toMatchObject({ added: 1, overflow: 1 });
  });

  it('keeps the line breaks of a cell Excel copied with quotes ("a\nb"), in text columns too', () => {
    // Excel puts rows on the clipboard with CRLF and quotes a cell holding a line break (LF).
    const clip = '客户名称\t备注\t需求与特别事项\r\n甲公司\t"第一行\n第二行"\t"按月对账\r\n发票抬头须一致"\r\n乙公司\t\t\r\n';
    const { rows } = applyImport(planImport(parseGrid(clip, 'tsv'), table), table, []);
    expect(rows.map((r) => [r.name, r.remark, r.needs])).toEqual([['甲公司', '第一行\n第二行', '按月对账\n发票抬头须一致'], ['乙公司', '', '']]);
  });

  it('stops at maxRows and says how many rows did not fit', () => {
    const small = { ...table, maxRows: 3 };
    const grid = [['客户名称'], ...Array.from({ length: 5 }, (_, i) => [`客户${i}`])];
    const { rows, added, overflow } = applyImport(planImport(grid, small), small, []);
    expect([rows.length, added, overflow]).toEqual([3, 3, 2]);
  });
});

describe('CSV export', () => {
  it('round-trips through import and neutralizes formulas', () => {
    const row = { ...Object.fromEntries(table.columns.map((c) => [c.id, ''])), name: '=HYPERLINK("x")', grade: 'A', amount: '-0', needs: '多行\n"引号"', phone: '+8613812345678' };
    const csv = tableToCsv(table, [row]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<string[]>(csv.slice(1)).data;
    expect(parsed[0]).toEqual(table.columns.map((c) => c.label));
    expect(parsed[1][0]).toBe(`'=HYPERLINK("x")`);
    expect(parsed[1][table.columns.findIndex((c) => c.id === 'phone')]).toBe("'+8613812345678");
    const back = applyImport(planImport(parseGrid(csv, 'csv'), table), table, []).rows[0];
    expect(back.name).toBe('=HYPERLINK("x")');
    expect(back.needs).toBe('多行\n"引号"');
    expect(back.phone).toBe('+8613812345678');
  });
});
