import { createHmac } from 'node:crypto';
import { explain, httpVerdict, type PlatformModule, type RobotMessage, type Verdict } from './types.js';

/**
 * 飞书 (and Lark) custom bot: POST https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN with
 * `{msg_type: "post", content: {post: {zh_cn: {title, content: [[…tags]]}}}}`. With 签名校验
 * the body also carries `timestamp` (seconds, as a string) and `sign` = base64(HmacSHA256(
 * key = timestamp + "\n" + secret, message = empty)) — the reverse of DingTalk's. Reply
 * `{code, msg}`; 100 requests a minute and 5 a second per bot. Custom bots can @mention
 * only by open_id, not by mobile, so people are named in the text instead.
 */

export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

export function feishuBody(msg: RobotMessage) {
  return {
    msg_type: 'post',
    content: {
      post: {
        zh_cn: {
          title: msg.title,
          content: [
            ...msg.facts.map(([k, v]) => [{ tag: 'text', text: `${k}：${v}` }]),
            [{ tag: 'a', text: msg.link.label, href: msg.link.url }],
          ],
        },
      },
    },
  };
}

export function interpretFeishu(status: number, reply: unknown): Verdict {
  const r = reply as { code?: unknown; msg?: unknown; StatusCode?: unknown } | null;
  const code = typeof r?.code === 'number' ? r.code : typeof r?.StatusCode === 'number' ? r.StatusCode : null;
  if (code === null) return httpVerdict(status, reply);
  if (code === 0) return { ok: true };
  const detail = `code ${code}: ${String(r?.msg ?? '')}`;
  if (code === 19021) return { ok: false, kind: 'signature', explanation: explain.signature, detail };
  if (code === 19022) return { ok: false, kind: 'ip', explanation: explain.ip, detail };
  if (code === 19024) return { ok: false, kind: 'keyword', explanation: explain.keyword, detail };
  // 19001 param invalid: incoming webhook access token invalid; 19002 bot not in chat
  if (code === 19001 || code === 19002 || code === 19003) return { ok: false, kind: 'bad-key', explanation: explain.badKey, detail };
  if (status >= 500) return httpVerdict(status, reply);
  if (code === 11232 || status === 429) return { ok: false, kind: 'rate-limited', explanation: explain.rateLimited, detail };
  return { ok: false, kind: 'rejected', explanation: `飞书拒绝了这条消息（${detail}）。`, detail };
}

export const feishu: PlatformModule = {
  hosts: ['open.feishu.cn', 'open.larksuite.com'],
  keyOf: (url) => url.pathname.match(/^\/open-apis\/bot\/v2\/hook\/([A-Za-z0-9-]{8,128})$/)?.[1] ?? null,
  rateLimit: { perMinute: 100, perSecond: 5 },
  prepare: (webhook, secret, msg, now) => {
    const body: Record<string, unknown> = feishuBody(msg);
    if (secret) {
      const timestamp = Math.floor(now.getTime() / 1000);
      body.timestamp = String(timestamp);
      body.sign = feishuSign(secret, timestamp);
    }
    return { url: webhook, body };
  },
  interpret: interpretFeishu,
};
