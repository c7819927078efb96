/** What the three robot platforms have in common, and the message the product sends them. */
export const PLATFORMS = ['wecom', 'dingtalk', 'feishu'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABEL: Record<Platform, string> = { wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书' };

/**
 * One notice, independent of the platform: a title, labelled facts (what is needed, by whom,
 * by when) and one link — to a case page without any token, or to the product's home.
 */
export interface RobotMessage {
  title: string;
  facts: Array<[label: string, value: string]>;
  /** A path on the product's site ('/case/?p=…', '/'); the sender prefixes the product's address. */
  link: { label: string; url: string };
  /** Mobile numbers to @mention where the platform can (WeCom, DingTalk). */
  mentionMobiles?: string[];
}

/** A request ready to POST: the webhook address (DingTalk signs in the query) and the JSON body. */
export interface PreparedRequest {
  url: string;
  body: unknown;
}

export type FailureKind = 'bad-key' | 'signature' | 'rate-limited' | 'keyword' | 'ip' | 'rejected' | 'http' | 'unreachable';

export type Verdict = { ok: true } | { ok: false; kind: FailureKind; explanation: string; detail: string };

/** Requests a platform accepts per robot: per minute, and per second where it says so. */
export interface RateLimit {
  perMinute: number;
  perSecond?: number;
}

export interface PlatformModule {
  /** Hosts the platform's webhooks live on (https only). */
  hosts: readonly string[];
  /** Whether the path and query look like this platform's robot webhook; returns the key part. */
  keyOf(url: URL): string | null;
  rateLimit: RateLimit;
  prepare(webhook: string, secret: string | null, msg: RobotMessage, now: Date): PreparedRequest;
  interpret(status: number, reply: unknown): Verdict;
}

/** Plain text of a message, for platforms' text messages and for logs. */
export function plainText(msg: RobotMessage): string {
  return [msg.title, ...msg.facts.map(([k, v]) => `${k}：${v}`), `${msg.link.label}：${msg.link.url}`].join('\n');
}

/** Markdown's special characters in values typed by people (names, titles) shown as themselves. */
export function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]<>#])/g, '\\$1');
}

export const explain = {
  badKey: '机器人地址无效：Webhook 中的 key / access_token 不正确，或机器人已被移出群聊。请在群设置中复制新的 Webhook 地址后重新添加。',
  signature: '签名校验失败：加签密钥不正确，或服务器时间与标准时间相差超过 1 小时。请核对机器人安全设置中的密钥（钉钉为 SEC 开头的字符串）。',
  rateLimited: '发送过于频繁，被平台限流：消息会稍后自动重发，不会丢失。',
  keyword: '消息不含机器人安全设置中的自定义关键词：请把关键词改为“交接”，或改用加签方式。',
  ip: '本服务器的 IP 不在机器人的 IP 白名单中：请在机器人安全设置中添加服务器出口 IP，或改用加签方式。',
  http: (status: number) => `平台返回 HTTP ${status}，暂时无法发送；消息会稍后自动重发。`,
  unreachable: '无法连接到机器人平台（网络不通或超时）；消息会稍后自动重发。',
};

/** A reply that is not JSON or lacks the code field: explained by the HTTP status alone. */
export function httpVerdict(status: number, reply: unknown): Verdict {
  if (status === 429) return { ok: false, kind: 'rate-limited', explanation: explain.rateLimited, detail: `HTTP 429` };
  return { ok: false, kind: 'http', explanation: explain.http(status), detail: `HTTP ${status} ${JSON.stringify(reply ?? '').slice(0, 200)}` };
}
