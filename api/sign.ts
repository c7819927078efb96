import type { VercelRequest, VercelResponse } from '@vercel/node';
import { signBody } from '../src/lib/signing/requests.js';
import { askQuestion, declineAsParty, documentForParty, signatureFontForParty, signAsParty, viewAsParty } from '../src/lib/signing/service.js';
import { endpoint, readJson, sendError, sendPdf, withinLinkLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { appUrl } from '../src/runtime/settings.js';
import { clientIp } from '../src/runtime/request-info.js';
import { checkVerificationCode, sendVerificationCode, verificationState } from '../src/lib/signing/verification/actions.js';
import { codeDelivery, smsSender } from '../src/runtime/evidence.js';

/** POST /api/sign — a party's actions through their link: view, document, sign (recorded at once, stamped by a job), decline (a checklist), ask HR (a policy). */
async function handler(req: VercelRequest, res: VercelResponse) {
  const body = readJson(req, res, signBody);
  if (!body || !(await withinLinkLimit(req, res, 'sign', body.token, 'sign'))) return;
  try {
    const ctx = await signingContext();
    const who = { ip: clientIp(req), userAgent: String(req.headers['user-agent'] ?? '') };
    switch (body.action) {
      case 'view':
        return res.status(200).json(await viewAsParty(ctx.deps, body.caseId, body.token));
      case 'document': {
        const doc = await documentForParty(ctx.deps, body.caseId, body.token);
        return sendPdf(res, doc.pdf, `${doc.title}-${doc.caseNumber}${doc.final ? '-已签署' : ''}.pdf`, true);
      }
      case 'sign': {
        // Recorded and answered; stamping (and sealing, after the last party) runs as jobs, started here after the answer.
        const view = await signAsParty(ctx.deps, { caseId: body.caseId, token: body.token, signature: body.signature, reading: body.reading, ...who, baseUrl: appUrl() });
        ctx.workSoon();
        return res.status(200).json(view);
      }
      case 'signature-font': {
        const font = await signatureFontForParty(ctx.deps, body.caseId, body.token, body.text);
        res.setHeader('Content-Type', 'font/ttf');
        res.setHeader('Cache-Control', 'no-store');
        return res.status(200).send(Buffer.from(font));
      }
      case 'decline':
        await declineAsParty(ctx.deps, { caseId: body.caseId, token: body.token, reason: body.reason, ...who });
        ctx.sendMailSoon();
        return res.status(200).json({ ok: true });
      // The code step before the sign button (issue 16).
      case 'verification':
        return res.status(200).json(await verificationState(ctx.deps, body.caseId, body.token, !!smsSender()));
      case 'send-code':
        return res.status(200).json(await sendVerificationCode(ctx.deps, { caseId: body.caseId, token: body.token }, codeDelivery(ctx.mailer)));
      case 'check-code':
        return res.status(200).json(await checkVerificationCode(ctx.deps, { caseId: body.caseId, token: body.token, code: body.code }));
      case 'question':
        await askQuestion(ctx.deps, { caseId: body.caseId, token: body.token, text: body.text, ...who });
        ctx.sendMailSoon();
        return res.status(200).json({ ok: true });
    }
  } catch (e) {
    return sendError(res, e, 'sign');
  }
}

export default endpoint('sign', handler);
