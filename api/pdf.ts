import type { VercelRequest, VercelResponse } from '@vercel/node';
import { parsePdfRequest } from '../src/lib/pdf-request.js';
import { renderFormPdf } from '../src/lib/pdf/form-pdf.js';
import { preloadTextFonts } from '../src/lib/pdf/fonts.js';
import { pdfRenders } from '../src/lib/pdf/render-limit.js';
import { findForm } from '../src/runtime/forms.js';
import { endpoint, readJson, withinLimit } from '../src/runtime/http.js';
import { z } from 'zod';

/**
 * POST /api/pdf — a filled checklist as an A4 PDF.
 * Body: { formId, values, company?, caseNumber? }; `?download=1` asks for an attachment.
 * Characters the font lacks are listed in `X-Missing-Characters` (U+XXXX, comma-separated).
 */
// A cold instance starts reading the fonts into HarfBuzz while the rest of the function
// loads, instead of after the first request has been parsed.
preloadTextFonts();

async function handler(req: VercelRequest, res: VercelResponse) {
  // Admission first: a few renders at a time on this instance and a bounded queue; beyond it,
  // 503 + Retry-After before the request costs anything else (a flood must not hold up signing).
  return pdfRenders.run(() => render(req, res));
}

async function render(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'render'))) return;
  const body = readJson(req, res, z.unknown());
  if (body === null) return;
  const parsed = parsePdfRequest(body, findForm);
  if (!parsed.ok) return res.status(parsed.status).json({ error: parsed.error, fields: parsed.fields, errors: parsed.errors });

  const pdf = await renderFormPdf(parsed);
  const fileName = encodeURIComponent(`${parsed.definition.title}${parsed.caseNumber ? `-${parsed.caseNumber}` : ''}.pdf`);
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `${req.query.download ? 'attachment' : 'inline'}; filename*=UTF-8''${fileName}`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Pdf-Pages', String(pdf.pageCount));
  res.setHeader('X-Missing-Characters', pdf.missingCharacters.map((m) => m.codePoint).join(','));
  return res.status(200).send(Buffer.from(pdf.bytes));
}

export default endpoint('pdf', handler);
