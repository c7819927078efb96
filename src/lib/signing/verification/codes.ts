import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../../store/sql.js';
import { SigningError } from '../errors.js';
import { beijingTime, ZONE_LABEL } from '../../time-format.js';

/**
 * One-time codes that prove the person signing holds the address the link was sent to
 * (电子签名法第十三条: the signing data under the signer's sole control). The code is never
 * stored, logged or put in a subject line: the database keeps an HMAC bound to the case,
 * the party and the link's jti, keyed from SIGNING_SECRET.
 */
export type VerificationMethod = 'none' | 'email' | 'sms';
export type CodeChannel = 'email' | 'sms';

export const CODE_TTL_SECONDS = 10 * 60;
export const MAX_ATTEMPTS = 5;
/** A successful check lets the party sign through this link for this long. */
export const VERIFIED_FOR_SECONDS = 30 * 60;
export const RESEND_AFTER_SECONDS = 60;
export const SENDS_PER_HOUR = 5;

/** The per-kind choice for cases not opened through the sender's form (settings). */
export interface VerificationDefaults {
  acknowledgment: VerificationMethod;
  process: VerificationMethod;
}

export function parseMethod(value: string | undefined): VerificationMethod {
  const v = (value ?? '').trim().toLowerCase();
  return v === 'email' || v === 'sms' ? v : 'none';
}

/** The HMAC key, derived from the link secret so codes need no secret of their own. */
export function codeKey(secret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'handover-kit', 'verification-code v1', 32));
}

export interface CodeBinding {
  caseId: string;
  partyId: string;
  jti: string;
}

export function codeHmac(key: Buffer, b: CodeBinding, code: string): string {
  return createHmac('sha256', key).update(`${b.caseId}\0${b.partyId}\0${b.jti}\0${code}`).digest('hex');
}

export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** zhangsan@example.com → zh****@example.com */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const keep = local.length <= 2 ? 1 : 2;
  return `${local.slice(0, keep)}${'*'.repeat(Math.max(2, Math.min(6, local.length - keep)))}${email.slice(at)}`;
}

/** +8613812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
}

export interface CodeRow {
  id: string;
  case_id: string;
  party_id: string;
  link_jti: string;
  channel: CodeChannel;
  masked_to: string;
  code_hmac: string;
  created_at: Date;
  expires_at: Date;
  attempts: number;
  verified_at: Date | null;
}

/** A new case's parties' mobile numbers for SMS codes (by position), in the caller's transaction; the method itself is a column of the case row. */
export async function setPartyPhones(tx: Sql, caseId: string, phones: Array<string | undefined>): Promise<void> {
  for (const [position, phone] of phones.entries()) {
    if (phone) await tx.query('UPDATE parties SET phone = $3 WHERE case_id = $1 AND position = $2', [caseId, position, phone]);
  }
}

export const codesFor = (tx: Sql, partyId: string, jti: string) =>
  tx.query<CodeRow>('SELECT * FROM verification_codes WHERE party_id = $1 AND link_jti = $2 ORDER BY id DESC LIMIT 20', [partyId, jti]);

/** The party's check that still lets them sign through this link, if any. */
export async function currentVerification(tx: Sql, partyId: string, jti: string, now: Date): Promise<CodeRow | null> {
  const [row] = await tx.query<CodeRow>(
    `SELECT * FROM verification_codes WHERE party_id = $1 AND link_jti = $2 AND verified_at IS NOT NULL AND verified_at > $3 ORDER BY verified_at DESC LIMIT 1`,
    [partyId, jti, new Date(now.getTime() - VERIFIED_FOR_SECONDS * 1000)],
  );
  return row ?? null;
}

/**
 * The sign request's check (called by signAsParty in its transaction): a case that asks for
 * a code refuses a signature without a recent successful check on this very link.
 */
export async function requireVerification(tx: Sql, c: { verification: VerificationMethod }, party: { id: string; token_jti: string | null }, now: Date): Promise<void> {
  if (c.verification === 'none') return;
  if (party.token_jti && (await currentVerification(tx, party.id, party.token_jti, now))) return;
  throw new SigningError('verification-required', `请先完成身份验证：获取并输入 6 位验证码后再签署（验证后 ${VERIFIED_FOR_SECONDS / 60} 分钟内有效）。`, 403);
}

/** Each party's verification on record (the latest successful check), by party id. */
export async function partyVerifications(tx: Sql, caseId: string): Promise<Map<string, { channel: CodeChannel; maskedTo: string; verifiedAt: Date }>> {
  const rows = await tx.query<{ party_id: string; channel: CodeChannel; masked_to: string; verified_at: Date }>(
    'SELECT party_id, channel, masked_to, verified_at FROM verification_codes WHERE case_id = $1 AND verified_at IS NOT NULL ORDER BY verified_at',
    [caseId],
  );
  return new Map(rows.map((r) => [r.party_id, { channel: r.channel, maskedTo: r.masked_to, verifiedAt: new Date(r.verified_at) }]));
}

/** The audit page's line: 邮箱验证码（发送至 zh****@ex.com，2026-11-29 10:02:03 北京时间 验证通过） or 仅凭邮件链接. */
export function verificationText(v: { channel: CodeChannel; maskedTo: string; verifiedAt: Date } | undefined): string {
  if (!v) return '仅凭邮件链接（未要求验证码）';
  return `${v.channel === 'sms' ? '短信验证码' : '邮箱验证码'}（发送至 ${v.maskedTo}，${beijingTime(v.verifiedAt)}（${ZONE_LABEL}）验证通过）`;
}

/** Unverified codes are worth nothing after they expire; verified rows stay as evidence. */
export async function sweepVerificationCodes(sql: Sql, now = new Date()): Promise<void> {
  await sql.query('DELETE FROM verification_codes WHERE verified_at IS NULL AND expires_at < $1', [new Date(now.getTime() - 2 * 3600_000)]);
}

export const codeRefuse = {
  notRequired: () => new SigningError('verification-not-required', '这份文件不需要验证码，可以直接签署。', 409),
  tooSoon: (s: number) => new SigningError('code-too-soon', `验证码刚刚发出，请 ${s} 秒后再重新获取。`, 429, s),
  tooMany: (s: number) =>
    new SigningError('code-send-limit', `一小时内最多获取 ${SENDS_PER_HOUR} 次验证码，请 ${Math.ceil(s / 60)} 分钟后再试；如一直收不到，请联系发起人核对您的邮箱或手机号。`, 429, s),
  none: () => new SigningError('code-missing', '请先点击“获取验证码”。', 400),
  wrong: (left: number) => new SigningError('code-wrong', `验证码不正确，请核对后重新输入（还可以再试 ${left} 次）。`, 422),
  superseded: () => new SigningError('code-superseded', '这是之前发送的验证码，已被新的验证码取代：请输入最新一条消息中的验证码。', 422),
  expired: () => new SigningError('code-expired', `验证码已过期（${CODE_TTL_SECONDS / 60} 分钟内有效）：请重新获取验证码。`, 410),
  reused: () => new SigningError('code-reused', '这个验证码已经使用过，不能再次使用：请重新获取验证码。', 409),
  locked: () => new SigningError('code-locked', `验证码已连续输错 ${MAX_ATTEMPTS} 次，已经作废：请重新获取新的验证码。`, 429),
  sendFailed: () => new SigningError('code-send-failed', '验证码发送失败，请稍后重试；如一直失败，请联系发起人。', 502),
};

export { sameHex };
