import type { Sql } from '../store/sql.js';
import { processRepo } from '../store/process-repo.js';
import { customerProgress } from './customers.js';
import { processDeadlines } from './deadlines.js';
import { permissions } from './operations.js';
import { ROLE_LABEL, STAGES, STAGE_INFO, stageIndex, type Stage } from './roles.js';
import { shanghaiDate, uncoveredYears } from './calendar.js';
import { caseRobotDeliveries } from '../robots/deliveries.js';
import { caseRobotChoice } from '../robots/choice.js';
import { noticeProgress } from './notice-send.js';
import { linkClosesAt, todayOf, type Actor, type Loaded, type ProcessDeps } from './service.js';

// After retention has purged a process, customer names and comments are gone from details.
const gone = '（已按保留期限清除）';
const cust = (d: Record<string, unknown>) => (d.customer as string | undefined) ?? gone;
const said = (d: Record<string, unknown>, key: 'comment' | 'reason') => (d[key] as string | undefined) ?? gone;

const EVENT_TEXT: Record<string, (d: Record<string, unknown>) => string> = {
  opened: () => '开立客户交接案件',
  saved: (d) => `保存${STAGE_INFO[d.stage as Stage]?.title ?? ''}`,
  submitted: (d) => `提交${STAGE_INFO[d.stage as Stage]?.title ?? ''}，送 ${(d.signers as string[] | undefined)?.join('、') ?? ''} 签署`,
  approved: (d) => `${STAGE_INFO[d.stage as Stage]?.title ?? ''}各方签署完成`,
  returned: (d) => `退回${STAGE_INFO[d.stage as Stage]?.title ?? ''}：${said(d, 'comment')}`,
  stage: (d) => `进入阶段：${STAGE_INFO[d.stage as Stage]?.title ?? ''}`,
  completed: () => '交接报告获批，案件完成归档',
  'materials-confirmed': (d) => `确认收到 ${d.lines} 条资料`,
  'materials-returned': (d) => `退回 ${d.lines} 条资料：${said(d, 'reason')}`,
  'visit-confirmed': (d) => `确认已拜访 ${cust(d)}`,
  revisited: (d) => `确认已重新拜访 ${cust(d)}`,
  'call-recorded': (d) => `回访 ${cust(d)}：${d.result === 'passed' ? '确认已获知交接' : '未接通'}`,
  'spot-failed': (d) => `回访 ${cust(d)}：客户表示未获知交接，退回陪同拜访`,
  'notices-sent': (d) => `向 ${d.count} 位客户发送交接告知`,
  'notice-answered': (d) => `客户 ${cust(d)}${d.answer === 'confirmed' ? '确认已知悉交接' : `提出疑问：${said(d, 'comment')}`}`,
  'accounts-revoked': () => '确认系统账号已注销',
  reminded: (d) => `发送期限提醒（${d.deadline}，${String(d.reminder).startsWith('overdue') ? '逾期' : d.reminder === 'd2' ? '提前 2 天' : '提前 7 天'}）`,
  cancelled: (d) => `撤销案件：${said(d, 'reason')}`,
  purged: () => '按数据保留期限清除客户资料（客户名单、各阶段明细、报告与留言）',
  'access-revoked': (d) => `收回 ${ROLE_LABEL[d.role as keyof typeof ROLE_LABEL] ?? ''} ${d.name ?? ''} 的案件访问权限`,
  'link-resent': (d) => `给 ${ROLE_LABEL[d.role as keyof typeof ROLE_LABEL] ?? ''} ${d.name ?? ''} 重发案件链接（旧链接失效）`,
};

/** Who may choose the case's group robots: whoever manages the case (HR, the supervisor, an HR admin) while it is open. */
export function mayChooseRobots(l: Pick<Loaded, 'p'>, actor: Actor): boolean {
  return l.p.status === 'open' && (actor.kind === 'admin' || actor.role === 'hr' || actor.role === 'supervisor');
}

/** Everything the case page shows, for one viewer. */
export async function processView(tx: Sql, deps: ProcessDeps, l: Loaded, actor: Actor) {
  const { p, parties } = l;
  const today = todayOf(deps);
  const stageCases = await processRepo.stageCases(tx, p.id);
  const signers = stageCases.length
    ? await tx.query<{ case_id: string; role: string; name: string; status: string; signed_at: Date | null }>(
        'SELECT case_id, role, name, status, signed_at FROM parties WHERE case_id = ANY($1) ORDER BY case_id, position',
        [stageCases.map((c) => c.id)],
      )
    : [];
  const signings = await tx.query<{ at: Date; type: string; role: string; name: string; stage: string }>(
    `SELECT e.at, e.type, p.role, p.name, c.process_stage AS stage FROM events e JOIN cases c ON c.id = e.case_id JOIN parties p ON p.id = e.party_id
      WHERE c.process_id = $1 AND e.type = 'signed'`,
    [p.id],
  );
  const events = await processRepo.events(tx, p.id);
  const timeline = [
    ...events.map((e) => ({ at: new Date(e.at).toISOString(), who: e.actor ?? '系统', text: (EVENT_TEXT[e.type] ?? (() => e.type))(e.detail) })),
    ...signings.map((s) => ({ at: new Date(s.at).toISOString(), who: `${s.role} ${s.name}`, text: `签署${STAGE_INFO[s.stage as Stage]?.title ?? ''}` })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const deadlines = processDeadlines(
    { openedOn: shanghaiDate(new Date(p.created_at)), lastWorkingDay: p.last_working_day, settings: p.settings, stage: p.stage, state: p.state },
    deps.calendar,
    today,
  );
  const visits = new Map(p.state.visits.map((v) => [v._cid, v]));
  const isParty = (role: string) => actor.kind === 'party' && actor.role === role;
  return {
    id: p.id,
    caseNumber: p.case_number,
    company: p.company,
    department: p.department,
    reason: p.reason,
    lastWorkingDay: p.last_working_day,
    createdAt: new Date(p.created_at).toISOString(),
    purgedAt: p.purged_at ? new Date(p.purged_at).toISOString() : null,
    stage: p.stage,
    status: p.status,
    stageStatus: p.state.stageStatus,
    /** Submitted: the stage's document is being rendered; the signers get their mail when it is ready. */
    preparing: p.state.stageCases.some((c) => c.status === 'preparing'),
    /** Customer notices sent in the background: counts, for those who send them and HR. */
    notices: permissions(l, actor).sendNotices || actor.kind === 'admin' || isParty('hr') || isParty('supervisor') ? await noticeProgress(tx, p.id) : null,
    you: actor.kind === 'admin' ? { role: 'admin', label: 'HR 管理员', name: actor.email } : { role: actor.role, label: ROLE_LABEL[actor.role], name: actor.name },
    parties: parties.map((x) => ({ role: x.role, label: ROLE_LABEL[x.role], name: x.name, email: x.email, accessRevoked: !!x.revoked_at })),
    /** When the viewer's case link stops (read-only until then) once the process has closed; HR's archive view has no end. */
    linkClosesAt: actor.kind === 'party' ? linkClosesAt(deps, p)?.toISOString() ?? null : null,
    settings: p.settings,
    /** Years with a deadline but no holiday schedule: those deadlines counted weekends only. */
    uncoveredYears: uncoveredYears(deps.calendar, deadlines.map((d) => d.due)),
    deadlines,
    returns: p.state.returns,
    stages: STAGES.map((s) => ({
      stage: s,
      title: STAGE_INFO[s].title,
      progress: stageIndex(p.stage) > stageIndex(s) ? 'done' : p.stage === s ? 'current' : 'upcoming',
      cases: stageCases
        .filter((c) => c.process_stage === s)
        .map((c) => ({
          caseNumber: c.case_number,
          status: c.status,
          signers: signers.filter((x) => x.case_id === c.id).map((x) => ({ role: x.role, name: x.name, status: x.status, signedAt: x.signed_at ? new Date(x.signed_at).toISOString() : null })),
        })),
    })),
    customers: customerProgress(p.state).map((c) => ({ ...c, plannedVisit: visits.get(c.id)?.plannedDate ?? '' })),
    plan: p.stage === 'B' && (isParty('employee') || p.state.stageStatus === 'signing') ? p.state.plan : null,
    materials: p.state.materials,
    visits: p.state.visits,
    calls: p.state.calls,
    sample: p.state.sample ? { ids: p.state.sample.ids, reasons: p.state.sample.reasons, seed: p.state.sample.seed, rule: p.state.sample.rule } : null,
    report: p.stage === 'F' ? p.state.report : null,
    timeline,
    /** Group robot messages about this case: sent, waiting, or failing and why (fixed wording). */
    robots: await caseRobotDeliveries(tx, p.id),
    /** The case's own choice of group robots, for those who may change it. */
    robotChoice: mayChooseRobots(l, actor) ? await caseRobotChoice(tx, 'process', p.id) : null,
    can: permissions(l, actor),
  };
}
export type ProcessView = Awaited<ReturnType<typeof processView>>;

/**
 * What /api/process answers to a stage action: its message and where the case now stands.
 * The case page then reads the view again (`view` action) — building the ~700 KB view of a
 * 1,000-customer case into every answer doubled each action's time.
 */
export interface ProcessActionAnswer {
  message: string | null;
  result: { stage: ProcessView['stage'] | null; status: ProcessView['status'] | null };
}
