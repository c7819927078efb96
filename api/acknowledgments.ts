import type { VercelRequest, VercelResponse } from '@vercel/node';
import { acknowledgmentBody } from '../src/lib/signing/requests.js';
import { createAcknowledgment } from '../src/lib/signing/service.js';
import { readJson, sendError } from '../src/runtime/http.js';
import { baseUrlFrom, signingContext } from '../src/runtime/context.js';

/** POST /api/acknowledgments — send a customized policy to staff for 已阅读并同意. */
export default async function handler(req: VercelRequest, res: VercelResponse) {
  const body = readJson(req, res, acknowledgmentBody);
  if (!body) return;
  try {
    const ctx = await signingContext();
    const created = await createAcknowledgment(ctx.deps, { ...body, baseUrl: baseUrlFrom(req.headers) });
    ctx.sendMailSoon();
    return res.status(201).json(created);
  } catch (e) {
    return sendError(res, e, 'acknowledgments');
  }
}
