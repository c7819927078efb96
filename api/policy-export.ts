import type { VercelRequest, VercelResponse } from '@vercel/node';
import { z } from 'zod';
import { markdownBlocks } from '../src/lib/markdown-blocks.js';
import { renderPolicyPdf } from '../src/lib/pdf/policy-pdf.js';
import { renderPolicyDocx } from '../src/lib/docx/policy-docx.js';
import { pdfRenders } from '../src/lib/pdf/render-limit.js';
import { endpoint, readJson, sendError, withinLimit } from '../src/runtime/http.js';

/** POST /api/policy-export — a customized policy (Markdown, variables already filled) as PDF or Word. */
const body = z
  .object({
    format: z.enum(['pdf', 'docx']),
    title: z.string().trim().min(1).max(100),
    company: z.string().trim().max(100).optional(),
    markdown: z.string().max(300_000, '正文过长（上限 30 万字）'),
  })
  .strict();

async function handler(req: VercelRequest, res: VercelResponse) {
  // Admission first, like /api/pdf: renders (PDF or Word) are capped per instance, with a
  // bounded queue; beyond it, 503 + Retry-After before the request costs anything else.
  return pdfRenders.run(() => render(req, res));
}

async function render(req: VercelRequest, res: VercelResponse) {
  if (!(await withinLimit(req, res, 'render'))) return;
  const input = readJson(req, res, body);
  if (!input) return;
  try {
    const blocks = markdownBlocks(input.markdown);
    const name = encodeURIComponent(`${input.title}.${input.format}`);
    res.setHeader('Cache-Control', 'no-store');
    if (input.format === 'pdf') {
      const pdf = await renderPolicyPdf({ title: input.title, company: input.company, blocks });
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${name}`);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('X-Missing-Characters', pdf.missingCharacters.map((m) => m.codePoint).join(','));
      return res.status(200).send(Buffer.from(pdf.bytes));
    }
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${name}`);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    return res.status(200).send(await renderPolicyDocx({ title: input.title, company: input.company, blocks }));
  } catch (e) {
    return sendError(res, e, 'policy-export');
  }
}

export default endpoint('policy-export', handler);
