import type { Sql } from '../store/sql.js';
import { robotRepo } from './store.js';
import { PLATFORM_LABEL, type FailureKind } from './types.js';

/**
 * A case's robot messages as its own pages show them (the case page by case link, the
 * signing management page by management key). Anyone holding such a link may read this, so
 * a failure is told by its kind in fixed wording: the platform's raw reply (which may quote
 * the webhook) and anything of the robot's address stay on the HR admin page.
 */
const REASON: Record<FailureKind, string> = {
  'bad-key': '机器人地址无效（key 不正确或机器人已被移出群聊），请 HR 管理员在“群机器人通知”页重新添加',
  signature: '签名校验失败（加签密钥不正确），请 HR 管理员核对机器人的密钥',
  'rate-limited': '发送过于频繁，被平台限流',
  keyword: '消息不含机器人设置的自定义关键词（应为“交接”）',
  ip: '服务器 IP 不在机器人的 IP 白名单中',
  rejected: '平台拒绝了这条消息，详情见“群机器人通知”页',
  http: '平台暂时无法接收消息',
  unreachable: '无法连接到机器人平台（网络不通或超时）',
};

export interface RobotDelivery {
  id: string;
  robot: string;
  platform: string;
  title: string;
  /** sent: 已送达; queued: not tried yet; retrying: failed, tried again at nextAttemptAt. */
  state: 'sent' | 'queued' | 'retrying';
  attempts: number;
  reason: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}

export async function caseRobotDeliveries(tx: Sql, subjectId: string): Promise<RobotDelivery[]> {
  const rows = await robotRepo.forSubject(tx, subjectId);
  return rows.map((r) => ({
    id: String(r.id),
    robot: r.robot_name,
    platform: PLATFORM_LABEL[r.platform],
    title: r.title,
    state: r.sent_at ? 'sent' : r.attempts > 0 ? 'retrying' : 'queued',
    attempts: r.attempts,
    reason: r.sent_at || !r.last_error_kind ? null : (REASON[r.last_error_kind as FailureKind] ?? REASON.rejected),
    nextAttemptAt: r.sent_at ? null : new Date(r.next_attempt_at).toISOString(),
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
