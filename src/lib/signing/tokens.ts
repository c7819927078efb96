import { SignJWT, jwtVerify, errors } from 'jose';
import { randomBytes } from 'node:crypto';
import { refuse } from './errors';

/**
 * Signing links carry an HS256 JWT bound to one case, one party and the document hash. The
 * JWT alone cannot be revoked, so the stored party (its current jti, status) decides.
 */
export interface LinkClaims {
  caseId: string;
  partyId: string;
  documentSha256: string;
  jti: string;
  expiresAt: Date;
}

export async function issueToken(
  secret: Uint8Array,
  claims: { caseId: string; partyId: string; documentSha256: string },
  ttlDays: number,
  now = new Date(),
): Promise<{ token: string; jti: string; expiresAt: Date }> {
  const jti = randomBytes(16).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
  const token = await new SignJWT({ c: claims.caseId, p: claims.partyId, d: claims.documentSha256 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(jti)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret);
  return { token, jti, expiresAt };
}

export async function verifyToken(secret: Uint8Array, token: string, now = new Date()): Promise<LinkClaims> {
  if (typeof token !== 'string' || token.length > 2048) throw refuse.invalid();
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: now });
    const { c, p, d, jti, exp } = payload as Record<string, unknown>;
    if (typeof c !== 'string' || typeof p !== 'string' || typeof d !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') throw refuse.invalid();
    return { caseId: c, partyId: p, documentSha256: d, jti, expiresAt: new Date(exp * 1000) };
  } catch (e) {
    // Expiry has its own message; every other failure (forged, altered, alg:none, wrong key) is "invalid".
    throw e instanceof errors.JWTExpired ? refuse.expired() : refuse.invalid();
  }
}
