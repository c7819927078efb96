import type { VercelRequest, VercelResponse } from '@vercel/node';
import { timingSafeEqual } from 'node:crypto';
import { endpoint, sendError } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { runMaintenance } from '../src/runtime/maintenance.js';
import { appUrl } from '../src/runtime/settings.js';

/**
 * GET /api/cron — Vercel Cron: retry queued mail, send due reminders, apply retention. Requires
 * `Authorization: Bearer $CRON_SECRET` (Vercel sends it); refused when CRON_SECRET is unset.
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  const secret = process.env.CRON_SECRET;
  const given = Buffer.from(String(req.headers.authorization ?? ''));
  const expected = Buffer.from(`Bearer ${secret ?? ''}`);
  if (!secret || given.length !== expected.length || !timingSafeEqual(given, expected)) return res.status(401).json({ error: '未授权' });
  try {
    const ctx = await signingContext();
    return res.status(200).json(await runMaintenance(ctx, appUrl()));
  } catch (e) {
    return sendError(res, e, 'cron');
  }
}

export default endpoint('cron', handler);
