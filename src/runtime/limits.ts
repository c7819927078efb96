import type { Sql } from '../lib/store/sql.js';
import { batchingFor, groupCommit, type Outcome } from '../lib/group-commit.js';

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

/**
 * Counts one request; returns 0 when allowed, else the seconds until the window resets.
 * Hits arriving while others are being counted go together (group commit): a burst of
 * signatures after an all-hands mail is one upsert per batch, not one round trip each.
 */
export function hit(sql: Sql, key: string, { limit, windowSeconds }: Limit, now = Date.now()): Promise<number> {
  const windowStart = Math.floor(now / 1000 / windowSeconds) * windowSeconds * 1000;
  let count = counters.get(sql);
  if (!count) counters.set(sql, (count = groupCommit((hits: Hit[]) => countHits(sql, hits), batchingFor(sql))));
  return count({ key: key.slice(0, 200), windowStart }).then((hits) =>
    hits <= limit ? 0 : Math.max(1, Math.ceil((windowStart + windowSeconds * 1000 - now) / 1000)),
  );
}

interface Hit {
  key: string;
  windowStart: number;
}
const counters = new WeakMap<Sql, (hit: Hit) => Promise<number>>();

/**
 * One upsert for a batch of hits; each hit gets the count it makes (the third hit on a key in
 * this window gets 3). Keys are counted once per statement and in sorted order: an upsert may
 * not touch a row twice, and two instances locking the same keys in the same order cannot
 * deadlock.
 */
async function countHits(sql: Sql, hits: Hit[]): Promise<Outcome<number>[]> {
  const byKey = new Map<string, { windowStart: number; n: number }>();
  for (const h of hits) {
    const k = byKey.get(h.key);
    // Hits straddling a window's end within one batch count in the later window.
    byKey.set(h.key, { windowStart: Math.max(k?.windowStart ?? 0, h.windowStart), n: (k?.n ?? 0) + 1 });
  }
  const keys = [...byKey.keys()].sort();
  const rows = await sql.query<{ key: string; hits: number }>(
    `INSERT INTO rate_limits (key, window_start, hits)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[])
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + excluded.hits ELSE excluded.hits END,
       window_start = excluded.window_start
     RETURNING key, hits`,
    [keys, keys.map((k) => new Date(byKey.get(k)!.windowStart).toISOString()), keys.map((k) => byKey.get(k)!.n)],
  );
  const total = new Map(rows.map((r) => [r.key, Number(r.hits)]));
  // The i-th hit on a key in this batch counts as the total before the batch plus i.
  const seen = new Map<string, number>();
  return hits.map((h) => {
    const i = (seen.get(h.key) ?? 0) + 1;
    seen.set(h.key, i);
    return { value: total.get(h.key)! - byKey.get(h.key)!.n + i };
  });
}

/** Drops finished windows (run by the maintenance job). */
export async function sweepLimits(sql: Sql, olderThanSeconds = 2 * 3600): Promise<void> {
  await sql.query(`DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => $1)`, [olderThanSeconds]);
}
