import type { IncomingHttpHeaders } from 'node:http';

/** Base URL for links in mail: APP_URL if set, else the host the request came to. */
export function baseUrlFrom(headers: IncomingHttpHeaders): string {
  if (process.env.APP_URL) return process.env.APP_URL.replace(/\/$/, '');
  const proto = String(headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim();
  const host = String(headers['x-forwarded-host'] ?? headers.host ?? 'localhost').split(',')[0].trim();
  return `${proto === 'https' ? 'https' : 'http'}://${host.replace(/[^A-Za-z0-9.:\-[\]]/g, '')}`;
}

export function clientIp(headers: IncomingHttpHeaders, remote?: string): string {
  return String(headers['x-forwarded-for'] ?? remote ?? '').split(',')[0].trim();
}
