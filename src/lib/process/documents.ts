import type { FormValues } from '../form-data';
import { formRow, type ProcessState } from './state';
import type { Stage } from './roles';

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
      return {
        checkerName: ctx.names.supervisor,
        department: ctx.department,
        giverName: ctx.names.employee,
        receiverName: ctx.names.receiver,
        periodStart: dates[0] ?? ctx.today,
        periodEnd: dates[dates.length - 1] ?? ctx.today,
        customerTotal: String(state.customers.length),
        sampleRatio: String(ctx.sampleSharePercent),
        calls: state.calls.map(formRow),
        result: failed ? '基本属实，个别需补救' : '交接情况属实',
        notes: s ? `样本 ${s.ids.length} 家：A 级客户全部回访，其余按比例随机抽取（至少 ${s.rule.min} 家）。抽样种子 ${s.seed}，可复核重现。` : '',
      };
    }
    case 'F':
      return state.report ?? {};
  }
}
