/**
 * Load over HTTP, one store per run (`tsx scripts/bench-load.ts pglite|postgres`): 50 concurrent case
 * creations, then 200 concurrent signers (one per case), against the real api/ functions
 * with mail going to a real SMTP server in this process. Checks that every signature is
 * recorded once, every mail sent once, and no request failed. Cases are created by an HR
 * admin signed in (they send at once; anyone else first confirms by mail, see README).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

const CREATIONS = Number(process.env.BENCH_CREATIONS ?? 50);
const SIGNERS = Number(process.env.BENCH_LOAD_SIGNERS ?? 200);
const store = process.argv[2] ?? process.env.BENCH_STORE ?? 'pglite';

let received = 0;
const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (s, _x, done) => { s.on('data', () => {}); s.on('end', () => { received++; done(); }); } });
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'bench-load-'));
process.env.RATE_LIMIT_SIGN = process.env.RATE_LIMIT_MANAGE = process.env.RATE_LIMIT_SEND = process.env.RATE_LIMIT_RENDER = '1000000';
process.env.ADMIN_EMAILS = 'hr@load.test';
// PostgreSQL: a throw-away schema in BENCH_DATABASE_URL (else DATABASE_URL), dropped at the
// end; the tables of the database itself are never touched.
const { benchDatabaseUrl, createBenchSchema } = await import('./bench-db.js');
let bench: Awaited<ReturnType<typeof createBenchSchema>> | null = null;
if (store === 'pglite') delete process.env.DATABASE_URL;
else {
  const url = benchDatabaseUrl();
  if (!url) {
    console.log(`| ${store} | 未设置 BENCH_DATABASE_URL / DATABASE_URL，跳过 | | | | |`);
    process.exit(0);
  }
  bench = await createBenchSchema(url);
  process.env.DATABASE_URL = bench.url;
  process.on('exit', () => bench && console.error(`[bench] 未能删除临时 schema ${bench.schema}`));
}

const { handleApi } = await import('../src/server/app.js');
const { signingContext } = await import('../src/runtime/context.js');
const { workHandoverValues } = await import('../tests/fixtures/form-values.js');
const { formDefinitionSchema } = await import('../src/lib/form-definition.js');
const { readFileSync } = await import('node:fs');
const ctx = await signingContext();

// Sign in as the HR admin the way /archive/ does: the emailed link (read from the outbox
// before it is sent) becomes the session cookie.
const { adminEmails, requestAdminLink, signInAdmin } = await import('../src/lib/process/admin.js');
await requestAdminLink(ctx.processDeps, 'hr@load.test', 'http://bench.local', adminEmails());
const [loginMail] = await ctx.deps.sql.query<{ text_body: string }>(`SELECT text_body FROM outbox WHERE kind = 'admin-link' AND to_address = 'hr@load.test' ORDER BY id DESC LIMIT 1`);
const { session } = await signInAdmin(ctx.processDeps, /#t=([\w.-]+)/.exec(loginMail.text_body)![1], adminEmails());

const server = createServer((req, res) => void handleApi(req, res));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// Links in mail point here, as under npm start (appUrl() takes nothing from requests).
process.env.APP_URL ||= base;
const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const values = workHandoverValues(work);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function timed(n: number, concurrency: number, task: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  const statuses: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        const res = await task(i);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        statuses.push(res.status);
      }
    }),
  );
  return { latencies, statuses, seconds: (performance.now() - t0) / 1000 };
}

const create = (i: number) =>
  fetch(`${base}/api/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: `hk_admin=${session}` },
    body: JSON.stringify({ formId: 'work-handover', values, sender: { name: 'HR', email: 'hr@load.test' }, parties: work.signing.parties.map((_, k) => ({ name: `员工${i}-${k}`, email: `p${i}-${k}@load.test` })) }),
  });

// 1. Case creation, 50 at once.
const creation = await timed(CREATIONS, CREATIONS, create);
// Enough cases for the signers (created 10 at a time, not measured).
await timed(Math.max(0, SIGNERS - CREATIONS), 10, (i) => create(CREATIONS + i));
await ctx.flushMail();
// A fresh link for the first party of each case (what their email carries), issued directly
// rather than parsed from 200 messages.
const { issueSignLink } = await import('../src/lib/signing/links.js');
const parties = await ctx.deps.sql.query<{ id: string; case_id: string; document_sha256: string }>(
  `SELECT p.id, p.case_id, c.document_sha256 FROM parties p JOIN cases c ON c.id = p.case_id WHERE p.position = 0 ORDER BY p.case_id LIMIT ${SIGNERS}`,
);
const tokens: Array<{ caseId: string; token: string }> = [];
for (const p of parties) {
  const t = await issueSignLink(ctx.deps.secret, { caseId: p.case_id, partyId: p.id, documentSha256: p.document_sha256 }, 14);
  await ctx.deps.sql.query('UPDATE parties SET token_jti = $1 WHERE id = $2', [t.jti, p.id]);
  tokens.push({ caseId: p.case_id, token: t.token });
}

// 2. 200 signers at once.
const mailBefore = received;
const signing = await timed(tokens.length, tokens.length, (i) =>
  fetch(`${base}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action: 'sign', caseId: tokens[i].caseId, token: tokens[i].token, consent: true, signature: { kind: 'typed', text: `签署人${i}` } }),
  }),
);
await ctx.flushMail();
await new Promise((r) => setTimeout(r, 500));

const [counts] = await ctx.deps.sql.query<{ signed: string; events: string; queued: string; next_sent: string }>(
  `SELECT (SELECT count(*) FROM parties WHERE status = 'signed') AS signed,
          (SELECT count(*) FROM events WHERE type = 'signed') AS events,
          (SELECT count(*) FROM outbox WHERE status = 'queued') AS queued,
          (SELECT count(*) FROM parties WHERE position = 1 AND status = 'sent') AS next_sent`,
);
const errors = [...creation.statuses, ...signing.statuses].filter((s) => s >= 400).length;
const ok = Number(counts.signed) === tokens.length && Number(counts.events) === tokens.length && Number(counts.next_sent) === tokens.length && Number(counts.queued) === 0;
const name = store === 'pglite' ? 'PGlite' : 'PostgreSQL';
console.log(
  `| ${name} | 建案 ${CREATIONS} 并发：p50 ${pct(creation.latencies, 0.5).toFixed(0)} ms，p95 ${pct(creation.latencies, 0.95).toFixed(0)} ms，${(CREATIONS / creation.seconds).toFixed(1)} 次/秒 | 签署 ${tokens.length} 并发：p50 ${pct(signing.latencies, 0.5).toFixed(0)} ms，p95 ${pct(signing.latencies, 0.95).toFixed(0)} ms，${(tokens.length / signing.seconds).toFixed(1)} 次/秒 | 错误响应 ${errors} | 签名记录 ${counts.signed}/${tokens.length}，事件 ${counts.events}，下一位邮件 ${counts.next_sent}，新收邮件 ${received - mailBefore}，未发 ${counts.queued} | ${ok && errors === 0 ? '无丢失' : '有问题'} |`,
);
server.close();
smtp.close();
await ctx.deps.sql.close();
if (bench) {
  await bench.drop();
  bench = null;
}
process.exit(ok && errors === 0 ? 0 : 1);
