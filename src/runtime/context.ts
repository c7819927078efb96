import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createPostgresSql } from '../lib/store/postgres.js';
import { migrate } from '../lib/store/migrate.js';
import type { Sql } from '../lib/store/sql.js';
import { processOutbox } from '../lib/signing/outbox.js';
import { signingJobs, type SigningDeps } from '../lib/signing/service.js';
import { runJobs, type JobKinds } from '../lib/jobs/index.js';
import { waitUntil } from '@vercel/functions';
import { createMailer, type Mailer } from './mailer.js';
import { onStageCaseClosed, type ProcessDeps } from '../lib/process/service.js';
import { processJobs } from '../lib/process/jobs.js';
import { loadCalendar } from '../lib/process/calendar.js';
import { findForm } from './forms.js';
import { answersFirst } from './in-flight.js';
import { assertConfigured, dataDir as dataDirSetting, settings } from './settings.js';
import { tsaClient, verificationDefaults } from './evidence.js';

/**
 * Everything the signing functions share, built once per process: the store (PGlite in the
 * data folder, or PostgreSQL when DATABASE_URL is set, migrated on start), the link secret,
 * the sealing certificate and the mailer. Secrets missing from the environment are generated
 * into the data folder, so a local run needs no set-up.
 */
export interface SigningContext {
  deps: SigningDeps;
  /** The same, plus what customer-handover processes need (forms, holiday calendar). */
  processDeps: ProcessDeps;
  mailer: Mailer;
  dataDir: string;
  /**
   * Send what is queued now. Handlers start it without waiting: the outbox is durable, and
   * the worker (npm start) or the cron function (Vercel) sends whatever is left.
   */
  flushMail: () => Promise<void>;
  /**
   * Starts sending without holding up the response; on Vercel `waitUntil` keeps the function
   * alive until the mail is out (elsewhere it only runs in the background). Runs due jobs
   * first (see workSoon): whatever queued mail may have queued work too.
   */
  sendMailSoon: () => void;
  /**
   * The job kinds this process runs (signing's stamp and seal; other services add theirs
   * here when the context is built).
   */
  jobs: JobKinds;
  /**
   * Runs due jobs until none is due, sending mail as they queue it. One run per process at a
   * time; a call during a run asks for another pass. Resolves when this process is idle, or
   * — given `budgetMs` — once that time has passed and the batch in hand is done.
   */
  runDueJobs: (budgetMs?: number) => Promise<void>;
  /**
   * After answering: on Vercel `waitUntil` keeps the function alive while it works through
   * the queue (the cron function sweeps whatever is left); under `npm start` the worker loop
   * would get to it too, this only saves the wait.
   */
  workSoon: () => void;
}

let context: Promise<SigningContext> | null = null;
let store: Promise<Sql> | null = null;

/**
 * The database alone, migrated: what a rate-limit check needs. Opening it is cheap next to
 * the rest of the context (the seal certificate, the mailer), so /api/pdf and the like do
 * not pay for those on a cold start.
 */
export function database(): Promise<Sql> {
  store ??= (async () => {
    assertConfigured();
    // PGlite only where there is no PostgreSQL: a deployment never loads it on a cold start.
    const sql = process.env.DATABASE_URL
      ? await createPostgresSql(process.env.DATABASE_URL)
      : await (await import('../lib/store/pglite.js')).createPgliteSql(localDataDir('pglite'));
    await migrate(sql);
    return sql;
  })().catch((e) => {
    store = null; // let a later request try again (e.g. the database was down)
    throw e;
  });
  return store;
}

/** A folder in the local data folder (npm start, previews: /tmp), created if missing. */
function localDataDir(...parts: string[]): string {
  const dir = resolve(dataDirSetting(), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A self-signed seal for local runs; the certificate stack is loaded only for this. */
async function localSealCertificate(dataDir: string, passphrase: string): Promise<Buffer> {
  const { createSelfSignedP12 } = await import('../lib/pdf/seal.js');
  return secretFile(dataDir, 'seal-certificate.p12', () => createSelfSignedP12('Handover Kit (self-signed)', passphrase));
}

function secretFile(dataDir: string, name: string, make: () => Buffer): Buffer {
  const file = join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, make(), { mode: 0o600 });
  return readFileSync(file);
}

async function build(): Promise<SigningContext> {
  // Production never generates a secret or opens a data folder: it stops here instead.
  assertConfigured();
  const dataDir = resolve(dataDirSetting());
  mkdirSync(dataDir, { recursive: true });
  const sql = await database();
  const secret = process.env.SIGNING_SECRET
    ? new TextEncoder().encode(process.env.SIGNING_SECRET)
    : new Uint8Array(secretFile(dataDir, 'signing-secret', () => Buffer.from(randomBytes(32).toString('base64url'))));
  if (secret.length < 32) throw new Error('SIGNING_SECRET must be at least 32 characters');
  const passphrase = process.env.SIGNING_P12_PASSPHRASE ?? secretFile(dataDir, 'seal-passphrase', () => Buffer.from(randomBytes(18).toString('base64url'))).toString();
  const p12 = process.env.SIGNING_P12_BASE64 ? Buffer.from(process.env.SIGNING_P12_BASE64, 'base64') : await localSealCertificate(dataDir, passphrase);
  const mailer = createMailer(dataDir);
  const deps: SigningDeps = { sql, secret, cert: { p12, passphrase }, ttlDays: settings.linkTtlDays(), tsa: tsaClient(), verification: verificationDefaults() };
  // Mainland holidays and 调休 from chinese-days; HOLIDAYS_FILE adds years it lacks or company days.
  // HOLIDAYS_JSON carries the same JSON inline: on Vercel an environment variable can be
  // changed without a deploy, a file cannot.
  const holidays = process.env.HOLIDAYS_JSON || (process.env.HOLIDAYS_FILE ? readFileSync(process.env.HOLIDAYS_FILE, 'utf8') : '');
  const calendar = loadCalendar(holidays ? JSON.parse(holidays) : undefined);
  const processDeps: ProcessDeps = Object.assign(deps, { forms: findForm, calendar, caseLinkDays: settings.caseLinkDays() });
  deps.onProcessCaseClosed = (tx, c, outcome) => onStageCaseClosed(tx, processDeps, c, outcome);
  // A cron run must finish inside the function's maxDuration whatever the backlog (2,000
  // campaign mails, a queue of stamps): when set, the mail and job loops take no new batch
  // after this time and leave the rest to the next run.
  let stopAt = 0;
  const pastStop = () => stopAt > 0 && Date.now() > stopAt;
  // One sender at a time; a request that queues mail while it runs just asks for another pass.
  let running: Promise<void> | null = null;
  let again = false;
  const flushMail = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      const BATCH = 50;
      let full = false;
      do {
        again = false;
        const r = await processOutbox(sql, mailer.send, BATCH, settings.mailRetryBaseSeconds(), settings.mailLeaseSeconds(), settings.mailConcurrency()).catch((e) => {
          console.error('[mail]', (e as Error).message);
          return { sent: 0, failed: 0 };
        });
        // Keep going while there may be more due (a full batch of successful sends).
        full = r.sent === BATCH;
      } while ((again || full) && !pastStop());
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const jobs: JobKinds = { ...signingJobs(deps), ...processJobs(processDeps, mailer.send) };
  let working: Promise<void> | null = null;
  let workAgain = false;
  const runDueJobs = (budgetMs?: number): Promise<void> => {
    if (budgetMs !== undefined) stopAt = Date.now() + budgetMs;
    if (working) {
      workAgain = true;
      return working;
    }
    working = (async () => {
      do {
        workAgain = false;
        // Small batches, mail between them: a sealed case's final mail need not wait for
        // every other case's stamping.
        for (;;) {
          const r = await runJobs(sql, jobs, {
            max: 10,
            concurrency: settings.jobConcurrency(),
            // On PGlite the jobs' statements run on this thread too: lanes held for a quiet
            // moment and then let go together stalled the answers behind a pile of stamping
            // (bench-load, signers arriving over 2 s: p95 about 1 s against about 0.6 s). There
            // every lane keeps the first lane's short wait.
            beforeClaim: (lane) => answersFirst(sql.kind === 'pglite' ? 0 : lane),
            retryBaseSeconds: settings.jobRetryBaseSeconds(),
            leaseSeconds: process.env.JOB_LEASE_SECONDS ? settings.jobLeaseSeconds() : undefined,
            onError: (job, e) => console.error(`[jobs] ${job.kind} #${job.id} 第 ${job.attempts} 次失败：${e.message}`),
          }).catch((e) => {
            console.error('[jobs]', (e as Error).message);
            return { done: 0, failed: 0 };
          });
          if (r.done) void flushMail();
          if (r.done + r.failed < 10 || pastStop()) break;
        }
        await flushMail();
      } while (workAgain && !pastStop());
    })().finally(() => {
      working = null;
      stopAt = 0;
    });
    return working;
  };
  const workSoon = () => waitUntil(runDueJobs());
  return { deps, processDeps, mailer, dataDir, flushMail, sendMailSoon: workSoon, jobs, runDueJobs, workSoon };
}

export function signingContext(): Promise<SigningContext> {
  context ??= build().catch((e) => {
    context = null; // let a later request try again (e.g. the database was down)
    throw e;
  });
  return context;
}

