import { SigningError } from '../signing/errors.js';
import { issueLink, verifyLink } from '../signing/links.js';

/**
 * The link in a "请确认发送" mail: a link token of its own kind (audience `confirm`, which no
 * other verifier accepts, and which accepts no other link) naming the pending send. The
 * stored row's jti decides; the token lives longer than the request (which expires after
 * CONFIRM_HOURS) so that a late second click still shows what was sent.
 */
export const CONFIRM_LINK_DAYS = 7;

export const confirmRefusal = {
  invalid: () => new SigningError('invalid', '确认链接无效（可能被修改或复制不完整）：请直接点击确认邮件中的原始链接。', 401),
  expired: () => new SigningError('expired', '确认链接已过期：什么都没有发出。请重新发起，系统会再发一封确认邮件。', 410),
};

export async function issueConfirmLink(secret: Uint8Array, pendingId: string, now: Date): Promise<{ token: string; jti: string }> {
  const { token, jti } = await issueLink(secret, 'confirm', { subject: pendingId }, CONFIRM_LINK_DAYS * 86_400, now);
  return { token, jti };
}

export async function verifyConfirmLink(secret: Uint8Array, token: string, now: Date): Promise<{ pendingId: string; jti: string }> {
  const claims = await verifyLink(secret, token, 'confirm', now).catch((e: unknown) => {
    throw (e as SigningError).code === 'expired' ? confirmRefusal.expired() : confirmRefusal.invalid();
  });
  return { pendingId: claims.subject, jti: claims.jti };
}

export const confirmUrl = (baseUrl: string, token: string) => `${baseUrl}/confirm/#t=${token}`;
