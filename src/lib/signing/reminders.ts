import { repo } from '../store/repo.js';
import { nowOf, sendLink, type SigningDeps } from './common.js';

/** Automatic reminders: first after `firstDays`, then every `everyDays`, until the link would expire. */
export async function sendDueReminders(deps: SigningDeps, baseUrl: string, firstDays = 3, everyDays = 2): Promise<number> {
  const now = nowOf(deps);
  const due = await deps.sql.query<{ id: string; case_id: string }>(
    `SELECT p.id, p.case_id FROM parties p JOIN cases c ON c.id = p.case_id
     WHERE c.status = 'open' AND p.status IN ('sent', 'viewed')
       AND p.last_sent_at <= $1::timestamptz - make_interval(days => CASE WHEN p.reminders = 0 THEN $2::int ELSE $3::int END)
       AND c.created_at > $1::timestamptz - make_interval(days => $4::int)`,
    [now, firstDays, everyDays, deps.ttlDays],
  );
  for (const p of due) {
    await deps.sql.transaction(async (tx) => {
      const c = await repo.lockCase(tx, p.case_id);
      const party = (await repo.parties(tx, p.case_id)).find((x) => x.id === p.id);
      if (c && party && c.status === 'open' && (party.status === 'sent' || party.status === 'viewed')) await sendLink(tx, deps, c, party, baseUrl, true);
    });
  }
  return due.length;
}

