/** Conditional rules in the form definitions, and the wording that says where an error is. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition, type TableField } from '../../src/lib/form-definition.js';
import { buildFormSchema, emptyValues, rowErrors, ruleErrors, validateForm, type Row } from '../../src/lib/form-data.js';
import { errorAnchor, formErrorsFromZod, locateMessage } from '../../src/lib/form-errors.js';
import { formatZodIssues } from '../../src/lib/zod-messages.js';
import { workHandoverValues } from '../fixtures/form-values.js';

const raw = (id: string) => JSON.parse(readFileSync(`content/forms/${id}.json`, 'utf8'));
const load = (id: string): FormDefinition => formDefinitionSchema.parse(raw(id));
const office = load('office-property');
const work = load('work-handover');
const evaluation = load('handover-evaluation');
const equipment = office.sections.flatMap((s) => s.fields).find((f) => f.id === 'equipment') as TableField;

const item = (over: Partial<Row> = {}): Row => ({
  name: 'ThinkPad T14 笔记本电脑', assetNo: 'IT-0031', quantity: '1', condition: '完好', damage: '', status: '已交接', remark: '', ...over,
});

function officeValues(rows: Row[]) {
  const v = emptyValues(office);
  Object.assign(v, { giverName: '欧阳明远', department: '华东区销售部', receiverName: '司马晓燕', witnessName: '诸葛建国', handoverDate: '2026-11-23', lastWorkingDay: '2026-11-30' });
  v.equipment = rows;
  return v;
}

describe('row rules (状况 → 损坏/缺失说明)', () => {
  it('asks for the explanation when an item is damaged or lost, not when it is fine', () => {
    expect(rowErrors(equipment, item({ condition: '有损坏' }))).toEqual({ damage: '状况为“有损坏”时，请填写损坏/缺失说明' });
    expect(rowErrors(equipment, item({ condition: '丢失' })).damage).toBe('状况为“丢失”时，请填写损坏/缺失说明');
    expect(rowErrors(equipment, item({ condition: '有损坏', damage: '屏幕右下角裂纹，已报修' }))).toEqual({});
    expect(rowErrors(equipment, item())).toEqual({});
  });

  it('is the same rule in the browser and in the api schema, naming the row as people count it', () => {
    const values = officeValues([item(), item(), item(), item({ name: '戴尔显示器 P2422H', condition: '有损坏' })]);
    expect(validateForm(office, values)).toEqual({ 'equipment.3.damage': '办公设备及用品 第 4 行：状况为“有损坏”时，请填写损坏/缺失说明' });
    const parsed = buildFormSchema(office).safeParse(values);
    expect(parsed.success).toBe(false);
    expect(formErrorsFromZod(office, parsed.error!)).toEqual([
      { path: 'equipment.3.damage', text: '办公设备及用品 第 4 行：状况为“有损坏”时，请填写损坏/缺失说明' },
    ]);
  });

  it('counts blank rows in the row number, so the number matches the table on screen', () => {
    const blank = Object.fromEntries(equipment.columns.map((c) => [c.id, '']));
    const values = officeValues([item(), blank, item({ condition: '丢失' })]);
    const parsed = buildFormSchema(office).safeParse(values);
    expect(formErrorsFromZod(office, parsed.error!).map((e) => e.path)).toEqual(['equipment.2.damage']);
    expect(Object.keys(validateForm(office, values))).toEqual(['equipment.2.damage']);
    // Valid data still comes out without its blank rows.
    const ok = buildFormSchema(office).parse(officeValues([item(), blank, item()]));
    expect(ok.equipment).toHaveLength(2);
  });

  it('re-checks a row only when it changes (the 300-row table stays fast)', () => {
    const row = item({ condition: '有损坏' });
    expect(rowErrors(equipment, row)).toBe(rowErrors(equipment, row));
    expect(rowErrors(equipment, { ...row, damage: '已报修' })).toEqual({});
  });
});

describe('form rules (dates)', () => {
  it('最后工作日 may not precede 交接日期 (office property and work handover)', () => {
    const v = officeValues([item()]);
    v.lastWorkingDay = '2026-11-20';
    expect(validateForm(office, v).lastWorkingDay).toBe('最后工作日（2026-11-20）不能早于交接日期（2026-11-23）');
    const w = { ...workHandoverValues(work), lastWorkingDay: '2026-11-01' };
    const parsed = buildFormSchema(work).safeParse(w);
    expect(formErrorsFromZod(work, parsed.error!)).toEqual([{ path: 'lastWorkingDay', text: '最后工作日（2026-11-01）不能早于交接日期（2026-11-23）' }]);
    // Same day is fine; an empty last day is not checked (the field is optional).
    expect(buildFormSchema(work).safeParse({ ...w, lastWorkingDay: '2026-11-23' }).success).toBe(true);
    expect(buildFormSchema(work).safeParse({ ...w, lastWorkingDay: '' }).success).toBe(true);
  });

  it('评估日期 may not precede the end of the evaluation period', () => {
    const v = { ...emptyValues(evaluation), periodStart: '2026-09-01', periodEnd: '2026-11-30', evaluationDate: '2026-11-15' };
    expect(validateForm(evaluation, v).evaluationDate).toBe('评估日期（2026-11-15）不能早于评估期结束（2026-11-30）');
    expect(validateForm(evaluation, { ...v, evaluationDate: '2026-12-01' }).evaluationDate).toBeUndefined();
  });

  it('an invalid date gets its own message, not the rule built on it', () => {
    const v = officeValues([item()]);
    v.lastWorkingDay = '2026-02-30';
    expect(validateForm(office, v).lastWorkingDay).toContain('不是有效日期');
    const parsed = buildFormSchema(office).safeParse(v);
    expect(parsed.error!.issues).toHaveLength(1);
  });

  it('ruleErrors works on any scope given a value lookup', () => {
    const fields = equipment.columns;
    expect(ruleErrors(fields, equipment.rules, (id) => ({ condition: '有损坏' })[id] ?? '')).toEqual({ damage: '状况为“有损坏”时，请填写损坏/缺失说明' });
  });
});

describe('definitions: rules are checked at build time', () => {
  const bad = (mutate: (d: ReturnType<typeof raw>) => void) => {
    const d = raw('office-property');
    mutate(d);
    const r = formDefinitionSchema.safeParse(d);
    expect(r.success).toBe(false);
    return formatZodIssues(r.error!, d);
  };
  const table = (d: ReturnType<typeof raw>) => d.sections[1].fields[0];

  it('rejects a rule naming an unknown field, with the place and the name', () => {
    expect(bad((d) => { table(d).rules[0].require = 'damageNote'; })).toEqual([
      'sections[1] (id: equipment).fields[0] (id: equipment).rules[0]: require 指向不存在的字段 damageNote',
    ]);
    expect(bad((d) => { d.rules[0].notBefore = 'handoverDay'; })).toEqual(['rules[0]: 指向不存在的字段 handoverDay']);
    // A table rule names columns of its own row, not top-level fields.
    expect(bad((d) => { table(d).rules[0].when.field = 'handoverDate'; })[0]).toContain('when.field 指向不存在的字段 handoverDate');
  });

  it('rejects a condition value that is not an option, a date rule on a non-date and a malformed rule', () => {
    expect(bad((d) => { table(d).rules[0].when.equals = ['损坏'] })[0]).toContain('when.equals 的取值“损坏”不是字段 condition 的选项（完好、有损坏、丢失）');
    expect(bad((d) => { d.rules[0].field = 'giverName'; })[0]).toContain('字段 giverName 不是日期');
    expect(bad((d) => { d.rules[0] = { field: 'lastWorkingDay' }; })[0]).toContain('规则 rules 只能是');
  });

  it('every shipped form with rules parses', () => {
    expect(office.rules).toHaveLength(1);
    expect(equipment.rules).toHaveLength(1);
    expect(work.rules).toHaveLength(1);
    expect(evaluation.rules).toHaveLength(1);
  });
});

describe('error wording', () => {
  it('names the table, the row (from 1) and the column', () => {
    expect(locateMessage(office, ['equipment', 3, 'quantity'], '类型不正确：应为文本')).toBe('办公设备及用品 第 4 行：「数量」类型不正确：应为文本');
    expect(locateMessage(office, ['equipment', 0, 'name'], '请填写名称及型号')).toBe('办公设备及用品 第 1 行：请填写名称及型号');
    expect(locateMessage(office, ['equipment', 9], '不认识的字段：colour')).toBe('办公设备及用品 第 10 行：不认识的字段：colour');
    expect(locateMessage(office, ['giverName'], '请填写移交人姓名')).toBe('请填写移交人姓名');
    expect(locateMessage(office, ['department'], '类型不正确：应为文本')).toBe('所在部门：类型不正确：应为文本');
    expect(locateMessage(office, [], '不认识的字段：x')).toBe('不认识的字段：x');
  });

  it('points each error at the input to focus', () => {
    expect(errorAnchor(office, 'equipment.3.damage')).toBe('equipment-3-damage');
    expect(errorAnchor(office, 'equipment.3')).toBe('equipment-3-name');
    expect(errorAnchor(office, 'equipment')).toBe('table-equipment');
    expect(errorAnchor(office, 'giverName')).toBe('f-giverName');
    expect(errorAnchor(office, 'giverName', 'pf-')).toBe('pf-giverName');
  });
});
