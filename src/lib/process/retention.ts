import { processRepo } from '../store/process-repo.js';
import type { ProcessDeps } from './service.js';
import type { ProcessState } from './state.js';

/** Event detail keys that can hold customer data (names, customers' comments, free-text reasons). */
const PERSONAL_DETAIL_KEYS = ['customer', 'comment', 'reason'];

/**
 * Retention for customer-handover processes: a completed or cancelled process whose last
 * event is older than `days` loses its customer data — the plan, the customer list, the
 * material/visit/call lines, the report, return comments and the customer names in its
 * timeline. What remains is the record: who handed over to whom, the stages and their
 * signing cases (whose PDFs follow the signing retention), and when things happened. Sent
 * mail older than the period also loses its address and subject (bodies are blanked on
 * sending already), so customers' addresses do not outlive the data.
 */
export async function purgeClosedProcesses(deps: ProcessDeps, days: number): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const due = await deps.sql.query<{ id: string }>(
    `SELECT p.id FROM processes p
      WHERE p.status <> 'open' AND p.purged_at IS NULL
        AND coalesce((SELECT max(e.at) FROM process_events e WHERE e.process_id = p.id), p.created_at) < $1`,
    [cutoff],
  );
  for (const { id } of due) {
    const state = (await processRepo.get(deps.sql, id))!.state;
    const kept: ProcessState = {
      ...state,
      plan: {},
      customers: [],
      materials: [],
      visits: [],
      calls: [],
      report: null,
      sample: state.sample ? { ...state.sample, ids: [], reasons: {} } : null,
      returns: state.returns.map((r) => ({ ...r, comment: '' })),
    };
    await deps.sql.transaction(async (tx) => {
      const [left] = await tx.query('UPDATE processes SET purged_at = $2 WHERE id = $1 AND purged_at IS NULL RETURNING id', [id, now]);
      if (!left) return;
      // Every part written (no `before`): the customer list and lines are emptied in their columns too.
      await processRepo.save(tx, id, { state: kept });
      await tx.query(`UPDATE process_events SET detail = detail - $2::text[] WHERE process_id = $1`, [id, PERSONAL_DETAIL_KEYS]);
      // Mobile numbers were kept only to @mention people in group robots while the case ran.
      await tx.query('UPDATE process_parties SET mobile = NULL WHERE process_id = $1', [id]);
      // The notice rows hold customers' names and addresses.
      await tx.query('DELETE FROM process_notices WHERE process_id = $1', [id]);
      await tx.query(`INSERT INTO process_events (process_id, actor, type, at, detail) VALUES ($1, NULL, 'purged', $2, '{}')`, [id, now]);
    });
  }
  await deps.sql.query(`UPDATE outbox SET to_address = '', subject = '' WHERE status = 'sent' AND sent_at < $1 AND to_address <> ''`, [cutoff]);
  return due.length;
}
