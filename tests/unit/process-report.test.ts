import { describe, expect, it } from 'vitest';
import { draftReport, saysNoRisk, type ReportContext } from '../../src/lib/process/report.js';
import { customersFromPlan } from '../../src/lib/process/customers.js';
import { emptyState } from '../../src/lib/process/state.js';
import { customerRows } from '../fixtures/customers.js';

const CTX: ReportContext = { names: { employee: '欧阳明远', receiver: '司马晓燕', supervisor: '诸葛建国' }, department: '华东销售部', openedOn: '2026-11-23', today: '2026-12-20', sampleSharePercent: 20, sampleMin: 5 };

describe('risk cells that say there is no risk', () => {
  it('reads blank, 无-words, dashes, slashes and N/A (half- and full-width) as nothing', () => {
    for (const t of ['', '   ', '\u3000', '无', ' 无 ', '无。', '没有', '暂无', '暂无风险', '无风险', '—', '——', '-', '--', '－', '/', '／', 'N/A', 'n/a', 'Ｎ／Ａ', 'NA', 'none', '…']) {
      expect(saysNoRisk(t), JSON.stringify(t)).toBe(true);
    }
  });

  it('keeps every cell that names a risk, even a short one', () => {
    for (const t of ['对价格调整有异议', '无法按期回款', '有', '回款 -30 天', '无锡分公司将撤并', 'N/A 以外：合同即将到期']) {
      expect(saysNoRisk(t), JSON.stringify(t)).toBe(false);
    }
  });
});

describe('the drafted report', () => {
  it('makes no problem row of a risk cell that says 无 (300 customers, 99 of them 无)', () => {
    const nothing = ['无', '暂无', '—', '／', 'N/A', '无。', ' 没有 ', '-', '无风险'];
    const rows = customerRows(300).map((r, i) => ({ ...r, risks: i < 99 ? nothing[i % nothing.length] : i < 150 ? `回款风险 ${i}` : '' }));
    const state = { ...emptyState({ customers: rows }), customers: customersFromPlan({ customers: rows }) };
    const problems = draftReport(state, CTX).problems as Array<Record<string, string>>;
    expect(problems).toHaveLength(51);
    expect(problems.every((p) => /^客户存在风险：回款风险 \d+$/.test(p.problem))).toBe(true);
  });

  it('still lists a paused or lost customer whose risk cell says 无, with its stage as the risk', () => {
    const rows = customerRows(3).map((r, i) => ({ ...r, risks: '无', stage: ['暂停', '已流失', '执行中'][i] }));
    const state = { ...emptyState({ customers: rows }), customers: customersFromPlan({ customers: rows }) };
    expect((draftReport(state, CTX).problems as Array<Record<string, string>>).map((p) => p.problem)).toEqual(['客户存在风险：暂停', '客户存在风险：已流失']);
  });
});
