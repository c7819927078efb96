/**
 * /api/process over HTTP: a stage action answers with its message and the case's stage and
 * status — not the whole case view, which at hundreds of customers is hundreds of KB to build
 * and send — and the view action answers with the view as changed by it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerRows } from '../fixtures/customers.js';

let server: Server;
let base: string;

beforeAll(async () => {
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'process-api-'));
  delete process.env.DATABASE_URL;
  delete process.env.SMTP_URL;
  process.env.RATE_LIMIT_PROCESS = '100000';
  const { handleApi } = await import('../../src/server/app.js');
  server = createServer((req, res) => void handleApi(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.APP_URL = base;
});
afterAll(() => server?.close());

const post = async (body: unknown) => {
  const r = await fetch(`${base}/api/process`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, size: text.length, data: JSON.parse(text) as Record<string, any> };
};

describe('/api/process answers', () => {
  it('answers a stage action with its message and the stage; the view action with the changed view', async () => {
    const { signingContext } = await import('../../src/runtime/context.js');
    const { openProcess } = await import('../../src/lib/process/service.js');
    const { DEFAULT_SETTINGS } = await import('../../src/lib/process/settings.js');
    const deps = (await signingContext()).processDeps;
    const people = Object.fromEntries(['employee', 'receiver', 'supervisor', 'manager', 'hr'].map((role, i) => [role, { name: ['欧阳明远', '司马晓燕', '诸葛建国', '东方红', '人事小王'][i], email: `${role}@answers.test` }]));
    const { processId } = await openProcess(deps, { policySlug: null, department: '华东销售部', reason: '离职', lastWorkingDay: '2026-12-31', parties: people as never, settings: DEFAULT_SETTINGS, baseUrl: base });
    const [mail] = await deps.sql.query<{ text_body: string }>('SELECT text_body FROM outbox WHERE to_address = $1 ORDER BY id DESC', ['employee@answers.test']);
    const token = /\/case\/\?p=[\w-]+#t=([\w.-]+)/.exec(mail.text_body)![1];

    const before = await post({ action: 'view', processId, token });
    expect(before.status).toBe(200);
    const values = { ...before.data.view.plan, customers: customerRows(300) };
    const saved = await post({ action: 'save-plan', processId, token, values });
    expect(saved.status).toBe(200);
    expect(saved.data).toEqual({ message: '客户交接计划已保存。', result: { stage: 'B', status: 'open' } });

    const after = await post({ action: 'view', processId, token });
    expect(after.data.view.plan.customers).toHaveLength(300);
    expect(after.data.view.timeline.map((t: { text: string }) => t.text)).toContain('保存客户交接计划');
    // The answer is a few hundred bytes; the view of 300 customers is far larger.
    expect(saved.size).toBeLessThan(200);
    expect(after.size).toBeGreaterThan(50_000);

    // A refused action still answers with what to do, and changes nothing.
    const refused = await post({ action: 'submit-materials', processId, token });
    expect(refused.status).toBe(409);
    expect(refused.data.error).toContain('阶段');
  });
});
