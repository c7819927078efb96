import { SignJWT, jwtVerify, errors } from 'jose';
import { randomBytes } from 'node:crypto';
import { refuse, SigningError } from './errors.js';

/**
 * Every link token of the product, signed and verified here: an HS256 JWT whose audience
 * (`aud`) names the kind of link, so a token of one kind is never accepted as another.
 *
 * - `sign`: a party's signing link — subject the case, holder the party, bound to the document hash.
 * - `case`: a party's link to a customer-handover case page — subject the process, holder the role.
 * - `notice`: a customer's handover-notice link — subject the process, holder the customer.
 * - `admin-link`: an HR admin's emailed sign-in link — subject the admin's email.
 * - `admin-session`: the session an admin link becomes (HttpOnly cookie) — subject the email.
 * - `confirm`: a sender's "请确认发送" link — subject the pending send.
 * - `manage`: reserved. A sender's management link is a random key checked against its stored
 *   hash, not a JWT, so a token of any kind given as a management key is refused there.
 *
 * A JWT cannot be revoked by itself: each caller checks the stored record (the party's or
 * session's current jti, the case's status), which decides.
 */
export type LinkKind = 'sign' | 'manage' | 'case' | 'notice' | 'admin-link' | 'admin-session' | 'confirm';

export interface LinkClaims {
  kind: LinkKind;
  /** What the link opens: case id, process id, or the admin's email. */
  subject: string;
  /** Who within it: party id, process role, customer id; empty for admin links. */
  holder: string;
  /** Signing links only: SHA-256 of the document the link was issued for. */
  documentSha256: string;
  jti: string;
  expiresAt: Date;
}

const ISSUER = 'handover-kit';
const newJti = () => randomBytes(16).toString('base64url');

/** A link that predates audiences (signed by us, but without `aud`): refused with its own message. */
const outdated = () => new SigningError('outdated', '这个链接是系统升级前发出的，已失效：请使用最新邮件中的链接，或联系发起人重新发送。', 410);

/**
 * The secret as an HMAC key, imported once per secret: given raw bytes, jose imports a
 * WebCrypto key on every sign and verify, a measurable share of a signature's time under load.
 */
const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * Issues a link token of `kind`. `jti` re-issues under a stored id (a case link mailed
 * again keeps earlier mails working until that id is replaced); otherwise a new one.
 */
export async function issueLink(
  secret: Uint8Array,
  kind: LinkKind,
  claims: { subject: string; holder?: string; documentSha256?: string },
  ttlSeconds: number,
  now = new Date(),
  jti?: string | null,
): Promise<{ token: string; jti: string; expiresAt: Date }> {
  const id = jti || newJti();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const payload: Record<string, string> = { h: claims.holder ?? '' };
  if (claims.documentSha256 !== undefined) payload.d = claims.documentSha256;
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(kind)
    .setSubject(claims.subject)
    .setJti(id)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(secret));
  return { token, jti: id, expiresAt };
}

/**
 * Tokens this process has verified, per secret: a link's request checks its token twice (the
 * rate limit, then the action), and each HMAC check through WebCrypto costs more than the
 * rest of the lookup. A hit stands for the same check — same token, same secret, same kind —
 * except for time, so expiry is checked again on every use. Only good tokens are kept, at most
 * `VERIFIED_MAX` per secret (the oldest go first).
 */
const verified = new WeakMap<Uint8Array, Map<string, LinkClaims>>();
const VERIFIED_MAX = 5_000;

/**
 * Verifies a link token as `kind`: signature, expiry (its own refusal), issuer and
 * audience. Any other kind of link, a forged or truncated token, is "invalid".
 */
export async function verifyLink(secret: Uint8Array, token: string, kind: LinkKind, now = new Date()): Promise<LinkClaims> {
  if (typeof token !== 'string' || token.length > 2048) throw refuse.invalid();
  let seen = verified.get(secret);
  if (!seen) verified.set(secret, (seen = new Map()));
  const key = `${kind} ${token}`;
  const known = seen.get(key);
  if (known) {
    // jose's rule: expired once `exp` (whole seconds) is not after now.
    if (known.expiresAt.getTime() / 1000 <= Math.floor(now.getTime() / 1000)) throw refuse.expired();
    return { ...known };
  }
  let payload: Record<string, unknown>;
  try {
    payload = (await jwtVerify(token, await hmacKey(secret), { algorithms: ['HS256'], currentDate: now })).payload as Record<string, unknown>;
  } catch (e) {
    throw e instanceof errors.JWTExpired ? refuse.expired() : refuse.invalid();
  }
  if (payload.aud === undefined && payload.iss === undefined) throw outdated();
  const { aud, iss, sub, h, d, jti, exp } = payload;
  if (aud !== kind || iss !== ISSUER || typeof sub !== 'string' || typeof h !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') throw refuse.invalid();
  if (kind === 'sign' && typeof d !== 'string') throw refuse.invalid();
  const claims: LinkClaims = { kind, subject: sub, holder: h, documentSha256: typeof d === 'string' ? d : '', jti, expiresAt: new Date(exp * 1000) };
  if (seen.size >= VERIFIED_MAX) seen.delete(seen.keys().next().value!);
  seen.set(key, claims);
  return { ...claims };
}

/* ---------- signing links ---------- */

export interface SignLinkClaims {
  caseId: string;
  partyId: string;
  documentSha256: string;
  jti: string;
  expiresAt: Date;
}

/** A party's signing link: bound to one case, one party and the document hash. */
export function issueSignLink(secret: Uint8Array, claims: { caseId: string; partyId: string; documentSha256: string }, ttlDays: number, now = new Date()) {
  return issueLink(secret, 'sign', { subject: claims.caseId, holder: claims.partyId, documentSha256: claims.documentSha256 }, ttlDays * 86_400, now);
}

export async function verifySignLink(secret: Uint8Array, token: string, now = new Date()): Promise<SignLinkClaims> {
  const c = await verifyLink(secret, token, 'sign', now);
  return { caseId: c.subject, partyId: c.holder, documentSha256: c.documentSha256, jti: c.jti, expiresAt: c.expiresAt };
}
