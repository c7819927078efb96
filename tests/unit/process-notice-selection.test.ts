import { describe, expect, it } from 'vitest';
import { confirmationText, planNotices } from '../../src/lib/process/notice-selection.js';
import { customersFromPlan } from '../../src/lib/process/customers.js';
import type { ProcessCustomer } from '../../src/lib/process/state.js';
import { customerRows } from '../fixtures/customers.js';

/** 10 customers (A: c1, c6): c2 already notified, c3 without email. */
function customers(): ProcessCustomer[] {
  const cs = customersFromPlan({ customers: customerRows(10) });
  cs[1].notice = { status: 'sent', jti: 'j', sentAt: '2026-12-01T00:00:00Z' };
  cs[2].email = '';
  return cs;
}

describe('whom the customer notices reach', () => {
  it('all: everyone not yet told who has an email, and says whom it skips and why', () => {
    const plan = planNotices(customers(), { kind: 'all' });
    expect(plan.recipients.map((c) => c.id)).toEqual(['c1', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']);
    expect(confirmationText(plan)).toBe('将向 8 位客户发送交接告知（跳过 2 位：1 位已发送过，1 位没有邮箱）。');
  });

  it('a grade: only that grade, whatever its case', () => {
    const plan = planNotices(customers(), { kind: 'grade', grades: ['a'] });
    expect(plan.recipients.map((c) => c.id)).toEqual(['c1', 'c6']);
    expect(confirmationText(plan)).toBe('将向 2 位客户发送交接告知。');
    expect(() => planNotices(customers(), { kind: 'grade', grades: ['D'] })).toThrow('本案件没有 D 级客户');
  });

  it('ticked customers: only those, and an id the case does not have is refused', () => {
    const plan = planNotices(customers(), { kind: 'customers', ids: ['c2', 'c3', 'c9'] });
    expect(plan.recipients.map((c) => c.id)).toEqual(['c9']);
    expect(confirmationText(plan)).toBe('将向 1 位客户发送交接告知（跳过 2 位：1 位已发送过，1 位没有邮箱）。');
    expect(() => planNotices(customers(), { kind: 'customers', ids: ['c9', 'c99'] })).toThrow('有 1 位所选客户不在本案件中');
    expect(confirmationText(planNotices(customers(), { kind: 'customers', ids: ['c2'] }))).toBe('所选的 1 位客户都无需发送（跳过 1 位：1 位已发送过）。');
  });
});
