/**
 * Attacks through request headers, over real HTTP against the api/ functions (issue 12,
 * items 1 and 5): a forged Host / X-Forwarded-Host must never reach a mailed link, and a
 * forged X-Forwarded-For must neither be recorded as the signer's address nor get past the
 * rate limits.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mailbox } from '../e2e/mailbox.js';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { workHandoverValues } from '../fixtures/form-values.js';

const APP_URL = 'http://handover.example.test';
const EVIL = 'evil.example.net';
const mailbox = new Mailbox();
let server: Server;
let port: number;
let createCaseHere: (tag: string) => Promise<{ caseId: string; key: string }>;
let auditIps: (caseId: string) => Promise<string[]>;

/** A raw HTTP POST, so Host and X-Forwarded-* can be forged freely. */
function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(data);
  });
}
const forged = { Host: EVIL, 'X-Forwarded-Host': EVIL, 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '6.6.6.6' };
const linksIn = (text: string) => text.match(/https?:\/\/[^\s)>\]]+/g) ?? [];

beforeAll(async () => {
  const smtpPort = 30_000 + (process.pid % 20_000);
  await mailbox.start(smtpPort);
  Object.assign(process.env, {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'trust-')), SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, APP_URL, ADMIN_EMAILS: 'hr-admin@example.test',
    RATE_LIMIT_SIGN: '40', RATE_LIMIT_ADMIN_LINK: '100', RATE_LIMIT_SEND: '1000', TRUST_PROXY: '',
  });
  delete process.env.DATABASE_URL;
  const { handleApi } = await import('../../src/server/app.js');
  const { signingContext } = await import('../../src/runtime/context.js');
  const { createCase } = await import('../../src/lib/signing/service.js');
  server = createServer((req, res) => void handleApi(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const ctx = await signingContext();
  const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
  createCaseHere = async (tag) => {
    const created = await createCase(ctx.deps, {
      definition: def, values: workHandoverValues(def), sender: { name: 'HR', email: `hr+${tag}@example.test` }, baseUrl: APP_URL,
      parties: ['giver', 'receiver', 'witness', 'manager'].map((r, i) => ({ name: ['欧阳明远', '司马晓燕', '诸葛建国', '东方红'][i], email: `${r}+${tag}@example.test` })),
    });
    ctx.sendMailSoon();
    return { caseId: created.caseId, key: /#k=([\w-]+)/.exec(created.manageUrl)![1] };
  };
  auditIps = async (caseId) =>
    (await ctx.deps.sql.query<{ ip: string | null }>(`SELECT ip FROM parties WHERE case_id = $1 AND signed_at IS NOT NULL`, [caseId])).map((r) => String(r.ip));
});
afterAll(async () => {
  server?.close();
  await mailbox.stop();
});

describe('links come from configuration, never from request headers', () => {
  it('a party who signs with a forged Host / X-Forwarded-Host cannot redirect the next party\'s link', async () => {
    const { caseId } = await createCaseHere('host');
    const first = await mailbox.waitFor('giver+host@example.test', /请签署/);
    const token = /#t=([\w.-]+)/.exec(first.text ?? '')![1];
    const before = mailbox.messages.length;
    const signed = await post('/api/sign', { action: 'sign', caseId, token, consent: true, signature: { kind: 'typed', text: '欧阳明远' } }, forged);
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    const next = await mailbox.waitFor('receiver+host@example.test', /请签署/, before);
    expect(linksIn(next.text ?? '').length).toBeGreaterThan(0);
    for (const link of linksIn(next.text ?? '')) expect(link.startsWith(`${APP_URL}/`)).toBe(true);
    expect(next.text).not.toContain(EVIL);
  });

  it('an HR archive sign-in requested with a forged host mails a link to the real site only', async () => {
    const before = mailbox.messages.length;
    const res = await post('/api/admin', { action: 'request-link', email: 'hr-admin@example.test' }, forged);
    expect(res.status).toBe(200);
    const mail = await mailbox.waitFor('hr-admin@example.test', /登录/, before);
    expect(mail.text).not.toContain(EVIL);
    for (const link of linksIn(mail.text ?? '')) expect(link.startsWith(`${APP_URL}/`)).toBe(true);
  });
});

describe('X-Forwarded-For is believed only from a trusted proxy', () => {
  it('the audit records the connection\'s address, not the one the signer claims', async () => {
    const { caseId } = await createCaseHere('xff');
    const mail = await mailbox.waitFor('giver+xff@example.test', /请签署/);
    const token = /#t=([\w.-]+)/.exec(mail.text ?? '')![1];
    const res = await post('/api/sign', { action: 'sign', caseId, token, consent: true, signature: { kind: 'typed', text: '欧阳明远' } }, { 'X-Forwarded-For': '6.6.6.6', 'X-Real-IP': '7.7.7.7' });
    expect(res.status).toBe(200);
    expect(await auditIps(caseId)).toEqual(['127.0.0.1']);
  });

  it('rotating forged X-Forwarded-For values still hit the limit (135 requests)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 135; i++) {
      statuses.push((await post('/api/sign', { action: 'view', caseId: 'abcdefghij', token: 'x.y.z' }, { 'X-Forwarded-For': `10.${i >> 8}.${i & 255}.1` })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(80);
  });
});
