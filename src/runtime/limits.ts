import type { Sql } from '../lib/store/sql.js';

/**
 * Request limits per client, counted in the database so that every instance of every
 * function shares them. Fixed windows: cheap (one upsert per request) and exact enough to
 * stop link guessing, mail floods and PDF floods.
 */
export interface Limit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

const env = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Per IP, except `sign`: per link (http.ts withinLinkLimit). The env names are the README's. */
export const LIMITS = {
  sign: () => ({ limit: env('RATE_LIMIT_SIGN', 120), windowSeconds: 60 }),
  /** Requests per IP with a link that is not one of ours: guessing, tampering. */
  badLinks: () => ({ limit: env('RATE_LIMIT_BAD_LINKS', 30), windowSeconds: 60 }),
  manage: () => ({ limit: env('RATE_LIMIT_MANAGE', 120), windowSeconds: 60 }),
  verify: () => ({ limit: env('RATE_LIMIT_VERIFY', 30), windowSeconds: 60 }),
  process: () => ({ limit: env('RATE_LIMIT_PROCESS', 300), windowSeconds: 60 }),
  adminLink: () => ({ limit: env('RATE_LIMIT_ADMIN_LINK', 10), windowSeconds: 60 }),
  /** Anonymous PDF and Word rendering: each costs real CPU. */
  render: () => ({ limit: env('RATE_LIMIT_RENDER', 60), windowSeconds: 60 }),
  /** Requests that make the server send mail to others (cases, acknowledgments, processes). */
  send: () => ({ limit: env('RATE_LIMIT_SEND', 30), windowSeconds: 3600 }),
} satisfies Record<string, () => Limit>;

export type Bucket = keyof typeof LIMITS;

/** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
export async function hit(sql: Sql, key: string, { limit, windowSeconds }: Limit, now = Date.now()): Promise<number> {
  const windowStart = new Date(Math.floor(now / 1000 / windowSeconds) * windowSeconds * 1000);
  const [row] = await sql.query<{ hits: number }>(
    `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END,
       window_start = excluded.window_start
     RETURNING hits`,
    [key.slice(0, 200), windowStart.toISOString()],
  );
  if (Number(row.hits) <= limit) return 0;
  return Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now) / 1000));
}

/** Drops finished windows (run by the maintenance job). */
export async function sweepLimits(sql: Sql, olderThanSeconds = 2 * 3600): Promise<void> {
  await sql.query(`DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => $1)`, [olderThanSeconds]);
}
