import type { VercelRequest, VercelResponse } from '@vercel/node';
import { z } from 'zod';
import { manageBody } from '../src/lib/signing/requests.js';
import { manageRobotsBody } from '../src/lib/robots/requests.js';
import { cancelCase, managerDocument, manageRobots, manageStatus, remindAllPending, remindParty } from '../src/lib/signing/service.js';
import { endpoint, readJson, sendError, sendPdf, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { appUrl } from '../src/runtime/settings.js';

/** POST /api/manage — the sender's private page: status and timeline, remind, cancel, documents. */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'manage'))) return;
  const body = readJson(req, res, z.union([manageBody, manageRobotsBody]));
  if (!body) return;
  try {
    const ctx = await signingContext();
    switch (body.action) {
      case 'status':
        return res.status(200).json(await manageStatus(ctx.deps, body.caseId, body.key));
      case 'remind':
        await remindParty(ctx.deps, { caseId: body.caseId, key: body.key, partyId: body.partyId, baseUrl: appUrl() });
        ctx.sendMailSoon();
        return res.status(200).json(await manageStatus(ctx.deps, body.caseId, body.key));
      case 'remind-all':
        await remindAllPending(ctx.deps, { caseId: body.caseId, key: body.key, baseUrl: appUrl() });
        ctx.sendMailSoon();
        return res.status(200).json(await manageStatus(ctx.deps, body.caseId, body.key));
      case 'cancel':
        await cancelCase(ctx.deps, { caseId: body.caseId, key: body.key, reason: body.reason });
        ctx.sendMailSoon();
        return res.status(200).json(await manageStatus(ctx.deps, body.caseId, body.key));
      case 'set-robots':
        await manageRobots(ctx.deps, body);
        return res.status(200).json(await manageStatus(ctx.deps, body.caseId, body.key));
      case 'document': {
        const doc = await managerDocument(ctx.deps, body.caseId, body.key, body.which);
        return sendPdf(res, doc.pdf, `${doc.title}-${doc.caseNumber}${body.which === 'final' ? '-已签署' : ''}.pdf`, true);
      }
    }
  } catch (e) {
    return sendError(res, e, 'manage');
  }
}

export default endpoint('manage', handler);
