import { randomBytes } from 'node:crypto';
import { SigningError } from '../signing/errors.js';
import { postToRobot, type RobotDeps } from './delivery.js';
import { checkWebhook, webhookHint } from './platforms.js';
import { robotKey, sealText } from './secrets.js';
import { robotRepo, type RobotEvent, type ScopeKind } from './store.js';
import { PLATFORM_LABEL, type Platform, type RobotMessage, type Verdict } from './types.js';

/** What HR admins do with robots: add, remove, test, choose what each hears about, see the queue. */

const notFound = () => new SigningError('not-found', '找不到这个机器人：可能已被删除。', 404);

export async function addRobot(deps: RobotDeps, input: { name: string; platform: Platform; webhook: string; secret?: string }, admin: string) {
  const { url, key } = checkWebhook(input.platform, input.webhook, deps.hostOverride);
  if (input.secret && input.platform === 'wecom') throw new SigningError('robot-secret', '企业微信群机器人没有加签密钥：请留空。', 400);
  if (input.secret && input.platform === 'dingtalk' && !/^SEC[0-9a-f]{16,}$/i.test(input.secret)) {
    throw new SigningError('robot-secret', '钉钉的加签密钥以 SEC 开头：请从机器人安全设置的“加签”一栏完整复制。', 400);
  }
  const id = randomBytes(9).toString('base64url');
  const k = robotKey(deps.secret);
  await robotRepo.insert(deps.sql, {
    id,
    name: input.name,
    platform: input.platform,
    webhook_enc: sealText(k, id, url.toString()),
    secret_enc: input.secret ? sealText(k, id, input.secret) : null,
    webhook_hint: webhookHint(url, key),
    created_by: admin,
  });
  return { id };
}

export async function removeRobot(deps: RobotDeps, id: string) {
  if (!(await robotRepo.remove(deps.sql, id))) throw notFound();
}

/** Robots as the page shows them: never the address or secret, only a hint. */
export async function listRobots(deps: RobotDeps) {
  const [robots, subscriptions] = await Promise.all([robotRepo.list(deps.sql), robotRepo.subscriptions(deps.sql)]);
  return {
    robots: robots.map((r) => ({
      id: r.id,
      name: r.name,
      platform: r.platform,
      webhook: r.webhook_hint,
      signed: r.secret,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at).toISOString(),
      pending: r.pending,
      sent: r.sent,
      lastError: r.last_error,
      lastSentAt: r.last_sent_at ? new Date(r.last_sent_at).toISOString() : null,
    })),
    subscriptions: subscriptions.map((s) => ({ robotId: s.robot_id, scopeKind: s.scope_kind, scopeId: s.scope_id, events: s.events })),
  };
}

export async function setSubscription(deps: RobotDeps, s: { robotId: string; scopeKind: ScopeKind; scopeId: string; events: RobotEvent[] }) {
  if (!(await robotRepo.get(deps.sql, s.robotId))) throw notFound();
  await robotRepo.subscribe(deps.sql, { robot_id: s.robotId, scope_kind: s.scopeKind, scope_id: s.scopeId, events: [...new Set(s.events)] });
}

export function testMessage(platform: Platform, admin: string, now: Date): RobotMessage {
  const at = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'long', timeStyle: 'short' }).format(now);
  return {
    title: '【测试】工作交接通知已接通',
    facts: [
      ['说明', `这是一条测试消息：以后待签署、退回修改、临近截止与完成的交接通知会发到这个${PLATFORM_LABEL[platform]}群。`],
      ['测试人', admin],
      ['时间', `${at}（北京时间）`],
    ],
    link: { label: '打开工作交接', url: '/' },
  };
}

/** 发送测试消息: sent at once, not queued, so the admin reads the platform's answer explained. */
export async function testRobot(deps: RobotDeps, id: string, admin: string): Promise<Verdict> {
  const robot = await robotRepo.get(deps.sql, id);
  if (!robot) throw notFound();
  const verdict = await postToRobot(deps, robot, testMessage(robot.platform, admin, deps.now?.() ?? new Date()));
  // A test message is not queued: nothing will be resent, so the admin is told to try again.
  if (!verdict.ok) return { ...verdict, explanation: verdict.explanation.replace(/[：；]?消息会稍后自动重发[^。]*。$/, '：请稍后再试。') };
  return verdict;
}

/** The queue for the admin page, or for one case (its failures shown beside the case). */
export async function robotOutbox(deps: RobotDeps, f: { robotId?: string; subjectId?: string }) {
  const rows = await robotRepo.outbox(deps.sql, { ...f, limit: 200 });
  return rows.map((r) => ({
    id: String(r.id),
    robotId: r.robot_id,
    robotName: r.robot_name,
    event: r.event,
    subjectId: r.subject_id,
    title: r.title,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.sent_at ? null : new Date(r.next_attempt_at).toISOString(),
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
