import type { VercelRequest, VercelResponse } from '@vercel/node';
import { timingSafeEqual } from 'node:crypto';
import { sendDueReminders } from '../src/lib/signing/service';
import { sendError } from '../src/server/api-helpers';
import { baseUrlFrom, signingContext } from '../src/server/signing-context';

/**
 * GET /api/cron — Vercel Cron: retry queued mail and send due reminders. Requires
 * `Authorization: Bearer $CRON_SECRET` (Vercel sends it); refused when CRON_SECRET is unset.
 */
export default async function handler(req: VercelRequest, res: VercelResponse) {
  const secret = process.env.CRON_SECRET;
  const given = Buffer.from(String(req.headers.authorization ?? ''));
  const expected = Buffer.from(`Bearer ${secret ?? ''}`);
  if (!secret || given.length !== expected.length || !timingSafeEqual(given, expected)) return res.status(401).json({ error: '未授权' });
  try {
    const ctx = await signingContext();
    await ctx.flushMail();
    const reminded = await sendDueReminders(ctx.deps, baseUrlFrom(req.headers));
    await ctx.flushMail();
    return res.status(200).json({ reminded });
  } catch (e) {
    return sendError(res, e, 'cron');
  }
}
