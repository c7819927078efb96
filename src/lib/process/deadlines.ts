import { addWorkingDays, calendarDeadline, daysBetween, type HolidayCalendar } from './calendar.js';
import { stageIndex, type ProcessRole, type StageOrDone } from './roles.js';
import type { ProcessSettings } from './settings.js';
import type { ProcessState } from './state.js';

export type DeadlineKey = 'plan' | 'accounts' | 'firstContact' | 'visits' | 'spotCheck' | 'report';

export interface Deadline {
  key: DeadlineKey;
  label: string;
  due: string;
  owner: ProcessRole;
  done: boolean;
  /** Days left (negative: overdue) — only for open deadlines. */
  daysLeft: number | null;
}

export interface DeadlineInput {
  openedOn: string;
  lastWorkingDay: string;
  settings: ProcessSettings;
  stage: StageOrDone;
  state: ProcessState;
}

/** Every deadline of a process, from the policy's periods and the holiday calendar. */
export function processDeadlines(p: DeadlineInput, cal: HolidayCalendar, today: string): Deadline[] {
  const passed = (stage: 'B' | 'C' | 'D' | 'E' | 'F') => stageIndex(p.stage) > stageIndex(stage);
  const s = p.settings;
  const visitsDue = calendarDeadline(p.lastWorkingDay, s.visitDays, cal);
  const spotDue = addWorkingDays(visitsDue, s.spotCheckDays, cal);
  const everyoneContacted =
    p.state.customers.length > 0 &&
    p.state.customers.every((c) => c.notice || p.state.visits.some((v) => v._cid === c.id && v.status === '已交接'));
  const list: Array<Omit<Deadline, 'daysLeft'>> = [
    { key: 'plan', label: '客户交接计划获批', due: addWorkingDays(p.openedOn, s.planDays, cal), owner: 'employee', done: passed('B') },
    { key: 'accounts', label: '系统账号注销', due: addWorkingDays(p.lastWorkingDay, s.accountDays, cal), owner: 'supervisor', done: !!p.state.accountsRevokedAt },
    { key: 'firstContact', label: '接收人首次联系全部客户', due: calendarDeadline(p.lastWorkingDay, s.firstContactDays, cal), owner: 'receiver', done: everyoneContacted || passed('D') },
    { key: 'visits', label: '陪同拜访全部完成', due: visitsDue, owner: 'receiver', done: passed('D') },
    { key: 'spotCheck', label: '电话回访抽查完成', due: spotDue, owner: 'supervisor', done: passed('E') },
    { key: 'report', label: '交接报告批准归档', due: addWorkingDays(spotDue, s.reportDays, cal), owner: 'employee', done: passed('F') },
  ];
  return list.map((d) => ({ ...d, daysLeft: d.done ? null : daysBetween(today, d.due) }));
}

/**
 * Which reminder a deadline is due for today: 7 days before, 2 days before, and every day
 * once overdue. Keys are stored when sent, so each goes out once.
 */
export function reminderKey(d: Deadline, today: string): string | null {
  if (d.done || d.daysLeft === null) return null;
  if (d.daysLeft < 0) return `overdue:${today}`;
  if (d.daysLeft <= 2) return 'd2';
  if (d.daysLeft <= 7) return 'd7';
  return null;
}
