/**
 * The product's settings, read from the environment in one place.
 *
 * Two ways to run:
 * - locally (`npm start`, tests): zero set-up — PGlite and generated secrets in the data
 *   folder, mail as .eml files, links built from the address the local server listens on;
 * - deployed (Vercel marks production with VERCEL_ENV=production; HANDOVER_ENV=production
 *   does the same elsewhere): nothing is generated or guessed. A missing setting stops every
 *   function with one clear log line and a zh-CN 503, never a fallback.
 */

export class ConfigError extends Error {
  constructor(readonly missing: string[]) {
    super(`missing settings: ${missing.join(', ')}`);
  }
}

export function isProduction(env = process.env): boolean {
  return env.VERCEL_ENV === 'production' || env.HANDOVER_ENV === 'production';
}

/** On the platform (any environment) only /tmp is writable. */
export function onPlatform(env = process.env): boolean {
  return !!env.VERCEL || isProduction(env);
}

/** What production must be given; empty when everything is there. */
export function missingProductionSettings(env = process.env): string[] {
  const missing: string[] = [];
  if (!env.APP_URL) missing.push('APP_URL');
  if (!env.SIGNING_SECRET) missing.push('SIGNING_SECRET');
  if (!env.DATABASE_URL) missing.push('DATABASE_URL');
  if (!env.SIGNING_P12_BASE64 || env.SIGNING_P12_PASSPHRASE === undefined) missing.push('SIGNING_P12_BASE64/SIGNING_P12_PASSPHRASE');
  if (!env.SMTP_URL) missing.push('SMTP_URL');
  return missing;
}

/** Throws ConfigError when production lacks a setting; nothing to check elsewhere. */
export function assertConfigured(env = process.env): void {
  if (!isProduction(env)) return;
  const missing = missingProductionSettings(env);
  if (missing.length) throw new ConfigError(missing);
}

/** Where generated secrets, PGlite and the local outbox live; /tmp on the platform. */
export function dataDir(env = process.env): string {
  return env.DATA_DIR || (onPlatform(env) ? '/tmp/handover-data' : '.data');
}

/**
 * The base address put in every emailed link. Only configuration decides it, never a
 * request header: APP_URL; in a Vercel preview the deployment's own address (VERCEL_URL,
 * set by the platform); the local server sets APP_URL to the address it listens on.
 */
export function appUrl(env = process.env): string {
  const url = env.APP_URL || (!isProduction(env) && env.VERCEL_URL ? `https://${env.VERCEL_URL}` : '');
  if (!url) throw new ConfigError(['APP_URL']);
  return url.replace(/\/+$/, '');
}

/**
 * Which proxy header carries the client's address. Unset: none is trusted and the socket's
 * peer address is used. `vercel` (the default on the platform): `x-real-ip`, which the
 * platform overwrites on every request. A number N: N proxies of ours sit in front and each
 * appends to X-Forwarded-For, so the client is the Nth entry from the end.
 */
export type TrustProxy = { kind: 'none' } | { kind: 'vercel' } | { kind: 'hops'; hops: number };

export function trustProxy(env = process.env): TrustProxy {
  const v = (env.TRUST_PROXY ?? (env.VERCEL ? 'vercel' : '')).trim().toLowerCase();
  if (v === 'vercel') return { kind: 'vercel' };
  if (v === 'true') return { kind: 'hops', hops: 1 };
  const hops = Number(v);
  return Number.isInteger(hops) && hops > 0 && hops < 10 ? { kind: 'hops', hops } : { kind: 'none' };
}

export const settings = {
  linkTtlDays: () => Number(process.env.LINK_TTL_DAYS ?? 14),
  caseLinkDays: () => Number(process.env.CASE_LINK_TTL_DAYS ?? 180),
  mailRetryBaseSeconds: () => Number(process.env.MAIL_RETRY_BASE_SECONDS ?? 30),
  /** First retry of a failed job after this many seconds, doubling each time (capped at an hour). */
  jobRetryBaseSeconds: () => Number(process.env.JOB_RETRY_BASE_SECONDS ?? 10),
  /** How long a message being sent is its sender's before another sender may try it (the first presumed dead). */
  mailLeaseSeconds: () => Number(process.env.MAIL_LEASE_SECONDS ?? 300),
  /** Messages in flight at once, each on its own SMTP connection (1–16). */
  mailConcurrency: () => Math.min(16, Math.max(1, Math.floor(Number(process.env.MAIL_CONCURRENCY ?? 4)) || 1)),
  /** Worker threads for PDF work under a long-running server (0: render on the main thread). */
  pdfWorkers: () => Math.min(8, Math.max(0, Math.floor(Number(process.env.PDF_WORKERS ?? 2)) || 0)),
  /** Jobs a worker runs side by side (their PDF work on the worker threads, their commits short). */
  jobConcurrency: () => Math.min(16, Math.max(1, Math.floor(Number(process.env.JOB_CONCURRENCY ?? 4)) || 1)),
  /** How long a claimed job is a worker's before another may take it over (its worker presumed dead). */
  jobLeaseSeconds: () => Number(process.env.JOB_LEASE_SECONDS ?? 120),
};
