/**
 * Load over HTTP (`tsx scripts/bench-load.ts pglite|postgres [--baseline <commit>]`):
 *   1. 50 concurrent case creations (by an HR admin signed in: they send at once);
 *   2. 200 concurrent first signers (one per case), then 400 more arriving evenly over 2 s
 *      (BENCH_SPREAD_SIGNERS, BENCH_SPREAD_SECONDS): staff after an all-hands mail;
 *   3. 50 concurrent last signers (each signature completes its case): signing latency, and
 *      how long after the last signature the sealed final PDF reaches every mailbox.
 * Three processes, so none measures the others' work: the server (the real api/ functions,
 * with its job worker), the load generator (node:http) and the SMTP receiver. With --baseline,
 * the same load runs first against a temporary `git worktree` of that commit in /tmp (its
 * node_modules linked from here), and both rows print in one table.
 * Checks that every signature is recorded once, every final mail sent once per recipient,
 * no request failed.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const HERE = resolve(SELF, '../..');
const role = process.argv[2];

const FINAL_SUBJECT = /已全部签署完成/;
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);

/* ---------- SMTP receiver (its own process): one JSON line per message ---------- */
async function smtpReceiver() {
  const { SMTPServer } = await import('smtp-server');
  // Subjects arrive MIME-encoded (=?UTF-8?B?…?=) and may be folded over several lines.
  const { default: libmime } = await import('libmime');
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 50 * 1024 * 1024,
    onData: (stream, session, done) => {
      let head = '';
      stream.on('data', (d: Buffer) => {
        if (head.length < 8192) head += d.toString('latin1');
      });
      stream.on('end', () => {
        const unfolded = Buffer.from(head, 'latin1').toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
        const subject = libmime.decodeWords(/^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
        process.stdout.write(JSON.stringify({ at: Date.now(), to: session.envelope.rcptTo.map((r) => r.address).join(','), subject }) + '\n');
        done();
      });
    },
  });
  smtp.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: (smtp.server.address() as AddressInfo).port }) + '\n'));
}

/* ---------- load generator (its own process) ---------- */
async function loadGenerator() {
  // The requests come in a file: a few hundred bodies with their tokens are more than one argument may hold (E2BIG).
  const { readFileSync } = await import('node:fs');
  const spec = JSON.parse(readFileSync(process.argv[3], 'utf8')) as { base: string; path: string; bodies: unknown[]; cookie?: string; spreadMs?: number };
  const latencies: number[] = [];
  const statuses: number[] = [];
  // node:http rather than fetch: on a two-core machine the client's own CPU is taken from the
  // server, and fetch (undici) cost more per request than the server's answer to a signature.
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const url = new URL(spec.path, spec.base);
  // "start" and "end" lines around the requests: the orchestrator reads the CPU times then.
  process.stdout.write('start\n');
  const t0 = performance.now();
  await Promise.all(
    spec.bodies.map(
      async (body, i) => {
        // `spreadMs`: the requests go out evenly over that time instead of all at once.
        if (spec.spreadMs) await new Promise((r) => setTimeout(r, (i * spec.spreadMs!) / spec.bodies.length));
        return new Promise<void>((done, fail) => {
          const t = performance.now();
          const payload = JSON.stringify(body);
          const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...(spec.cookie ? { Cookie: spec.cookie } : {}) } }, (res) => {
            res.resume();
            res.on('end', () => {
              latencies.push(performance.now() - t);
              statuses.push(res.statusCode ?? 0);
              done();
            });
          });
          req.on('error', fail);
          req.end(payload);
        });
      },
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write('end\n');
  process.stdout.write(JSON.stringify({ latencies, statuses, seconds, endedAt: Date.now() }) + '\n');
}

/* ---------- the server under test (its own process), from the tree at argv[3] ---------- */
async function serveTree() {
  const root = resolve(process.argv[3]);
  const from = (p: string) => import(pathToFileURL(join(root, p)).href);
  process.chdir(root);
  const { handleApi } = await from('src/server/app.ts');
  // PDF work on worker threads, as under npm start (trees from before the pool render in-process).
  if (existsSync(join(root, 'src/runtime/pdf-workers.ts'))) (await from('src/runtime/pdf-workers.ts')).startPdfWorkers();
  const { signingContext } = await from('src/runtime/context.ts');
  const ctx = await signingContext();
  const sql = ctx.deps.sql;
  const { adminEmails, requestAdminLink, signInAdmin } = await from('src/lib/process/admin.ts');
  const { issueSignLink } = await from('src/lib/signing/links.ts');
  await requestAdminLink(ctx.processDeps, 'hr@load.test', 'http://bench.local', adminEmails());
  const [loginMail] = await sql.query(`SELECT text_body FROM outbox WHERE kind = 'admin-link' AND to_address = 'hr@load.test' ORDER BY id DESC LIMIT 1`);
  const { session } = await signInAdmin(ctx.processDeps, /#t=([\w.-]+)/.exec(loginMail.text_body)![1], adminEmails());
  const hasJobs = typeof ctx.runDueJobs === 'function';
  // The job worker, as under npm start (requests start their jobs themselves too).
  if (hasJobs) setInterval(() => void ctx.runDueJobs(), 500).unref();
  const [{ stamped }] = await sql.query(`SELECT count(*)::int AS stamped FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'parties' AND column_name = 'stamped_at'`);

  // BENCH_PROFILE=<dir>: a V8 CPU profile of the server around the creations and the first signers, to see
  // where a signature's time goes (open the .cpuprofile in Chrome DevTools).
  const { Session } = await import('node:inspector/promises');
  const inspector = new Session();
  const control = async (path: string, body: Record<string, unknown>) => {
    if (path === '/__bench/profile') {
      if (body.start) {
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
        await inspector.post('Profiler.start');
        return {};
      }
      const { profile } = await inspector.post('Profiler.stop');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(String(body.file), JSON.stringify(profile));
      inspector.disconnect();
      return { file: body.file };
    }
    if (path === '/__bench/tokens') {
      // Links for the party at `position` of `limit` cases not used yet, as their mail would
      // carry; `lastSigner`: everyone else on the case has signed already (set up directly,
      // not measured), so this signature completes the case.
      const cases = await sql.query(
        `SELECT c.id, c.document_sha256 FROM cases c WHERE c.status = 'open' AND NOT EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.status = 'signed') ORDER BY c.id LIMIT $1`,
        [body.limit],
      );
      const out: Array<{ caseId: string; token: string }> = [];
      for (const c of cases) {
        const parties = await sql.query('SELECT id, position, name FROM parties WHERE case_id = $1 ORDER BY position', [c.id]);
        const target = body.lastSigner ? parties.at(-1) : parties[0];
        if (body.lastSigner) {
          await sql.query(
            `UPDATE parties SET status = 'signed', signed_at = now(), signature_kind = 'typed', signed_name = name, ip = '127.0.0.1', user_agent = 'bench'${stamped ? ', stamped_at = now()' : ''}
              WHERE case_id = $1 AND id <> $2`,
            [c.id, target.id],
          );
        }
        const t = await issueSignLink(ctx.deps.secret, { caseId: c.id, partyId: target.id, documentSha256: c.document_sha256 }, 14);
        await sql.query(`UPDATE parties SET token_jti = $1, status = CASE WHEN status = 'waiting' THEN 'sent' ELSE status END WHERE id = $2`, [t.jti, target.id]);
        out.push({ caseId: c.id, token: t.token });
      }
      return out;
    }
    if (path === '/__bench/idle') {
      const [row] = await sql.query(
        `SELECT (SELECT count(*)::int FROM outbox WHERE status = 'queued') AS mail${hasJobs ? `, (SELECT count(*)::int FROM jobs WHERE done_at IS NULL AND dead_at IS NULL) AS jobs` : ', 0 AS jobs'}`,
      );
      if (row.mail) void ctx.flushMail();
      return row;
    }
    if (path === '/__bench/counts') {
      const [row] = await sql.query(
        `SELECT (SELECT count(*)::int FROM parties WHERE status = 'signed' AND signed_name <> name) AS signed_here,
                (SELECT count(*)::int FROM events WHERE type = 'signed') AS signed_events,
                (SELECT count(*)::int FROM events WHERE type = 'completed') AS completed,
                (SELECT count(*)::int FROM cases WHERE status = 'completed' AND final_sha256 IS NOT NULL) AS sealed,
                (SELECT count(*)::int FROM outbox WHERE status = 'queued') AS queued,
                (SELECT count(*)::int FROM outbox WHERE kind = 'completed') AS final_mails`,
      );
      return row;
    }
    throw new Error('unknown');
  };
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/__bench/')) {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () =>
        void control(req.url!, raw ? JSON.parse(raw) : {}).then(
          (r) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(r)),
          (e) => res.writeHead(500).end(String(e)),
        ),
      );
      return;
    }
    void handleApi(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Links in mail point here, as under npm start (appUrl() takes nothing from requests).
    process.env.APP_URL ||= base;
    process.stdout.write(JSON.stringify({ base, cookie: `hk_admin=${session}` }) + '\n');
  });
}

/** CPU per request in a measured window: server (with its PDF threads) + PostgreSQL (PGlite runs inside the server). */
const perRequest = (a: ReturnType<typeof cpuMs>, b: ReturnType<typeof cpuMs>, n: number) => {
  // Per PostgreSQL process: one that ended within the window (an autovacuum worker) takes its
  // time with it, so only what the processes alive at the end used counts.
  let postgres = 0;
  for (const [pid, ms] of b.postgres) postgres += ms - (a.postgres.get(pid) ?? 0);
  return `服务 ${((b.server - a.server) / n).toFixed(1)} + 库 ${(postgres / n).toFixed(1)} ms`;
};

/**
 * CPU time (ms, user + system, all threads) used so far by the server process and by every
 * PostgreSQL process on this machine, from /proc (Linux). Per request it says where the cost
 * is, and unlike requests per second it barely moves when something else shares the machine.
 */
function cpuMs(serverPid: number): { server: number; postgres: Map<string, number>; threads: Map<string, { name: string; ms: number }> } {
  const ticks = (pid: string) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: (Number(fields[11]) + Number(fields[12])) * 10 };
    } catch {
      return { name: '', ms: 0 };
    }
  };
  const postgres = new Map<string, number>();
  try {
    for (const pid of readdirSync('/proc')) if (/^\d+$/.test(pid)) {
      const t = ticks(pid);
      if (t.name === 'postgres') postgres.set(pid, t.ms);
    }
  } catch {
    // not Linux: the figures say 0
  }
  const threads = new Map<string, { name: string; ms: number }>();
  try {
    for (const tid of readdirSync(`/proc/${serverPid}/task`)) threads.set(tid, ticks(`${serverPid}/task/${tid}`));
  } catch {
    // not Linux, or the process is gone
  }
  return { server: ticks(String(serverPid)).ms, postgres, threads };
}

/* ---------- the orchestrator ---------- */
/** A load generator's requests, written where it can read them. */
function specFile(spec: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-load-spec-')), 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

function child(args: string[], env: NodeJS.ProcessEnv, cwd = HERE): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', SELF, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
}
const firstLine = (p: ChildProcess) =>
  new Promise<Record<string, string>>((ok, fail) => {
    const rl = createInterface({ input: p.stdout! });
    rl.once('line', (l) => ok(JSON.parse(l)));
    p.once('exit', (code) => fail(new Error(`child exited ${code}`)));
  });
/** The load generator's result (its last line); `mark` is called at its "start" and "end" lines. */
const output = (p: ChildProcess, mark: (what: string) => void = () => {}) =>
  new Promise<string>((ok, fail) => {
    let last = '';
    createInterface({ input: p.stdout! }).on('line', (line) => {
      if (line === 'start' || line === 'end') mark(line);
      else last = line;
    });
    p.once('exit', (code) => (code === 0 ? ok(last) : fail(new Error(`load generator exited ${code}`))));
  });

interface Row { name: string; cells: string[]; ok: boolean }

async function runAgainst(label: string, root: string, store: string, mails: Array<{ at: number; to: string; subject: string }>, smtpPort: number): Promise<Row> {
  const CREATIONS = Number(process.env.BENCH_CREATIONS ?? 50);
  const SIGNERS = Number(process.env.BENCH_LOAD_SIGNERS ?? 200);
  const FINALS = Number(process.env.BENCH_FINAL_SIGNERS ?? 50);
  // Signers arriving one after another over a few seconds, as staff do after an all-hands mail.
  const SPREAD = Number(process.env.BENCH_SPREAD_SIGNERS ?? 400);
  const SPREAD_SECONDS = Number(process.env.BENCH_SPREAD_SECONDS ?? 2);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-load-')),
    RATE_LIMIT_SIGN: '1000000', RATE_LIMIT_MANAGE: '1000000', RATE_LIMIT_SEND: '1000000', RATE_LIMIT_RENDER: '1000000',
    PDF_RENDER_QUEUE: '100000',
    ADMIN_EMAILS: 'hr@load.test',
  };
  let drop: (() => Promise<void>) | null = null;
  if (store === 'pglite') delete env.DATABASE_URL;
  else {
    const { benchDatabaseUrl, createBenchSchema } = await import('./bench-db.js');
    const bench = await createBenchSchema(benchDatabaseUrl()!);
    env.DATABASE_URL = bench.url;
    drop = bench.drop;
  }
  const server = child(['serve', root], env, root);
  try {
    const say = (what: string) => process.stderr.write(`[bench] ${label} ${store}: ${what}\n`);
    const { base, cookie } = await firstLine(server);
    say('服务已启动');
    const control = async (path: string, body: unknown = {}) => (await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) })).json();
    // The server's CPU time is read when the first request goes out and when the last answer is in.
    // The load generator's own CPU is read too: on two cores it takes its share from the server.
    const load = async (path: string, bodies: unknown[], withCookie = false, spreadMs = 0) => {
      const cpu: Record<string, ReturnType<typeof cpuMs> & { client: number }> = {};
      const generator = child(['load', specFile({ base, path, bodies, cookie: withCookie ? cookie : undefined, spreadMs })], process.env);
      const result = JSON.parse(await output(generator, (at) => (cpu[at] = { ...cpuMs(server.pid!), client: cpuMs(generator.pid!).server }))) as {
        latencies: number[]; statuses: number[]; seconds: number; endedAt: number;
      };
      const client = ((cpu.end.client - cpu.start.client) / bodies.length).toFixed(1);
      // BENCH_THREADS=1: the server's CPU per request by thread (main, libuv pool, GC, PDF workers…).
      if (process.env.BENCH_THREADS) {
        const by = new Map<string, number>();
        // Threads are all called "node"; the main thread's id is the process id.
        for (const [tid, t] of cpu.end.threads) {
          const name = tid === String(server.pid) ? 'main' : `${t.name}#${tid}`;
          by.set(name, (by.get(name) ?? 0) + t.ms - (cpu.start.threads.get(tid)?.ms ?? 0));
        }
        process.stderr.write(`[bench] ${path} ×${bodies.length}: ${[...by].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / bodies.length).toFixed(2)}`).join(', ')} ms/次\n`);
      }
      return { ...result, cpu: `${perRequest(cpu.start, cpu.end, bodies.length)}（压测端 ${client} ms）` };
    };
    const idle = async (limitMs: number) => {
      const end = Date.now() + limitMs;
      for (;;) {
        const r = (await control('/__bench/idle')) as { mail: number; jobs: number };
        if ((!r.mail && !r.jobs) || Date.now() > end) return;
        await new Promise((r2) => setTimeout(r2, 250));
      }
    };
    const { formDefinitionSchema } = await import('../src/lib/form-definition.js');
    const { workHandoverValues } = await import('../tests/fixtures/form-values.js');
    const work = formDefinitionSchema.parse(JSON.parse(readFileSync(join(HERE, 'content/forms/work-handover.json'), 'utf8')));
    const values = workHandoverValues(work);
    const caseBody = (i: number) => ({
      formId: 'work-handover', values, sender: { name: 'HR', email: 'hr@load.test' },
      parties: work.signing.parties.map((_, k) => ({ name: `员工${i}-${k}`, email: `p${i}-${k}@load.test` })),
    });
    const signBody = (t: { caseId: string; token: string }, i: number) => ({ action: 'sign', caseId: t.caseId, token: t.token, consent: true, signature: { kind: 'typed', text: `签署人${i}` } });

    // 1. The cases the signers need, 10 at a time (not measured): a server that has been
    //    serving for a while, as in production. Then case creation, 50 at once.
    for (let made = CREATIONS; made < SIGNERS + SPREAD + FINALS; made += 10) await load('/api/cases', Array.from({ length: Math.min(10, SIGNERS + SPREAD + FINALS - made) }, (_, i) => caseBody(made + i)), true);
    await idle(600_000);
    const profile = process.env.BENCH_PROFILE;
    const profiled = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      if (!profile) return work();
      await control('/__bench/profile', { start: true });
      const result = await work();
      say(`CPU 剖析：${((await control('/__bench/profile', { file: join(resolve(profile), `${name}-${store}-${label.replace(/\s+/g, '-')}.cpuprofile`) })) as { file: string }).file}`);
      return result;
    };
    const creation = await profiled('creation', () => load('/api/cases', Array.from({ length: CREATIONS }, (_, i) => caseBody(i)), true));
    say(`建案完成（${SIGNERS + SPREAD + FINALS} 件）`);
    await idle(600_000);

    // 2a. The floor: as many requests at the same instant that the server answers without the
    //     database (a body that fails validation: 400, not counted by the rate limits). What HTTP,
    //     the function adapter and zod alone cost at this concurrency, on this machine.
    const floor = await profiled('floor', () => load('/api/sign', Array.from({ length: SIGNERS }, (_, i) => ({ action: 'sign', caseId: `floor-${i}` }))));
    if (floor.statuses.some((s) => s !== 400)) throw new Error(`the floor's requests should all be refused with 400: ${[...new Set(floor.statuses)].join(', ')}`);

    // 2. 200 first signers at once.
    const firsts = (await control('/__bench/tokens', { limit: SIGNERS })) as Array<{ caseId: string; token: string }>;
    const signing = await profiled('signing', () => load('/api/sign', firsts.map(signBody)));
    say('首位签署完成');
    await idle(600_000);

    // 2b. More first signers, arriving evenly over a few seconds (not all in the same instant).
    const spreadTokens = SPREAD ? ((await control('/__bench/tokens', { limit: SPREAD })) as Array<{ caseId: string; token: string }>) : [];
    const spread = spreadTokens.length ? await load('/api/sign', spreadTokens.map((t, i) => signBody(t, 20_000 + i)), false, SPREAD_SECONDS * 1000) : null;
    if (spread) say('陆续到达的签署完成');
    await idle(600_000);

    // 3. 50 last signers at once: each completes its case; the final mail's latency.
    const lasts = (await control('/__bench/tokens', { limit: FINALS, lastSigner: true })) as Array<{ caseId: string; token: string }>;
    const mailsBefore = mails.length;
    const expected = FINALS * (work.signing.parties.length + 1); // every party and the sender
    // Profiled from the first of these signatures to the last final mail.
    const finals = await profiled('finals', async () => {
      const answered = await load('/api/sign', lasts.map((t, i) => signBody(t, 10_000 + i)));
      say('末位签署完成，等最终邮件');
      const waitEnd = Date.now() + 600_000;
      while (mails.slice(mailsBefore).filter((m) => FINAL_SUBJECT.test(m.subject)).length < expected && Date.now() < waitEnd) await new Promise((r) => setTimeout(r, 100));
      return answered;
    });
    const finalMails = mails.slice(mailsBefore).filter((m) => FINAL_SUBJECT.test(m.subject));
    const mailLag = finalMails.map((m) => (m.at - finals.endedAt) / 1000);
    await idle(60_000);
    const counts = (await control('/__bench/counts')) as Record<string, number>;

    const errors = [...creation.statuses, ...signing.statuses, ...(spread?.statuses ?? []), ...finals.statuses].filter((s) => s >= 400).length;
    const once = new Set(finalMails.map((m) => `${m.to}|${m.subject}`)).size === finalMails.length;
    const ok = errors === 0 && counts.signed_here === firsts.length + spreadTokens.length + lasts.length && counts.completed === lasts.length && counts.sealed === lasts.length && finalMails.length === expected && once && counts.queued === 0;
    const ms = (xs: number[], p: number) => `${pct(xs, p).toFixed(0)}`;
    return {
      name: `${store === 'pglite' ? 'PGlite' : 'PostgreSQL'} ${label}`,
      ok,
      cells: [
        `p50 ${ms(creation.latencies, 0.5)} / p95 ${ms(creation.latencies, 0.95)} ms, ${(CREATIONS / creation.seconds).toFixed(1)}/s；CPU/次 ${creation.cpu}`,
        `p50 ${ms(floor.latencies, 0.5)} / p95 ${ms(floor.latencies, 0.95)} ms, ${(SIGNERS / floor.seconds).toFixed(1)}/s；CPU/次 ${floor.cpu}`,
        `p50 ${ms(signing.latencies, 0.5)} / p95 ${ms(signing.latencies, 0.95)} ms, ${(firsts.length / signing.seconds).toFixed(1)}/s；CPU/次 ${signing.cpu}`,
        spread ? `p50 ${ms(spread.latencies, 0.5)} / p95 ${ms(spread.latencies, 0.95)} ms` : '—',
        `p50 ${ms(finals.latencies, 0.5)} / p95 ${ms(finals.latencies, 0.95)} ms, ${(lasts.length / finals.seconds).toFixed(1)}/s`,
        `p50 ${pct(mailLag, 0.5).toFixed(1)} / p95 ${pct(mailLag, 0.95).toFixed(1)} s（${finalMails.length}/${expected} 封）`,
        `错误 ${errors}，签名 ${counts.signed_here}/${firsts.length + spreadTokens.length + lasts.length}，封存 ${counts.sealed}/${lasts.length}，未发 ${counts.queued}${once ? '' : '，有重复邮件'}`,
      ],
    };
  } finally {
    server.kill('SIGKILL');
    await drop?.();
  }
}

async function orchestrate() {
  const args = process.argv.slice(2);
  const store = args.find((a) => a === 'pglite' || a === 'postgres') ?? process.env.BENCH_STORE ?? 'pglite';
  const baseline = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : null;
  if (store === 'postgres') {
    const { benchDatabaseUrl } = await import('./bench-db.js');
    if (!benchDatabaseUrl()) {
      console.log(`| postgres | 未设置 BENCH_DATABASE_URL / DATABASE_URL，跳过 | | | | | | |`);
      return;
    }
  }
  // The SMTP receiver, in its own process.
  const mails: Array<{ at: number; to: string; subject: string }> = [];
  const smtp = child(['smtp'], process.env);
  const rl = createInterface({ input: smtp.stdout! });
  const smtpPort = await new Promise<number>((ok) => rl.on('line', (l) => {
    const m = JSON.parse(l);
    if (m.port) ok(m.port);
    else mails.push(m);
  }));
  const rows: Row[] = [];
  let tree: string | null = null;
  try {
    if (baseline) {
      tree = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
      rmSync(tree, { recursive: true });
      execFileSync('git', ['worktree', 'add', '--detach', tree, baseline], { cwd: HERE, stdio: 'ignore' });
      if (!existsSync(join(tree, 'node_modules'))) symlinkSync(join(HERE, 'node_modules'), join(tree, 'node_modules'));
      rows.push(await runAgainst(`基线 ${baseline.slice(0, 7)}`, tree, store, mails, smtpPort));
    }
    rows.push(await runAgainst('当前', HERE, store, mails, smtpPort));
  } finally {
    smtp.kill('SIGKILL');
    if (tree) execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: HERE, stdio: 'ignore' });
  }
  // The sizes as run (BENCH_CREATIONS / BENCH_LOAD_SIGNERS / BENCH_FINAL_SIGNERS), not the defaults.
  const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const first = size('BENCH_LOAD_SIGNERS', 200);
  const last = size('BENCH_FINAL_SIGNERS', 50);
  console.log(`| 存储 / 版本 | 建案 ${size('BENCH_CREATIONS', 50)} 并发 | 地板：${first} 个不查库的请求同时到达 | 首位签署 ${first} 并发 | 首位签署 ${size('BENCH_SPREAD_SIGNERS', 400)} 人陆续到达（${size('BENCH_SPREAD_SECONDS', 2)} 秒内） | 末位签署 ${last} 并发（完成案件） | 最终邮件晚于最后签名 | 核对 |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.cells.join(' | ')}${r.ok ? '，无丢失' : '，有问题'} |`);
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}

if (role === 'smtp') await smtpReceiver();
else if (role === 'load') await loadGenerator();
else if (role === 'serve') await serveTree();
else await orchestrate();
