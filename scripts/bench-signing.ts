/**
 * Signing figures, at the service level (no HTTP): 50 parties signing at once (each on its
 * own case) — the answer, which records only — then the stamping jobs those signatures
 * queued, on PGlite and on PostgreSQL when DATABASE_URL is set; and the time from the last
 * signature to the final email being sent (stamp job, seal job, outbox).
 */
import { readFileSync } from 'node:fs';
import { formDefinitionSchema } from '../src/lib/form-definition.js';
import { createPgliteSql } from '../src/lib/store/pglite.js';
import { createPostgresSql } from '../src/lib/store/postgres.js';
import { migrate } from '../src/lib/store/migrate.js';
import type { Sql } from '../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../src/lib/pdf/seal.js';
import { createCase, signAsParty, signingJobs, type SigningDeps } from '../src/lib/signing/service.js';
import { processOutbox, type OutgoingMail } from '../src/lib/signing/outbox.js';
import { runJobs } from '../src/lib/jobs/index.js';
import { workHandoverValues } from '../tests/fixtures/form-values.js';
import { benchDatabaseUrl } from './bench-db.js';

const SIGNERS = Number(process.env.BENCH_SIGNERS ?? 50);
const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const cert = { p12: createSelfSignedP12('Bench', 'pw'), passphrase: 'pw' };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function run(name: string, sql: Sql) {
  await migrate(sql);
  const deps: SigningDeps = { sql, secret: new TextEncoder().encode('b'.repeat(40)), cert, ttlDays: 14 };
  const inbox: OutgoingMail[] = [];
  const send = async (m: OutgoingMail) => void inbox.push(m);
  const base = 'http://bench.local';
  const parties = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ name: `签署人${i}`, email: `p${i}-${tag}@bench.test` }));

  for (let i = 0; i < SIGNERS; i++) await createCase(deps, { definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@bench.test' }, parties: parties(work.signing.parties.length, `c${i}`), baseUrl: base });
  await processOutbox(sql, send, 1000);
  const links = inbox.map((m) => ({ caseId: /\?c=([\w-]+)/.exec(m.text)![1], token: /#t=([\w.-]+)/.exec(m.text)![1] }));
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    links.map(async (l, i) => {
      const t = performance.now();
      await signAsParty(deps, { ...l, signature: { kind: 'typed', text: `签署人${i}` }, ip: '127.0.0.1', userAgent: 'bench', baseUrl: base });
      latencies.push(performance.now() - t);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const signed = Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM parties WHERE status = 'signed'`))[0].n);
  // The work the answers left: one stamping job per case.
  const t1 = performance.now();
  const jobs = await runJobs(sql, signingJobs(deps), { max: 10_000 });
  const stampMs = (performance.now() - t1) / Math.max(1, jobs.done);
  console.log(
    `| ${name} | ${SIGNERS} | ${signed === SIGNERS ? '全部记录' : `只记录 ${signed}`} | ${pct(latencies, 0.5).toFixed(0)} ms | ${pct(latencies, 0.95).toFixed(0)} ms | ${(SIGNERS / seconds).toFixed(1)} 次/秒 | ${jobs.done} 个，平均 ${stampMs.toFixed(0)} ms/个 |`,
  );
  return deps;
}

async function finalMailTime(deps: SigningDeps) {
  const inbox: OutgoingMail[] = [];
  const send = async (m: OutgoingMail) => void inbox.push(m);
  const base = 'http://bench.local';
  const values = workHandoverValues(work);
  const people = work.signing.parties.map((_, i) => ({ name: `终签${i}`, email: `f${i}@bench.test` }));
  await createCase(deps, { definition: work, values, sender: { name: 'HR', email: 'hr@bench.test' }, parties: people, baseUrl: base });
  await processOutbox(deps.sql, send, 100);
  let ms = 0;
  for (let i = 0; i < people.length; i++) {
    const mail = inbox.filter((m) => m.to === people[i].email).at(-1)!;
    const link = { caseId: /\?c=([\w-]+)/.exec(mail.text)![1], token: /#t=([\w.-]+)/.exec(mail.text)![1] };
    const t = performance.now();
    await signAsParty(deps, { ...link, signature: { kind: 'typed', text: people[i].name }, ip: '127.0.0.1', userAgent: 'bench', baseUrl: base });
    while ((await runJobs(deps.sql, signingJobs(deps))).done) {
      /* stamp, then (after the last party) seal */
    }
    await processOutbox(deps.sql, send, 100);
    if (i === people.length - 1) ms = performance.now() - t;
  }
  const finals = inbox.filter((m) => m.attachments?.length);
  console.log(`\n最后一位签署 → 最终邮件发出（盖章任务、审计页与 PKCS#7 封存任务、${finals.length} 封带附件邮件）：${ms.toFixed(0)} ms`);
}

console.log(`\n签署（服务层：数据库 + 盖章 + 封存，不含 HTTP）\n`);
console.log('| 存储 | 同时签署人数 | 结果 | 应答 p50 | 应答 p95 | 吞吐 | 盖章任务 |');
console.log('|---|---:|---|---:|---:|---:|---:|');
const pglite = await createPgliteSql();
const deps = await run('PGlite（内嵌）', pglite);
const pgUrl = benchDatabaseUrl();
if (pgUrl) {
  // A throw-away schema, dropped afterwards: the database's own tables are never touched.
  const schema = `bench_${Date.now().toString(36)}`;
  const pg = await createPostgresSql(pgUrl, schema);
  try {
    await run('PostgreSQL', pg);
    await pg.query('SELECT 1');
  } finally {
    await pg.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pg.close();
  }
} else console.log('| PostgreSQL | – | 未设置 BENCH_DATABASE_URL / DATABASE_URL，跳过 | – | – | – | – |');
await finalMailTime(deps);
await pglite.close();
