import { createHash } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import type { TsaClient } from '../pdf/timestamp.js';
import { enqueue } from '../jobs/index.js';

/** A seal issued while the TSA was down gets its time-stamp in a job of this kind, retried with back-off. */
export const TIMESTAMP_JOB = 'signing.timestamp';
/** A minute first (a TSA that just failed is rarely back at once), then doubling, for about a day in all. */
export const enqueueTimestampJob = (tx: Sql, caseId: string) =>
  enqueue(tx, TIMESTAMP_JOB, { caseId }, { dedupeKey: `timestamp:${caseId}`, delaySeconds: 60, maxAttempts: 30 });

/**
 * The seal's pending time-stamps. When the TSA could not be reached at sealing, the final
 * PDF is issued and mailed without one and the case is marked; `retryPendingTimestamps`
 * (the maintenance run, later the job queue) adds the token into the same placeholder —
 * no signed byte changes — and records the new final hash. The first hash is kept in
 * sealed_sha256 so a copy mailed before the retry still verifies.
 */
export type TimestampStatus =
  | { state: 'none' }
  | { state: 'pending'; since: string; attempts: number; error: string | null }
  | { state: 'done'; at: string };

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** What sealing did about the time-stamp: added it, or left it pending (the TSA's error). Nothing without a TSA. */
export async function recordSealTimestamp(tx: Sql, caseId: string, seal: { timestamped: boolean; pending: string | null }, now: Date): Promise<void> {
  if (seal.timestamped) await tx.query('UPDATE cases SET timestamped_at = $2 WHERE id = $1', [caseId, now]);
  else if (seal.pending) {
    await tx.query('UPDATE cases SET timestamp_pending_since = $2, timestamp_attempts = 1, timestamp_error = $3 WHERE id = $1', [caseId, now, seal.pending.slice(0, 300)]);
  }
}

export async function timestampStatus(tx: Sql, caseId: string): Promise<TimestampStatus> {
  const [row] = await tx.query<{ timestamp_pending_since: Date | null; timestamp_attempts: number; timestamp_error: string | null; timestamped_at: Date | null; final_sha256: string | null }>(
    'SELECT timestamp_pending_since, timestamp_attempts, timestamp_error, timestamped_at, final_sha256 FROM cases WHERE id = $1',
    [caseId],
  );
  if (row?.timestamp_pending_since) return { state: 'pending', since: new Date(row.timestamp_pending_since).toISOString(), attempts: row.timestamp_attempts, error: row.timestamp_error };
  if (row?.timestamped_at) return { state: 'done', at: new Date(row.timestamped_at).toISOString() };
  return { state: 'none' };
}

type TimestampDeps = { sql: Sql; tsa?: TsaClient; now?: () => Date };

/**
 * Adds the time-stamp to one case whose seal is waiting for it. The TSA is asked outside any
 * transaction; the write checks that the final PDF is still the one that was stamped. Throws
 * when the TSA fails (after counting the attempt), so the timestamp job backs off and retries.
 * False: nothing to do (already stamped, or no TSA configured any more).
 */
export async function retryCaseTimestamp(deps: TimestampDeps, caseId: string): Promise<boolean> {
  if (!deps.tsa) return false;
  const [c] = await deps.sql.query<{ id: string; final_pdf: Uint8Array; final_sha256: string }>(
    `SELECT id, final_pdf, final_sha256 FROM cases
      WHERE id = $1 AND timestamp_pending_since IS NOT NULL AND final_pdf IS NOT NULL AND length(final_pdf) > 0`,
    [caseId],
  );
  if (!c) return false;
  const { addSignatureTimestamp } = await import('../pdf/timestamp.js');
  let pdf: Buffer;
  try {
    pdf = await addSignatureTimestamp(c.final_pdf, deps.tsa);
  } catch (e) {
    await deps.sql.query('UPDATE cases SET timestamp_attempts = timestamp_attempts + 1, timestamp_error = $2 WHERE id = $1', [c.id, (e as Error).message.slice(0, 300)]);
    throw e;
  }
  const updated = await deps.sql.query(
    `UPDATE cases SET final_pdf = $3, final_sha256 = $4, sealed_sha256 = coalesce(sealed_sha256, $2),
            timestamp_pending_since = NULL, timestamp_error = NULL, timestamped_at = $5
      WHERE id = $1 AND final_sha256 = $2 AND timestamp_pending_since IS NOT NULL RETURNING id`,
    [c.id, c.final_sha256, pdf, sha256(pdf), deps.now?.() ?? new Date()],
  );
  return updated.length > 0;
}

/**
 * Every seal still waiting for its time-stamp has a timestamp job (the maintenance run): one
 * whose job gave up after a day of a TSA being down gets a fresh one. Returns how many were queued.
 */
export async function requeuePendingTimestamps(sql: Sql, tsa: TsaClient | undefined, limit = 100): Promise<number> {
  if (!tsa) return 0;
  const due = await sql.query<{ id: string }>(
    `SELECT id FROM cases WHERE timestamp_pending_since IS NOT NULL AND final_pdf IS NOT NULL ORDER BY timestamp_pending_since LIMIT $1`,
    [limit],
  );
  let queued = 0;
  for (const c of due) if (await sql.transaction((tx) => enqueueTimestampJob(tx, c.id))) queued++;
  return queued;
}

/**
 * Retries every pending time-stamp (oldest first, `limit` per run): the sweep behind the
 * timestamp jobs, for seals whose job gave up (a TSA down for a day) or predates the queue.
 */
export async function retryPendingTimestamps(deps: TimestampDeps, limit = 20): Promise<{ stamped: number; failed: number }> {
  if (!deps.tsa) return { stamped: 0, failed: 0 };
  const due = await deps.sql.query<{ id: string }>(
    `SELECT id FROM cases WHERE timestamp_pending_since IS NOT NULL AND final_pdf IS NOT NULL ORDER BY timestamp_pending_since LIMIT $1`,
    [limit],
  );
  let stamped = 0;
  let failed = 0;
  for (const c of due) {
    try {
      if (await retryCaseTimestamp(deps, c.id)) stamped++;
    } catch {
      failed++;
    }
  }
  return { stamped, failed };
}
