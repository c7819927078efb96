import { SigningError } from '../signing/errors.js';
import type { Sql } from '../store/sql.js';
import { issueLink, verifyLink } from '../signing/links.js';
import { repo } from '../store/repo.js';
import { processRepo } from '../store/process-repo.js';
import type { ArchiveFilters } from '../store/archive-filters.js';
import { caseDocument } from '../signing/service.js';
import { adminLinkMail } from './mail.js';
import type { ProcessDeps } from './service.js';

/**
 * HR's archive sign-in: an emailed magic link for addresses in ADMIN_EMAILS. The link is
 * single-use (its jti is stored and spent) and becomes a short session token kept in an
 * HttpOnly cookie; the session's jti is stored too, so signing out ends it on the server.
 * Unknown addresses get the same answer, so the list cannot be probed.
 */
export const ADMIN_LINK_MINUTES = 15;
export const ADMIN_SESSION_HOURS = 8;

export function adminEmails(env = process.env.ADMIN_EMAILS ?? ''): Set<string> {
  return new Set(env.split(/[,;\s]+/).map((e) => e.trim().toLowerCase()).filter(Boolean));
}

/** `landing`: the page the link opens and signs in on (the archive, or HR home at /hr/). */
export async function requestAdminLink(deps: ProcessDeps, email: string, baseUrl: string, allowed: Set<string>, landing: '/archive/' | '/hr/' = '/archive/'): Promise<void> {
  if (!allowed.has(email)) return;
  const now = deps.now?.() ?? new Date();
  const { token, jti, expiresAt } = await issueLink(deps.secret, 'admin-link', { subject: email }, ADMIN_LINK_MINUTES * 60, now);
  await deps.sql.transaction(async (tx) => {
    await tx.query('INSERT INTO admin_logins (jti, email, expires_at) VALUES ($1,$2,$3)', [jti, email, expiresAt]);
    await repo.queueMail(tx, null, adminLinkMail(email, `${baseUrl}${landing}#t=${token}`, ADMIN_LINK_MINUTES));
  });
}

/** Spends a magic link and returns a session token. */
export async function signInAdmin(deps: ProcessDeps, token: string, allowed: Set<string>): Promise<{ session: string; email: string }> {
  const now = deps.now?.() ?? new Date();
  const claims = await verifyLink(deps.secret, token, 'admin-link', now);
  const spent = await deps.sql.query('UPDATE admin_logins SET used_at = $2 WHERE jti = $1 AND used_at IS NULL AND expires_at > $2 RETURNING 1', [claims.jti, now]);
  if (!spent.length) throw new SigningError('used', '这个登录链接已经用过或已过期：请重新获取登录邮件。', 410);
  if (!allowed.has(claims.subject)) throw new SigningError('forbidden', '该邮箱没有交接档案的访问权限。', 403);
  const { token: session, jti, expiresAt } = await issueLink(deps.secret, 'admin-session', { subject: claims.subject }, ADMIN_SESSION_HOURS * 3600, now);
  await deps.sql.transaction(async (tx) => {
    await tx.query('DELETE FROM admin_sessions WHERE expires_at < $1', [now]);
    await tx.query('INSERT INTO admin_sessions (jti, email, expires_at) VALUES ($1, $2, $3)', [jti, claims.subject, expiresAt]);
  });
  return { session, email: claims.subject };
}

/** Ends a session on the server (退出登录): its stored jti is revoked, whatever the browser keeps. */
export async function signOutAdmin(deps: ProcessDeps, session: string | undefined): Promise<void> {
  if (!session) return;
  const claims = await verifyLink(deps.secret, session, 'admin-session', deps.now?.() ?? new Date()).catch(() => null);
  if (claims) await deps.sql.query('UPDATE admin_sessions SET revoked_at = $2 WHERE jti = $1 AND revoked_at IS NULL', [claims.jti, deps.now?.() ?? new Date()]);
}

/**
 * The admin behind a session token, still on the list; else a refusal. Inside a transaction
 * pass it as `tx`: on PGlite (one connection) a query beside an open transaction waits for it.
 */
export async function adminFromSession(deps: ProcessDeps, session: string | undefined, allowed: Set<string>, tx: Sql = deps.sql): Promise<string> {
  if (!session) throw new SigningError('sign-in', '请先登录交接档案（HR 管理员）。', 401);
  const now = deps.now?.() ?? new Date();
  const expired = () => new SigningError('sign-in', '登录已过期或已退出，请重新登录交接档案。', 401);
  const claims = await verifyLink(deps.secret, session, 'admin-session', now).catch(() => {
    throw expired();
  });
  // The stored session decides: signed out (or never issued here) is refused.
  const live = await tx.query('SELECT 1 FROM admin_sessions WHERE jti = $1 AND email = $2 AND revoked_at IS NULL AND expires_at > $3', [claims.jti, claims.subject, now]);
  if (!live.length) throw expired();
  if (!allowed.has(claims.subject)) throw new SigningError('forbidden', '该邮箱没有交接档案的访问权限。', 403);
  return claims.subject;
}

export type ArchiveKind = 'process' | 'signing';

/** The archive: customer-handover cases and standalone signing cases, each newest first. */
export async function listArchive(deps: ProcessDeps, filters: ArchiveFilters & { kind?: ArchiveKind }) {
  const { kind, ...f } = filters;
  const [processes, cases] = await Promise.all([
    kind === 'signing' ? [] : processRepo.list(deps.sql, { ...f, limit: ARCHIVE_LIMIT }),
    kind === 'process' ? [] : repo.listStandaloneCases(deps.sql, { ...f, limit: ARCHIVE_LIMIT }),
  ]);
  return {
    limit: ARCHIVE_LIMIT,
    processes: processes.map((r) => ({
      id: r.id,
      caseNumber: r.case_number,
      company: r.company,
      department: r.department,
      employee: r.employee,
      stage: r.stage,
      status: r.status,
      customers: Number(r.customers),
      lastWorkingDay: r.last_working_day,
      createdAt: new Date(r.created_at).toISOString(),
      completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
    })),
    cases: cases.map((c) => ({
      id: c.id,
      caseNumber: c.case_number,
      title: c.title,
      kind: c.kind,
      department: c.department ?? '',
      giver: c.giver ?? '',
      status: c.status,
      parties: c.parties,
      signed: c.signed,
      purged: c.purged,
      /** Its document is still being rendered by the prepare job: nothing to download yet. */
      preparing: c.preparing,
      createdAt: new Date(c.created_at).toISOString(),
      completedAt: c.completed_at ? new Date(c.completed_at).toISOString() : null,
    })),
  };
}

/** What the archive page receives (plus the admin's email). */
export type ArchiveListing = Awaited<ReturnType<typeof listArchive>>;

/** Newest rows per list; narrower filters find older ones. */
export const ARCHIVE_LIMIT = 500;

/** HR's copy of a signing case: the sealed final PDF once completed, else the current one. */
export async function archiveDocument(deps: ProcessDeps, caseId: string) {
  return deps.sql.transaction(async (tx) => {
    const c = await repo.getCase(tx, caseId);
    if (!c) throw new SigningError('not-found', '找不到这个签署案件。', 404);
    const doc = await caseDocument(tx, c, c.status === 'completed' ? 'final' : 'current');
    return { ...doc, final: c.status === 'completed' };
  });
}
