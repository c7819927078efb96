import type { VercelRequest, VercelResponse } from '@vercel/node';
import { z } from 'zod';
import { confirmPending, viewPending } from '../src/lib/senders/service.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { senderPolicy } from '../src/runtime/senders.js';
import { appUrl } from '../src/runtime/settings.js';
import { token } from '../src/lib/schema-parts.js';

const body = z.discriminatedUnion('action', [
  z.object({ action: z.literal('view'), token }).strict(),
  z.object({ action: z.literal('confirm'), token }).strict(),
]);

/**
 * POST /api/confirm — the sender's confirmation link (/confirm/#t=…): `view` shows what is
 * waiting to be sent, `confirm` sends it (exactly once; a repeated click shows the result).
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'manage'))) return;
  const b = readJson(req, res, body);
  if (!b) return;
  try {
    const ctx = await signingContext();
    if (b.action === 'view') return res.status(200).json(await viewPending(ctx.processDeps, b.token));
    const done = await confirmPending(ctx.processDeps, b.token, appUrl(), senderPolicy());
    if (done.firstTime) ctx.sendMailSoon();
    return res.status(200).json(done);
  } catch (e) {
    return sendError(res, e, 'confirm');
  }
}

export default endpoint('confirm', handler);
