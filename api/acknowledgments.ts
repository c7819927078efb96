import type { VercelRequest, VercelResponse } from '@vercel/node';
import { acknowledgmentBody } from '../src/lib/signing/requests.js';
import { createAcknowledgment } from '../src/lib/signing/service.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { appUrl } from '../src/runtime/settings.js';

/** POST /api/acknowledgments — send a customized policy to staff for 已阅读并同意. */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'send'))) return;
  const body = readJson(req, res, acknowledgmentBody);
  if (!body) return;
  try {
    const ctx = await signingContext();
    const created = await createAcknowledgment(ctx.deps, { ...body, baseUrl: appUrl() });
    ctx.sendMailSoon();
    return res.status(201).json(created);
  } catch (e) {
    return sendError(res, e, 'acknowledgments');
  }
}

export default endpoint('acknowledgments', handler);
