import type { ServerResponse } from 'node:http';

/**
 * Headers every response carries. Script and style sources are pinned per page by the CSP
 * <meta> Astro generates (hashes of exactly what the page runs); this header adds the
 * directives a <meta> cannot carry and blocks plugins and base-URL tricks everywhere.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
