import type { FormDefinition } from '../form-definition.js';
import { allFields, type FormValues, type Row } from '../form-data.js';
import type { Sql } from '../store/sql.js';
import { processRepo } from '../store/process-repo.js';
import { repo } from '../store/repo.js';
import { SigningError } from '../signing/errors.js';
import { cancelCaseInTx } from '../signing/service.js';
import { confirmMaterials, confirmVisit, ProcessRuleError, recordCall, RETURNED_REMARK, returnedReason, returnMaterials } from './actions.js';
import { tieRowsToCustomers } from './customers.js';
import { stepMail } from './mail.js';
import { queueNotices } from './notice-send.js';
import { ROLE_LABEL, STAGE_INFO, type ProcessRole, type Stage } from './roles.js';
import type { ProcessState } from './state.js';
import type { NoticeSelection, ProcessAction } from './requests.js';
import { confirmationText, planNotices, skippedText } from './notice-selection.js';
import { actorLabel, assertReady, issueCaseLink, linkClosesAt, loadProcess, partyOf, submitStage, summaryOf, todayOf, type Actor, type Loaded, type ProcessDeps } from './service.js';

/** Keeps only the fields (and table columns) a form defines, as strings. */
export function pickFormValues(definition: FormDefinition, values: FormValues): FormValues {
  const out: FormValues = {};
  for (const f of allFields(definition)) {
    if (f.type === 'computed') continue;
    const v = values[f.id];
    if (f.type === 'table') {
      out[f.id] = (Array.isArray(v) ? v : []).map((r) => Object.fromEntries(f.columns.map((c) => [c.id, typeof r[c.id] === 'string' ? r[c.id] : ''])));
    } else out[f.id] = typeof v === 'string' ? v : '';
  }
  return out;
}

const denied = (m = '您在这个案件中的角色不能进行这项操作。') => new SigningError('forbidden', m, 403);
const conflict = (m: string) => new SigningError('process-rule', m, 409);

/** Who may do what, and when: the rules of the process in one place. */
export function permissions(l: Loaded, actor: Actor) {
  const { p } = l;
  const open = p.status === 'open';
  const st = p.state.stageStatus;
  const is = (...roles: ProcessRole[]) => actor.kind === 'party' && roles.includes(actor.role);
  const at = (stage: Stage) => open && p.stage === stage && st !== 'signing';
  return {
    editPlan: at('B') && is('employee'),
    editMaterials: at('C') && is('employee'),
    confirmMaterials: at('C') && is('receiver'),
    submitMaterials: at('C') && is('employee', 'receiver'),
    editVisits: at('D') && is('employee', 'receiver'),
    confirmVisits: open && (p.stage === 'D' || p.stage === 'E') && st !== 'signing' && is('receiver'),
    submitVisits: at('D') && is('employee', 'receiver'),
    recordCalls: at('E') && is('supervisor'),
    submitCalls: at('E') && is('supervisor'),
    editReport: at('F') && is('employee'),
    sendNotices: open && ['C', 'D', 'E'].includes(p.stage) && is('employee', 'receiver', 'supervisor'),
    revokeAccounts: open && !p.state.accountsRevokedAt && is('supervisor', 'hr'),
    cancel: open && is('supervisor', 'hr'),
    /** Take one person's case link away, or mail them a new one: HR (admin session) or the supervisor, also after the case closes. */
    revokeAccess: actor.kind === 'admin' || is('supervisor'),
  };
}
export type Permissions = ReturnType<typeof permissions>;

function need(allowed: boolean, l: Loaded, stage?: Stage) {
  if (allowed) return;
  if (l.p.status !== 'open') throw conflict(l.p.status === 'completed' ? '案件已完成归档，不能再修改。' : '案件已撤销。');
  if (l.p.state.stageStatus === 'signing') throw conflict(`“${STAGE_INFO[l.p.stage as Stage].title}”正在签署审核中，审核结束前不能修改。`);
  if (stage && l.p.stage !== stage) throw conflict(`案件当前处于“${l.p.stage === 'done' ? '已完成' : STAGE_INFO[l.p.stage as Stage].title}”阶段，不能进行这项操作。`);
  throw denied();
}

async function save(tx: Sql, l: Loaded, actor: Actor, state: ProcessState, type: string, detail: Record<string, unknown> = {}) {
  await processRepo.save(tx, l.p.id, { state }, l.p.state);
  await processRepo.addEvent(tx, l.p.id, actorLabel(actor), type, detail);
}

/** What the page shows before customer notices go out: how many get one, how many are skipped and why. */
export interface NoticePreview {
  selected: number;
  recipients: number;
  skipped: { notified: number; noEmail: number };
  /** “将向 N 位客户发送交接告知（跳过 M 位：…）。” */
  text: string;
}

/** Counts who a send-notices request with this selection would reach; sends nothing, changes nothing. */
export async function previewNotices(tx: Sql, processId: string, actor: Actor, selection: NoticeSelection): Promise<NoticePreview> {
  if (actor.kind === 'admin') throw new SigningError('forbidden', 'HR 管理员在交接档案中只能查看、导出和管理案件链接。', 403);
  const l = await loadProcess(tx, processId, false);
  need(permissions(l, actor).sendNotices, l);
  try {
    const plan = planNotices(l.p.state.customers, selection);
    return { selected: plan.selected, recipients: plan.recipients.length, skipped: plan.skipped, text: confirmationText(plan) };
  } catch (e) {
    if (e instanceof ProcessRuleError) throw conflict(e.message);
    throw e;
  }
}

/** Applies one action of a party (already authenticated) to the process, in one transaction. */
export async function applyAction(
  tx: Sql,
  deps: ProcessDeps,
  processId: string,
  actor: Actor,
  a: Exclude<ProcessAction, { action: 'view' }>,
): Promise<string> {
  // HR admins (archive session) look, export and manage who can open the case; the parties do the work.
  if (actor.kind === 'admin' && a.action !== 'revoke-access' && a.action !== 'resend-link') {
    throw new SigningError('forbidden', 'HR 管理员在交接档案中只能查看、导出和管理案件链接。', 403);
  }
  const l = await loadProcess(tx, processId, true);
  const can = permissions(l, actor);
  const state = l.p.state;
  const today = todayOf(deps);
  try {
    switch (a.action) {
      case 'save-plan':
      case 'submit-plan': {
        need(can.editPlan, l, 'B');
        const plan = pickFormValues(deps.forms(STAGE_INFO.B.form)!, a.values);
        const next = { ...state, plan };
        if (a.action === 'save-plan') {
          await save(tx, l, actor, next, 'saved', { stage: 'B' });
          return '客户交接计划已保存。';
        }
        await submitStage(tx, deps, l, 'B', actor, next);
        return '交接计划已提交：请查收邮件签署，之后依次由接收人、监交人、分管经理审核。';
      }
      case 'save-materials': {
        need(can.editMaterials, l, 'C');
        const tied = tieRowsToCustomers(state.materials, a.rows, state.customers, { receiverConfirmed: '', handedDate: '', status: '未交接' });
        if (tied.errors.length) throw conflict(tied.errors.slice(0, 3).join('；'));
        // A returned line the employee has corrected keeps its history but no longer reads as returned.
        for (const r of tied.rows) if (r.receiverConfirmed !== '否' && r.remark?.startsWith(RETURNED_REMARK)) r.remark = `已按退回意见更正（${returnedReason(r)}）`.slice(0, 500);
        await save(tx, l, actor, { ...state, materials: tied.rows }, 'saved', { stage: 'C', lines: tied.rows.length });
        return `资料移交清单已保存（${tied.rows.length} 条）。`;
      }
      case 'confirm-materials':
        need(can.confirmMaterials, l, 'C');
        await save(tx, l, actor, confirmMaterials(state, a.lines, today), 'materials-confirmed', { lines: a.lines.length });
        return `已确认 ${a.lines.length} 条资料。`;
      case 'return-materials': {
        need(can.confirmMaterials, l, 'C');
        const next = returnMaterials(state, a.lines, a.reason);
        await save(tx, l, actor, next, 'materials-returned', { lines: a.lines.length, reason: a.reason });
        const employee = partyOf(l, 'employee');
        const url = await issueCaseLink(tx, deps, l.p, employee);
        await repo.queueMail(tx, null, stepMail(summaryOf(l.p, l.parties), employee, `补正 ${a.lines.length} 条资料`, `接收人退回了 ${a.lines.length} 条资料，原因：${a.reason}。请在案件页面的资料移交清单中更正后，请接收人重新点收。`, url));
        return `已退回 ${a.lines.length} 条资料，并通知移交人补正。`;
      }
      case 'submit-materials':
        need(can.submitMaterials, l, 'C');
        assertReady(state, 'C');
        await submitStage(tx, deps, l, 'C', actor, state);
        return '资料移交清单已提交签署审核。';
      case 'save-visits': {
        need(can.editVisits, l, 'D');
        const tied = tieRowsToCustomers(state.visits, a.rows, state.customers, { actualDate: '', outcome: '', customerAccepts: '', status: '未交接' });
        if (tied.errors.length) throw conflict(tied.errors.slice(0, 3).join('；'));
        await save(tx, l, actor, { ...state, visits: tied.rows }, 'saved', { stage: 'D', lines: tied.rows.length });
        return '拜访计划已保存。';
      }
      case 'confirm-visit': {
        need(can.confirmVisits, l);
        let next = state;
        const names: string[] = [];
        for (const id of new Set(a.customerIds)) {
          const customer = next.customers.find((c) => c.id === id);
          if (l.p.stage === 'E' && !customer?.revisit) throw conflict('抽查阶段只能确认需要重新拜访的客户。');
          next = confirmVisit(next, id, { actualDate: a.actualDate, outcome: a.outcome, customerAccepts: a.customerAccepts, followUp: a.followUp });
          names.push(customer?.name ?? '');
          if (customer?.revisit) await processRepo.addEvent(tx, l.p.id, actorLabel(actor), 'revisited', { customer: customer.name });
        }
        await save(tx, l, actor, next, 'visit-confirmed', { customer: names.length === 1 ? names[0] : `${names.length} 位客户` });
        return `已确认拜访 ${names.length} 位客户。`;
      }
      case 'submit-visits':
        need(can.submitVisits, l, 'D');
        assertReady(state, 'D');
        await submitStage(tx, deps, l, 'D', actor, state);
        return '拜访记录已提交签署审核。';
      case 'record-call': {
        need(can.recordCalls, l, 'E');
        const next = recordCall(state, {
          customerId: a.customerId, caller: actor.kind === 'party' ? actor.name : '', callDate: a.callDate, reached: a.reached,
          handoverConfirmed: a.handoverConfirmed, satisfaction: a.satisfaction, issues: a.issues,
        });
        const c = next.customers.find((x) => x.id === a.customerId)!;
        await save(tx, l, actor, next, c.spot === 'failed' ? 'spot-failed' : 'call-recorded', { customer: c.name, result: c.spot });
        if (c.spot === 'failed') {
          const receiver = partyOf(l, 'receiver');
          const url = await issueCaseLink(tx, deps, l.p, receiver);
          await repo.queueMail(tx, null, stepMail(summaryOf(l.p, l.parties), receiver, `重新拜访 ${c.name}`, `电话抽查时 ${c.name} 表示尚未获知交接，该客户已退回陪同拜访：请与移交人重新拜访并在案件页面确认。`, url));
          return `${c.name} 表示未获知交接：已退回陪同拜访，并通知接收人。`;
        }
        return c.spot === 'passed' ? `已记录：${c.name} 确认已获知交接。` : `已记录：${c.name} 未接通，请择日再打。`;
      }
      case 'submit-calls':
        need(can.submitCalls, l, 'E');
        assertReady(state, 'E');
        await submitStage(tx, deps, l, 'E', actor, state);
        return '抽查记录已提交签署审核。';
      case 'save-report':
      case 'submit-report': {
        need(can.editReport, l, 'F');
        const report = pickFormValues(deps.forms(STAGE_INFO.F.form)!, a.values);
        const next = { ...state, report };
        if (a.action === 'save-report') {
          await save(tx, l, actor, next, 'saved', { stage: 'F' });
          return '交接报告已保存。';
        }
        await submitStage(tx, deps, l, 'F', actor, next);
        return '交接报告已提交：请查收邮件签署，之后由监交人、分管经理审批，HR 备案。';
      }
      case 'preview-notices':
        // The API answers this one with previewNotices (counts for the page); here it reads as the confirmation text.
        need(can.sendNotices, l);
        return confirmationText(planNotices(state.customers, a.selection));
      case 'send-notices': {
        need(can.sendNotices, l);
        // Only the customers selected, and only as many as the person confirmed on the page.
        const plan = planNotices(state.customers, a.selection);
        if (plan.recipients.length === 0) throw conflict(`没有需要发送的客户：${confirmationText(plan)}`);
        if (plan.recipients.length !== a.expected) {
          throw conflict(`要发送的客户数已变化（您确认的是 ${a.expected} 位，现在是 ${plan.recipients.length} 位，可能有人刚刚发送过）：请重新核对人数后再发送。`);
        }
        // Recorded and queued here; a background job mails them (see notice-send.ts), the case page shows the progress.
        const notices = await queueNotices(tx, l.p.id, plan.recipients, deps.now?.() ?? new Date());
        const customers = state.customers.map((c) => (notices.has(c.id) ? { ...c, notice: notices.get(c.id) } : c));
        const skipped = skippedText(plan);
        await save(tx, l, actor, { ...state, customers }, 'notices-sent', { count: notices.size, selection: a.selection.kind, ...(skipped ? { skipped } : {}) });
        return `已向 ${notices.size} 位客户发送交接告知${skipped ? `（${skipped}）` : ''}。`;
      }
      case 'accounts-revoked':
        need(can.revokeAccounts, l);
        await save(tx, l, actor, { ...state, accountsRevokedAt: new Date().toISOString() }, 'accounts-revoked');
        return '已记录：系统账号已注销。';
      case 'cancel': {
        need(can.cancel, l);
        for (const sc of state.stageCases.filter((x) => x.status === 'open')) await cancelCaseInTx(tx, sc.caseId, `客户交接案件已撤销：${a.reason}`);
        await processRepo.save(tx, l.p.id, { status: 'cancelled', closed_at: deps.now?.() ?? new Date(), state: { ...state, stageCases: state.stageCases.map((x) => (x.status === 'open' || x.status === 'preparing' ? { ...x, status: 'cancelled' } : x)) } }, l.p.state);
        await processRepo.addEvent(tx, l.p.id, actorLabel(actor), 'cancelled', { reason: a.reason });
        return '案件已撤销。';
      }
      case 'revoke-access': {
        if (!can.revokeAccess) throw denied('只有 HR 或监交人可以收回案件链接。');
        if (actor.kind === 'party' && actor.role === a.role) throw conflict('不能收回自己的访问权限。');
        const party = partyOf(l, a.role);
        const who = `${ROLE_LABEL[a.role]} ${party.name}`;
        if (party.revoked_at) throw conflict(`${who} 的访问权限已经收回。`);
        await tx.query('UPDATE process_parties SET revoked_at = $2, token_jti = NULL WHERE id = $1', [party.id, deps.now?.() ?? new Date()]);
        await processRepo.addEvent(tx, l.p.id, actorLabel(actor), 'access-revoked', { role: a.role, name: party.name });
        return `已收回 ${who} 的案件访问权限：其案件链接（包括导出）立即失效。`;
      }
      case 'resend-link': {
        if (!can.revokeAccess) throw denied('只有 HR 或监交人可以重发案件链接。');
        const closesAt = linkClosesAt(deps, l.p);
        if (closesAt && (deps.now?.() ?? new Date()) >= closesAt) throw conflict('案件结束后的只读查看期已过，新的案件链接也无法打开：案件资料请在交接档案中查看。');
        const party = partyOf(l, a.role);
        const who = `${ROLE_LABEL[a.role]} ${party.name}`;
        // A new jti: every earlier link of this person stops; access comes back if it was revoked.
        await tx.query('UPDATE process_parties SET revoked_at = NULL, token_jti = NULL WHERE id = $1', [party.id]);
        Object.assign(party, { revoked_at: null, token_jti: null });
        const url = await issueCaseLink(tx, deps, l.p, party);
        await repo.queueMail(tx, null, stepMail(summaryOf(l.p, l.parties), party, '使用新的案件链接', `${actorLabel(actor)} 给您发送了新的案件链接；之前邮件中的案件链接已失效。`, url));
        await processRepo.addEvent(tx, l.p.id, actorLabel(actor), 'link-resent', { role: a.role, name: party.name });
        return `已给 ${who} 发送新的案件链接，其旧链接已失效。`;
      }
    }
  } catch (e) {
    if (e instanceof ProcessRuleError) throw conflict(e.message);
    throw e;
  }
}

export type { Row };
