import { describe, expect, it } from 'vitest';
import { confirmMaterials, confirmVisit, drawSpotCheckSample, isReturnedLine, recordCall, returnMaterials } from '../../src/lib/process/actions.js';
import { stageDocumentValues } from '../../src/lib/process/documents.js';
import { customerProgress, customersFromPlan, initialMaterials, initialVisits } from '../../src/lib/process/customers.js';
import { emptyState, type ProcessState } from '../../src/lib/process/state.js';
import { customerRows } from '../fixtures/customers.js';

function stageC(n: number): ProcessState {
  const plan = { customers: customerRows(n) };
  const customers = customersFromPlan(plan);
  return { ...emptyState(plan), customers, materials: initialMaterials(customers, '2026-11-30') };
}

describe('stage C material lines', () => {
  it('a returned line carries the reason, reads as returned, and confirming it clears the mark', () => {
    let s = returnMaterials(stageC(3), [1], '  份数与清单不符 ');
    expect(s.materials[1]).toMatchObject({ receiverConfirmed: '否', status: '未交接', remark: '接收人退回：份数与清单不符' });
    expect(isReturnedLine(s.materials[1])).toBe(true);
    expect(customerProgress(s).map((c) => c.materials)).toEqual(['pending', 'returned', 'pending']);
    s = confirmMaterials(s, [0, 1, 2], '2026-12-01');
    expect(s.materials[1]).toMatchObject({ receiverConfirmed: '是', status: '已交接', remark: '', handedDate: '2026-12-01' });
    expect(customerProgress(s).every((c) => c.materials === 'confirmed')).toBe(true);
  });

  it('refuses a return without lines, without a reason, of a confirmed line or of a line that does not exist', () => {
    const s = confirmMaterials(stageC(2), [0], '2026-12-01');
    expect(() => returnMaterials(s, [], '缺页')).toThrow('请先勾选');
    expect(() => returnMaterials(s, [1], '   ')).toThrow('请写明退回原因');
    expect(() => returnMaterials(s, [0], '缺页')).toThrow('已点收');
    expect(() => returnMaterials(s, [5], '缺页')).toThrow('第 6 条资料不存在');
  });

  it('leaves the input state untouched', () => {
    const s = stageC(2);
    const before = JSON.stringify(s);
    returnMaterials(s, [0], '缺页');
    confirmMaterials(s, [1], '2026-12-01');
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe('stage E record', () => {
  const ctx = { names: { employee: '欧阳明远', receiver: '司马晓燕', supervisor: '诸葛建国' }, department: '华东销售部', today: '2026-12-20', lastWorkingDay: '2026-11-30', visitsDue: '2026-12-30', sampleSharePercent: 20 };
  const visit = { outcome: '上门介绍新对接人', customerAccepts: '是' as const, followUp: '' };
  const call = (customerId: string, handoverConfirmed: '是' | '否', callDate: string) =>
    ({ customerId, caller: '诸葛建国', callDate, reached: '已接通' as const, handoverConfirmed, satisfaction: '4', issues: '' });

  it('carries a re-visit after a failed call into the signed spot-check record', () => {
    let s = stageC(6);
    s = { ...s, visits: initialVisits(s.customers, '欧阳明远、司马晓燕', '2026-12-07', '2026-12-30') };
    for (const c of s.customers) s = confirmVisit(s, c.id, { ...visit, actualDate: '2026-12-10' });
    s = drawSpotCheckSample(s, { share: 0.2, min: 3 }, 'seed', '2026-12-15T00:00:00Z');
    const [first] = s.sample!.ids;
    const name = s.customers.find((c) => c.id === first)!.name;
    s = recordCall(s, call(first, '否', '2026-12-16'));
    // While the customer waits for the re-visit, the record says only what was decided.
    expect(stageDocumentValues('E', s, ctx).calls).toEqual([expect.objectContaining({ customer: name, action: '退回陪同拜访，重新交接' })]);
    s = confirmVisit(s, first, { ...visit, actualDate: '2026-12-18', outcome: '与客户当面确认新对接人' });
    s = recordCall(s, call(first, '是', '2026-12-19'));
    const doc = stageDocumentValues('E', s, ctx);
    expect(doc.calls).toEqual([
      expect.objectContaining({ action: '退回陪同拜访，重新交接；2026-12-18 已重新拜访：与客户当面确认新对接人' }),
      expect.objectContaining({ handoverConfirmed: '是', action: '' }),
    ]);
    expect(doc.notes).toContain(`经重新拜访后再次回访的客户 1 家：${name}`);
    expect(doc.result).toBe('基本属实，个别需补救');
    expect(doc).toMatchObject({ periodStart: '2026-12-16', periodEnd: '2026-12-19' });
  });
});
