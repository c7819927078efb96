import type { VercelRequest, VercelResponse } from '@vercel/node';
import type { ZodType, ZodTypeDef } from 'zod';
import { SigningError } from '../lib/signing/errors';
import { formatZodIssues } from '../lib/zod-messages';

/** What every JSON endpoint does first: POST only, JSON only, body through its zod schema. */
export function readJson<T>(req: VercelRequest, res: VercelResponse, schema: ZodType<T, ZodTypeDef, unknown>): T | null {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    res.status(405).json({ error: '只支持 POST 请求' });
    return null;
  }
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    res.status(415).json({ error: '请求内容必须是 JSON（Content-Type: application/json）' });
    return null;
  }
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    const fields = formatZodIssues(parsed.error, req.body);
    res.status(400).json({ error: fields[0]?.replace(/^[^:]*: /, '') ?? '请求格式不正确', fields });
    return null;
  }
  return parsed.data;
}

/** Known refusals get their message and status; anything else is a plain 500 without details. */
export function sendError(res: VercelResponse, e: unknown, where: string) {
  if (e instanceof SigningError) return res.status(e.status).json({ error: e.message, code: e.code });
  console.error(`[api] ${where}:`, (e as Error).message);
  return res.status(500).json({ error: '服务器内部错误，请稍后重试；已填写和已签署的内容不会丢失。' });
}

export function sendPdf(res: VercelResponse, pdf: Uint8Array, fileName: string, download: boolean) {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  res.setHeader('Cache-Control', 'no-store');
  return res.status(200).send(Buffer.from(pdf));
}
