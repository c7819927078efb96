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
  return Promise.allSettled(Object.keys(API_ROUTES).map(loadRoute));
}

/**
 * Each function's module, loaded once. A dynamic import() of a module already loaded still
 * resolves its specifier again, and under tsx that is a round trip to the loader's thread:
 * about a third of a millisecond of CPU per request, more than the rest of a refused request.
 * A module that failed to load is tried again on the next request.
 */
const loaded = new Map<string, Promise<{ default: VercelHandler }>>();
function loadRoute(path: string): Promise<{ default: VercelHandler }> {
  let module = loaded.get(path);
  if (!module) {
    module = API_ROUTES[path].load();
    loaded.set(path, module);
    module.catch(() => loaded.delete(path));
  }
  return module;
}

function answerError(res: ServerResponse, status: number, error: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error }));
}

/** Published policies (/p/<slug>/…) are pages of /api/library, as vercel.json's rewrite makes them. */
function rewritePublished(req: IncomingMessage, pathname: string): string {
  if (!pathname.startsWith('/p/')) return pathname;
  req.url = `/api/library?path=${encodeURIComponent(pathname.slice(3))}`;
  return '/api/library';
}

/**
 * Routes /api/* to the functions in api/. Returns false for other paths. Used by the app
 * server and by tests that exercise the functions without a built site.
 */
export function handleApi(req: IncomingMessage, res: ServerResponse): boolean {
  const path = rewritePublished(req, new URL(req.url ?? '/', 'http://localhost').pathname).replace(/\/$/, '');
  const api = Object.hasOwn(API_ROUTES, path) ? API_ROUTES[path] : undefined;
  if (api) {
    inFlight.start();
    res.once('close', inFlight.end);
    void loadRoute(path).then(
      (m) => runVercelHandler(m.default, req, res, api.maxBody),
      // A function that cannot load fails its own request, not the whole server.
      (err: Error) => {
        console.error(`[api] ${path} could not be loaded:`, err.message);
        answerError(res, 500, '服务器内部错误，请稍后重试');
      },
    );
    return true;
  }
  if (path.startsWith('/api/')) {
    answerError(res, 404, '没有这个接口');
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
