import { randomBytes } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import { repo } from '../store/repo.js';
import { SigningError } from '../signing/errors.js';
import type { ProcessDeps } from '../process/service.js';
import { outline, parseStored, runRequest, type SendOutline, type SendRequest, type SendResult } from './kinds.js';
import { confirmRefusal, confirmUrl, issueConfirmLink, verifyConfirmLink } from './link.js';
import { confirmSendMail, sendStartedMail } from './mail.js';

/**
 * Senders prove who they are before the product mails anyone on their behalf. A request that
 * would mail others is validated, stored as a pending send, and one mail goes to the
 * sender's own address. Only the link in it runs the request — the original create
 * function, exactly once: the click claims the row (UPDATE … WHERE confirmed_at IS NULL) and
 * creates the case in the same transaction, so a second or concurrent click finds it claimed
 * and shows the result, and a crash leaves it unclaimed. An HR admin signed in sends directly.
 */
export const CONFIRM_HOURS = 24;

export interface SenderQuota {
  /** Pending sends one sender address may start per 24 hours (each mails that address once). */
  perSender: number;
  /** People one sender may have mailed per 24 hours, counted when a send is confirmed. */
  recipientsPerDay: number;
}

/** A refused quota: a 429 with when to try again. */
export class QuotaError extends SigningError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super('quota', message, 429);
  }
}

const DAY_MS = 86_400_000;
const newId = () => randomBytes(9).toString('base64url');
const nowOf = (d: ProcessDeps) => d.now?.() ?? new Date();

/** The create functions open their own transaction: inside ours, they join it instead. */
function joined(tx: Sql): Sql {
  const sql: Sql = { ...tx, transaction: <T>(fn: (t: Sql) => Promise<T>) => fn(sql) };
  return sql;
}
const within = (deps: ProcessDeps, tx: Sql): ProcessDeps => ({ ...deps, sql: joined(tx) });

/** One sender's quota checks at a time (PostgreSQL; PGlite runs one transaction at a time anyway). */
async function lockSender(tx: Sql, email: string) {
  if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(727275, hashtext($1))', [email]);
}

interface Usage {
  sends: number;
  recipients: number;
  /** When the oldest counted send / confirmation leaves the 24-hour window. */
  sendsFreeAt: Date | null;
  recipientsFreeAt: Date | null;
}

async function usage(tx: Sql, email: string, now: Date): Promise<Usage> {
  const since = new Date(now.getTime() - DAY_MS);
  const [u] = await tx.query<{ sends: number | string; recipients: number | string; first_sent: Date | null; first_confirmed: Date | null }>(
    `SELECT count(*) FILTER (WHERE created_at > $2) AS sends,
            coalesce(sum(recipients) FILTER (WHERE confirmed_at > $2), 0) AS recipients,
            min(created_at) FILTER (WHERE created_at > $2) AS first_sent,
            min(confirmed_at) FILTER (WHERE confirmed_at > $2) AS first_confirmed
       FROM pending_sends WHERE sender_email = $1 AND (created_at > $2 OR confirmed_at > $2)`,
    [email, since],
  );
  const later = (d: Date | null) => (d ? new Date(new Date(d).getTime() + DAY_MS) : null);
  return { sends: Number(u.sends), recipients: Number(u.recipients), sendsFreeAt: later(u.first_sent), recipientsFreeAt: later(u.first_confirmed) };
}

const secondsUntil = (at: Date | null, now: Date) => Math.max(60, Math.ceil(((at?.getTime() ?? now.getTime() + DAY_MS) - now.getTime()) / 1000));

function assertRecipients(u: Usage, adding: number, quota: SenderQuota, now: Date) {
  if (u.recipients + adding <= quota.recipientsPerDay) return;
  const left = Math.max(0, quota.recipientsPerDay - u.recipients);
  throw new QuotaError(
    `今天已向 ${u.recipients} 人发出，再发给 ${adding} 人会超过每位发起人每天 ${quota.recipientsPerDay} 人的上限（今天还可发 ${left} 人）：请明天再试或联系 HR 管理员。`,
    secondsUntil(u.recipientsFreeAt, now),
  );
}

export interface PendingReceipt {
  /** Where the confirmation mail went. */
  email: string;
  expiresAt: Date;
  message: string;
}

/** Stores a validated request and mails its sender a confirmation link (one transaction). */
export async function requestConfirmation(deps: ProcessDeps, r: SendRequest, baseUrl: string, quota: SenderQuota): Promise<PendingReceipt> {
  const o = outline(r, deps.forms);
  const now = nowOf(deps);
  const id = newId();
  const expiresAt = new Date(now.getTime() + CONFIRM_HOURS * 3_600_000);
  const { token, jti } = await issueConfirmLink(deps.secret, id, now);
  await deps.sql.transaction(async (tx) => {
    await lockSender(tx, o.sender.email);
    const u = await usage(tx, o.sender.email, now);
    if (u.sends >= quota.perSender) {
      throw new QuotaError(`今天已发起 ${u.sends} 次发送，达到每位发起人每天 ${quota.perSender} 次的上限：请明天再试或联系 HR 管理员。`, secondsUntil(u.sendsFreeAt, now));
    }
    assertRecipients(u, o.recipients.length, quota, now);
    await tx.query(
      `INSERT INTO pending_sends (id, kind, request_json, summary, recipients, sender_email, token_jti, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, r.kind, JSON.stringify(r.body), o.summary, o.recipients.length, o.sender.email, jti, now, expiresAt],
    );
    await repo.queueMail(tx, null, confirmSendMail(o, confirmUrl(baseUrl, token), expiresAt));
  });
  return { email: o.sender.email, expiresAt, message: pendingMessage(o.sender.email) };
}

export const pendingMessage = (email: string) =>
  `确认邮件已发到 ${email}：请到该邮箱点击其中的链接，确认后才会发给各方。目前尚未向任何人发送（链接 ${CONFIRM_HOURS} 小时内有效）。`;

/** An HR admin signed in sends directly; the management link is mailed to the admin too. */
export async function sendDirect(deps: ProcessDeps, r: SendRequest, baseUrl: string, adminEmail: string): Promise<SendResult> {
  const o = outline(r, deps.forms);
  return deps.sql.transaction(async (tx) => {
    const result = await runRequest(within(deps, tx), r, baseUrl);
    if (result.manageUrl) await repo.queueMail(tx, null, sendStartedMail(adminEmail, o.summary, { ...result, manageUrl: result.manageUrl }));
    return result;
  });
}

interface PendingRow {
  id: string;
  kind: string;
  request_json: unknown;
  summary: string;
  recipients: number;
  sender_email: string;
  token_jti: string;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  result_json: SendResult | null;
}

/** What the confirmation page shows: what is (or was) sent, and whether it still waits. */
export interface PendingView {
  state: 'pending' | 'sent' | 'expired';
  kind: string;
  summary: string;
  senderEmail: string;
  recipients: number;
  /** Pending only: who will be mailed (the first 50). */
  recipientList: SendOutline['recipients'];
  expiresAt: string;
  confirmedAt: string | null;
  result: SendResult | null;
}

async function rowFor(sql: Sql, claims: { pendingId: string; jti: string }): Promise<PendingRow> {
  const [row] = await sql.query<PendingRow>('SELECT * FROM pending_sends WHERE id = $1', [claims.pendingId]);
  if (!row) throw new SigningError('not-found', '找不到这次发送：确认链接可能已过期被清理。什么都没有发出，请重新发起。', 404);
  if (row.token_jti !== claims.jti) throw confirmRefusal.invalid();
  return row;
}

function viewOf(deps: ProcessDeps, row: PendingRow, now: Date): PendingView {
  const confirmed = !!row.confirmed_at;
  const expired = !confirmed && new Date(row.expires_at) <= now;
  let recipientList: SendOutline['recipients'] = [];
  if (!confirmed && !expired) recipientList = outline(parseStored(row.kind, row.request_json), deps.forms).recipients.slice(0, 50);
  return {
    state: confirmed ? 'sent' : expired ? 'expired' : 'pending',
    kind: row.kind,
    summary: row.summary,
    senderEmail: row.sender_email,
    recipients: Number(row.recipients),
    recipientList,
    expiresAt: new Date(row.expires_at).toISOString(),
    confirmedAt: row.confirmed_at ? new Date(row.confirmed_at).toISOString() : null,
    result: row.result_json,
  };
}

export async function viewPending(deps: ProcessDeps, token: string): Promise<PendingView> {
  const now = nowOf(deps);
  const row = await rowFor(deps.sql, await verifyConfirmLink(deps.secret, token, now));
  return viewOf(deps, row, now);
}

/**
 * The sender's click: claims the row and runs the request in one transaction. Returns the
 * result with the management link the first time; afterwards, what was sent (no link: it
 * is not stored, it is in the sender's mailbox).
 */
export async function confirmPending(deps: ProcessDeps, token: string, baseUrl: string, quota: SenderQuota): Promise<PendingView & { firstTime: boolean }> {
  const now = nowOf(deps);
  const claims = await verifyConfirmLink(deps.secret, token, now);
  return deps.sql.transaction(async (tx) => {
    // Concurrent clicks: the second UPDATE waits for the first transaction's row lock and,
    // once that commits, finds confirmed_at set and claims nothing.
    const [claimed] = await tx.query<PendingRow>(
      `UPDATE pending_sends SET confirmed_at = $3 WHERE id = $1 AND token_jti = $2 AND confirmed_at IS NULL AND expires_at > $3 RETURNING *`,
      [claims.pendingId, claims.jti, now],
    );
    if (!claimed) {
      const row = await rowFor(tx, claims);
      if (!row.confirmed_at) throw new SigningError('expired', `确认链接已过期（${CONFIRM_HOURS} 小时内有效）：什么都没有发出。请重新发起，系统会再发一封确认邮件。`, 410);
      return { ...viewOf(deps, row, now), firstTime: false };
    }
    const r = parseStored(claimed.kind, claimed.request_json);
    await lockSender(tx, claimed.sender_email);
    const u = await usage(tx, claimed.sender_email, now);
    // This row is already counted as confirmed now: check the others plus it.
    assertRecipients({ ...u, recipients: u.recipients - Number(claimed.recipients) }, Number(claimed.recipients), quota, now);
    const result = await runRequest(within(deps, tx), r, baseUrl);
    const { manageUrl, ...stored } = result;
    // The request (form values, staff list) is not kept once it has become a case.
    await tx.query(`UPDATE pending_sends SET result_json = $2, request_json = '{}'::jsonb WHERE id = $1`, [claimed.id, JSON.stringify(stored)]);
    if (manageUrl) await repo.queueMail(tx, null, sendStartedMail(claimed.sender_email, claimed.summary, { ...result, manageUrl }));
    const row = { ...claimed, confirmed_at: now, result_json: stored };
    return { ...viewOf(deps, row, now), result, firstTime: true };
  });
}

/** Drops requests never confirmed (a day after they expired) and old confirmations (maintenance). */
export async function sweepPendingSends(sql: Sql, now = new Date()): Promise<void> {
  await sql.query(
    `DELETE FROM pending_sends WHERE (confirmed_at IS NULL AND expires_at < $1::timestamptz - interval '1 day') OR confirmed_at < $1::timestamptz - interval '8 days'`,
    [now],
  );
}
