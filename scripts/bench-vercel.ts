/**
 * The deployed artifact (`npm run build:vercel` first): each function's unzipped size, and
 * in the runner (`npm run serve:vercel`, started as its own process, so this process is only
 * the client): cold start of /api/pdf and /api/sign — a fresh function process to its first
 * response — and warm latency. Cold: every instance is retired after one request
 * (RUNNER_MAX_REQUESTS_PER_INSTANCE=1), so each request meets a new process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { benchDatabaseUrl, createBenchSchema } from './bench-db.js';
import { findForm } from '../src/runtime/forms.js';
import { workHandoverValues } from '../tests/fixtures/form-values.js';

const OUTPUT = '.vercel/output';
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 30);
if (!existsSync(join(OUTPUT, 'config.json'))) {
  console.log('\n## Vercel 构建产物\n\n没有 .vercel/output：先运行 npm run build:vercel。');
  process.exit(0);
}

// ---- sizes: what the platform unzips for each function (its folder + files from filePathMap)
function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else if (e.isFile() || e.isSymbolicLink()) total += statSync(p).size;
  }
  return total;
}
const funcs = readdirSync(join(OUTPUT, 'functions/api')).filter((f) => f.endsWith('.func'));
console.log('\n## Vercel 函数大小（解压后，平台上限 250 MB）\n\n| 函数 | 大小 |\n|---|---|');
for (const f of funcs) {
  const dir = join(OUTPUT, 'functions/api', f);
  const config = JSON.parse(readFileSync(join(dir, '.vc-config.json'), 'utf8')) as { filePathMap?: Record<string, string> };
  const mapped = Object.values(config.filePathMap ?? {}).reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);
  console.log(`| /api/${f.slice(0, -5)} | ${((folderBytes(dir) + mapped) / 1024 / 1024).toFixed(1)} MB |`);
}

// ---- the runner as its own process
const freePort = () => new Promise<number>((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
const url = benchDatabaseUrl();
const schema = url ? await createBenchSchema(url) : null;
const env = {
  ...process.env,
  RUNNER_VERCEL_ENV: 'preview', APP_URL: 'http://127.0.0.1:9', SIGNING_SECRET: 'b'.repeat(40),
  RATE_LIMIT_SIGN: '1000000', RATE_LIMIT_RENDER: '1000000',
  ...(schema ? { DATABASE_URL: schema.url } : {}),
};

async function withRunner<T>(extra: Record<string, string>, fn: (base: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/vercel-runner.ts'], { env: { ...env, ...extra, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d) => String(d).includes('listening on') && resolve());
    proc.once('exit', (c) => reject(new Error(`runner exited ${c}`)));
  });
  try {
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

const def = findForm('work-handover')!;
const REQUESTS = {
  '/api/pdf': { body: JSON.stringify({ formId: 'work-handover', values: workHandoverValues(def) }), ok: 200 },
  // A link that does not exist: verified against the store, refused (what a cold signer meets first).
  '/api/sign': { body: JSON.stringify({ action: 'view', caseId: 'abcdefghij', token: 'x.y.z' }), ok: 400 },
};
async function timed(base: string, path: keyof typeof REQUESTS): Promise<{ ms: number; cold: boolean }> {
  const t0 = performance.now();
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUESTS[path].body });
  await res.arrayBuffer();
  if (res.status >= 500) throw new Error(`${path}: ${res.status}`);
  return { ms: performance.now() - t0, cold: res.headers.get('x-runner-cold') === '1' };
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

try {
  console.log(`\n## 在本地运行器中（${schema ? 'PostgreSQL' : '每个实例自己的 PGlite'}）\n\n| 函数 | 冷启动中位数（新进程→首个响应） | 冷启动最大 | 热请求 p50 | 热请求 p95 |\n|---|---|---|---|---|`);
  for (const path of Object.keys(REQUESTS) as Array<keyof typeof REQUESTS>) {
    const cold = await withRunner({ RUNNER_INSTANCES: '1', RUNNER_MAX_REQUESTS_PER_INSTANCE: '1' }, async (base) => {
      const xs: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        const r = await timed(base, path);
        if (!r.cold) throw new Error('expected a cold instance');
        xs.push(r.ms);
      }
      return xs;
    });
    const warm = await withRunner({ RUNNER_INSTANCES: '1' }, async (base) => {
      await timed(base, path);
      const xs: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) xs.push((await timed(base, path)).ms);
      return xs;
    });
    console.log(`| ${path} | ${pct(cold, 50).toFixed(0)} ms | ${Math.max(...cold).toFixed(0)} ms | ${pct(warm, 50).toFixed(0)} ms | ${pct(warm, 95).toFixed(0)} ms |`);
  }
} finally {
  await schema?.drop();
}
