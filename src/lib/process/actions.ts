import type { Row } from '../form-data.js';
import { drawSample, type SampleRule } from './sampling.js';
import type { ProcessState } from './state.js';

/**
 * The per-line steps of stages C–E as pure updates of the process state. Each returns a
 * new state or throws a ProcessRuleError with a message for the person acting.
 */
export class ProcessRuleError extends Error {}

const fail = (m: string): never => {
  throw new ProcessRuleError(m);
};

/** Stage C: the receiver confirms material lines (by position). */
export function confirmMaterials(state: ProcessState, lines: number[], today: string): ProcessState {
  if (lines.length === 0) fail('请先勾选要确认的资料条目');
  const materials = state.materials.map((r) => ({ ...r }));
  for (const i of lines) {
    const row = materials[i] ?? fail(`第 ${i + 1} 条资料不存在，请刷新页面`);
    if (isReturnedLine(row)) row.remark = '';
    row.receiverConfirmed = '是';
    row.status = '已交接';
    row.handedDate ||= today;
  }
  return { ...state, materials };
}

/** Prefix of the remark a returned line carries, so the employee sees why and the PDF shows it. */
export const RETURNED_REMARK = '接收人退回：';

/**
 * Stage C: the receiver sends material lines back (wrong count, missing original …). The
 * line stays open with the reason in its remark until the employee corrects it — an edited
 * line loses the mark — or the receiver confirms it after all.
 */
export function returnMaterials(state: ProcessState, lines: number[], reason: string): ProcessState {
  if (lines.length === 0) fail('请先勾选要退回的资料条目');
  const why = reason.trim() || fail('请写明退回原因，移交人才知道要补什么');
  const materials = state.materials.map((r) => ({ ...r }));
  for (const i of lines) {
    const row = materials[i] ?? fail(`第 ${i + 1} 条资料不存在，请刷新页面`);
    if (row.receiverConfirmed === '是') fail(`${row.customer} 的“${row.materialName}”已点收，不能再退回`);
    row.receiverConfirmed = '否';
    row.status = '未交接';
    row.remark = `${RETURNED_REMARK}${why}`.slice(0, 500);
  }
  return { ...state, materials };
}

/** Whether a material line is currently sent back by the receiver. */
export const isReturnedLine = (row: Row) => row.receiverConfirmed === '否' && (row.remark ?? '').startsWith(RETURNED_REMARK);

/** The receiver's reason on a returned line. */
export const returnedReason = (row: Row) => (row.remark ?? '').slice(RETURNED_REMARK.length);

export interface VisitResult {
  actualDate: string;
  outcome: string;
  customerAccepts: '是' | '否';
  followUp: string;
}

/** Stage D (and re-visits after a failed spot-check): the receiver confirms one visit. */
export function confirmVisit(state: ProcessState, customerId: string, result: VisitResult): ProcessState {
  const index = state.visits.findIndex((r) => r._cid === customerId);
  if (index < 0) fail('这位客户不在拜访计划中');
  const visits = state.visits.slice();
  visits[index] = { ...visits[index], ...result, status: '已交接' };
  const customers = state.customers.map((c) => (c.id === customerId && c.revisit ? { ...c, revisit: false, spot: 'pending' as const } : c));
  return { ...state, visits, customers };
}

/** Stage E: every A customer, customers who raised a concern, and a share of the rest. */
export function drawSpotCheckSample(state: ProcessState, rule: SampleRule, seed: string, now: string): ProcessState {
  const candidates = state.customers.map((c) => ({ id: c.id, grade: c.grade, forced: c.notice?.status === 'concern' }));
  const sample = drawSample(candidates, rule, seed);
  const ids = new Set(sample.ids);
  return { ...state, sample: { ...sample, drawnAt: now }, customers: state.customers.map((c) => (ids.has(c.id) ? { ...c, spot: 'pending' as const } : c)) };
}

/** What a failed spot-check call records as the action taken. */
export const REVISIT_ACTION = '退回陪同拜访，重新交接';

export interface CallRecord {
  customerId: string;
  caller: string;
  callDate: string;
  reached: '已接通' | '未接通' | '号码有误';
  handoverConfirmed: '是' | '否';
  satisfaction: string;
  issues: string;
}

/**
 * Stage E: one call. Reached and confirmed → passed. Reached and the customer says the
 * handover did not happen → failed: the customer goes back to a visit (stage D for them).
 * Not reached → still pending (call again).
 */
export function recordCall(state: ProcessState, call: CallRecord): ProcessState {
  const customer = state.customers.find((c) => c.id === call.customerId) ?? fail('这位客户不在交接计划中');
  if (!state.sample?.ids.includes(customer.id)) fail(`${customer.name} 不在本次抽查样本中`);
  if (customer.revisit) fail(`${customer.name} 正等待重新拜访，拜访确认后才能再次回访`);
  if (customer.spot === 'passed') fail(`${customer.name} 已回访确认，无需再次记录`);
  const failed = call.reached === '已接通' && call.handoverConfirmed === '否';
  const passed = call.reached === '已接通' && call.handoverConfirmed === '是';
  const row: Row = {
    _cid: customer.id,
    customer: customer.name,
    contact: customer.contact,
    phone: customer.phone,
    caller: call.caller,
    callDate: call.callDate,
    reached: call.reached,
    handoverConfirmed: call.reached === '已接通' ? call.handoverConfirmed : '否',
    satisfaction: call.reached === '已接通' ? call.satisfaction : '',
    issues: call.issues,
    action: failed ? REVISIT_ACTION : passed ? '' : '择日再次回访',
  };
  const spot = passed ? 'passed' : failed ? 'failed' : 'pending';
  return {
    ...state,
    calls: [...state.calls, row],
    customers: state.customers.map((c) => (c.id === customer.id ? { ...c, spot, revisit: failed || undefined } : c)),
    visits: failed ? state.visits.map((v) => (v._cid === customer.id ? { ...v, status: '未交接', followUp: '抽查未确认交接，需重新拜访' } : v)) : state.visits,
  };
}

/** Why a stage cannot go to its reviewers yet, or null when it can. */
export function notReadyReason(state: ProcessState, stage: 'C' | 'D' | 'E'): string | null {
  if (stage === 'C') {
    if (state.materials.length === 0) return '资料移交清单为空';
    const open = state.materials.filter((r) => r.receiverConfirmed !== '是').length;
    return open ? `还有 ${open} 条资料未经接收人确认` : null;
  }
  if (stage === 'D') {
    const open = state.visits.filter((r) => r.status !== '已交接').length;
    return open ? `还有 ${open} 位客户的拜访未确认` : null;
  }
  const sampled = new Set(state.sample?.ids ?? []);
  const revisit = state.customers.filter((c) => c.revisit).length;
  if (revisit) return `还有 ${revisit} 位客户等待重新拜访`;
  const open = state.customers.filter((c) => sampled.has(c.id) && c.spot !== 'passed').length;
  return open ? `还有 ${open} 位抽查客户未回访确认` : null;
}
