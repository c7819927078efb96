/**
 * Every function of the real build output loads and answers on each Node.js major the
 * platform offers (20, 22, 24), each run in the runner with that node binary. The binaries
 * come from the npm registry (the `node` package); the build output from `npm run build:vercel`,
 * which this file never builds: it skips when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { startRunner } from '../../scripts/vercel-runner.js';

const OUTPUT = '.vercel/output';
const hasOutput = existsSync(join(OUTPUT, 'config.json'));
const functions = hasOutput ? readdirSync(join(OUTPUT, 'functions/api')).filter((f) => f.endsWith('.func')).map((f) => f.slice(0, -5)) : [];

/**
 * A node binary of that major, copied where the function processes can run it: not /tmp
 * (each instance gets an empty private one) but test-artifacts/, readable by everyone.
 */
function nodeBinary(major: number): string {
  const found = Number(process.versions.node.split('.')[0]) === major
    ? process.execPath
    : execFileSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], { encoding: 'utf8', timeout: 300_000 }).trim();
  mkdirSync('test-artifacts', { recursive: true });
  const dir = mkdtempSync(join('test-artifacts', `node${major}-`));
  chmodSync(dir, 0o755);
  const bin = resolve(dir, 'node');
  copyFileSync(found, bin);
  chmodSync(bin, 0o755);
  return bin;
}

/** PostgreSQL when there is one (a schema of this run's own, through the URL as a deployment would set it), else each instance's own PGlite in its /tmp. */
async function freshDatabase(): Promise<string | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url) return undefined;
  const schema = `nodever_${Date.now().toString(36)}_${process.pid}`;
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

describe.skipIf(!hasOutput)('the built functions on Node 20, 22 and 24', () => {
  let database: string | undefined;
  beforeAll(async () => {
    database = await freshDatabase();
  });

  // Generous: thirteen cold starts on a busy machine; a guard against hangs only.
  it.each([20, 22, 24])('every function loads and answers on Node %i', { timeout: 600_000 }, async (major) => {
    const node = nodeBinary(major);
    const runner = await startRunner({
      node, port: 0, instances: 1, vercelEnv: 'preview', log: () => {},
      // The platform's 30 s is for a quiet machine; here thirteen cold starts share two busy cores.
      maxDuration: 300,
      env: {
        APP_URL: 'http://127.0.0.1:9', SIGNING_SECRET: 'n'.repeat(40), CRON_SECRET: 'node-versions',
        ...(database ? { DATABASE_URL: database } : {}),
      },
    });
    try {
      // All functions at once: each is its own process, as on the platform.
      await Promise.all(functions.map(async (name) => {
        // A request each function must refuse in words: no body (or, for cron, no secret).
        const res = name === 'cron'
          ? await fetch(`${runner.url}/api/cron`)
          : await fetch(`${runner.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const text = await res.text();
        expect(res.headers.get('content-type'), `${name} on Node ${major}: ${res.status} ${text.slice(0, 300)}`).toContain('application/json');
        const body = JSON.parse(text) as { error?: string };
        expect([400, 401, 403, 415, 422], `${name} on Node ${major}: ${res.status} ${text.slice(0, 300)}`).toContain(res.status);
        expect(body.error, name).toMatch(/[\u4e00-\u9fff]/);
        // It really ran on that binary.
        const pid = Number(res.headers.get('x-runner-instance'));
        expect(readlinkSync(`/proc/${pid}/exe`), name).toBe(node);
      }));
    } finally {
      await runner.close();
    }
  });
});
