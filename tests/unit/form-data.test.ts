import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition, type TableField } from '../../src/lib/form-definition.js';
import { buildFormSchema, completeness, computeValue, emptyValues, formatComputed, validateForm, type FormValues } from '../../src/lib/form-data.js';
import { normalizeValue, validateValue } from '../../src/lib/field-values.js';
import { formatZodIssues } from '../../src/lib/zod-messages.js';

const load = (id: string): FormDefinition => formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${id}.json`, 'utf8')));
const customers = load('customer-handover');
const work = load('work-handover');
const customerTable = customers.sections.flatMap((s) => s.fields).find((f) => f.type === 'table' && f.id === 'customers') as TableField;
const col = (id: string) => customerTable.columns.find((c) => c.id === id)!;

const goodCustomer = {
  name: '上海某某科技有限公司', grade: 'A', contact: '王经理', phone: '138 1234 5678', email: 'wang@example.com',
  contractNo: 'HT-2026-001', amount: '128000.50', paymentProgress: '', renewalDate: '2027-03-01', stage: '',
  needs: '', risks: '', nextStep: '', status: '已交接', remark: '',
};

function filledCustomers(rows: Record<string, string>[]): FormValues {
  const v = emptyValues(customers);
  for (const f of customers.sections[0].fields) if (f.type !== 'table' && f.type !== 'computed') v[f.id] = '';
  v.customers = rows.map((r) => ({ ...Object.fromEntries(customerTable.columns.map((c) => [c.id, ''])), ...r }));
  return v;
}

describe('field rules', () => {
  it('accepts mainland mobiles and landlines, rejects the rest', () => {
    for (const ok of ['13812345678', '138 1234 5678', '+86 138-1234-5678', '010-12345678', '0755 8888 6666', '021-62345678转808']) {
      expect(validateValue(col('phone'), ok), ok).toBeNull();
    }
    for (const bad of ['1381234567', '12812345678', '12345678', 'abc']) {
      expect(validateValue(col('phone'), bad), bad).toMatch(/格式不正确/);
    }
  });

  it('checks dates, money, email, choices and status', () => {
    expect(validateValue(col('renewalDate'), '2026-02-30')).toMatch(/不是有效日期/);
    expect(validateValue(col('amount'), '12,800.50')).toBeNull();
    expect(validateValue(col('amount'), '12.345')).toMatch(/最多两位小数/);
    expect(validateValue(col('amount'), '-5')).toMatch(/不能为负数/);
    expect(validateValue(col('amount'), '一万')).toMatch(/必须是金额数字/);
    expect(validateValue(col('email'), 'wang@')).toMatch(/不是有效的邮箱/);
    expect(validateValue(col('grade'), 'D')).toBe('客户等级只能选择：A、B、C');
    expect(validateValue(col('status'), '完成')).toMatch(/只能是：已交接、未交接、不适用/);
    expect(validateValue(col('name'), '')).toBe('请填写客户名称');
  });

  it('normalizes pasted spellings to canonical values', () => {
    expect(normalizeValue(col('renewalDate'), '2027/3/1')).toBe('2027-03-01');
    expect(normalizeValue(col('renewalDate'), '2027年3月1日')).toBe('2027-03-01');
    expect(normalizeValue(col('amount'), '¥128,000.50')).toBe('128000.5');
    expect(normalizeValue(col('grade'), 'ａ')).toBe('A');
    expect(normalizeValue(col('email'), 'Wang@Example.COM ')).toBe('wang@example.com');
    expect(normalizeValue(col('renewalDate'), '下个月')).toBe('下个月'); // kept, to be marked invalid
  });
});

describe('form schema (shared by browser and api)', () => {
  const schema = buildFormSchema(customers);

  it('accepts good data and drops blank rows', () => {
    const v = filledCustomers([goodCustomer, {}]);
    Object.assign(v, { giverName: '张三', department: '销售部', reason: '离职', receiverName: '李四', witnessName: '王五', handoverDate: '2026-11-23' });
    const parsed = schema.safeParse(v);
    expect(parsed.success ? [] : formatZodIssues(parsed.error, v)).toEqual([]);
    expect(parsed.success && (parsed.data.customers as unknown[]).length).toBe(1);
  });

  it('rejects each kind of bad data with a field-level message', () => {
    const v = filledCustomers([{ ...goodCustomer, phone: '12345', email: 'x@', grade: 'Z', amount: 'abc' }]);
    const parsed = schema.safeParse(v);
    expect(parsed.success).toBe(false);
    const messages = parsed.success ? [] : formatZodIssues(parsed.error, v);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^customers\[0\]\.phone: 联系电话格式不正确/),
      expect.stringMatching(/^customers\[0\]\.email: 邮箱不是有效的邮箱地址/),
      expect.stringMatching(/^customers\[0\]\.grade: 客户等级只能选择/),
      expect.stringMatching(/^customers\[0\]\.amount: 合同金额（元）必须是金额数字/),
      expect.stringMatching(/^giverName: 请填写移交人姓名/),
    ]));
  });

  it('rejects unknown fields, wrong types and too many rows', () => {
    expect(schema.safeParse({ ...filledCustomers([]), hacker: 'x' }).success).toBe(false);
    expect(schema.safeParse({ ...filledCustomers([]), giverName: 42 }).success).toBe(false);
    const many = filledCustomers(Array.from({ length: customerTable.maxRows + 1 }, () => goodCustomer));
    const parsed = schema.safeParse(many);
    expect(parsed.success ? '' : parsed.error.issues.map((i) => i.message).join()).toContain(`最多 ${customerTable.maxRows} 行`);
  });
});

describe('computed values and completeness', () => {
  it('counts rows, sums money in cents and counts 已交接', () => {
    const v = filledCustomers([
      { ...goodCustomer, amount: '0.1', grade: 'A', status: '已交接' },
      { ...goodCustomer, amount: '0.2', grade: 'B', status: '未交接' },
      { ...goodCustomer, amount: '', grade: 'A', status: '不适用' },
      {},
    ]);
    const computed = customers.sections.flatMap((s) => s.fields).filter((f) => f.type === 'computed');
    const byKind = (kind: string, equals?: string) => computed.find((f) => f.type === 'computed' && f.compute.kind === kind && (!equals || ('equals' in f.compute && f.compute.equals === equals)))!;
    expect(computeValue(customers, byKind('count').id, v)).toBe(3);
    expect(computeValue(customers, byKind('sum').id, v)).toBe(0.3);
    expect(formatComputed(customers, byKind('sum').id, v)).toBe('0.30');
    expect(computeValue(customers, byKind('countWhere', '已交接').id, v)).toBe(1);
    expect(completeness(customers, v)).toMatchObject({ handed: 1, applicable: 2 });
  });

  it('reports every invalid cell by table, row and column', () => {
    const v = emptyValues(work);
    v.duties = [{ duty: '月度报表', method: '', cycle: '', status: '完成了', remark: '' }];
    const errors = validateForm(work, v);
    expect(errors['duties.0.status']).toMatch(/只能是/);
    expect(errors.giverName).toBe('请填写移交人姓名');
  });
});

describe('date order (notBefore)', () => {
  const spot = load('callback-spot-check');
  const base = () => ({ ...emptyValues(spot), checkerName: '诸葛建国', department: '华东销售部', giverName: '欧阳明远', receiverName: '司马晓燕', sampleRatio: '20', result: '交接情况属实' });

  it('refuses an end before its start in the browser check and in the shared schema, naming both dates', () => {
    const values = { ...base(), periodStart: '2026-12-20', periodEnd: '2026-12-19' };
    expect(validateForm(spot, values).periodEnd).toBe('抽查结束日期（2026-12-19）不能早于抽查开始日期（2026-12-20）');
    const parsed = buildFormSchema(spot).safeParse(values);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toContainEqual(expect.objectContaining({ path: ['periodEnd'], message: expect.stringContaining('不能早于抽查开始日期') }));
  });

  it('accepts the same day, an open end, and leaves a malformed date to its own message', () => {
    expect(validateForm(spot, { ...base(), periodStart: '2026-12-20', periodEnd: '2026-12-20' }).periodEnd).toBeUndefined();
    expect(buildFormSchema(spot).safeParse({ ...base(), periodStart: '2026-12-20', periodEnd: '2026-12-20' }).success).toBe(true);
    expect(validateForm(spot, { ...base(), periodStart: '2026-12-20', periodEnd: '' }).periodEnd).toBe('请填写抽查结束日期');
    expect(validateForm(spot, { ...base(), periodStart: '2026-12-20', periodEnd: '2026-13-01' }).periodEnd).toContain('不是有效日期');
  });

  it('compares within a table row, and a definition pointing at a missing or non-date field fails', () => {
    const def = formDefinitionSchema.parse({
      id: 'order-test', title: '测试', description: '测试', signing: { order: 'parallel', parties: [{ role: '移交人' }] },
      sections: [{ id: 's', title: '表', fields: [{ id: 'rows', type: 'table', label: '行', columns: [
        { id: 'from', type: 'date', label: '开始' }, { id: 'to', type: 'date', label: '结束', notBefore: 'from' },
      ] }] }],
    });
    expect(validateForm(def, { rows: [{ from: '2026-05-02', to: '2026-05-01' }] })['rows.0.to']).toContain('不能早于开始');
    expect(buildFormSchema(def).safeParse({ rows: [{ from: '2026-05-02', to: '2026-05-01' }] }).success).toBe(false);
    const bad = (notBefore: string) =>
      formDefinitionSchema.safeParse({
        id: 'order-bad', title: '测试', description: '测试', signing: { order: 'parallel', parties: [{ role: '移交人' }] },
        sections: [{ id: 's', title: '基本', fields: [{ id: 'name', type: 'text', label: '姓名' }, { id: 'end', type: 'date', label: '结束', notBefore }] }],
      });
    expect(bad('nosuch').error?.issues[0].message).toContain('notBefore 必须指向同一层级的另一个日期字段');
    expect(bad('name').success).toBe(false);
    expect(bad('end').success).toBe(false);
  });
});
