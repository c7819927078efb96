import type { VercelRequest, VercelResponse } from '@vercel/node';
import { libraryBody, parsePublicPath } from '../src/lib/library/requests.js';
import { getVersion, getVersionById, importLocal, listLibrary, publishedView, publishVersion, restoreVersion, saveProfile, saveVersion } from '../src/lib/library/service.js';
import { changesPage, notFoundPage, PAGE_CSP, publishedPage } from '../src/lib/library/pages.js';
import { markdownBlocks } from '../src/lib/markdown-blocks.js';
import { renderPolicyPdf } from '../src/lib/pdf/policy-pdf.js';
import { pdfRenders } from '../src/lib/pdf/render-limit.js';
import { labelledTime } from '../src/lib/time-format.js';
import { adminEmails, adminFromSession } from '../src/lib/process/admin.js';
import { adminCookie, endpoint, readJson, sendError, sendPdf, withinLimit } from '../src/runtime/http.js';
import { database, signingContext } from '../src/runtime/context.js';

/**
 * The company's policy library.
 * POST /api/library — HR admins (the archive's sign-in) save, restore and publish versions.
 * GET /p/<slug>/… (rewritten here with ?path=) — a published version as staff read it, no
 * sign-in: the page (no script), what changed since the previous published version, the PDF.
 */
async function handler(req: VercelRequest, res: VercelResponse) {
  if (req.method === 'GET' || req.method === 'HEAD') return publicPage(req, res);
  if (!(await withinLimit(req, res, 'manage'))) return;
  const b = readJson(req, res, libraryBody);
  if (!b) return;
  try {
    const ctx = await signingContext();
    const admin = await adminFromSession(ctx.processDeps, adminCookie(req), adminEmails());
    const sql = ctx.deps.sql;
    switch (b.action) {
      case 'list':
        return res.status(200).json({ email: admin, ...(await listLibrary(sql)) });
      case 'get':
        return res.status(200).json(await getVersion(sql, b.slug, b.number));
      case 'get-version':
        return res.status(200).json(await getVersionById(sql, b.versionId));
      case 'save':
        return res.status(200).json(await saveVersion(sql, admin, b));
      case 'restore':
        return res.status(200).json(await restoreVersion(sql, admin, b.slug, b.number, b.baseVersion));
      case 'publish':
        return res.status(200).json(await publishVersion(sql, admin, b.slug, b.number, b.effectiveDate));
      case 'save-profile':
        return res.status(200).json(await saveProfile(sql, admin, b.profile, b.baseVersion));
      case 'import':
        return res.status(200).json(await importLocal(sql, admin, b));
    }
  } catch (e) {
    return sendError(res, e, 'library');
  }
}

function sendHtml(res: VercelResponse, status: number, html: string) {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  return res.status(status).send(html);
}

async function publicPage(req: VercelRequest, res: VercelResponse) {
  const raw = Array.isArray(req.query.path) ? req.query.path.join('/') : String(req.query.path ?? '');
  const where = raw.length <= 200 ? parsePublicPath(raw) : null;
  if (!where) return sendHtml(res, 404, notFoundPage());
  const view = await publishedView(await database(), where.slug, where.number);
  if (!view) return sendHtml(res, 404, notFoundPage());
  if (where.view === 'changes') return sendHtml(res, 200, changesPage(view));
  if (where.view === 'page') return sendHtml(res, 200, publishedPage(view));
  // The PDF costs real CPU: per-client limit, then the instance's render admission.
  if (!(await withinLimit(req, res, 'render'))) return;
  const { version } = view;
  const pdf = await pdfRenders.run(() =>
    renderPolicyPdf({
      title: version.title,
      company: version.company || undefined,
      blocks: [{ kind: 'paragraph', text: `第 ${version.number} 版 · 生效时间：${labelledTime(version.effective_at)}` }, ...markdownBlocks(version.markdown)],
      createdAt: new Date(version.published_at!),
    }),
  );
  return sendPdf(res, pdf.bytes, `${version.title}-第${version.number}版.pdf`, false);
}

export default endpoint('library', handler);
