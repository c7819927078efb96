import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sirv from 'sirv';
import { applySecurityHeaders } from './security-headers';

export interface AppOptions {
  /** The built static site (astro build output). */
  distDir: string;
}

/**
 * The local product server: the built static site on one port. The Vercel-style handlers
 * in api/ will be mounted here too, so local runs match production routing.
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
