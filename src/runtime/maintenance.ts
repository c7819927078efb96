import { purgeClosedCases, sendDueReminders } from '../lib/signing/service.js';
import type { SigningContext } from './context.js';
import { sendProcessReminders } from '../lib/process/reminders.js';
import { purgeClosedProcesses } from '../lib/process/retention.js';
import { sweepLimits } from './limits.js';
import { sweepPendingSends } from '../lib/senders/service.js';
import { flushRobots } from './robots.js';
import { retryPendingTimestamps } from '../lib/signing/timestamps.js';
import { sweepVerificationCodes } from '../lib/signing/verification/codes.js';

/**
 * The periodic work: send queued mail (retries), automatic signing reminders and process deadline reminders, and — when
 * RETENTION_DAYS is set — purge the customer data of closed cases and processes. Run by a timer under
 * `npm start` and by the Vercel cron function.
 */
export async function runMaintenance(ctx: SigningContext, baseUrl: string): Promise<{ reminded: number; purged: number }> {
  await ctx.flushMail();
  await sweepLimits(ctx.deps.sql);
  await sweepPendingSends(ctx.deps.sql);
  const reminded = (await sendDueReminders(ctx.deps, baseUrl)) + (await sendProcessReminders(ctx.processDeps));
  if (reminded) await ctx.flushMail();
  await flushRobots(ctx, baseUrl);
  // Seals issued while the TSA was down get their time-stamp (moves into the job queue later).
  await retryPendingTimestamps(ctx.deps);
  await sweepVerificationCodes(ctx.deps.sql);
  const days = Number(process.env.RETENTION_DAYS ?? 0);
  const purged =
    days > 0 ? (await purgeClosedCases(ctx.deps, { days, keepFinal: process.env.RETENTION_KEEP_FINAL !== 'false' })) + (await purgeClosedProcesses(ctx.processDeps, days)) : 0;
  return { reminded, purged };
}
