import type { Sql } from '../store/sql.js';
import { repo } from '../store/repo.js';
import { headerSafe } from './mail.js';
import { failpoint } from '../jobs/failpoint.js';

/**
 * Sends queued mail, one claimed message at a time, outside any transaction. A failed send
 * stays queued with its error and is retried with back-off (30 s, 1 min, 2 min … 1 h);
 * nothing is dropped. A message is marked sent only after the SMTP server took it, so a
 * process killed in between sends it again (SMTP offers nothing better than at least once):
 * the copy carries the same Message-ID, by which mail programs show it once.
 */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
  /** Stable per queued message: a re-send after a crash is recognisably the same message. */
  messageId?: string;
}
export type SendMail = (mail: OutgoingMail) => Promise<void>;

/**
 * `concurrency` messages are in flight at once (each lane claims its own: the claim is a
 * lease), so a pooled SMTP transport keeps several connections busy. A final PDF is read
 * once per case per call, not once per recipient.
 */
export async function processOutbox(sql: Sql, send: SendMail, limit = 50, retryBaseSeconds = 30, leaseSeconds = 300, concurrency = 1): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  let claimed = 0;
  const inHand = new Set<string>();
  const finals = new Map<string, Promise<OutgoingMail['attachments']>>();
  const finalPdf = (caseId: string) => {
    let found = finals.get(caseId);
    if (!found) {
      found = (async () => {
        const pdf = await repo.getPdf(sql, caseId, 'final_pdf');
        const c = await repo.getCase(sql, caseId);
        return pdf && c ? [{ filename: `${c.title}-${c.case_number}.pdf`, content: Buffer.from(pdf), contentType: 'application/pdf' }] : undefined;
      })();
      finals.set(caseId, found);
    }
    return found;
  };
  const lane = async () => {
    while (claimed < limit) {
      claimed++;
      const mail = await repo.claimMail(sql, leaseSeconds);
      if (!mail) return;
      // A send slower than the lease lets its message be claimed again: not by this sender,
      // whose first send will still mark it.
      if (inHand.has(mail.id)) continue;
      inHand.add(mail.id);
      try {
        const attachments = mail.attach_final && mail.case_id ? await finalPdf(mail.case_id) : undefined;
        // Headers once more at the door, whatever queued the message.
        await send({ to: mail.to_address, subject: headerSafe(mail.subject), text: mail.text_body, html: mail.html_body, attachments, messageId: `<outbox-${mail.id}-${mail.case_id ?? 'none'}@handover.local>` });
        failpoint('mail-after-send');
        await repo.mailSent(sql, mail.id);
        sent++;
      } catch (e) {
        await repo.mailFailed(sql, mail.id, (e as Error).message, Math.min(3600, retryBaseSeconds * 2 ** mail.attempts));
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return { sent, failed };
}
