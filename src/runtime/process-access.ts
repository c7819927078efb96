import type { VercelRequest } from '@vercel/node';
import type { Sql } from '../lib/store/sql.js';
import { actorFromToken, type Actor, type ProcessDeps } from '../lib/process/service.js';
import { adminEmails, adminFromSession } from '../lib/process/admin.js';
import { adminCookie } from './http.js';

/**
 * A party by their case link, or else an HR admin by their session cookie. Both are checked
 * inside the caller's transaction (PGlite has one connection: a second query outside it
 * would wait for the transaction forever).
 */
export async function processActor(tx: Sql, deps: ProcessDeps, req: VercelRequest, processId: string, token: string | undefined): Promise<Actor> {
  if (token) return actorFromToken(tx, deps, processId, token);
  return { kind: 'admin', email: await adminFromSession(deps, adminCookie(req), adminEmails(), tx) };
}
