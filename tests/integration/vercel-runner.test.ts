/**
 * scripts/vercel-runner.ts: a Vercel build output served the way the platform serves it.
 * First on a small made-up output (routing, instances, limits, the sandbox), then on the real
 * one from `npm run build:vercel`, which this file never builds: it skips when it is missing.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY, startRunner, type Runner } from '../../scripts/vercel-runner.js';
import { findForm } from '../../src/runtime/forms.js';
import { workHandoverValues } from '../fixtures/form-values.js';

const HOOK = { timeout: 120_000 };
/** Sandboxes in which writing outside /tmp fails outright (otherwise it is only noticed afterwards). */
const isolated = (r: Runner) => !r.sandbox.startsWith('none');

// The same routes `vercel build` writes for this project, on a handful of files.
const ROUTES = [
  { src: '^/_astro/(.*)$', headers: { 'cache-control': 'public, max-age=31536000, immutable' }, continue: true },
  { src: '^(?:/(.*))$', headers: { 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' }, continue: true },
  { handle: 'filesystem' },
  { src: '^/api(/.*)?$', status: 404 },
  { handle: 'error' },
  { status: 404, src: '^(?!/api).*$', dest: '/404.html' },
  { handle: 'miss' },
  { src: '^/api/(.+)(?:\\.(?:ts))$', dest: '/api/$1', check: true },
];
const FUNCTIONS: Record<string, { code: string; maxDuration?: number }> = {
  echo: {
    code: `export default function handler(req, res) {
      let body;
      try { body = req.body; } catch (e) { body = { threw: e.message, statusCode: e.statusCode }; }
      res.status(200).json({
        pid: process.pid, cwd: process.cwd(), url: req.url, query: req.query, cookies: req.cookies, headers: req.headers,
        body: Buffer.isBuffer(body) ? 'buffer:' + body.length : body,
        env: { VERCEL: process.env.VERCEL, VERCEL_ENV: process.env.VERCEL_ENV, NODE_ENV: process.env.NODE_ENV, TZ: process.env.TZ,
          HOME: process.env.HOME ?? null, APP_URL: process.env.APP_URL, PASSED: process.env.HK_RUNNER_TEST ?? null },
      });
    }`,
  },
  // Tries to write into its own folder, into the test's folder and into /tmp; reports what /tmp held before.
  write: {
    code: `import fs from 'node:fs';
    const attempt = (fn) => { try { fn(); return 'written'; } catch (e) { return e.code; } };
    export default function handler(req, res) {
      const sawMarker = fs.existsSync('/tmp/runner-marker');
      res.json({
        pid: process.pid, sawMarker,
        ownFile: attempt(() => fs.appendFileSync('api/write.js', '\\n')),
        ownFolder: attempt(() => fs.writeFileSync('new-file.txt', 'x')),
        outside: attempt(() => fs.writeFileSync(req.query.outside, 'x')),
        tmp: attempt(() => fs.writeFileSync('/tmp/runner-marker', 'x')),
      });
    }`,
  },
  sleep: { code: `export default async function handler(req, res) { await new Promise((r) => setTimeout(r, 5000)); res.json({ late: true }); }`, maxDuration: 1 },
  crash: { code: `export default async function handler(req, res) { throw new Error('boom'); }` },
};

/** A build output in test-artifacts/ (not /tmp: each function instance gets its own empty /tmp). */
function makeOutput(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  const put = (file: string, text: string) => {
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, text);
  };
  put(join(dir, 'config.json'), JSON.stringify({ version: 3, routes: ROUTES, crons: [{ path: '/api/echo', schedule: '* * * * *' }] }));
  put(join(dir, 'static/index.html'), '<h1>home</h1>');
  put(join(dir, 'static/sign/index.html'), '<h1>sign</h1>');
  put(join(dir, 'static/404.html'), '<h1>missing page</h1>');
  put(join(dir, 'static/_astro/app.js'), 'console.log(1)');
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const func = join(dir, `functions/api/${name}.func`);
    put(join(func, 'package.json'), '{"type":"module"}');
    put(join(func, `api/${name}.js`), fn.code);
    put(join(func, '.vc-config.json'), JSON.stringify({ handler: `api/${name}.js`, launcherType: 'Nodejs', runtime: 'nodejs20.x', shouldAddHelpers: true, maxDuration: fn.maxDuration ?? 10, memory: 256 }));
  }
}

describe('the runner on a made-up build output', () => {
  const dir = resolve('test-artifacts', `vercel-runner-${process.pid}`);
  const output = join(dir, 'output');
  const logs: string[] = [];
  let runner: Runner;
  const get = (path: string, init?: RequestInit) => fetch(runner.url + path, init);
  const echo = async (init?: RequestInit, query = '') => (await (await get(`/api/echo${query}`, init)).json()) as Record<string, any>;

  beforeAll(async () => {
    makeOutput(output);
    process.env.HK_RUNNER_TEST = 'passed through';
    runner = await startRunner({ outputDir: output, instances: 2, maxRequestsPerInstance: 3, vercelEnv: 'preview', env: { APP_URL: 'https://example.test' }, log: (l) => logs.push(l) });
  }, HOOK.timeout);
  afterAll(async () => {
    await runner?.close();
    rmSync(dir, { recursive: true, force: true });
  }, HOOK.timeout);

  it('serves static files with the routes’ headers, folders by their index.html, the 404 page for the rest', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(await (await get('/sign/')).text()).toBe('<h1>sign</h1>');
    expect(await (await get('/sign')).text()).toBe('<h1>sign</h1>');
    expect((await get('/_astro/app.js')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await get('/no/such/page');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<h1>missing page</h1>');
    expect(missing.headers.get('x-frame-options')).toBe('DENY');
    expect((await get('/../../config.json')).status).toBe(404);
    const etag = home.headers.get('etag')!;
    expect((await get('/', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('answers unknown functions with the platform’s 404, and /api/x.ts as /api/x', async () => {
    const res = await get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-vercel-error')).toBe('NOT_FOUND');
    expect((await get('/api/echo.ts')).status).toBe(200);
  });

  it('gives functions @vercel/node’s helpers, the platform’s variables and forwarding headers', async () => {
    const r = await echo({ headers: { cookie: 'a=1; b=%20two', 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '6.6.6.6', 'x-vercel-forwarded-for': '6.6.6.6' } }, '?x=1&x=2&y=3');
    expect(r.query).toEqual({ x: ['1', '2'], y: '3' });
    expect(r.cookies).toEqual({ a: '1', b: ' two' });
    for (const h of ['x-forwarded-for', 'x-real-ip', 'x-vercel-forwarded-for']) expect(r.headers[h]).toBe('127.0.0.1');
    expect(r.headers['x-forwarded-host']).toBe(new URL(runner.url).host);
    expect(r.headers['x-forwarded-proto']).toBe('http');
    expect(r.env).toEqual({ VERCEL: '1', VERCEL_ENV: 'preview', NODE_ENV: 'production', TZ: ':UTC', HOME: null, APP_URL: 'https://example.test', PASSED: 'passed through' });
    expect(r.cwd).not.toBe(process.cwd());

    const post = (type: string, body: string) => echo({ method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('application/json', '{"k":1}')).body).toEqual({ k: 1 });
    // On Vercel, reading req.body of malformed JSON throws (400 "Invalid JSON"): handlers must catch it.
    expect((await post('application/json', '{bad')).body).toEqual({ threw: 'Invalid JSON', statusCode: 400 });
    expect((await post('application/octet-stream', 'raw')).body).toBe('buffer:3');
    expect((await post('text/plain', 'hi')).body).toBe('hi');
    // Any other type (a PDF upload) is not parsed: req.body is undefined.
    expect((await post('application/pdf', '%PDF-1.7')).body).toBeUndefined();
  });

  it('refuses request bodies over 4.5 MB like the platform', async () => {
    const ok = await echo({ method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(MAX_REQUEST_BODY) });
    expect(ok.body).toBe(`buffer:${MAX_REQUEST_BODY}`);
    const big = await get('/api/echo', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(MAX_REQUEST_BODY + 1) });
    expect(big.status).toBe(413);
    expect(big.headers.get('x-vercel-error')).toBe('FUNCTION_PAYLOAD_TOO_LARGE');
  });

  it('spreads requests round-robin over cold-started instances and replaces them after maxRequestsPerInstance', async () => {
    const pids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await get('/api/echo.ts'); // echo's own counts are shared with the other tests: take fresh ones
      pids.push(Number(res.headers.get('x-runner-instance')));
      await res.arrayBuffer();
    }
    expect(new Set(pids.slice(0, 2)).size).toBe(2);
    expect(new Set(pids).size).toBeGreaterThan(2);
    const stats = runner.stats()['/api/echo'];
    expect(stats.retired).toBeGreaterThan(0);
    expect(stats.coldStarts.length).toBeGreaterThan(2);
    for (const c of stats.coldStarts) expect(c.readyMs).toBeGreaterThan(0);
    expect(stats.live.length).toBeLessThanOrEqual(2);
  });

  it('kills a function running past maxDuration (504) and replaces one that threw (500)', async () => {
    const slow = await get('/api/sleep');
    expect(slow.status).toBe(504);
    expect(slow.headers.get('x-vercel-error')).toBe('FUNCTION_INVOCATION_TIMEOUT');
    expect(runner.stats()['/api/sleep'].timedOut).toBe(1);
    const crash = await get('/api/crash');
    expect(crash.status).toBe(500);
    expect(crash.headers.get('x-vercel-error')).toBe('FUNCTION_INVOCATION_FAILED');
    expect(logs.join('\n')).toContain('boom');
    expect(runner.stats()['/api/crash'].failed).toBe(1);
  });

  it('lets functions write to /tmp only, a /tmp of their own', async () => {
    // Into the build output itself: refused by the sandbox, or at least noticed by changedFiles().
    const outside = join(output, 'static', 'written-by-a-function.txt');
    const write = async () => (await get(`/api/write?outside=${encodeURIComponent(outside)}`)).json();
    const [first, second] = [await write(), await write()];
    expect(first.pid).not.toBe(second.pid);
    for (const r of [first, second]) {
      expect(r.tmp).toBe('written');
      // The function's own folder is read-only, whatever the sandbox.
      expect(r.ownFolder).not.toBe('written');
      expect(r.ownFile).not.toBe('written');
    }
    if (isolated(runner)) {
      expect([first.outside, second.outside]).not.toContain('written');
      expect(runner.changedFiles()).toEqual([]);
      // With a mount namespace, each instance's /tmp is its own, as on Vercel.
      if (runner.sandbox.startsWith('mount namespace')) expect(second.sawMarker).toBe(false);
    } else {
      // No barrier (not root, no user namespaces): the write is caught afterwards, and close() throws.
      console.warn(`[vercel-runner] sandbox: ${runner.sandbox}`);
      expect(runner.changedFiles()).toContain(outside);
      rmSync(outside);
    }
  });
});

const REAL = resolve('.vercel/output');
describe.skipIf(!existsSync(join(REAL, 'config.json')))('the runner on the real build output', () => {
  const logs: string[] = [];
  let runner: Runner;
  const get = (path: string, init?: RequestInit) => fetch(runner.url + path, init);
  const env: Record<string, string> = {
    APP_URL: 'http://127.0.0.1', SIGNING_SECRET: 'runner-test-secret-runner-test-secret-0123', CRON_SECRET: 'runner-test-cron-secret',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  };

  beforeAll(async () => {
    runner = await startRunner({ outputDir: REAL, vercelEnv: 'preview', env, log: (l) => logs.push(l) });
  }, HOOK.timeout);
  afterAll(async () => {
    await runner?.close(); // throws if a function changed a file of the output
  }, HOOK.timeout);

  it('serves the site with the headers of vercel.json, /sign/ and the 404 page', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const sign = await get('/sign/');
    expect(sign.status).toBe(200);
    expect(await sign.text()).toContain('<html');
    const missing = await get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    expect(missing.headers.get('x-vercel-error')).toBeNull(); // the site's own 404.html
    const api = await get('/api/nope');
    expect(api.status).toBe(404);
    expect(api.headers.get('x-vercel-error')).toBe('NOT_FOUND');
  });

  it('sends a published policy\'s address to the library, with or without a trailing slash', async () => {
    // The library's own messages write /p/<slug>/; staff type it as they read it.
    for (const path of ['/p/no-such-policy', '/p/no-such-policy/', '/p/no-such-policy/v2', '/p/no-such-policy/changes/']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('找不到这份制度'); // the library's answer, not the site's 404 page
    }
  });

  // On Vercel reading req.body of malformed JSON throws; readJson turns that into a 400.
  it('answers malformed JSON to /api/pdf with a JSON error (4xx), not a crash', async () => {
    const res = await get('/api/pdf', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"formId": ' });
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await res.json()).error).toBeTruthy();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('renders a PDF, and two requests meet two processes', async () => {
    const body = JSON.stringify({ formId: 'work-handover', values: workHandoverValues(findForm('work-handover')!) });
    const send = () => get('/api/pdf', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const [a, b] = [await send(), await send()];
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await a.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    await b.arrayBuffer();
    expect(a.headers.get('x-runner-instance')).not.toBe(b.headers.get('x-runner-instance'));
    expect(runner.stats()['/api/pdf'].coldStarts.length).toBeGreaterThanOrEqual(2);
  });

  it('runs /api/cron for Vercel Cron’s bearer token only', async () => {
    expect((await get('/api/cron')).status).toBe(401);
    const res = await get('/api/cron', { headers: { authorization: `Bearer ${env.CRON_SECRET}`, 'user-agent': 'vercel-cron/1.0' } });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('left every file of the output as it was', () => {
    expect(runner.changedFiles()).toEqual([]);
  });
});
