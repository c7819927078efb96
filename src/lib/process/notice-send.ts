import { randomBytes } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import type { SendMail } from '../signing/outbox.js';
import { issueLink } from '../signing/links.js';
import { enqueue, type Job, type JobKinds, type JobRun } from '../jobs/index.js';
import { customerNoticeMail } from './mail.js';
import type { ProcessCustomer } from './state.js';
import { loadProcess, partyOf, summaryOf, type ProcessDeps } from './service.js';

/**
 * Customer notices leave the request: sending 1,000 of them (a signed link and an SMTP
 * conversation each) took seconds. The request records one row per customer
 * (`process_notices`) and queues jobs of `NOTICE_BATCH` customers each; a job mails its
 * customers a few at a time (NOTICE_CONCURRENCY) and marks each row sent right after the
 * SMTP server took that message, so a retried batch (SMTP down, worker killed) mails only those still unsent.
 * The case page counts the rows: 已发送 120 / 300，失败 0.
 */
export const NOTICE_JOB = 'process.notices';
export const NOTICE_BATCH = 25;
/** Messages of one batch in flight at once. */
export const NOTICE_CONCURRENCY = 5;
/** Days a customer's notice link stays open. */
const NOTICE_LINK_DAYS = 60;

interface NoticeBatch {
  processId: string;
  customerIds: string[];
}

interface NoticeRow {
  customer_id: string;
  name: string;
  contact: string;
  email: string;
  jti: string;
}

/**
 * Records the notices of these customers and queues their sending, in the caller's
 * transaction (with the state that marks them notified). Returns each customer's notice,
 * to be stored on the customer. One set-based insert whatever the count; a customer who
 * already has a row keeps it (never a second mail).
 */
export async function queueNotices(tx: Sql, processId: string, recipients: ProcessCustomer[], now: Date): Promise<Map<string, NonNullable<ProcessCustomer['notice']>>> {
  const jtis = recipients.map(() => randomBytes(16).toString('base64url'));
  const inserted = await tx.query<{ customer_id: string }>(
    `INSERT INTO process_notices (process_id, customer_id, name, contact, email, jti, queued_at)
     SELECT $1, t.id, t.name, t.contact, t.email, t.jti, $7 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, name, contact, email, jti)
     ON CONFLICT (process_id, customer_id) DO NOTHING
     RETURNING customer_id`,
    [processId, recipients.map((c) => c.id), recipients.map((c) => c.name), recipients.map((c) => c.contact), recipients.map((c) => c.email.trim()), jtis, now],
  );
  const fresh = new Set(inserted.map((r) => r.customer_id));
  const ids = recipients.map((c) => c.id).filter((id) => fresh.has(id));
  for (let i = 0; i < ids.length; i += NOTICE_BATCH) {
    await enqueue(tx, NOTICE_JOB, { processId, customerIds: ids.slice(i, i + NOTICE_BATCH) } satisfies NoticeBatch);
  }
  const notices = new Map<string, NonNullable<ProcessCustomer['notice']>>();
  recipients.forEach((c, i) => fresh.has(c.id) && notices.set(c.id, { status: 'sent', jti: jtis[i], sentAt: now.toISOString() }));
  return notices;
}

/**
 * Mails one batch: each customer still unsent gets the notice with a link under the jti
 * recorded for them, NOTICE_CONCURRENCY messages in flight at once. A failed send is counted on its row and the job fails, so the queue
 * tries the batch again with back-off (only the unsent ones); after the job's last attempt
 * the rows stay 'failed' for the case page to show. A closed process sends nothing more.
 */
async function sendNoticeBatch(deps: ProcessDeps, send: SendMail, job: Job<NoticeBatch>, _run: JobRun) {
  const { processId, customerIds } = job.payload;
  const rows = await deps.sql.query<NoticeRow>(
    `SELECT customer_id, name, contact, email, jti FROM process_notices
      WHERE process_id = $1 AND customer_id = ANY($2) AND status IN ('queued', 'failed') ORDER BY queued_at, customer_id`,
    [processId, customerIds],
  );
  if (!rows.length) return;
  const l = await loadProcess(deps.sql, processId, false).catch(() => undefined);
  if (!l || l.p.status !== 'open') {
    await deps.sql.query(`UPDATE process_notices SET status = 'cancelled' WHERE process_id = $1 AND customer_id = ANY($2) AND status IN ('queued', 'failed')`, [processId, customerIds]);
    return;
  }
  const summary = summaryOf(l.p, l.parties);
  const receiver = partyOf(l, 'receiver');
  const now = deps.now?.() ?? new Date();
  let failed = 0;
  let lastError = '';
  const sendOne = async (r: NoticeRow) => {
    const { token } = await issueLink(deps.secret, 'notice', { subject: processId, holder: r.customer_id }, NOTICE_LINK_DAYS * 86_400, now, r.jti);
    const url = `${l.p.base_url}/notice/?p=${encodeURIComponent(processId)}#t=${token}`;
    const mail = customerNoticeMail(summary, r, receiver, url);
    try {
      await send({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    } catch (e) {
      failed++;
      lastError = (e as Error).message ?? String(e);
      await deps.sql.query(
        `UPDATE process_notices SET status = 'failed', attempts = attempts + 1, last_error = $3 WHERE process_id = $1 AND customer_id = $2 AND status <> 'sent'`,
        [processId, r.customer_id, lastError.slice(0, 300)],
      );
      return;
    }
    // Marked right after the SMTP server took this message, whatever its neighbours do.
    await deps.sql.query(
      `UPDATE process_notices SET status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = NULL WHERE process_id = $1 AND customer_id = $2`,
      [processId, r.customer_id],
    );
  };
  // A few conversations at once: one at a time, each waited on the SMTP round trips
  // (≈ 9 mails/s at 1,000 customers). The mailer pools its connections; the bound keeps a
  // batch from opening more than the SMTP server will take from one sender.
  let next = 0;
  const lane = async () => {
    while (next < rows.length) await sendOne(rows[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(NOTICE_CONCURRENCY, rows.length) }, lane));
  // The queue retries the batch later (back-off); the error names no customer or address.
  if (failed) throw new Error(`${failed} 封客户告知邮件发送失败，将重试：${lastError.replace(/[^\s]+@[^\s]+/g, '…').slice(0, 200)}`);
}

/** The notice job kind; `send` is the mailer the worker sends with. */
export function noticeJobs(deps: ProcessDeps, send: SendMail): JobKinds {
  return { [NOTICE_JOB]: { handle: (job: Job<NoticeBatch>, run: JobRun) => sendNoticeBatch(deps, send, job, run), leaseSeconds: 300 } };
}

/** What the case page shows of the notices: how many went out, how many failed (and who, for a check of their address). */
export interface NoticeProgress {
  total: number;
  sent: number;
  /** Waiting for their batch (or for its next attempt). */
  queued: number;
  failed: number;
  failedCustomers: Array<{ name: string; email: string }>;
}

export async function noticeProgress(tx: Sql, processId: string): Promise<NoticeProgress | null> {
  const [c] = await tx.query<{ total: number; sent: number; queued: number; failed: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM process_notices WHERE process_id = $1`,
    [processId],
  );
  if (!c || c.total === 0) return null;
  const failedCustomers = c.failed
    ? await tx.query<{ name: string; email: string }>(`SELECT name, email FROM process_notices WHERE process_id = $1 AND status = 'failed' ORDER BY name LIMIT 20`, [processId])
    : [];
  return { ...c, failedCustomers };
}
