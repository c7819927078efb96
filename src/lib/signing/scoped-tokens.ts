import { SignJWT, jwtVerify, errors } from 'jose';
import { randomBytes } from 'node:crypto';
import { refuse } from './errors.js';

/**
 * Links other than signing links: a party's link to a process case page, a customer's
 * notice link, an admin's sign-in link and session. Each JWT names its scope (`s`), so a
 * token of one kind is never accepted as another; the stored jti decides whether it is still
 * valid.
 */
export type TokenScope = 'process' | 'notice' | 'admin-link' | 'admin-session';

export interface ScopedClaims {
  scope: TokenScope;
  /** What the token opens (process id, or the admin's email). */
  subject: string;
  /** Who within it (party role, customer id); empty for admin tokens. */
  holder: string;
  jti: string;
  expiresAt: Date;
}

/** Signs an HS256 link JWT: the one way every link token of the product is made. */
export function signLinkJwt(secret: Uint8Array, payload: Record<string, string>, jti: string, now: Date, expiresAt: Date): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(jti)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret);
}

/** Verifies a link JWT; expiry has its own refusal, every other failure is "invalid". */
export async function verifyLinkJwt(secret: Uint8Array, token: string, now: Date): Promise<Record<string, unknown>> {
  if (typeof token !== 'string' || token.length > 2048) throw refuse.invalid();
  try {
    return (await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: now })).payload as Record<string, unknown>;
  } catch (e) {
    throw e instanceof errors.JWTExpired ? refuse.expired() : refuse.invalid();
  }
}

export async function issueScopedToken(
  secret: Uint8Array,
  claims: { scope: TokenScope; subject: string; holder?: string },
  ttlSeconds: number,
  now = new Date(),
  /** Re-issue under a stored jti: earlier links stay valid until that jti is replaced. */
  reuseJti?: string | null,
): Promise<{ token: string; jti: string; expiresAt: Date }> {
  const jti = reuseJti || randomBytes(16).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const token = await signLinkJwt(secret, { s: claims.scope, sub: claims.subject, h: claims.holder ?? '' }, jti, now, expiresAt);
  return { token, jti, expiresAt };
}

export async function verifyScopedToken(secret: Uint8Array, token: string, scope: TokenScope, now = new Date()): Promise<ScopedClaims> {
  const { s, sub, h, jti, exp } = await verifyLinkJwt(secret, token, now);
  if (s !== scope || typeof sub !== 'string' || typeof h !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') throw refuse.invalid();
  return { scope, subject: sub, holder: h, jti, expiresAt: new Date(exp * 1000) };
}
