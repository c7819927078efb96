import { explain, httpVerdict, mdEscape, plainText, type PlatformModule, type RobotMessage, type Verdict } from './types.js';

/**
 * 企业微信 group robot: POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY with
 * `{msgtype: "markdown", markdown: {content}}` or `{msgtype: "text", text: {content,
 * mentioned_mobile_list}}`. The key in the address is the only credential (no signing).
 * Reply `{errcode, errmsg}`; 20 messages a minute per robot.
 */

// @mentions by mobile exist only on text messages; markdown is used otherwise.
export function wecomBody(msg: RobotMessage) {
  if (msg.mentionMobiles?.length) {
    return { msgtype: 'text', text: { content: truncateBytes(plainText(msg), 2048), mentioned_mobile_list: msg.mentionMobiles } };
  }
  const content = [
    `**${mdEscape(msg.title)}**`,
    ...msg.facts.map(([k, v]) => `> ${k}：<font color="comment">${mdEscape(v)}</font>`),
    `[${msg.link.label}](${msg.link.url})`,
  ].join('\n');
  return { msgtype: 'markdown', markdown: { content: truncateBytes(content, 4096) } };
}

/** The platform counts UTF-8 bytes (a Chinese character is three). */
function truncateBytes(s: string, max: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= max) return s;
  return bytes.subarray(0, max - 3).toString('utf8').replace(/\uFFFD$/, '') + '…';
}

export function interpretWecom(status: number, reply: unknown): Verdict {
  const r = reply as { errcode?: unknown; errmsg?: unknown } | null;
  if (typeof r?.errcode !== 'number') return httpVerdict(status, reply);
  if (r.errcode === 0) return { ok: true };
  const detail = `errcode ${r.errcode}: ${String(r.errmsg ?? '')}`;
  // 93000 invalid webhook url, 40013/40014 invalid key/token, 93004 robot removed
  if ([93000, 40013, 40014, 42001, 93004].includes(r.errcode)) return { ok: false, kind: 'bad-key', explanation: explain.badKey, detail };
  if (r.errcode === 45009 || r.errcode === 45033) return { ok: false, kind: 'rate-limited', explanation: explain.rateLimited, detail };
  if (r.errcode === 60020) return { ok: false, kind: 'ip', explanation: explain.ip, detail };
  return { ok: false, kind: 'rejected', explanation: `企业微信拒绝了这条消息（${detail}）。`, detail };
}

export const wecom: PlatformModule = {
  hosts: ['qyapi.weixin.qq.com'],
  keyOf: (url) => (url.pathname === '/cgi-bin/webhook/send' && /^[A-Za-z0-9-]{8,64}$/.test(url.searchParams.get('key') ?? '') ? url.searchParams.get('key') : null),
  rateLimit: { perMinute: 20 },
  prepare: (webhook, _secret, msg) => ({ url: webhook, body: wecomBody(msg) }),
  interpret: interpretWecom,
};
