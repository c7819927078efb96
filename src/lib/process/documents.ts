import type { FormValues } from '../form-data.js';
import { formRow, type ProcessState } from './state.js';
import type { Stage } from './roles.js';
import { REVISIT_ACTION } from './actions.js';

export interface DocumentContext {
  names: { employee: string; receiver: string; supervisor: string };
  department: string;
  today: string;
  lastWorkingDay: string;
  visitsDue: string;
  sampleSharePercent: number;
}

/** The values of a stage's checklist, built from the case: what gets stamped and signed. */
export function stageDocumentValues(stage: Stage, state: ProcessState, ctx: DocumentContext): FormValues {
  const people = { giverName: ctx.names.employee, department: ctx.department, receiverName: ctx.names.receiver, witnessName: ctx.names.supervisor };
  switch (stage) {
    case 'B':
      return state.plan;
    case 'C':
      return { ...people, planDate: ctx.today, planDeadline: ctx.lastWorkingDay, materials: state.materials.map(formRow), notes: '' };
    case 'D':
      return { ...people, planDate: ctx.today, visitDeadline: ctx.visitsDue, visits: state.visits.map(formRow), notes: '' };
    case 'E': {
      const dates = state.calls.map((c) => c.callDate).sort();
      const failed = state.calls.some((c) => c.reached === '已接通' && c.handoverConfirmed === '否');
      const s = state.sample;
      // A failed call's customer was visited again before the re-call: the signed record
      // carries that re-visit (date and outcome), since the visit plan (D) was signed before.
      const visits = new Map(state.visits.map((v) => [v._cid, v]));
      const waiting = new Set(state.customers.filter((c) => c.revisit).map((c) => c.id));
      const revisited = new Set<string>();
      const calls = state.calls.map((c) => {
        const row = formRow(c);
        const v = visits.get(c._cid);
        if (c.action === REVISIT_ACTION && !waiting.has(c._cid) && v?.actualDate) {
          row.action = `${REVISIT_ACTION}；${v.actualDate} 已重新拜访：${v.outcome}`.slice(0, 500);
          revisited.add(c.customer);
        }
        return row;
      });
      const notes = [
        s ? `样本 ${s.ids.length} 家：A 级客户全部回访，其余按比例随机抽取（至少 ${s.rule.min} 家）。抽样种子 ${s.seed}，可复核重现。` : '',
        revisited.size ? `首次回访未确认交接、经重新拜访后再次回访的客户 ${revisited.size} 家：${[...revisited].join('、')}。` : '',
      ].join('');
      return {
        checkerName: ctx.names.supervisor,
        department: ctx.department,
        giverName: ctx.names.employee,
        receiverName: ctx.names.receiver,
        periodStart: dates[0] ?? ctx.today,
        periodEnd: dates[dates.length - 1] ?? ctx.today,
        customerTotal: String(state.customers.length),
        sampleRatio: String(ctx.sampleSharePercent),
        calls,
        result: failed ? '基本属实，个别需补救' : '交接情况属实',
        notes,
      };
    }
    case 'F':
      return state.report ?? {};
  }
}
