/**
 * The job queue against a real database (PGlite always, PostgreSQL when DATABASE_URL is
 * set): enqueued with the caller's transaction, deduplicated while waiting, retried with
 * back-off, given up after its attempts, re-claimed after a lost lease, and applied once
 * when two workers race for the same jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersFirst, inFlight } from '../../src/runtime/in-flight.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { claim, completeJob, enqueue, nextDueInSeconds, runJobs, type JobKinds } from '../../src/lib/jobs/index.js';
import { storeBackends } from '../fixtures/stores.js';

describe.each(storeBackends('jobs'))('job queue on %s', (_name, makeSql) => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    await sql.exec('CREATE TABLE effects (job_kind text NOT NULL, n integer NOT NULL)');
  });
  afterAll(() => sql?.close());

  const jobRow = async (id: string) =>
    (await sql.query<{ attempts: number; last_error: string | null; done_at: Date | null; dead_at: Date | null; wait: number }>(
      'SELECT attempts, last_error, done_at, dead_at, extract(epoch FROM run_at - now())::float8 AS wait FROM jobs WHERE id = $1',
      [id],
    ))[0];

  it('exists only if the transaction that enqueued it commits', async () => {
    await expect(
      sql.transaction(async (tx) => {
        await enqueue(tx, 'rolled-back', {});
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const id = await sql.transaction((tx) => enqueue(tx, 'kept', { n: 1 }));
    expect(id).toBeTruthy();
    expect(await sql.query("SELECT kind FROM jobs WHERE kind IN ('rolled-back', 'kept')")).toEqual([{ kind: 'kept' }]);
    const done = await runJobs(sql, { kept: { handle: async (job, run) => void (await run.complete((tx) => tx.query('INSERT INTO effects VALUES ($1, $2)', [job.kind, (job.payload as { n: number }).n]))) } });
    expect(done).toEqual({ done: 1, failed: 0 });
    expect(await sql.query("SELECT n FROM effects WHERE job_kind = 'kept'")).toEqual([{ n: 1 }]);
    expect((await jobRow(id!)).done_at).not.toBeNull();
  });

  it('one waiting job per dedupe key; a running one does not swallow new work', async () => {
    const first = await sql.transaction((tx) => enqueue(tx, 'dedupe', {}, { dedupeKey: 'case:1' }));
    const second = await sql.transaction((tx) => enqueue(tx, 'dedupe', {}, { dedupeKey: 'case:1' }));
    expect(first).toBeTruthy();
    expect(second).toBeNull();
    const [claimed] = await claim(sql, { kinds: ['dedupe'] });
    expect(claimed.id).toBe(first);
    // Work added while the first runs gets a job of its own.
    const third = await sql.transaction((tx) => enqueue(tx, 'dedupe', {}, { dedupeKey: 'case:1' }));
    expect(third).toBeTruthy();
    expect(await completeJob(sql, claimed)).toBe(true);
    expect(await runJobs(sql, { dedupe: { handle: async () => {} } })).toEqual({ done: 1, failed: 0 });
  });

  it('a failing handler is retried with exponential back-off, then kept as dead with its error', async () => {
    const id = (await sql.transaction((tx) => enqueue(tx, 'flaky', {}, { maxAttempts: 3 })))!;
    const kinds: JobKinds = { flaky: { handle: async () => Promise.reject(new Error('SMTP 421 try later')) } };
    expect(await runJobs(sql, kinds, { retryBaseSeconds: 10 })).toEqual({ done: 0, failed: 1 });
    let row = await jobRow(id);
    expect(row).toMatchObject({ attempts: 1, last_error: 'SMTP 421 try later', done_at: null, dead_at: null });
    expect(row.wait).toBeGreaterThan(8);
    expect(row.wait).toBeLessThanOrEqual(10);
    // Not due yet: nothing runs.
    expect(await runJobs(sql, kinds)).toEqual({ done: 0, failed: 0 });
    await sql.query("UPDATE jobs SET run_at = now() WHERE id = $1", [id]);
    await runJobs(sql, kinds, { retryBaseSeconds: 10 });
    row = await jobRow(id);
    expect(row.attempts).toBe(2);
    expect(row.wait).toBeGreaterThan(18); // doubled
    expect(row.wait).toBeLessThanOrEqual(20);
    await sql.query("UPDATE jobs SET run_at = now() WHERE id = $1", [id]);
    await runJobs(sql, kinds, { retryBaseSeconds: 10 });
    row = await jobRow(id);
    expect(row.attempts).toBe(3);
    expect(row.dead_at).not.toBeNull();
    expect(await runJobs(sql, kinds)).toEqual({ done: 0, failed: 0 });
  });

  it('a job whose worker vanished is claimed again after its lease; the old claim can no longer complete it', async () => {
    const id = (await sql.transaction((tx) => enqueue(tx, 'lease', {})))!;
    const [lost] = await claim(sql, { kinds: ['lease'], leaseSeconds: 1 });
    expect(lost.id).toBe(id);
    expect(await claim(sql, { kinds: ['lease'] })).toEqual([]); // leased
    expect(await nextDueInSeconds(sql)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1_200));
    const [again] = await claim(sql, { kinds: ['lease'], leaseSeconds: 30 });
    expect(again.id).toBe(id);
    expect(again.attempts).toBe(2);
    // The first worker wakes up late: its change is not applied.
    expect(await completeJob(sql, lost, (tx) => tx.query("INSERT INTO effects VALUES ('lease', 1)").then(() => {}))).toBe(false);
    expect(await completeJob(sql, again, (tx) => tx.query("INSERT INTO effects VALUES ('lease', 2)").then(() => {}))).toBe(true);
    expect(await sql.query("SELECT n FROM effects WHERE job_kind = 'lease'")).toEqual([{ n: 2 }]);
  });

  it('two workers racing over 40 jobs apply each exactly once', async () => {
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await enqueue(tx, 'race', { n: i });
    });
    const kinds: JobKinds = {
      race: {
        handle: async (job, run) => {
          await new Promise((r) => setTimeout(r, 2));
          await run.complete((tx) => tx.query("INSERT INTO effects VALUES ('race', $1)", [(job.payload as { n: number }).n]).then(() => {}));
        },
      },
    };
    const [a, b] = await Promise.all([runJobs(sql, kinds, { concurrency: 3 }), runJobs(sql, kinds, { concurrency: 3 })]);
    expect(a.done + b.done).toBe(40);
    const rows = await sql.query<{ n: number }>("SELECT n FROM effects WHERE job_kind = 'race' ORDER BY n");
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('a server lets its answers go first: claims wait while a request is being answered, never for long, and one lane keeps going', async () => {
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await enqueue(tx, 'polite', { n: i });
    });
    const claimedAt: number[] = [];
    const kinds: JobKinds = { polite: { handle: async () => void claimedAt.push(Date.now()) } };
    inFlight.start(); // a request is being answered
    const t0 = Date.now();
    setTimeout(inFlight.end, 150); // … and answered
    // A second lane waits for a quiet moment (the first would have gone after 200 ms).
    expect(await runJobs(sql, kinds, { beforeClaim: () => answersFirst(1) })).toEqual({ done: 3, failed: 0 });
    expect(Math.min(...claimedAt) - t0).toBeGreaterThanOrEqual(140);
    // With requests that never end, work is only delayed: the first lane claims after 200 ms
    // each time, the others after 3 s at most.
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await enqueue(tx, 'polite', { n: 10 + i });
    });
    claimedAt.length = 0;
    inFlight.start();
    const t1 = Date.now();
    expect(await runJobs(sql, kinds, { concurrency: 3, beforeClaim: answersFirst })).toEqual({ done: 3, failed: 0 });
    expect(claimedAt[0] - t1).toBeGreaterThanOrEqual(190);
    expect(claimedAt[0] - t1).toBeLessThan(2_000);
    expect(Date.now() - t1).toBeLessThan(6_000);
    inFlight.end();
    expect(inFlight.count).toBe(0);
  });
});
