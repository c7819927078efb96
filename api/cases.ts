import type { VercelRequest, VercelResponse } from '@vercel/node';
import { createCaseBody } from '../src/lib/signing/requests.js';
import { createCase } from '../src/lib/signing/service.js';
import { parsePdfRequest } from '../src/lib/pdf-request.js';
import { findForm } from '../src/runtime/forms.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { appUrl } from '../src/runtime/settings.js';

/** POST /api/cases — start signing a filled checklist: stamps the PDF, emails the first party (or all). */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'send'))) return;
  const body = readJson(req, res, createCaseBody);
  if (!body) return;
  const form = parsePdfRequest({ formId: body.formId, values: body.values, company: body.company, caseNumber: body.caseNumber }, findForm);
  if (!form.ok) return res.status(form.status).json({ error: form.error, fields: form.fields });
  try {
    const ctx = await signingContext();
    const created = await createCase(ctx.deps, { ...form, sender: body.sender, parties: body.parties, archiveEmail: body.archiveEmail, baseUrl: appUrl() });
    ctx.sendMailSoon();
    return res.status(201).json(created);
  } catch (e) {
    return sendError(res, e, 'cases');
  }
}

export default endpoint('cases', handler);
