/** Rate limits live in the database: every instance of every function counts against the same window. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSql } from '../../src/lib/store/pglite.js';
import { createPostgresSql } from '../../src/lib/store/postgres.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { hit, sweepLimits } from '../../src/runtime/limits.js';

const stores: Array<[string, () => Promise<Sql[]>]> = [['PGlite', async () => [await createPgliteSql()]]];
if (process.env.DATABASE_URL) {
  // Two pools on one schema stand for two function instances.
  const schema = `limits_${process.pid}_${Date.now().toString(36)}`;
  stores.push(['PostgreSQL', async () => Promise.all([createPostgresSql(process.env.DATABASE_URL!, schema), createPostgresSql(process.env.DATABASE_URL!, schema)])]);
}

describe.each(stores)('rate limits on %s', (_name, open) => {
  let sqls: Sql[];
  beforeAll(async () => {
    sqls = await open();
    await migrate(sqls[0]);
  });
  afterAll(async () => {
    for (const s of sqls ?? []) await s.close();
  });

  it('counts across instances and tells how long to wait', async () => {
    const limit = { limit: 3, windowSeconds: 60 };
    const t = Date.UTC(2026, 10, 29, 12, 0, 10);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hit(sqls[i % sqls.length], 'sign:203.0.113.9', limit, t));
    expect(results.slice(0, 3)).toEqual([0, 0, 0]);
    expect(results[3]).toBe(50);
    // Another client, and the next window, start afresh.
    expect(await hit(sqls[0], 'sign:203.0.113.10', limit, t)).toBe(0);
    expect(await hit(sqls[0], 'sign:203.0.113.9', limit, t + 60_000)).toBe(0);
  });

  it('concurrent requests are each counted once', async () => {
    const limit = { limit: 50, windowSeconds: 60 };
    const t = Date.UTC(2026, 10, 29, 13, 0, 0);
    const waits = await Promise.all(Array.from({ length: 60 }, (_, i) => hit(sqls[i % sqls.length], 'send:198.51.100.1', limit, t)));
    expect(waits.filter((w) => w === 0)).toHaveLength(50);
  });

  it('a burst is counted in a few statements, each hit exactly once, on each key its own count', async () => {
    let statements = 0;
    const counted: Sql = { ...sqls[0], query: (text, params) => (statements++, sqls[0].query(text, params)) };
    const limit = { limit: 20, windowSeconds: 60 };
    const t = Date.UTC(2026, 10, 29, 14, 0, 0);
    // 90 hits on three keys, interleaved, at the same instant.
    const keys = ['sign:link:a', 'sign:link:b', 'badLinks:192.0.2.7'];
    const waits = await Promise.all(Array.from({ length: 90 }, (_, i) => hit(counted, keys[i % 3], limit, t)));
    for (const k of keys) expect(waits.filter((w, i) => keys[i % 3] === k && w === 0)).toHaveLength(20);
    expect(statements).toBeLessThan(15);
    const rows = await sqls[0].query<{ key: string; hits: number }>('SELECT key, hits FROM rate_limits WHERE key = ANY($1) ORDER BY key', [keys]);
    expect(rows.map((r) => [r.key, Number(r.hits)])).toEqual([...keys].sort().map((k) => [k, 30]));
  });

  it('finished windows are swept, so forged keys cannot grow the table for long', async () => {
    await sqls[0].query(`UPDATE rate_limits SET window_start = now() - interval '3 hours'`);
    await sweepLimits(sqls[0]);
    expect(await sqls[0].query('SELECT * FROM rate_limits')).toEqual([]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('instances starting at once on PostgreSQL', () => {
  it('eight pools opening the same fresh schema together all come up, round after round', async () => {
    // CREATE SCHEMA IF NOT EXISTS can collide with itself (23505); the first CI run on a clean clone did.
    for (let round = 0; round < 5; round++) {
      const schema = `race_${process.pid}_${round}_${Date.now().toString(36)}`;
      const pools = await Promise.all(Array.from({ length: 8 }, () => createPostgresSql(process.env.DATABASE_URL!, schema)));
      try {
        expect(await pools[7].query<{ n: string }>('SELECT current_schema() AS n')).toEqual([{ n: schema }]);
      } finally {
        await pools[0].exec(`DROP SCHEMA ${schema} CASCADE`);
        for (const p of pools) await p.close();
      }
    }
  });
});
