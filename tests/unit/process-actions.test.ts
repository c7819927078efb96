import { describe, expect, it } from 'vitest';
import { confirmMaterials, isReturnedLine, returnMaterials } from '../../src/lib/process/actions';
import { customerProgress, customersFromPlan, initialMaterials } from '../../src/lib/process/customers';
import { emptyState, type ProcessState } from '../../src/lib/process/state';
import { customerRows } from '../fixtures/customers';

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
