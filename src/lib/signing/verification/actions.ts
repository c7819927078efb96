import type { Sql } from '../../store/sql.js';
import type { SmsSender } from '../../sms/sender.js';
import { authorize, assertPartyCanAct, type SigningDeps } from '../common.js';
import { layout } from '../mail.js';
import {
  CODE_TTL_SECONDS, MAX_ATTEMPTS, RESEND_AFTER_SECONDS, SENDS_PER_HOUR, VERIFIED_FOR_SECONDS,
  codeHmac, codeKey, codeRefuse, codesFor, currentVerification, maskEmail, maskPhone, newCode, sameHex,
  type CodeChannel, type VerificationMethod,
} from './codes.js';

/**
 * What a party does on the signing page before the sign button: ask for a code, enter it.
 * Each step checks the link exactly as signing does (the stored record decides).
 */
export interface CodeDelivery {
  email: (mail: { to: string; subject: string; text: string; html: string }) => Promise<void>;
  /** Null when no SMS gateway is configured: codes then go by mail. */
  sms: SmsSender | null;
}

export interface VerificationState {
  required: boolean;
  method: VerificationMethod;
  /** Where the next code goes. */
  channel: CodeChannel;
  verified: boolean;
  verifiedUntil: string | null;
  /** The latest code sent on this link, while it can still be used. */
  sent: { channel: CodeChannel; maskedTo: string; expiresAt: string } | null;
  resendInSeconds: number;
}

const nowOf = (deps: SigningDeps) => deps.now?.() ?? new Date();

/** Where a party's code goes: SMS when the case asks for it and a number and a gateway exist, else mail. */
async function destination(tx: Sql, c: { id: string; process_id: string | null }, party: { id: string; email: string }, method: VerificationMethod, sms: boolean) {
  if (method === 'sms' && sms) {
    const [row] = await tx.query<{ phone: string | null }>('SELECT phone FROM parties WHERE id = $1', [party.id]);
    let phone = row?.phone ?? null;
    // A customer-handover document: the process person's mobile, when HR gave one.
    if (!phone && c.process_id) {
      const [pp] = await tx.query<{ mobile: string | null }>('SELECT mobile FROM process_parties WHERE process_id = $1 AND lower(email) = lower($2) AND mobile IS NOT NULL LIMIT 1', [c.process_id, party.email]);
      phone = pp?.mobile ?? null;
    }
    if (phone) return { channel: 'sms' as const, to: phone, maskedTo: maskPhone(phone) };
  }
  return { channel: 'email' as const, to: party.email, maskedTo: maskEmail(party.email) };
}

function resendWait(latest: { created_at: Date } | undefined, now: Date): number {
  if (!latest) return 0;
  return Math.max(0, Math.ceil((new Date(latest.created_at).getTime() + RESEND_AFTER_SECONDS * 1000 - now.getTime()) / 1000));
}

export async function verificationState(deps: SigningDeps, caseId: string, token: string, smsAvailable: boolean): Promise<VerificationState> {
  return deps.sql.transaction(async (tx) => {
    const { c, party } = await authorize(tx, deps, caseId, token, false);
    const method = c.verification;
    const now = nowOf(deps);
    const jti = party.token_jti ?? '';
    const done = method === 'none' ? null : await currentVerification(tx, party.id, jti, now);
    const [latest] = method === 'none' ? [] : await codesFor(tx, party.id, jti);
    const usable = latest && !latest.verified_at && latest.attempts < MAX_ATTEMPTS && new Date(latest.expires_at) > now;
    return {
      required: method !== 'none',
      method,
      channel: (await destination(tx, c, party, method, smsAvailable)).channel,
      verified: !!done,
      verifiedUntil: done?.verified_at ? new Date(new Date(done.verified_at).getTime() + VERIFIED_FOR_SECONDS * 1000).toISOString() : null,
      sent: usable ? { channel: latest.channel, maskedTo: latest.masked_to, expiresAt: new Date(latest.expires_at).toISOString() } : null,
      resendInSeconds: resendWait(latest, now),
    };
  });
}

function codeMessage(title: string, code: string) {
  const minutes = CODE_TTL_SECONDS / 60;
  return {
    // Never the code in a subject: subjects are logged and shown in notifications.
    subject: `签署验证码：${title}`.slice(0, 120),
    sms: `【工作交接】您签署《${title.slice(0, 30)}》的验证码是 ${code}，${minutes} 分钟内有效。请勿告诉他人。`,
    ...layout('您的签署验证码', [
      `您正在签署《${title}》。请在签署页面输入下面的 6 位验证码：`,
      code,
      `验证码 ${minutes} 分钟内有效，只能使用一次。工作人员不会向您索要验证码：如果不是您本人在操作，请忽略这封邮件。`,
    ]),
  };
}

/** Sends a new code to the party (the previous one stops working). Sends are limited per party. */
export async function sendVerificationCode(deps: SigningDeps, input: { caseId: string; token: string }, delivery: CodeDelivery): Promise<VerificationState> {
  const now = nowOf(deps);
  const prepared = await deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, input.caseId, input.token, true);
    assertPartyCanAct(c, parties, party);
    const method = c.verification;
    if (method === 'none') throw codeRefuse.notRequired();
    const [latest] = await tx.query<{ created_at: Date }>('SELECT created_at FROM verification_codes WHERE party_id = $1 ORDER BY id DESC LIMIT 1', [party.id]);
    const wait = resendWait(latest, now);
    if (wait > 0) throw codeRefuse.tooSoon(wait);
    const hourAgo = new Date(now.getTime() - 3600_000);
    const recent = await tx.query<{ created_at: Date }>('SELECT created_at FROM verification_codes WHERE party_id = $1 AND created_at > $2 ORDER BY created_at', [party.id, hourAgo]);
    if (recent.length >= SENDS_PER_HOUR) throw codeRefuse.tooMany(Math.ceil((new Date(recent[0].created_at).getTime() + 3600_000 - now.getTime()) / 1000));
    const to = await destination(tx, c, party, method, !!delivery.sms);
    const code = newCode();
    const binding = { caseId: c.id, partyId: party.id, jti: party.token_jti ?? '' };
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO verification_codes (case_id, party_id, link_jti, channel, masked_to, code_hmac, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [c.id, party.id, binding.jti, to.channel, to.maskedTo, codeHmac(codeKey(deps.secret), binding, code), now, new Date(now.getTime() + CODE_TTL_SECONDS * 1000)],
    );
    return { id: row.id, to, code, title: c.title };
  });
  const message = codeMessage(prepared.title, prepared.code);
  try {
    if (prepared.to.channel === 'sms' && delivery.sms) await delivery.sms.send(prepared.to.to, message.sms);
    else await delivery.email({ to: prepared.to.to, subject: message.subject, text: message.text, html: message.html });
  } catch (e) {
    // Not counted against the party: nothing reached them. The reason, never the message.
    await deps.sql.query('DELETE FROM verification_codes WHERE id = $1', [prepared.id]);
    console.error(`[verification] ${prepared.to.channel} delivery failed: ${(e as Error).message.slice(0, 200)}`);
    throw codeRefuse.sendFailed();
  }
  return verificationState(deps, input.caseId, input.token, !!delivery.sms);
}

/**
 * Checks a code against the latest one sent on this link: wrong (tries left), expired,
 * already used, superseded, or worn out by too many tries — each its own message.
 */
export async function checkVerificationCode(deps: SigningDeps, input: { caseId: string; token: string; code: string }): Promise<{ verified: true; verifiedUntil: string }> {
  const now = nowOf(deps);
  // A refusal that counted a try must still be committed: the transaction returns it instead of throwing.
  const outcome = await deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, input.caseId, input.token, true);
    assertPartyCanAct(c, parties, party);
    if (c.verification === 'none') throw codeRefuse.notRequired();
    const binding = { caseId: c.id, partyId: party.id, jti: party.token_jti ?? '' };
    const rows = await codesFor(tx, party.id, binding.jti);
    const latest = rows[0];
    if (!latest) throw codeRefuse.none();
    const given = codeHmac(codeKey(deps.secret), binding, input.code);
    const matches = sameHex(given, latest.code_hmac);
    if (latest.verified_at) throw matches ? codeRefuse.reused() : codeRefuse.none();
    if (latest.attempts >= MAX_ATTEMPTS) throw codeRefuse.locked();
    if (new Date(latest.expires_at) <= now) throw codeRefuse.expired();
    if (!matches) {
      const [{ attempts }] = await tx.query<{ attempts: number }>('UPDATE verification_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts', [latest.id]);
      const left = MAX_ATTEMPTS - attempts;
      if (left <= 0) return { refusal: codeRefuse.locked() };
      if (rows.slice(1).some((r) => sameHex(given, r.code_hmac))) return { refusal: r(codeRefuse.superseded(), left) };
      return { refusal: codeRefuse.wrong(left) };
    }
    await tx.query('UPDATE verification_codes SET verified_at = $2, attempts = attempts + 1 WHERE id = $1', [latest.id, now]);
    return { verifiedUntil: new Date(now.getTime() + VERIFIED_FOR_SECONDS * 1000).toISOString() };
  });
  if ('refusal' in outcome) throw outcome.refusal;
  return { verified: true, verifiedUntil: outcome.verifiedUntil };
}

/** A superseded code still costs a try: the message says how many are left. */
function r(e: Error, left: number): Error {
  e.message = `${e.message}（还可以再试 ${left} 次）`;
  return e;
}
