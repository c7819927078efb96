import { createHmac } from 'node:crypto';
import { explain, httpVerdict, mdEscape, type PlatformModule, type RobotMessage, type Verdict } from './types.js';

/**
 * 钉钉 custom robot: POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN with
 * `{msgtype: "markdown", markdown: {title, text}, at: {atMobiles, isAtAll}}`. With 加签 the
 * address also carries `timestamp` (milliseconds) and `sign` = urlencode(base64(
 * HmacSHA256(key = secret, message = timestamp + "\n" + secret))). Reply `{errcode,
 * errmsg}`; 20 messages a minute per robot.
 */

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function dingtalkBody(msg: RobotMessage) {
  const mobiles = msg.mentionMobiles ?? [];
  // DingTalk notifies an @mentioned member only when "@mobile" also appears in the text.
  const text = [
    `#### ${mdEscape(msg.title)}`,
    ...msg.facts.map(([k, v]) => `- ${k}：${mdEscape(v)}`),
    '',
    `[${msg.link.label}](${msg.link.url})`,
    ...(mobiles.length ? ['', mobiles.map((m) => `@${m}`).join(' ')] : []),
  ].join('\n');
  return { msgtype: 'markdown', markdown: { title: msg.title, text }, at: { atMobiles: mobiles, isAtAll: false } };
}

export function interpretDingtalk(status: number, reply: unknown): Verdict {
  const r = reply as { errcode?: unknown; errmsg?: unknown } | null;
  if (typeof r?.errcode !== 'number') return httpVerdict(status, reply);
  if (r.errcode === 0) return { ok: true };
  const msg = String(r.errmsg ?? '');
  const detail = `errcode ${r.errcode}: ${msg}`;
  // 310000 covers every security-setting refusal; errmsg says which.
  if (r.errcode === 310000) {
    if (/sign|timestamp/i.test(msg)) return { ok: false, kind: 'signature', explanation: explain.signature, detail };
    if (/keyword/i.test(msg)) return { ok: false, kind: 'keyword', explanation: explain.keyword, detail };
    if (/ip|whitelist/i.test(msg)) return { ok: false, kind: 'ip', explanation: explain.ip, detail };
  }
  if (r.errcode === 300001 || r.errcode === 400102 || r.errcode === 300005 || /token is not exist|robot.*(stop|not exist)/i.test(msg)) {
    return { ok: false, kind: 'bad-key', explanation: explain.badKey, detail };
  }
  if (r.errcode === 410100 || r.errcode === 130101 || /too fast|limit/i.test(msg)) return { ok: false, kind: 'rate-limited', explanation: explain.rateLimited, detail };
  return { ok: false, kind: 'rejected', explanation: `钉钉拒绝了这条消息（${detail}）。`, detail };
}

export const dingtalk: PlatformModule = {
  hosts: ['oapi.dingtalk.com'],
  keyOf: (url) =>
    url.pathname === '/robot/send' && /^[A-Za-z0-9_-]{16,128}$/.test(url.searchParams.get('access_token') ?? '') ? url.searchParams.get('access_token') : null,
  rateLimit: { perMinute: 20 },
  prepare: (webhook, secret, msg, now) => {
    const url = new URL(webhook);
    if (secret) {
      const timestamp = now.getTime();
      url.searchParams.set('timestamp', String(timestamp));
      url.searchParams.set('sign', dingtalkSign(secret, timestamp)); // URLSearchParams url-encodes it
    }
    return { url: url.toString(), body: dingtalkBody(msg) };
  },
  interpret: interpretDingtalk,
};
