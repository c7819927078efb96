import { repo } from '../store/repo.js';
import { deadlineNotice, robotsHear } from '../robots/notices.js';
import { processRepo } from '../store/process-repo.js';
import { deadlineMail } from './mail.js';
import { processDeadlines, reminderKey } from './deadlines.js';
import { shanghaiDate, uncoveredYears } from './calendar.js';
import { issueCaseLink, loadProcess, partyOf, summaryOf, todayOf, type ProcessDeps } from './service.js';

/**
 * Deadline reminders for every open process: 7 and 2 days before, and daily once overdue
 * (the supervisor is told too). Each reminder is recorded, so running this often is safe.
 */
export async function sendProcessReminders(deps: ProcessDeps): Promise<number> {
  const today = todayOf(deps);
  let sent = 0;
  for (const { id } of await processRepo.openIds(deps.sql)) {
    sent += await deps.sql.transaction(async (tx) => {
      const l = await loadProcess(tx, id, true);
      if (l.p.status !== 'open') return 0;
      const deadlines = processDeadlines(
        { openedOn: shanghaiDate(new Date(l.p.created_at)), lastWorkingDay: l.p.last_working_day, settings: l.p.settings, stage: l.p.stage, state: l.p.state },
        deps.calendar,
        today,
      );
      let n = 0;
      for (const d of deadlines) {
        const key = reminderKey(d, today);
        if (!key || !(await processRepo.markReminder(tx, id, d.key, key))) continue;
        const owners = new Set([d.owner, ...(d.daysLeft! < 0 ? (['supervisor'] as const) : [])]);
        for (const role of owners) {
          const party = partyOf(l, role);
          await repo.queueMail(tx, null, deadlineMail(summaryOf(l.p, l.parties), party, d.label, d.due, d.daysLeft!, await issueCaseLink(tx, deps, l.p, party), uncoveredYears(deps.calendar, [d.due])));
          n++;
        }
        await processRepo.addEvent(tx, id, null, 'reminded', { deadline: d.key, reminder: key });
        await robotsHear(tx, deadlineNotice(l.p, l.parties, d, key), deps.now?.());
      }
      return n;
    });
  }
  return sent;
}
