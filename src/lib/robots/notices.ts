import type { Sql } from '../store/sql.js';
import type { CaseRow, PartyRow } from '../store/repo.js';
import type { ProcessPartyRow, ProcessRow } from '../store/process-repo.js';
import type { Deadline } from '../process/deadlines.js';
import { ROLE_LABEL } from '../process/roles.js';
import { ALL, robotRepo, type RobotEvent, type ScopeKind } from './store.js';
import type { RobotMessage } from './types.js';

/**
 * What the product tells group robots, and to which robots. A message says what is needed,
 * by whom and by when, and links to the case page without any token (a customer-handover
 * case) or to the product's home: personal signing and case links stay in one person's
 * mailbox, never in a group chat.
 */
export interface Notice {
  event: RobotEvent;
  scopes: Array<{ kind: ScopeKind; id: string }>;
  subjectId: string;
  message: RobotMessage;
  /**
   * The person the message asks to act, in a customer-handover case: @mentioned by the mobile
   * number stored with them (if any), looked up when the notice is queued.
   */
  mention?: { processId: string; email: string };
}

/** Queues the notice for every robot subscribed to it, in the caller's transaction. */
export async function robotsHear(tx: Sql, notice: Notice | null, now = new Date()): Promise<number> {
  if (!notice) return 0;
  const robots = await robotRepo.listeners(tx, notice.scopes, notice.event);
  if (!robots.length) return 0;
  let message = notice.message;
  if (notice.mention) {
    const mobiles = await tx.query<{ mobile: string }>(
      'SELECT DISTINCT mobile FROM process_parties WHERE process_id = $1 AND lower(email) = lower($2) AND mobile IS NOT NULL AND revoked_at IS NULL ORDER BY mobile',
      [notice.mention.processId, notice.mention.email],
    );
    if (mobiles.length) message = { ...message, mentionMobiles: mobiles.map((m) => m.mobile) };
  }
  for (const id of robots) await robotRepo.enqueue(tx, id, notice.event, notice.subjectId, message, now);
  return robots.length;
}

const dayFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
const date = (d: Date | string) => dayFormat.format(new Date(d));

/** A customer-handover case's page (it asks for the visitor's own link) or the product home. */
// Paths: the sender puts the product's address (APP_URL) in front when it sends.
function linkFor(c: Pick<CaseRow, 'process_id'>): RobotMessage['link'] {
  return c.process_id ? processLink(c.process_id) : { label: '打开工作交接（签署链接已单独发到本人邮箱）', url: '/' };
}

const processLink = (id: string): RobotMessage['link'] => ({ label: '打开交接案件页面（请用本人邮件中的链接登录）', url: `/case/?p=${encodeURIComponent(id)}` });

function scopesOf(c: Pick<CaseRow, 'id' | 'kind' | 'form_id' | 'process_id'>): Notice['scopes'] {
  if (c.process_id) return [{ kind: 'process', id: ALL }, { kind: 'process', id: c.process_id }];
  if (c.kind === 'acknowledgment') return [{ kind: 'acknowledgment', id: ALL }, { kind: 'acknowledgment', id: c.id }];
  return [{ kind: 'signing-form', id: ALL }, { kind: 'signing-form', id: c.form_id }];
}

const caseLine = (c: Pick<CaseRow, 'title' | 'case_number' | 'company'>) => `${c.title}（${c.case_number}${c.company ? `，${c.company}` : ''}）`;

/** A signing link went out: the group hears who must sign what, by when. */
export function waitingNotice(c: CaseRow, party: Pick<PartyRow, 'role' | 'name' | 'email'>, expiresAt: Date): Notice | null {
  // An acknowledgment campaign is told once (ackCampaignNotice), not once per employee.
  if (c.kind === 'acknowledgment') return null;
  return {
    event: 'waiting',
    scopes: scopesOf(c),
    subjectId: c.process_id ?? c.id,
    message: {
      title: `【待签署】${c.title} 等待 ${party.name} 签署`,
      facts: [
        ['文件', caseLine(c)],
        ['需要', `${party.role} ${party.name} 查收邮件并签署`],
        ['截止', `${date(expiresAt)}前（签署链接到期）`],
      ],
      link: linkFor(c),
    },
    ...(c.process_id ? { mention: { processId: c.process_id, email: party.email } } : {}),
  };
}

/** A policy was sent to staff for 已阅读并同意: one message for the whole campaign. */
export function ackCampaignNotice(c: CaseRow, staff: number, linkDays: number): Notice {
  return {
    event: 'waiting',
    scopes: scopesOf(c),
    subjectId: c.id,
    message: {
      title: `【待确认】${c.title} 已发给 ${staff} 名员工`,
      facts: [
        ['制度', caseLine(c)],
        ['需要', `${staff} 名员工查收邮件，阅读后确认“已阅读并同意”`],
        ['截止', `${date(new Date(new Date(c.created_at).getTime() + linkDays * 86_400_000))}前（确认链接到期）`],
        ['发起人', c.sender_name],
      ],
      link: linkFor(c),
    },
  };
}

/** Everyone signed (or every employee confirmed). */
export function completedNotice(c: CaseRow): Notice {
  return {
    event: 'completed',
    scopes: scopesOf(c),
    subjectId: c.process_id ?? c.id,
    message: {
      title: `【已完成】${c.title} 各方已签署`,
      facts: [
        ['文件', caseLine(c)],
        ['结果', '已生成盖章的最终文件，并已发送给各方及存档邮箱'],
      ],
      link: linkFor(c),
    },
  };
}

/** A signer sent the document back: within a process it is returned for correction; alone it ends the case. */
export function returnedNotice(c: CaseRow, party: Pick<PartyRow, 'role' | 'name'>, reason: string): Notice {
  const inProcess = !!c.process_id;
  return {
    event: 'returned',
    scopes: scopesOf(c),
    subjectId: c.process_id ?? c.id,
    message: {
      title: inProcess ? `【退回修改】${c.title} 被 ${party.name} 退回` : `【拒签】${c.title} 被 ${party.name} 拒绝签署`,
      facts: [
        ['文件', caseLine(c)],
        ['退回人', `${party.role} ${party.name}`],
        ['原因', reason],
        ['需要', inProcess ? `发起人 ${c.sender_name} 按意见修改后重新提交` : `发起人 ${c.sender_name} 与对方沟通后重新发起`],
      ],
      link: linkFor(c),
    },
    ...(c.process_id ? { mention: { processId: c.process_id, email: c.sender_email } } : {}),
  };
}

/** A process deadline two days ahead or passed (the reminder schedule's d2 and overdue runs). */
export function deadlineNotice(p: ProcessRow, parties: ProcessPartyRow[], d: Deadline, reminder: string): Notice | null {
  if (reminder !== 'd2' && !reminder.startsWith('overdue:')) return null;
  const owner = parties.find((x) => x.role === d.owner);
  const employee = parties.find((x) => x.role === 'employee');
  const overdue = d.daysLeft !== null && d.daysLeft < 0;
  return {
    event: 'deadline',
    scopes: [{ kind: 'process', id: ALL }, { kind: 'process', id: p.id }],
    subjectId: p.id,
    message: {
      title: overdue ? `【已逾期】${d.label}（${p.case_number}）` : `【2 天后到期】${d.label}（${p.case_number}）`,
      facts: [
        ['交接', `${employee?.name ?? ''} 的客户交接${p.company ? `（${p.company}）` : ''}`],
        ['需要', `${ROLE_LABEL[d.owner]} ${owner?.name ?? ''} 完成“${d.label}”`],
        ['截止', `${date(`${d.due}T00:00:00+08:00`)}${overdue ? `，已逾期 ${-d.daysLeft!} 天` : ''}`],
      ],
      link: processLink(p.id),
      // The deadline's owner is the one to act.
      ...(owner?.mobile && !owner.revoked_at ? { mentionMobiles: [owner.mobile] } : {}),
    },
  };
}
