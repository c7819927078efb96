import type { VercelRequest, VercelResponse } from '@vercel/node';
import { verifyEvidence } from '../src/lib/signing/evidence.js';
import { endpoint, sendError, withinLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';

/**
 * POST /api/verify — body is a PDF sent as application/octet-stream (the platform's helpers
 * hand other binary types to the function as no body at all); says whether it is, byte for
 * byte, a final document issued here, who signed it and how each was verified, and what its
 * seal says (certificate, integrity, trusted time-stamp). Vercel refuses bodies over 4.5 MB before the function.
 */

async function handler(req: VercelRequest, res: VercelResponse) {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return res.status(405).json({ error: '只支持 POST 请求' });
  }
  if (!(await withinLimit(req, res, 'verify'))) return;
  const body = req.body as unknown;
  if (!Buffer.isBuffer(body) || body.length === 0) return res.status(415).json({ error: '请上传 PDF 文件（Content-Type: application/octet-stream）' });
  if (body.subarray(0, 5).toString('latin1') !== '%PDF-') return res.status(422).json({ error: '上传的文件不是 PDF' });
  try {
    const ctx = await signingContext();
    return res.status(200).json(await verifyEvidence(ctx.deps, body));
  } catch (e) {
    return sendError(res, e, 'verify');
  }
}

export default endpoint('verify', handler);
