import type { VercelRequest, VercelResponse } from '@vercel/node';
import { robotsBody } from '../src/lib/robots/requests.js';
import { addRobot, listRobots, removeRobot, robotOutbox, setSubscription, testRobot } from '../src/lib/robots/service.js';
import { adminEmails, adminFromSession } from '../src/lib/process/admin.js';
import { adminCookie, endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { formRegistry } from '../src/runtime/forms.js';
import { robotDeps } from '../src/runtime/robots.js';

/**
 * POST /api/robots — HR admins (the archive's sign-in) connect WeCom, DingTalk and Feishu
 * group robots, send a test message, choose what each robot hears about and see its queue.
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'manage'))) return;
  const b = readJson(req, res, robotsBody);
  if (!b) return;
  try {
    const ctx = await signingContext();
    const admin = await adminFromSession(ctx.processDeps, adminCookie(req), adminEmails());
    const deps = robotDeps(ctx);
    switch (b.action) {
      case 'list': {
        // Form kinds a robot can follow: standalone signing forms (process stage forms are covered by "every customer-handover case").
        const forms = [...formRegistry().values()].map((f) => ({ id: f.id, title: f.title }));
        return res.status(200).json({ email: admin, forms, ...(await listRobots(deps)), outbox: await robotOutbox(deps, {}) });
      }
      case 'add':
        return res.status(200).json(await addRobot(deps, b, admin));
      case 'remove':
        await removeRobot(deps, b.robotId);
        return res.status(200).json({ ok: true });
      case 'test': {
        const verdict = await testRobot(deps, b.robotId, admin);
        return res.status(200).json(verdict.ok ? { ok: true, message: '测试消息已发送，请到群里查看。' } : { ok: false, kind: verdict.kind, message: verdict.explanation, detail: verdict.detail });
      }
      case 'subscribe':
        await setSubscription(deps, b);
        return res.status(200).json({ ok: true });
      case 'outbox':
        return res.status(200).json({ outbox: await robotOutbox(deps, b) });
    }
  } catch (e) {
    return sendError(res, e, 'robots');
  }
}

export default endpoint('robots', handler);
