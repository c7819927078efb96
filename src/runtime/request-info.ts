import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { trustProxy, type TrustProxy } from './settings.js';

/**
 * The client's address, for the audit page and the rate limits. A header is believed only
 * when TRUST_PROXY says a proxy of ours sets it (see settings.ts): anyone can send
 * X-Forwarded-For, so an untrusted one would let a signer claim any IP and rotate past limits.
 */
export function clientIp(req: { headers: IncomingHttpHeaders; socket?: { remoteAddress?: string } }, trust: TrustProxy = trustProxy()): string {
  const peer = normalize(req.socket?.remoteAddress ?? '');
  if (trust.kind === 'vercel') return normalize(first(req.headers['x-real-ip'])) || peer;
  if (trust.kind === 'hops') {
    const chain = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    // Each proxy appends the address it saw; entries before ours are the client's claims.
    return normalize(chain[chain.length - trust.hops] ?? '') || peer;
  }
  return peer;
}

function first(v: string | string[] | undefined): string {
  return String(Array.isArray(v) ? v[0] : (v ?? '')).split(',')[0].trim();
}

/** A bare IP (IPv4-mapped IPv6 shortened) or '' — never free text from a header. */
function normalize(ip: string): string {
  const v = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(v) ? v : '';
}
