import type { VercelRequest, VercelResponse } from '@vercel/node';
import { adminBody } from '../src/lib/process/requests.js';
import { ADMIN_SESSION_HOURS, adminEmails, adminFromSession, archiveDocument, listArchive, requestAdminLink, signInAdmin, signOutAdmin } from '../src/lib/process/admin.js';
import { adminCookie, endpoint, readJson, sendError, sendPdf, setAdminCookie, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { appUrl } from '../src/runtime/settings.js';

/** POST /api/admin — HR archive: magic-link sign-in (ADMIN_EMAILS), sign-out, the case lists, a signing case's PDF. */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'manage'))) return;
  const b = readJson(req, res, adminBody);
  if (!b) return;
  try {
    const ctx = await signingContext();
    const deps = ctx.processDeps;
    const allowed = adminEmails();
    switch (b.action) {
      case 'request-link':
        if (!(await withinLimit(req, res, 'adminLink'))) return;
        await requestAdminLink(deps, b.email, appUrl(), allowed);
        ctx.sendMailSoon();
        // The same answer whether or not the address is on the list.
        return res.status(200).json({ message: '如果该邮箱有权限，登录链接已发送，请查收邮件（15 分钟内有效）。' });
      case 'sign-in': {
        const { session, email } = await signInAdmin(deps, b.token, allowed);
        setAdminCookie(req, res, session, ADMIN_SESSION_HOURS * 3600);
        return res.status(200).json({ email });
      }
      case 'sign-out':
        // Ended on the server (the session's jti revoked), then the cookie cleared.
        await signOutAdmin(deps, adminCookie(req));
        setAdminCookie(req, res, '', 0);
        return res.status(200).json({ ok: true });
      case 'list': {
        const email = await adminFromSession(deps, adminCookie(req), allowed);
        const { action: _, ...filters } = b;
        return res.status(200).json({ email, ...(await listArchive(deps, filters)) });
      }
      case 'document': {
        await adminFromSession(deps, adminCookie(req), allowed);
        const doc = await archiveDocument(deps, b.caseId);
        return sendPdf(res, doc.pdf, `${doc.title}-${doc.caseNumber}${doc.final ? '-已签署' : ''}.pdf`, true);
      }
    }
  } catch (e) {
    return sendError(res, e, 'admin');
  }
}

export default endpoint('admin', handler);
