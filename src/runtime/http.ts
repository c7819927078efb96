import type { VercelRequest, VercelResponse } from '@vercel/node';
import type { ZodType, ZodTypeDef } from 'zod';
import { SigningError } from '../lib/signing/errors.js';
import { formatZodIssues } from '../lib/zod-messages.js';
import { clientIp } from './request-info.js';
import { hit, LIMITS, type Bucket, type Limit } from './limits.js';
import { verifyLink, type LinkKind } from '../lib/signing/links.js';
import { assertConfigured, ConfigError } from './settings.js';
import { database, signingContext } from './context.js';

export type Handler = (req: VercelRequest, res: VercelResponse) => unknown;

/**
 * What every function does around its own work: answers are never cached (they carry
 * personal data and one-time states), production without its settings refuses with a 503,
 * and nothing thrown reaches the client as a stack trace.
 */
export function endpoint(name: string, handler: Handler): Handler {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      assertConfigured();
      await handler(req, res);
    } catch (e) {
      if (res.headersSent) res.end();
      else sendError(res, e, name);
    }
  };
}

/** False (and a 429 sent) when this client has made too many requests to `bucket`. */
export function withinLimit(req: VercelRequest, res: VercelResponse, bucket: Bucket): Promise<boolean> {
  return counted(res, bucket, `${bucket}:${clientIp(req) || 'unknown'}`, LIMITS[bucket]());
}

/**
 * The limit for a request made through an emailed link (signing, reading a policy, a
 * customer's notice). A link we issued — its signature checks out — is counted on its own:
 * a company's staff share one address behind their NAT and open their links in the same
 * minute after the all-hands mail, and each of them is a client of their own. Anything else
 * (made up, tampered, truncated, expired, another kind of link) counts against the address
 * under the tighter `badLinks` limit: that is what stops guessing, and a guesser does not
 * lock their colleagues out.
 */
export async function withinLinkLimit(req: VercelRequest, res: VercelResponse, bucket: Bucket, token: string, kind: LinkKind): Promise<boolean> {
  const claims = await verifyLink((await signingContext()).deps.secret, token, kind).catch(() => null);
  if (claims) return counted(res, bucket, `${bucket}:link:${claims.jti}`, LIMITS[bucket]());
  return counted(res, 'badLinks', `badLinks:${clientIp(req) || 'unknown'}`, LIMITS.badLinks());
}

async function counted(res: VercelResponse, bucket: Bucket, key: string, limit: Limit): Promise<boolean> {
  let wait = 0;
  try {
    wait = await hit(await database(), key, limit);
  } catch (e) {
    // The handler meets the same database next and answers with its own clear error.
    console.error(`[limits] ${bucket}:`, (e as Error).message);
    return true;
  }
  if (!wait) return true;
  res.setHeader('Retry-After', String(wait));
  res.status(429).json({ error: `请求过于频繁，请 ${wait < 120 ? `${wait} 秒` : `${Math.ceil(wait / 60)} 分钟`}后再试。` });
  return false;
}

/** Errors that mean the database cannot be reached right now (not a bug in the request). */
function isDatabaseDown(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '53300'].includes(err?.code ?? '') ||
    /Connection terminated|connect ECONNREFUSED|database system is (starting up|shutting down)|too many clients/i.test(err?.message ?? '');
}

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
  // On Vercel, req.body is parsed when first read and throws on malformed JSON.
  let raw: unknown;
  try {
    raw = req.body;
  } catch {
    res.status(400).json({ error: '请求内容不是有效的 JSON' });
    return null;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = formatZodIssues(parsed.error, raw);
    res.status(400).json({ error: fields[0]?.replace(/^[^:]*: /, '') ?? '请求格式不正确', fields });
    return null;
  }
  return parsed.data;
}

/** Known refusals get their message and status; anything else is a plain 500 without details. */
let configLogged = false;

export function sendError(res: VercelResponse, e: unknown, where: string) {
  if (e instanceof ConfigError) {
    // Once per instance: the log says exactly what to set; the user gets no internals.
    if (!configLogged) console.error(`[config] production is missing ${e.missing.join(', ')}: set them in the project's environment variables`);
    configLogged = true;
    res.setHeader('Retry-After', '300');
    return res.status(503).json({ error: '服务尚未配置完成，暂时无法使用；请联系系统管理员。', code: 'not_configured' });
  }
  if (e instanceof SigningError) {
    if (e.retryAfter) res.setHeader('Retry-After', String(e.retryAfter));
    return res.status(e.status).json({ error: e.message, code: e.code });
  }
  if (isDatabaseDown(e)) {
    console.error(`[api] ${where}: database unavailable`);
    res.setHeader('Retry-After', '30');
    return res.status(503).json({ error: '数据库暂时不可用，请稍后重试；您填写的内容仍保存在本机浏览器中，不会丢失。', code: 'unavailable' });
  }
  console.error(`[api] ${where}:`, (e as Error).message);
  return res.status(500).json({ error: '服务器内部错误，请稍后重试；已填写和已签署的内容不会丢失。' });
}

export function sendPdf(res: VercelResponse, pdf: Uint8Array, fileName: string, download: boolean) {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  res.setHeader('Cache-Control', 'no-store');
  return res.status(200).send(Buffer.from(pdf));
}

export const ADMIN_COOKIE = 'hk_admin';

/** The admin session cookie from the request, if any. */
export function adminCookie(req: VercelRequest): string | undefined {
  const m = String(req.headers.cookie ?? '').match(/(?:^|;\s*)hk_admin=([A-Za-z0-9._-]{20,2048})/);
  return m?.[1];
}

/** HttpOnly, SameSite=Strict, only sent to the API; Secure whenever the site is served over HTTPS. */
export function setAdminCookie(req: VercelRequest, res: VercelResponse, value: string, maxAgeSeconds: number) {
  const https = String(req.headers['x-forwarded-proto'] ?? '').startsWith('https') || !!process.env.VERCEL;
  res.setHeader('Set-Cookie', `${ADMIN_COOKIE}=${value}; Path=/api; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${https ? '; Secure' : ''}`);
}
