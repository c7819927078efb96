import type { VercelRequest, VercelResponse } from '@vercel/node';
import { createCaseBody } from '../src/lib/signing/requests.js';
import { parsePdfRequest } from '../src/lib/pdf-request.js';
import { findForm } from '../src/runtime/forms.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { startSend } from '../src/runtime/senders.js';

/**
 * POST /api/cases — start signing a filled checklist. Validated here; then the sender confirms
 * by mail before any party is mailed (an HR admin signed in sends at once).
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'send'))) return;
  const body = readJson(req, res, createCaseBody);
  if (!body) return;
  const form = parsePdfRequest({ formId: body.formId, values: body.values, company: body.company, caseNumber: body.caseNumber }, findForm);
  if (!form.ok) return res.status(form.status).json({ error: form.error, fields: form.fields });
  try {
    return await startSend(req, res, { kind: 'case', body }, '已发起签署，签署邮件已发出。');
  } catch (e) {
    return sendError(res, e, 'cases');
  }
}

export default endpoint('cases', handler);
