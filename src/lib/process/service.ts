import { randomBytes } from 'node:crypto';
import type { FormDefinition } from '../form-definition.js';
import { validateForm, type FormValues, type Row } from '../form-data.js';
import type { Sql } from '../store/sql.js';
import type { CaseRow, PartyRow } from '../store/repo.js';
import { processRepo, type ProcessPartyRow, type ProcessRow } from '../store/process-repo.js';
import { SigningError } from '../signing/errors.js';
import { issueLink, verifyLink } from '../signing/links.js';
import { insertPreparedCase, prepareCase, type SigningDeps } from '../signing/service.js';
import { repo } from '../store/repo.js';
import { calendarDeadline, shanghaiDate, type HolidayCalendar } from './calendar.js';
import { ROLE_LABEL, STAGE_INFO, roleOfSigner, type ProcessRole, type Stage } from './roles.js';
import type { ProcessSettings } from './settings.js';
import { emptyState, type ProcessState } from './state.js';
import { customersFromPlan, initialMaterials, initialVisits } from './customers.js';
import { drawSpotCheckSample, notReadyReason, ProcessRuleError } from './actions.js';
import { draftReport } from './report.js';
import { stageDocumentValues } from './documents.js';
import { processDeadlines } from './deadlines.js';
import { caseLinkMail, processCompletedMail, returnedMail, stepMail, type ProcessSummary } from './mail.js';
import { enqueue, type Job, type JobKinds, type JobRun } from '../jobs/index.js';
import { pdfRenders } from '../pdf/render-limit.js';

/**
 * The customer-handover process around the signing flow. Every change locks the process row
 * and writes its event in the same transaction; each stage's checklist goes out for
 * signature as an ordinary signing case tied to the process, and the process moves on when
 * that case completes (or back, with the reviewer's comments, when it is declined).
 */
export interface ProcessDeps extends SigningDeps {
  forms: (id: string) => FormDefinition | undefined;
  calendar: HolidayCalendar;
  /** Lifetime of a party's case link. */
  caseLinkDays: number;
  /** Days a case link stays open (read-only) after the process is completed or cancelled; CASE_LINK_CLOSED_DAYS, default 7. */
  caseLinkClosedDays?: number;
}

export type Actor = { kind: 'party'; role: ProcessRole; name: string } | { kind: 'admin'; email: string };

const newId = () => randomBytes(9).toString('base64url');
const nowOf = (d: SigningDeps) => d.now?.() ?? new Date();
export const todayOf = (d: SigningDeps) => shanghaiDate(nowOf(d));
const caseUrl = (base: string, id: string, token: string) => `${base}/case/?p=${encodeURIComponent(id)}#t=${token}`;
export const actorLabel = (a: Actor) => (a.kind === 'admin' ? `HR 管理员 ${a.email}` : `${ROLE_LABEL[a.role]} ${a.name}`);
const rule = (m: string, status = 409) => new SigningError('process-rule', m, status);

function formOf(deps: ProcessDeps, stage: Stage): FormDefinition {
  const f = deps.forms(STAGE_INFO[stage].form);
  if (!f) throw new Error(`form ${STAGE_INFO[stage].form} missing`);
  return f;
}

export function summaryOf(p: ProcessRow, parties: ProcessPartyRow[]): ProcessSummary {
  return { caseNumber: p.case_number, company: p.company, employeeName: parties.find((x) => x.role === 'employee')?.name ?? '' };
}

/** Days case links stay readable after the process closes. */
export function closedLinkDays(deps: ProcessDeps): number {
  if (deps.caseLinkClosedDays !== undefined) return deps.caseLinkClosedDays;
  const n = Number(process.env.CASE_LINK_CLOSED_DAYS);
  return Number.isFinite(n) && n >= 0 ? n : 7;
}

/** When a completed or cancelled process's case links stop; null while it is open. */
export function linkClosesAt(deps: ProcessDeps, p: Pick<ProcessRow, 'status' | 'closed_at' | 'completed_at'>): Date | null {
  if (p.status === 'open') return null;
  const closed = p.closed_at ?? p.completed_at;
  return closed ? new Date(new Date(closed).getTime() + closedLinkDays(deps) * 86_400_000) : new Date(0);
}

/**
 * A party's personal link to the case page. Every mail carries a fresh JWT under the party's
 * stored jti, so older mails keep working; replacing the jti revokes them all. A person
 * whose access was revoked gets the page's address without a token (it opens nothing).
 */
export async function issueCaseLink(tx: Sql, deps: ProcessDeps, p: { id: string; base_url: string }, party: ProcessPartyRow) {
  if (party.revoked_at) return `${p.base_url}/case/?p=${encodeURIComponent(p.id)}`;
  const { token, jti } = await issueLink(deps.secret, 'case', { subject: p.id, holder: party.role }, deps.caseLinkDays * 86_400, nowOf(deps), party.token_jti);
  if (jti !== party.token_jti) await tx.query('UPDATE process_parties SET token_jti = $2 WHERE id = $1', [party.id, jti]);
  party.token_jti = jti;
  return caseUrl(p.base_url, p.id, token);
}

/* ---------- A: open a case ---------- */

export interface OpenProcessInput {
  policySlug: string | null;
  company?: string;
  department: string;
  reason: string;
  lastWorkingDay: string;
  parties: Record<ProcessRole, { name: string; email: string; mobile?: string }>;
  archiveEmail?: string;
  settings: ProcessSettings;
  baseUrl: string;
}

export async function openProcess(deps: ProcessDeps, input: OpenProcessInput): Promise<{ processId: string; caseNumber: string }> {
  const now = nowOf(deps);
  const id = newId();
  const caseNumber = `KH-${todayOf(deps).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
  const names = input.parties;
  const plan: FormValues = {
    giverName: names.employee.name,
    department: input.department,
    reason: input.reason,
    receiverName: names.receiver.name,
    witnessName: names.supervisor.name,
    handoverDate: todayOf(deps),
    lastWorkingDay: input.lastWorkingDay,
    customers: [],
    notes: '',
  };
  await deps.sql.transaction(async (tx) => {
    const row = {
      id, case_number: caseNumber, policy_slug: input.policySlug, company: input.company ?? null, department: input.department, reason: input.reason,
      last_working_day: input.lastWorkingDay, stage: 'B' as const, settings: input.settings, state: emptyState(plan), archive_email: input.archiveEmail ?? null, base_url: input.baseUrl,
      created_at: now,
    };
    await processRepo.insert(tx, row);
    await processRepo.addEvent(tx, id, null, 'opened', { lastWorkingDay: input.lastWorkingDay });
    const parties: ProcessPartyRow[] = [];
    for (const role of Object.keys(ROLE_LABEL) as ProcessRole[]) {
      const party: ProcessPartyRow = { id: newId(), process_id: id, role, name: names[role].name, email: names[role].email, token_jti: null, mobile: names[role].mobile ?? null };
      await processRepo.insertParty(tx, party);
      parties.push(party);
    }
    const summary = summaryOf({ ...row, status: 'open', created_at: now, completed_at: null }, parties);
    for (const party of parties) {
      const url = await issueCaseLink(tx, deps, row, party);
      await repo.queueMail(tx, null, caseLinkMail(summary, party, url));
    }
  });
  return { processId: id, caseNumber };
}

/* ---------- access ---------- */

/**
 * Checks a party's case link against the stored records, which decide: the person's access
 * not revoked, the link the latest one mailed, and — once the process is completed or
 * cancelled — still within the read-only days (CASE_LINK_CLOSED_DAYS). The ZIP export goes
 * through here too, so it stops with the link.
 */
export async function actorFromToken(tx: Sql, deps: ProcessDeps, processId: string, token: string): Promise<Actor> {
  const now = nowOf(deps);
  const claims = await verifyLink(deps.secret, token, 'case', now);
  if (claims.subject !== processId) throw new SigningError('other-case', '链接与这个交接案件不匹配：请使用该案件邮件中的链接。', 403);
  // The row's head only: checking a link needs no customer data.
  const p = await processRepo.head(tx, processId);
  const party = p && (await processRepo.parties(tx, processId)).find((x) => x.role === claims.holder);
  if (!p || !party) throw new SigningError('not-found', '找不到这个交接案件。', 404);
  if (party.revoked_at) throw new SigningError('access-revoked', '您对这个交接案件的访问已被收回，链接已停止使用：如仍需查看，请联系 HR。', 410);
  if (party.token_jti !== claims.jti) throw new SigningError('revoked', '这个链接已失效：系统已给您发送了新的链接，请使用最新的邮件。', 410);
  const closesAt = linkClosesAt(deps, p);
  if (closesAt && now >= closesAt) {
    const closed = p.closed_at ?? p.completed_at;
    const when = closed ? `于 ${shanghaiDate(new Date(closed))} ` : '';
    throw new SigningError(
      'case-closed',
      `案件已${when}${p.status === 'completed' ? '完成归档' : '撤销'}，结束后 ${closedLinkDays(deps)} 天的只读查看期已过，案件链接（包括导出）已停止使用：如需案件资料，请联系 HR。`,
      410,
    );
  }
  return { kind: 'party', role: party.role, name: party.name };
}

export interface Loaded {
  p: ProcessRow;
  parties: ProcessPartyRow[];
}

export async function loadProcess(tx: Sql, id: string, lock: boolean): Promise<Loaded> {
  const p = await processRepo.get(tx, id, lock);
  if (!p) throw new SigningError('not-found', '找不到这个交接案件：链接可能不完整。', 404);
  return { p, parties: await processRepo.parties(tx, id) };
}

export const partyOf = (l: Loaded, role: ProcessRole) => l.parties.find((x) => x.role === role)!;

/* ---------- moving between stages ---------- */

function docContext(deps: ProcessDeps, l: Loaded, today = todayOf(deps)) {
  const s = l.p.settings;
  return {
    names: { employee: partyOf(l, 'employee').name, receiver: partyOf(l, 'receiver').name, supervisor: partyOf(l, 'supervisor').name },
    department: l.p.department,
    today,
    lastWorkingDay: l.p.last_working_day,
    visitsDue: calendarDeadline(l.p.last_working_day, s.visitDays, deps.calendar),
    sampleSharePercent: Math.round(s.sampleShare * 100),
    sampleMin: s.sampleMin,
    openedOn: shanghaiDate(new Date(l.p.created_at)),
  };
}

/** The job that renders a submitted stage's document and opens its signing case. */
export const STAGE_DOCUMENT_JOB = 'process.stage-document';
interface StageDocumentPayload {
  processId: string;
  stage: Stage;
  caseId: string;
  caseNumber: string;
  /** The submit's date, printed in the document (the job may run after midnight). */
  today: string;
}

/**
 * Sends the current stage's checklist out for signature: validates it with the form's own
 * rules and, in the same transaction, queues the job that renders its PDF and opens the
 * signing case. A 1,000-customer checklist takes seconds to render: the person who submits
 * gets their answer at once and the signers their mail when the document is ready. The
 * stage is 'signing' from now on, so nothing the document is drawn from changes meanwhile.
 */
export async function submitStage(tx: Sql, deps: ProcessDeps, l: Loaded, stage: Stage, actor: Actor, state: ProcessState) {
  const definition = formOf(deps, stage);
  const values = stageDocumentValues(stage, state, docContext(deps, l));
  const errors = Object.values(validateForm(definition, values));
  if (errors.length) throw rule(`${STAGE_INFO[stage].title}还不完整：${errors.slice(0, 3).join('；')}${errors.length > 3 ? `（共 ${errors.length} 处）` : ''}`, 422);
  const signers = definition.signing.parties.map((sp) => partyOf(l, roleOfSigner(sp.label ?? sp.role)));
  const caseId = newId();
  const caseNumber = `${l.p.case_number}-${stage}${state.stageCases.filter((c) => c.stage === stage).length + 1}`;
  const next: ProcessState = { ...state, stageStatus: 'signing', stageCases: [...state.stageCases, { stage, caseId, status: 'preparing' }] };
  await processRepo.save(tx, l.p.id, { state: next }, l.p.state);
  await processRepo.addEvent(tx, l.p.id, actorLabel(actor), 'submitted', { stage, signers: signers.map((s) => ROLE_LABEL[s.role]) });
  const payload: StageDocumentPayload = { processId: l.p.id, stage, caseId, caseNumber, today: todayOf(deps) };
  await enqueue(tx, STAGE_DOCUMENT_JOB, payload, { dedupeKey: `${STAGE_DOCUMENT_JOB}:${caseId}` });
  return next;
}

const stageCaseOf = (l: Loaded, caseId: string) => l.p.state.stageCases.find((c) => c.caseId === caseId);

/**
 * Renders a submitted stage's document (outside any transaction, within the PDF render
 * limit) and opens its signing case, which mails the first signer. Drawn from the stored
 * state, which the 'signing' status keeps as submitted. Nothing is done when the process was
 * cancelled meanwhile; a second run finds the case already open and does nothing either.
 */
async function prepareStageDocument(deps: ProcessDeps, job: Job<StageDocumentPayload>, run: JobRun) {
  const { processId, stage, caseId, caseNumber, today } = job.payload;
  const waiting = (l: Loaded | undefined): l is Loaded => !!l && l.p.status === 'open' && stageCaseOf(l, caseId)?.status === 'preparing';
  const l = await loadProcess(deps.sql, processId, false).catch(() => undefined);
  if (!waiting(l)) return;
  const definition = formOf(deps, stage);
  const signers = definition.signing.parties.map((sp) => partyOf(l, roleOfSigner(sp.label ?? sp.role)));
  const hr = partyOf(l, 'hr');
  const prepared = await pdfRenders.run(() =>
    prepareCase(deps, {
      definition, values: stageDocumentValues(stage, l.p.state, docContext(deps, l, today)), company: l.p.company ?? undefined, caseNumber,
      sender: { name: hr.name, email: hr.email }, parties: signers.map((s) => ({ name: s.name, email: s.email })), archiveEmail: l.p.archive_email ?? undefined, baseUrl: l.p.base_url,
    }),
  );
  await run.complete(async (tx) => {
    const now = await loadProcess(tx, processId, true);
    if (!waiting(now)) return;
    await insertPreparedCase(tx, deps, { ...prepared, caseId }, { id: processId, stage });
    const stageCases = now.p.state.stageCases.map((c) => (c.caseId === caseId ? { ...c, status: 'open' as const } : c));
    await processRepo.save(tx, processId, { state: { ...now.p.state, stageCases } }, now.p.state);
  });
}

/** The stage-document job kind (see jobs.ts for all of the process's). */
export function stageDocumentJobs(deps: ProcessDeps): JobKinds {
  return {
    [STAGE_DOCUMENT_JOB]: { handle: (job: Job<StageDocumentPayload>, run: JobRun) => prepareStageDocument(deps, job, run), leaseSeconds: 300 },
  };
}

/** What the next stage starts with, and who is told to act. */
async function enterStage(tx: Sql, deps: ProcessDeps, l: Loaded, stage: Stage | 'done', state: ProcessState): Promise<void> {
  const ctx = docContext(deps, l);
  const s = l.p.settings;
  let next: ProcessState = { ...state, stageStatus: 'editing' };
  const summary = summaryOf(l.p, l.parties);
  const tell = async (role: ProcessRole, what: string, detail: string) => {
    const party = partyOf(l, role);
    await repo.queueMail(tx, null, stepMail(summary, party, what, detail, await issueCaseLink(tx, deps, l.p, party)));
  };
  if (stage === 'C') {
    next = { ...next, customers: customersFromPlan(state.plan) };
    next.materials = initialMaterials(next.customers, l.p.last_working_day);
    const firstContactDue = calendarDeadline(l.p.last_working_day, s.firstContactDays, deps.calendar);
    next.visits = initialVisits(next.customers, `${ctx.names.employee}、${ctx.names.receiver}`, firstContactDue, ctx.visitsDue);
    await tell('employee', '填写客户资料移交清单', `客户交接计划已获批准（共 ${next.customers.length} 位客户）。请核对每位客户的纸质和电子资料，补全后交给接收人逐条点收。`);
    await tell('receiver', '点收客户资料', '移交人将按客户移交资料，请在案件页面逐条确认收到。');
  } else if (stage === 'D') {
    await tell('receiver', '与移交人共同拜访客户', '资料移交已审核通过。请与移交人按计划拜访或致电每位客户，并在案件页面逐一确认拜访结果。');
  } else if (stage === 'E') {
    next = drawSpotCheckSample(next, { share: s.sampleShare, min: s.sampleMin }, `${l.p.id}:E`, nowOf(deps).toISOString());
    await tell('supervisor', '电话回访抽查', `拜访已全部完成。系统已抽取 ${next.sample!.ids.length} 位客户（A 级全部，其余按比例随机），请逐一致电并记录结果。`);
  } else if (stage === 'F') {
    next = { ...next, report: draftReport(next, ctx) };
    await tell('employee', '提交客户交接报告', '抽查已完成。系统已根据案件数据起草交接报告，请核对、修改后提交审批。');
  } else {
    for (const party of l.parties) {
      await repo.queueMail(tx, null, processCompletedMail(summary, party, await issueCaseLink(tx, deps, l.p, party)));
    }
  }
  await processRepo.save(tx, l.p.id, stage === 'done' ? { stage, state: next, status: 'completed', completed_at: nowOf(deps), closed_at: nowOf(deps) } : { stage, state: next }, l.p.state);
  await processRepo.addEvent(tx, l.p.id, null, stage === 'done' ? 'completed' : 'stage', { stage });
}

const NEXT_STAGE: Record<Stage, Stage | 'done'> = { B: 'C', C: 'D', D: 'E', E: 'F', F: 'done' };

/** The signing flow's hook: a stage document was signed by all, or sent back. */
export async function onStageCaseClosed(tx: Sql, deps: ProcessDeps, c: CaseRow, outcome: { kind: 'completed' } | { kind: 'declined'; by: PartyRow; reason: string }) {
  const l = await loadProcess(tx, c.process_id!, true);
  const stage = c.process_stage as Stage;
  const state: ProcessState = { ...l.p.state, stageCases: l.p.state.stageCases.map((sc) => (sc.caseId === c.id ? { ...sc, status: c.status } : sc)) };
  if (l.p.status !== 'open' || l.p.stage !== stage) {
    await processRepo.save(tx, l.p.id, { state }, l.p.state);
    return;
  }
  if (outcome.kind === 'completed') {
    await processRepo.addEvent(tx, l.p.id, null, 'approved', { stage });
    await enterStage(tx, deps, l, NEXT_STAGE[stage], state);
    return;
  }
  const by = `${outcome.by.role} ${outcome.by.name}`;
  const next: ProcessState = { ...state, stageStatus: 'returned', returns: [...state.returns, { stage, by, comment: outcome.reason, at: nowOf(deps).toISOString() }] };
  await processRepo.save(tx, l.p.id, { state: next }, l.p.state);
  await processRepo.addEvent(tx, l.p.id, by, 'returned', { stage, comment: outcome.reason });
  const owner = partyOf(l, STAGE_INFO[stage].owner);
  await repo.queueMail(tx, null, returnedMail(summaryOf(l.p, l.parties), owner, STAGE_INFO[stage].title, by, outcome.reason, await issueCaseLink(tx, deps, l.p, owner)));
}

/** Stages C–E go to their reviewers only when every line is confirmed. */
export function assertReady(state: ProcessState, stage: 'C' | 'D' | 'E') {
  const reason = notReadyReason(state, stage);
  if (reason) throw rule(`还不能提交：${reason}。`);
}

export { ProcessRuleError, processDeadlines };
export type { Row };
