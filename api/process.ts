import type { VercelRequest, VercelResponse } from '@vercel/node';
import { z } from 'zod';
import { openProcessBody, processActionBody } from '../src/lib/process/requests.js';
import { loadProcess } from '../src/lib/process/service.js';
import { processRepo } from '../src/lib/store/process-repo.js';
import { applyAction, previewNotices } from '../src/lib/process/operations.js';
import { mayChooseRobots, processView, type ProcessActionAnswer } from '../src/lib/process/view.js';
import { processRobotsBody } from '../src/lib/robots/requests.js';
import { setCaseRobots } from '../src/lib/robots/choice.js';
import { SigningError } from '../src/lib/signing/errors.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { processActor } from '../src/runtime/process-access.js';
import { startSend } from '../src/runtime/senders.js';

const body = z.union([openProcessBody, processActionBody, processRobotsBody]);

/**
 * Answered with the whole case view: reading it, and HR's rare management steps (group
 * robots, a person's access) whose callers show the changed view at once.
 */
const ANSWERS_WITH_VIEW = new Set<string>(['view', 'set-robots', 'revoke-access', 'resend-link']);

/**
 * POST /api/process — open a customer-handover case (stage A), view it, and every step of
 * stages B–F. Parties act through their own case link; an HR admin may view, export and
 * revoke or re-send a person's case link.
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'process'))) return;
  const b = readJson(req, res, body);
  if (!b) return;
  try {
    const ctx = await signingContext();
    const deps = ctx.processDeps;
    if (b.action === 'open') {
      // Opening mails five people: counted against the sender's IP like every send, and
      // confirmed by its opener (HR or the supervisor) by mail unless an HR admin is signed in.
      if (!(await withinLimit(req, res, 'send'))) return;
      return await startSend(req, res, { kind: 'process', body: b }, '案件已开立：各方会收到各自的案件链接邮件。');
    }
    if (b.action === 'preview-notices') {
      // Counts only: who would get a notice, who is skipped and why; nothing is sent or changed.
      const preview = await deps.sql.transaction(async (tx) => previewNotices(tx, b.processId, await processActor(tx, deps, req, b.processId, b.token), b.selection));
      return res.status(200).json({ preview });
    }
    // Customer notices mail outsiders (up to every customer of the case in one request): counted like every send.
    if (b.action === 'send-notices' && !(await withinLimit(req, res, 'send'))) return;
    const result = await deps.sql.transaction(async (tx) => {
      // A party by their link, else HR by the session — checked in this transaction (PGlite has one connection).
      const actor = await processActor(tx, deps, req, b.processId, b.token);
      if (b.action === 'view') return { message: null, actor };
      if (b.action === 'set-robots') {
        // The case's own choice of group robots: whoever manages the case (HR, the supervisor, an HR admin).
        const l = await loadProcess(tx, b.processId, true);
        if (!mayChooseRobots(l, actor)) throw new SigningError('forbidden', l.p.status === 'open' ? '只有 HR 或直属上级可以选择这个案件通知哪些群。' : '案件已结束，不能再修改群通知。', 403);
        await setCaseRobots(tx, 'process', b.processId, b.robots);
        return { message: b.robots ? '已保存：这个案件的通知只发到所选的群。' : '已恢复默认：按“群机器人通知”页的设置通知。', actor };
      }
      // An HR admin may look, export and manage the case links (applyAction says what else is refused).
      return { message: await applyAction(tx, deps, b.processId, actor, b), actor };
    });
    if (b.action !== 'view' && b.action !== 'set-robots') ctx.sendMailSoon();
    if (!ANSWERS_WITH_VIEW.has(b.action)) {
      // A stage action answers with what it did and where the case now stands; the page
      // reads the view again itself. At 1,000 customers the view is ~700 KB built from the
      // whole state: building it into every answer doubled each action's time.
      const head = await processRepo.head(deps.sql, b.processId);
      return res.status(200).json({ message: result.message, result: { stage: head?.stage ?? null, status: head?.status ?? null } } satisfies ProcessActionAnswer);
    }
    const view = await deps.sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, b.processId, false), result.actor));
    return res.status(200).json({ message: result.message, view });
  } catch (e) {
    return sendError(res, e, 'process');
  }
}

export default endpoint('process', handler);
