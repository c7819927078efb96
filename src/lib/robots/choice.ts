import { SigningError } from '../signing/errors.js';
import type { Sql } from '../store/sql.js';
import { ALL, robotRepo, type RobotEvent } from './store.js';
import { PLATFORM_LABEL, type Platform } from './types.js';

/**
 * One customer-handover case's or acknowledgment campaign's own choice of robots. Stored as
 * subscriptions whose scope id is the case's id, one row per robot of the company (an empty
 * event list = "not for this case"); a robot with such a row follows it instead of its
 * every-case default, so HR can move one sensitive case to another group or silence it.
 * No rows at all = the defaults set on the robots page.
 */
export type CaseScopeKind = 'process' | 'acknowledgment';

/** What each kind tells: an acknowledgment campaign has no return for correction or deadline reminders. */
export const CASE_EVENTS: Record<CaseScopeKind, readonly RobotEvent[]> = {
  process: ['waiting', 'returned', 'deadline', 'completed'],
  acknowledgment: ['waiting', 'completed'],
};

export interface CaseRobotChoice {
  /** Whether this case has its own choice (else every robot follows its default). */
  own: boolean;
  events: readonly RobotEvent[];
  robots: Array<{ id: string; name: string; platform: string; events: RobotEvent[]; defaultEvents: RobotEvent[] }>;
}

export async function caseRobotChoice(tx: Sql, kind: CaseScopeKind, caseId: string): Promise<CaseRobotChoice> {
  const robots = await tx.query<{ id: string; name: string; platform: Platform }>('SELECT id, name, platform FROM robots ORDER BY created_at, id');
  const subs = await tx.query<{ robot_id: string; scope_id: string; events: RobotEvent[] }>(
    'SELECT robot_id, scope_id, events FROM robot_subscriptions WHERE scope_kind = $1 AND scope_id IN ($2, $3)',
    [kind, ALL, caseId],
  );
  const allowed = CASE_EVENTS[kind];
  const of = (robotId: string, scope: string) => subs.find((s) => s.robot_id === robotId && s.scope_id === scope)?.events.filter((e) => allowed.includes(e));
  const own = subs.some((s) => s.scope_id === caseId);
  return {
    own,
    events: allowed,
    robots: robots.map((r) => {
      const defaultEvents = of(r.id, ALL) ?? [];
      return { id: r.id, name: r.name, platform: PLATFORM_LABEL[r.platform], defaultEvents, events: own ? (of(r.id, caseId) ?? []) : defaultEvents };
    }),
  };
}

/** Sets the case's own choice (every robot not named hears nothing of it), or null: back to the defaults. */
export async function setCaseRobots(tx: Sql, kind: CaseScopeKind, caseId: string, choice: Array<{ robotId: string; events: RobotEvent[] }> | null) {
  await tx.query('DELETE FROM robot_subscriptions WHERE scope_kind = $1 AND scope_id = $2', [kind, caseId]);
  if (!choice) return;
  const robots = await tx.query<{ id: string }>('SELECT id FROM robots');
  const known = new Set(robots.map((r) => r.id));
  for (const c of choice) if (!known.has(c.robotId)) throw new SigningError('not-found', '找不到所选的机器人：可能已被 HR 管理员删除，请刷新页面。', 404);
  const allowed = CASE_EVENTS[kind];
  for (const r of robots) {
    const events = [...new Set(choice.find((c) => c.robotId === r.id)?.events ?? [])].filter((e) => allowed.includes(e));
    await robotRepo.subscribeCase(tx, { robot_id: r.id, scope_kind: kind, scope_id: caseId, events });
  }
}
