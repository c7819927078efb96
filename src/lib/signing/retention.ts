import { repo } from '../store/repo.js';
import { nowOf, type SigningDeps } from './common.js';

/**
 * Retention: closed cases (completed, declined, cancelled) older than `days` lose their
 * customer data — the filled values and the working PDFs, and the signed PDF too unless
 * `keepFinal` (the archive copy). The case row, parties and event log stay as the record.
 */
export async function purgeClosedCases(deps: SigningDeps, options: { days: number; keepFinal: boolean }): Promise<number> {
  const cutoff = new Date(nowOf(deps).getTime() - options.days * 86_400_000);
  const due = await deps.sql.query<{ id: string }>(
    `SELECT c.id FROM cases c WHERE c.status <> 'open' AND c.purged_at IS NULL
       AND (SELECT max(e.at) FROM events e WHERE e.case_id = c.id) < $1`,
    [cutoff],
  );
  for (const { id } of due) {
    await deps.sql.transaction(async (tx) => {
      await tx.query(
        `UPDATE cases SET values_json = '{}'::jsonb, original_pdf = ''::bytea, current_pdf = ''::bytea, purged_at = $2
           ${options.keepFinal ? '' : ', final_pdf = NULL'} WHERE id = $1 AND purged_at IS NULL`,
        [id, nowOf(deps)],
      );
      await tx.query('UPDATE parties SET signature_png = NULL WHERE case_id = $1', [id]);
      await tx.query(`UPDATE outbox SET text_body = '', html_body = '' WHERE case_id = $1`, [id]);
      await tx.query('UPDATE parties SET phone = NULL WHERE case_id = $1', [id]);
      await tx.query(`UPDATE events SET detail = detail - 'text' WHERE case_id = $1 AND type = 'question'`, [id]);
      await repo.addEvent(tx, id, null, 'purged', { keptFinal: options.keepFinal });
    });
  }
  return due.length;
}


