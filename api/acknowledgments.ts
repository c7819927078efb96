import type { VercelRequest, VercelResponse } from '@vercel/node';
import { acknowledgmentBody } from '../src/lib/signing/requests.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { startSend } from '../src/runtime/senders.js';

/**
 * POST /api/acknowledgments — send a customized policy to staff for 已阅读并同意, once the
 * sender has confirmed by mail (an HR admin signed in sends at once).
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'send'))) return;
  const body = readJson(req, res, acknowledgmentBody);
  if (!body) return;
  try {
    return await startSend(req, res, { kind: 'acknowledgment', body }, `已发给 ${body.staff.length} 位员工。`);
  } catch (e) {
    return sendError(res, e, 'acknowledgments');
  }
}

export default endpoint('acknowledgments', handler);
