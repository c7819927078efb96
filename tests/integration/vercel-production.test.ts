/**
 * Production fails closed, on the real build output in the runner: without its settings every
 * function answers a zh-CN 503, the log names what is missing, and nothing is generated or
 * written (no secret, no data folder, no link from a request header). Skips without
 * `npm run build:vercel`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRunner } from '../../scripts/vercel-runner.js';

const OUTPUT = '.vercel/output';
const hasOutput = existsSync(join(OUTPUT, 'config.json'));

describe.skipIf(!hasOutput)('production on the platform without its settings', () => {
  it('every function refuses with a 503 in Chinese and one log line naming the missing settings', async () => {
    const lines: string[] = [];
    const functions = readdirSync(join(OUTPUT, 'functions/api')).map((f) => f.replace(/\.func$/, ''));
    const cleared = Object.fromEntries(['APP_URL', 'SIGNING_SECRET', 'DATABASE_URL', 'SIGNING_P12_BASE64', 'SIGNING_P12_PASSPHRASE', 'SMTP_URL', 'DATA_DIR', 'CRON_SECRET'].map((k) => [k, '']));
    const runner = await startRunner({ port: 0, instances: 1, vercelEnv: 'production', maxDuration: 300, env: { ...cleared, CRON_SECRET: 'c' }, log: (l) => lines.push(l) });
    try {
      await Promise.all(functions.map(async (name) => {
        const res = name === 'cron'
          ? await fetch(`${runner.url}/api/cron`, { headers: { authorization: 'Bearer c' } })
          : await fetch(`${runner.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', host: 'evil.example.net' }, body: '{}' });
        const text = await res.text();
        expect(res.status, `${name}: ${text.slice(0, 200)}`).toBe(503);
        expect(JSON.parse(text).error, name).toBe('服务尚未配置完成，暂时无法使用；请联系系统管理员。');
        expect(text).not.toContain('evil.example.net');
      }));
      expect(lines.some((l) => /production is missing APP_URL, SIGNING_SECRET, DATABASE_URL/.test(l))).toBe(true);
      // Nothing was written anywhere but /tmp (the runner compares the output and its files before and after).
      expect(runner.changedFiles()).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});
