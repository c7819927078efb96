import { randomBytes } from 'node:crypto';
import type { Sql } from '../store/sql.js';

/**
 * A durable job queue in the database (table `jobs`, migration 011), the same on PGlite and
 * PostgreSQL. Work is enqueued inside the caller's transaction, so it exists exactly when
 * the change that asked for it commits. Any process may run it: a claim is a lease
 * (`locked_until`), so a worker killed mid-job leaves a job that is claimed again once the
 * lease runs out. A handler's state change commits in the same transaction that marks the
 * job done, and only while the claim is still the handler's own, so its effect in the
 * database happens once however often the job is attempted. Handlers must therefore be
 * idempotent in what they do outside the database (re-rendering, re-reading): a killed
 * attempt left nothing behind.
 */
export interface Job<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  dedupe_key: string | null;
  run_at: Date;
  /** Including this one: a claim counts as an attempt, so a job that kills its worker still gives up eventually. */
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  claim_token: string;
  locked_until: Date;
  created_at: Date;
}

export interface EnqueueOptions {
  /** At most one waiting job per key (a running one does not count): a second enqueue does nothing. */
  dedupeKey?: string;
  /** Run no earlier than this many seconds from now. */
  delaySeconds?: number;
  maxAttempts?: number;
}

/** A job to queue: its kind, what it works on, and the options of `enqueue`. */
export interface QueuedJob {
  kind: string;
  payload: unknown;
  options?: EnqueueOptions;
}

/**
 * `enqueue`'s INSERT for one job or several, its parameters numbered from `first`: a
 * statement that makes a change can queue the jobs that follow from it in the same round
 * trip (signatures and their stamping, src/lib/store/repo.ts).
 */
export function enqueueStatement(jobs: QueuedJob[], first = 1): { text: string; params: unknown[] } {
  const rows = jobs.map((_, j) => {
    const $ = (i: number) => `$${first + j * 5 + i}`;
    return `(${$(0)}, ${$(1)}, ${$(2)}, now() + make_interval(secs => ${$(3)}), ${$(4)})`;
  });
  return {
    text: `INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts)
     VALUES ${rows.join(', ')}
     ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND claim_token IS NULL AND done_at IS NULL AND dead_at IS NULL DO NOTHING`,
    params: jobs.flatMap(({ kind, payload, options = {} }) => [kind, JSON.stringify(payload ?? {}), options.dedupeKey ?? null, options.delaySeconds ?? 0, options.maxAttempts ?? 10]),
  };
}

/** Adds a job in the caller's transaction. Returns its id, or null when a waiting job with the same dedupe key exists. */
export async function enqueue(tx: Sql, kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<string | null> {
  const { text, params } = enqueueStatement([{ kind, payload, options }]);
  const rows = await tx.query<{ id: string }>(`${text} RETURNING id`, params);
  return rows[0]?.id ?? null;
}

/**
 * Claims up to `limit` due jobs (waiting and due, or claimed by someone whose lease ran
 * out), oldest first. `FOR UPDATE SKIP LOCKED`: two workers claiming at once get different
 * jobs instead of waiting for each other.
 */
export async function claim(sql: Sql, options: { kinds?: string[]; limit?: number; leaseSeconds?: number } = {}): Promise<Job[]> {
  const token = randomBytes(12).toString('base64url');
  const params: unknown[] = [token, options.leaseSeconds ?? 60, options.limit ?? 1];
  const kindFilter = options.kinds ? `AND kind = ANY($${params.push(options.kinds)})` : '';
  return sql.query<Job>(
    `UPDATE jobs SET claim_token = $1, locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM jobs
         WHERE done_at IS NULL AND dead_at IS NULL AND run_at <= now()
           AND (claim_token IS NULL OR locked_until < now()) ${kindFilter}
         ORDER BY run_at, id LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    params,
  );
}

/**
 * Runs `fn` and marks the job done in one transaction, if the claim is still this one's
 * (a worker whose lease ran out and whose job someone else took over must not apply it a
 * second time). The job row is locked first, so two holders of the same job are applied
 * one after the other and the second finds it done. Returns false when the claim was lost
 * (nothing of `fn` is kept).
 */
export async function completeJob(sql: Sql, job: Pick<Job, 'id' | 'claim_token'>, fn?: (tx: Sql) => Promise<unknown>): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const mine = await tx.query('SELECT 1 FROM jobs WHERE id = $1 AND claim_token = $2 AND done_at IS NULL FOR UPDATE', [job.id, job.claim_token]);
    if (!mine.length) return false;
    if (fn) await fn(tx);
    await tx.query('UPDATE jobs SET done_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1', [job.id]);
    return true;
  });
}

/** Back-off for the next attempt after `attempts` failed ones: base, 2×, 4× … capped at an hour. */
export const backoffSeconds = (attempts: number, baseSeconds: number) => Math.min(3600, baseSeconds * 2 ** Math.max(0, attempts - 1));

/**
 * A failed attempt: the job waits (exponential back-off) and is tried again, or after
 * `max_attempts` is kept as dead with its error. When a newer waiting job with the same key
 * exists, that one will do the work: this one is closed as superseded.
 */
export async function failJob(sql: Sql, job: Pick<Job, 'id' | 'claim_token' | 'attempts' | 'max_attempts' | 'dedupe_key'>, error: string, baseSeconds: number): Promise<void> {
  const message = error.slice(0, 500);
  await sql.transaction(async (tx) => {
    const mine = await tx.query('SELECT 1 FROM jobs WHERE id = $1 AND claim_token = $2 AND done_at IS NULL FOR UPDATE', [job.id, job.claim_token]);
    if (!mine.length) return;
    if (job.attempts >= job.max_attempts) {
      await tx.query('UPDATE jobs SET dead_at = now(), last_error = $2, locked_until = NULL WHERE id = $1', [job.id, message]);
      return;
    }
    if (job.dedupe_key) {
      const twin = await tx.query(
        'SELECT 1 FROM jobs WHERE dedupe_key = $1 AND claim_token IS NULL AND done_at IS NULL AND dead_at IS NULL AND id <> $2',
        [job.dedupe_key, job.id],
      );
      if (twin.length) {
        await tx.query(`UPDATE jobs SET done_at = now(), last_error = $2, locked_until = NULL WHERE id = $1`, [job.id, `superseded: ${message}`]);
        return;
      }
    }
    await tx.query(
      'UPDATE jobs SET claim_token = NULL, locked_until = NULL, last_error = $2, run_at = now() + make_interval(secs => $3) WHERE id = $1',
      [job.id, message, backoffSeconds(job.attempts, baseSeconds)],
    );
  });
}

/** What a handler gets besides its job: the store, and the one way to commit its effect. */
export interface JobRun {
  sql: Sql;
  /**
   * Applies the handler's state change and marks the job done, atomically. Slow work (a PDF,
   * a network call) happens before, outside any transaction. False: the claim was lost to
   * another worker, whose run counts instead; stop.
   */
  complete: (fn?: (tx: Sql) => Promise<unknown>) => Promise<boolean>;
}
export type JobHandler<P = never> = (job: Job<P>, run: JobRun) => Promise<void>;
export interface JobKind<P = never> {
  handle: JobHandler<P>;
  /** How long a claim lasts: longer than the job ever takes, short enough to recover quickly. */
  leaseSeconds?: number;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobKinds = Record<string, JobKind<any>>;

export interface RunOptions {
  /** Stop after this many jobs (a function has a time budget). */
  max?: number;
  /** First retry after this many seconds, doubling each time. */
  retryBaseSeconds?: number;
  /** Overrides every kind's lease (tests, and operators who know their jobs). */
  leaseSeconds?: number;
  /** How many jobs run side by side (their slow parts overlap; commits are short). */
  concurrency?: number;
  /** Awaited before each claim, with the lane's number (0 first): a server lets its answers go first (src/runtime/in-flight.ts). */
  beforeClaim?: (lane: number) => Promise<void>;
  /** Called with an attempt's error (logged by the caller without payloads). */
  onError?: (job: Job, error: Error) => void;
}

/**
 * Claims and runs due jobs of the given kinds until none is due (or `max` ran). A handler
 * that throws leaves the job for a later attempt with back-off; a handler that returns
 * without completing is completed with no further change.
 */
export async function runJobs(sql: Sql, kinds: JobKinds, options: RunOptions = {}): Promise<{ done: number; failed: number }> {
  const max = options.max ?? 500;
  const names = Object.keys(kinds);
  let done = 0;
  let failed = 0;
  let started = 0;
  let empty = false;
  const lane = async (_: unknown, number: number) => {
    while (!empty && started < max) {
      started++;
      await options.beforeClaim?.(number);
      // One at a time per lane: a lease only starts when the job does.
      const [job] = await claim(sql, { kinds: names, limit: 1, leaseSeconds: options.leaseSeconds ?? Math.max(...names.map((k) => kinds[k].leaseSeconds ?? 60)) });
      if (!job) {
        empty = true;
        started--;
        break;
      }
      try {
        let completed = false;
        await kinds[job.kind].handle(job as Job<never>, {
          sql,
          complete: async (fn) => {
            completed = await completeJob(sql, job, fn);
            return completed;
          },
        });
        if (!completed) await completeJob(sql, job);
        done++;
      } catch (e) {
        failed++;
        options.onError?.(job, e as Error);
        await failJob(sql, job, (e as Error).message ?? String(e), options.retryBaseSeconds ?? 10).catch(() => {});
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, lane));
  return { done, failed };
}

/** Seconds until the next job is due (0: now), or null when nothing waits: a worker sleeps that long. */
export async function nextDueInSeconds(sql: Sql): Promise<number | null> {
  const [row] = await sql.query<{ secs: number | null }>(
    `SELECT extract(epoch FROM min(CASE WHEN claim_token IS NULL THEN run_at ELSE greatest(run_at, locked_until) END) - now())::float8 AS secs
       FROM jobs WHERE done_at IS NULL AND dead_at IS NULL`,
  );
  return row?.secs == null ? null : Math.max(0, row.secs);
}

/** Jobs done long ago are dropped (the events table is the record); dead ones stay for a person to look at. */
export async function sweepJobs(sql: Sql, keepDays = 7): Promise<number> {
  const rows = await sql.query('DELETE FROM jobs WHERE done_at < now() - make_interval(days => $1) RETURNING id', [keepDays]);
  return rows.length;
}
