import { purgeClosedCases, sendDueReminders } from '../lib/signing/service.js';
import type { SigningContext } from './context.js';
import { sendProcessReminders } from '../lib/process/reminders.js';
import { purgeClosedProcesses } from '../lib/process/retention.js';
import { sweepLimits } from './limits.js';
import { sweepPendingSends } from '../lib/senders/service.js';
import { flushRobots } from './robots.js';
import { sweepJobs } from '../lib/jobs/index.js';
import { requeuePendingTimestamps } from '../lib/signing/timestamps.js';
import { sweepVerificationCodes } from '../lib/signing/verification/codes.js';

/**
 * The periodic work: run due jobs (retries, and jobs whose worker died: their lease ran
 * out), send queued mail (retries), automatic signing reminders and process deadline reminders, and — when
 * RETENTION_DAYS is set — purge the customer data of closed cases and processes. Run by a timer under
 * `npm start` and by the Vercel cron function.
 */
export async function runMaintenance(ctx: SigningContext, baseUrl: string): Promise<{ reminded: number; purged: number }> {
  // Jobs and mail (a backlog can be thousands) get half of the cron function's 30 s, so the
  // reminders and retention below always run; what is left waits for the next run.
  await ctx.runDueJobs(Number(process.env.MAINTENANCE_JOBS_BUDGET_MS ?? 15_000)); // sends mail too
  await sweepLimits(ctx.deps.sql);
  await sweepJobs(ctx.deps.sql);
  await sweepPendingSends(ctx.deps.sql);
  const reminded = (await sendDueReminders(ctx.deps, baseUrl)) + (await sendProcessReminders(ctx.processDeps));
  if (reminded) await ctx.flushMail();
  await flushRobots(ctx, baseUrl);
  // Seals still without their time-stamp (the TSA down for longer than their job retried) get a new job.
  await requeuePendingTimestamps(ctx.deps.sql, ctx.deps.tsa);
  await sweepVerificationCodes(ctx.deps.sql);
  const days = Number(process.env.RETENTION_DAYS ?? 0);
  const purged =
    days > 0 ? (await purgeClosedCases(ctx.deps, { days, keepFinal: process.env.RETENTION_KEEP_FINAL !== 'false' })) + (await purgeClosedProcesses(ctx.processDeps, days)) : 0;
  return { reminded, purged };
}
