import { randomBytes } from 'node:crypto';
import { refuse } from './errors.js';
import { signLinkJwt, verifyLinkJwt } from './scoped-tokens.js';

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
  const token = await signLinkJwt(secret, { c: claims.caseId, p: claims.partyId, d: claims.documentSha256 }, jti, now, expiresAt);
  return { token, jti, expiresAt };
}

export async function verifyToken(secret: Uint8Array, token: string, now = new Date()): Promise<LinkClaims> {
  const { c, p, d, jti, exp } = await verifyLinkJwt(secret, token, now);
  if (typeof c !== 'string' || typeof p !== 'string' || typeof d !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') throw refuse.invalid();
  return { caseId: c, partyId: p, documentSha256: d, jti, expiresAt: new Date(exp * 1000) };
}
