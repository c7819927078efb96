import { createHash } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import type { TsaClient } from '../pdf/timestamp.js';

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

/**
 * Retries every pending time-stamp (oldest first, `limit` per run). The TSA is asked outside
 * any transaction; the write checks that the final PDF is still the one that was stamped.
 */
export async function retryPendingTimestamps(deps: { sql: Sql; tsa?: TsaClient; now?: () => Date }, limit = 20): Promise<{ stamped: number; failed: number }> {
  if (!deps.tsa) return { stamped: 0, failed: 0 };
  const { addSignatureTimestamp } = await import('../pdf/timestamp.js');
  const due = await deps.sql.query<{ id: string; final_pdf: Uint8Array; final_sha256: string }>(
    `SELECT id, final_pdf, final_sha256 FROM cases
      WHERE timestamp_pending_since IS NOT NULL AND final_pdf IS NOT NULL AND length(final_pdf) > 0
      ORDER BY timestamp_pending_since LIMIT $1`,
    [limit],
  );
  let stamped = 0;
  let failed = 0;
  for (const c of due) {
    let pdf: Buffer;
    try {
      pdf = await addSignatureTimestamp(c.final_pdf, deps.tsa);
    } catch (e) {
      failed++;
      await deps.sql.query('UPDATE cases SET timestamp_attempts = timestamp_attempts + 1, timestamp_error = $2 WHERE id = $1', [c.id, (e as Error).message.slice(0, 300)]);
      continue;
    }
    const now = deps.now?.() ?? new Date();
    const updated = await deps.sql.query(
      `UPDATE cases SET final_pdf = $3, final_sha256 = $4, sealed_sha256 = coalesce(sealed_sha256, $2),
              timestamp_pending_since = NULL, timestamp_error = NULL, timestamped_at = $5
        WHERE id = $1 AND final_sha256 = $2 AND timestamp_pending_since IS NOT NULL RETURNING id`,
      [c.id, c.final_sha256, pdf, sha256(pdf), now],
    );
    if (updated.length) stamped++;
  }
  return { stamped, failed };
}
