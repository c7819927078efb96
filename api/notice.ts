import type { VercelRequest, VercelResponse } from '@vercel/node';
import { noticeBody } from '../src/lib/process/requests.js';
import { answerNotice, viewNotice } from '../src/lib/process/notice.js';
import { endpoint, readJson, sendError, withinLinkLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';

/** POST /api/notice — a customer opens the handover notice and confirms or raises a concern. */
async function handler(req: VercelRequest, res: VercelResponse) {
  const b = readJson(req, res, noticeBody);
  if (!b || !(await withinLinkLimit(req, res, 'sign', b.token, 'notice'))) return;
  try {
    const deps = (await signingContext()).processDeps;
    if (b.action === 'view') return res.status(200).json(await viewNotice(deps, b.processId, b.token));
    return res.status(200).json(await answerNotice(deps, b.processId, b.token, b.answer, b.comment));
  } catch (e) {
    return sendError(res, e, 'notice');
  }
}

export default endpoint('notice', handler);
