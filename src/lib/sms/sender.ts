/**
 * Text messages (verification codes) go through a pluggable sender. The product ships one
 * implementation: a generic JSON POST that most SMS gateways (or a small adapter in front
 * of Aliyun, Tencent Cloud and the like) accept:
 *
 *   POST $SMS_URL
 *   Authorization: Bearer $SMS_TOKEN
 *   Content-Type: application/json
 *   {"to": "+8613800138000", "text": "【工作交接】您的验证码是 …"}
 *
 * Any 2xx answer counts as accepted. Without SMS_URL there is no SMS: codes go by mail.
 */
export interface SmsSender {
  send: (to: string, text: string) => Promise<void>;
  /** Where messages go, for messages that must not show the token. */
  describe: string;
}

export class SmsError extends Error {}

/** Mainland numbers as 11 digits (optionally +86); others as E.164. */
export const PHONE_PATTERN = /^(\+?86)?1[3-9]\d{9}$|^\+[1-9]\d{6,14}$/;

export function normalizePhone(phone: string): string {
  const p = phone.replace(/[\s-]/g, '');
  return /^1[3-9]\d{9}$/.test(p) ? `+86${p}` : p.startsWith('86') && p.length === 13 ? `+${p}` : p;
}

export function httpSmsSender(options: { url: string; token?: string; timeoutMs?: number }): SmsSender {
  const url = new URL(options.url);
  return {
    describe: `SMS ${url.host}`,
    send: async (to, text) => {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
          body: JSON.stringify({ to: normalizePhone(to), text }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (e) {
        throw new SmsError(`短信服务无法连接（${(e as Error).name}）`);
      }
      // The gateway's answer is not quoted: it may echo the message, and the message holds a code.
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) throw new SmsError(`短信服务返回 HTTP ${res.status}`);
    },
  };
}
