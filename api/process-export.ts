import type { VercelRequest, VercelResponse } from '@vercel/node';
import { processExportBody } from '../src/lib/process/requests.js';
import { loadProcess } from '../src/lib/process/service.js';
import { exportProcessZip } from '../src/lib/process/export.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { processActor } from '../src/runtime/process-access.js';

/** POST /api/process-export — the whole case as a ZIP: every signed PDF and the customer status CSV. */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'process'))) return;
  const b = readJson(req, res, processExportBody);
  if (!b) return;
  try {
    const deps = (await signingContext()).processDeps;
    const p = await deps.sql.transaction(async (tx) => {
      // A party's link (refused once revoked, or some days after the case closed), else HR's
      // session — checked in this transaction (PGlite has one connection).
      await processActor(tx, deps, req, b.processId, b.token);
      return (await loadProcess(tx, b.processId, false)).p;
    });
    const zip = await exportProcessZip(deps.sql, p);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`客户交接-${p.case_number}.zip`)}`);
    res.setHeader('Cache-Control', 'no-store');
    return res.status(200).send(Buffer.from(zip));
  } catch (e) {
    return sendError(res, e, 'process-export');
  }
}

export default endpoint('process-export', handler);
