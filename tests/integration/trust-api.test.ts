/**
 * Issue 12 over real HTTP (the api/ functions as the local server runs them): a flood of
 * /api/pdf requests must not stall signing — renders are capped per instance (2 at a time,
 * 20 waiting, then 503 + Retry-After before any other work) and a signature goes through
 * while they wait — and a case link HR has revoked opens neither the case nor its export.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { signersFor } from '../fixtures/parties.js';
import { drainJobs } from '../fixtures/jobs.js';

let server: Server;
let base: string;
const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));

beforeAll(async () => {
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'trust-api-'));
  delete process.env.DATABASE_URL;
  delete process.env.SMTP_URL;
  process.env.RATE_LIMIT_SIGN = process.env.RATE_LIMIT_BAD_LINKS = process.env.RATE_LIMIT_MANAGE = process.env.RATE_LIMIT_PROCESS = process.env.RATE_LIMIT_RENDER = process.env.RATE_LIMIT_ADMIN_LINK = '100000';
  process.env.ADMIN_EMAILS = 'hr-admin@trust.test';
  const { handleApi } = await import('../../src/server/app.js');
  server = createServer((req, res) => void handleApi(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.APP_URL = base;
});
afterAll(() => server?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The link token in the newest queued mail to `to` (read before anything flushes the outbox). */
async function tokenFor(to: string, path: string): Promise<string> {
  const { signingContext } = await import('../../src/runtime/context.js');
  const rows = await (await signingContext()).deps.sql.query<{ text_body: string }>('SELECT text_body FROM outbox WHERE to_address = $1 ORDER BY id DESC', [to]);
  const re = new RegExp(`${path.replace(/[/?]/g, '\\$&')}[^#\\s]*#t=([\\w.-]+)`);
  const found = rows.map((r) => re.exec(r.text_body)?.[1]).find(Boolean);
  if (!found) throw new Error(`no ${path} link for ${to}`);
  return found;
}

describe('trust chain over HTTP', () => {
  it('a flood of /api/pdf requests cannot stall signing: a signature completes while 20 renders are queued', async () => {
    const { signingContext } = await import('../../src/runtime/context.js');
    const { createCase } = await import('../../src/lib/signing/service.js');
    const { pdfRenders } = await import('../../src/lib/pdf/render-limit.js');
    const ctx = await signingContext();
    const created = await createCase(ctx.deps, {
      definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@flood.test' }, baseUrl: base,
      parties: signersFor(work, (key) => (key === 'giver' ? 'f1@flood.test' : `${key}@flood.test`)),
    });
    await drainJobs(ctx.deps); // the case's document and links, as the worker makes them
    const token = await tokenFor('f1@flood.test', '/sign/');
    const pdf = () => post('/api/pdf', { formId: 'work-handover', values: workHandoverValues(work) });
    expect((await pdf()).status).toBe(200);

    // The instance is saturated: 2 renders running (held open here), 20 waiting.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const flood = Array.from({ length: pdfRenders.concurrency + pdfRenders.maxQueued }, () => pdfRenders.run(() => held));
    expect([pdfRenders.running, pdfRenders.queued]).toEqual([2, 20]);
    // More renders are refused at once: 503, Retry-After, a zh-CN message (never a 500, never a pile-up).
    const refused = await Promise.all(Array.from({ length: 5 }, pdf));
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await r.json()) as { error: string }).error).toMatch(/秒后再试/);
    }
    // A signature does not wait for any of them: stamping is not behind the render queue.
    const signed = await post('/api/sign', { action: 'sign', caseId: created.caseId, token, consent: true, signature: { kind: 'typed', text: '签署人1' } });
    expect(signed.status, await signed.clone().text()).toBe(200);
    expect(((await signed.json()) as { you: { status: string } }).you.status).toBe('signed');
    expect([pdfRenders.running, pdfRenders.queued]).toEqual([2, 20]);
    // Once the renders finish, the queue drains and previews work again.
    release();
    await Promise.all(flood);
    expect([pdfRenders.running, pdfRenders.queued]).toEqual([0, 0]);
    expect((await pdf()).status).toBe(200);
  });

  it('a case link HR revoked opens neither the case nor its ZIP export; HR\'s signed-out session stops too', async () => {
    const { signingContext } = await import('../../src/runtime/context.js');
    const { openProcess } = await import('../../src/lib/process/service.js');
    const { DEFAULT_SETTINGS } = await import('../../src/lib/process/settings.js');
    const { requestAdminLink, signInAdmin, adminEmails } = await import('../../src/lib/process/admin.js');
    const deps = (await signingContext()).processDeps;
    const people = Object.fromEntries(['employee', 'receiver', 'supervisor', 'manager', 'hr'].map((role, i) => [role, { name: ['欧阳明远', '司马晓燕', '诸葛建国', '东方红', '人事小王'][i], email: `${role}@trust.test` }]));
    const { processId } = await openProcess(deps, {
      policySlug: null, department: '华东销售部', reason: '离职', lastWorkingDay: '2026-12-31', parties: people as never, settings: DEFAULT_SETTINGS, baseUrl: base,
    });
    const employee = await tokenFor('employee@trust.test', '/case/');
    await requestAdminLink(deps, 'hr-admin@trust.test', base, adminEmails());
    const { session } = await signInAdmin(deps, await tokenFor('hr-admin@trust.test', '/archive/'), adminEmails());
    const asHr = { Cookie: `hk_admin=${session}` };

    expect((await post('/api/process-export', { processId, token: employee })).status).toBe(200);
    const revoked = await post('/api/process', { action: 'revoke-access', processId, role: 'employee' }, asHr);
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    expect(((await revoked.json()) as { view: { parties: Array<{ role: string; accessRevoked: boolean }> } }).view.parties.find((p) => p.role === 'employee')!.accessRevoked).toBe(true);
    for (const [path, body] of [['/api/process', { action: 'view', processId, token: employee }], ['/api/process-export', { processId, token: employee }]] as const) {
      const r = await post(path, body);
      expect(r.status).toBe(410);
      expect(((await r.json()) as { error: string }).error).toContain('收回');
    }
    // HR looks, exports and manages links; the case's own work is the parties'.
    expect((await post('/api/process', { action: 'accounts-revoked', processId }, asHr)).status).toBe(403);
    // 退出登录 ends the session on the server: the same cookie no longer works.
    expect((await post('/api/admin', { action: 'sign-out' }, asHr)).headers.get('set-cookie')).toMatch(/hk_admin=;.*Max-Age=0/);
    expect((await post('/api/admin', { action: 'list' }, asHr)).status).toBe(401);
    expect((await post('/api/process', { action: 'view', processId }, asHr)).status).toBe(401);
  });
});
