import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sirv from 'sirv';
import { applySecurityHeaders } from './security-headers.js';
import { runVercelHandler, type VercelHandler } from './vercel-adapter.js';
import { MAX_PDF_BODY_BYTES } from '../lib/pdf-request.js';
import { inFlight } from '../runtime/in-flight.js';

/** The functions in api/, by route. A fixed table: no path from the URL reaches the file system. */
const API_ROUTES: Record<string, { load: () => Promise<{ default: VercelHandler }>; maxBody: number }> = {
  '/api/pdf': { load: () => import('../../api/pdf.js'), maxBody: MAX_PDF_BODY_BYTES },
  '/api/cases': { load: () => import('../../api/cases.js'), maxBody: MAX_PDF_BODY_BYTES },
  '/api/sign': { load: () => import('../../api/sign.js'), maxBody: 512 * 1024 },
  '/api/manage': { load: () => import('../../api/manage.js'), maxBody: 16 * 1024 },
  // Vercel refuses any request body over 4.5 MB before the function runs; so does this.
  '/api/verify': { load: () => import('../../api/verify.js'), maxBody: 4.5 * 1024 * 1024 },
  '/api/cron': { load: () => import('../../api/cron.js'), maxBody: 1024 },
  '/api/acknowledgments': { load: () => import('../../api/acknowledgments.js'), maxBody: 2 * 1024 * 1024 },
  '/api/process': { load: () => import('../../api/process.js'), maxBody: 8 * 1024 * 1024 },
  '/api/process-export': { load: () => import('../../api/process-export.js'), maxBody: 4 * 1024 },
  '/api/notice': { load: () => import('../../api/notice.js'), maxBody: 8 * 1024 },
  '/api/admin': { load: () => import('../../api/admin.js'), maxBody: 8 * 1024 },
  '/api/robots': { load: () => import('../../api/robots.js'), maxBody: 8 * 1024 },
  '/api/confirm': { load: () => import('../../api/confirm.js'), maxBody: 8 * 1024 },
  '/api/policy-export': { load: () => import('../../api/policy-export.js'), maxBody: 2 * 1024 * 1024 },
  '/api/campaigns': { load: () => import('../../api/campaigns.js'), maxBody: 16 * 1024 },
  '/api/library': { load: () => import('../../api/library.js'), maxBody: 2 * 1024 * 1024 },
};

/**
 * A long-running server loads every function once it is up, so no first request waits for
 * its module graph (0.6–1.1 s for /api/process under tsx). A function that fails to load
 * still fails on its request, with its own error.
 */
export function preloadApi(): Promise<unknown> {
  return Promise.allSettled(Object.values(API_ROUTES).map((r) => r.load()));
}

/** Published policies (/p/<slug>/…) are pages of /api/library, as vercel.json's rewrite makes them. */
function rewritePublished(req: IncomingMessage): void {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname.startsWith('/p/')) req.url = `/api/library?path=${encodeURIComponent(pathname.slice(3))}`;
}

/**
 * Routes /api/* to the functions in api/. Returns false for other paths. Used by the app
 * server and by tests that exercise the functions without a built site.
 */
export function handleApi(req: IncomingMessage, res: ServerResponse): boolean {
  rewritePublished(req);
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
  const api = API_ROUTES[path];
  if (api) {
    inFlight.start();
    res.once('close', inFlight.end);
    void api.load().then((m) => runVercelHandler(m.default, req, res, api.maxBody));
    return true;
  }
  if (path.startsWith('/api/')) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: '没有这个接口' }));
    return true;
  }
  return false;
}

export interface AppOptions {
  /** The built static site (astro build output). */
  distDir: string;
}

/**
 * The local product server: the built static site and the Vercel-style handlers in api/ on
 * one port, so local runs match production routing.
 */
export function createApp({ distDir }: AppOptions): Server {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`找不到已构建的站点 ${distDir}/index.html：请先运行 npm run build（npm start 会自动构建）。`);
  }
  const notFoundPage = readFileSync(join(distDir, '404.html'));
  const assets = sirv(distDir, {
    etag: true,
    gzip: false,
    setHeaders(res, pathname) {
      // Hashed bundles never change; pages are revalidated.
      res.setHeader('Cache-Control', pathname.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const notFound = (res: ServerResponse) => {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(notFoundPage);
  };

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    applySecurityHeaders(res);
    if (handleApi(req, res)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('不支持的请求方法');
      return;
    }
    assets(req, res, () => notFound(res));
  });
}
