import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VercelRequest, VercelResponse } from '@vercel/node';

/**
 * Runs a Vercel-style handler on a plain Node request, the way Vercel does: query and JSON
 * body parsed onto the request, res.status/json/send helpers. Bodies over `maxBody` are
 * refused with 413 before they are read in full; malformed JSON gets a 400.
 */
export type VercelHandler = (req: VercelRequest, res: VercelResponse) => unknown;

export async function runVercelHandler(handler: VercelHandler, req: IncomingMessage, res: ServerResponse, maxBody: number): Promise<void> {
  const vres = res as VercelResponse;
  vres.status = (code: number) => {
    res.statusCode = code;
    return vres;
  };
  vres.json = (value: unknown) => {
    if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(value));
    return vres;
  };
  vres.send = (body: unknown) => {
    if (Buffer.isBuffer(body) || typeof body === 'string') res.end(body);
    else vres.json(body);
    return vres;
  };
  const fail = (code: number, error: string) => vres.status(code).json({ error });
  const tooLarge = `请求内容过大（上限 ${maxBody >= 1024 * 1024 ? `${Math.round(maxBody / 1024 / 1024)} MB` : `${Math.round(maxBody / 1024)} KB`}）`;

  const url = new URL(req.url ?? '/', 'http://localhost');
  const vreq = req as VercelRequest;
  Object.defineProperty(vreq, 'query', { value: Object.fromEntries(url.searchParams), configurable: true });
  vreq.cookies = {};
  if (Number(req.headers['content-length'] ?? 0) > maxBody) {
    fail(413, tooLarge);
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) {
        fail(413, tooLarge);
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    // The client went away mid-body (a page reloaded during a request): nobody to answer, and
    // the rejection must not escape — unhandled, it would stop the whole server.
    return;
  }
  // Like Vercel's helpers: JSON parsed, text as a string, application/octet-stream as a
  // Buffer, and no body for other types (a PDF upload must be sent as octet-stream there).
  const raw = Buffer.concat(chunks);
  const type = String(req.headers['content-type'] ?? '');
  let body: unknown = raw.length && type.startsWith('application/octet-stream') ? raw : undefined;
  if (raw.length && type.startsWith('application/json')) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      fail(400, '请求内容不是有效的 JSON');
      return;
    }
  } else if (raw.length && type.startsWith('text/')) body = raw.toString('utf8');
  Object.defineProperty(vreq, 'body', { value: body, configurable: true });
  try {
    await handler(vreq, vres);
  } catch (err) {
    // Never a stack trace to the client; the log gets the error without request data.
    console.error(`[api] ${url.pathname} failed:`, (err as Error).message);
    if (!res.headersSent) fail(500, '服务器内部错误，请稍后重试');
    else res.end();
  }
}
