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
import { signersFor } from '../fixtures/parties.js';

const APP_URL = 'http://handover.example.test';
const EVIL = 'evil.example.net';
const mailbox = new Mailbox();
let server: Server;
let port: number;
let createCaseHere: (tag: string) => Promise<{ caseId: string; key: string }>;
let auditIps: (caseId: string) => Promise<string[]>;
let resetLimits: () => Promise<void>;

/** A raw HTTP POST, so Host and X-Forwarded-* can be forged freely. */
function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; cacheControl: string }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        // A document answers with the PDF itself.
        const json = String(res.headers['content-type']).includes('json') ? JSON.parse(Buffer.concat(chunks).toString() || '{}') : {};
        resolve({ status: res.statusCode ?? 0, json, cacheControl: String(res.headers['cache-control']) });
      });
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
      parties: signersFor(def, (key) => `${key}+${tag}@example.test`),
    });
    ctx.sendMailSoon();
    return { caseId: created.caseId, key: /#k=([\w-]+)/.exec(created.manageUrl)![1] };
  };
  resetLimits = async () => void (await ctx.deps.sql.query('DELETE FROM rate_limits'));
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
    // Made-up links, well-formed: a link that is not ours counts against the address.
    const madeUp = (i: number) => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${String(i).padStart(43, 'a')}`;
    for (let i = 0; i < 135; i++) {
      statuses.push((await post('/api/sign', { action: 'view', caseId: 'abcdefghij', token: madeUp(i) }, { 'X-Forwarded-For': `10.${i >> 8}.${i & 255}.1` })).status);
    }
    expect(statuses.filter((s) => s === 429).length, JSON.stringify(statuses)).toBeGreaterThan(80);
  });
});

describe('real links in the wrong place', () => {
  it('a real token of another case, another party or another kind of link opens nothing over HTTP', async () => {
    await resetLimits(); // the flood above used up this client's minute
    const a = await createCaseHere('cross-a');
    const b = await createCaseHere('cross-b');
    const tokenFor = async (to: string) => /#t=([\w.-]+)/.exec((await mailbox.waitFor(to, /请签署/)).text ?? '')![1];
    const aGiver = await tokenFor('giver+cross-a@example.test');
    const bGiver = await tokenFor('giver+cross-b@example.test');
    // The HR archive sign-in link: a real token of another kind.
    const before = mailbox.messages.length;
    await post('/api/admin', { action: 'request-link', email: 'hr-admin@example.test' });
    const adminLink = /#t=([\w.-]+)/.exec((await mailbox.waitFor('hr-admin@example.test', /登录/, before)).text ?? '')![1];

    const wrong: Array<[string, Record<string, unknown>]> = [
      // another case's token for this case
      ['/api/sign', { action: 'view', caseId: a.caseId, token: bGiver }],
      ['/api/sign', { action: 'document', caseId: a.caseId, token: bGiver }],
      ['/api/sign', { action: 'sign', caseId: a.caseId, token: bGiver, consent: true, signature: { kind: 'typed', text: 'x' } }],
      // an admin sign-in link used as a signing link, and a signing link used to sign in
      ['/api/sign', { action: 'view', caseId: a.caseId, token: adminLink }],
      ['/api/admin', { action: 'sign-in', token: aGiver }],
      // a case's management key for another case
      ['/api/manage', { action: 'status', caseId: b.caseId, key: a.key }],
      ['/api/manage', { action: 'cancel', caseId: b.caseId, key: a.key }],
      // a signing link as a customer-process case link
      ['/api/process', { action: 'view', processId: 'abcdefghij', token: aGiver }],
    ];
    for (const [path, body] of wrong) {
      const res = await post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(res.json)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(String(res.json.error)).toMatch(/[\u4e00-\u9fff]/);
      // Answers carry personal data and one-time states: never cached anywhere.
      expect(res.cacheControl).toBe('no-store');
    }
    // Nothing happened to either case: every party still waits, nobody signed.
    expect(await auditIps(a.caseId)).toEqual([]);
    expect(await auditIps(b.caseId)).toEqual([]);
    // And each real link still works in its own place.
    expect((await post('/api/sign', { action: 'view', caseId: a.caseId, token: aGiver })).status).toBe(200);
    expect((await post('/api/manage', { action: 'status', caseId: b.caseId, key: b.key })).status).toBe(200);
  });
});

describe('a company behind one address', () => {
  it('twenty colleagues behind one NAT open, read and sign their own links in the same minute: none is refused, and a guesser among them is', async () => {
    await resetLimits();
    // RATE_LIMIT_SIGN is 40 here: 20 colleagues × 3 requests each is 60 from one address.
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => createCaseHere(`nat-${i}`)));
    const tokens = await Promise.all(made.map(async (_, i) => /#t=([\w.-]+)/.exec((await mailbox.waitFor(`giver+nat-${i}@example.test`, /请签署/)).text ?? '')![1]));
    const statuses: number[] = [];
    await Promise.all(
      made.map(async ({ caseId }, i) => {
        statuses.push((await post('/api/sign', { action: 'view', caseId, token: tokens[i] })).status);
        statuses.push((await post('/api/sign', { action: 'document', caseId, token: tokens[i] })).status);
        statuses.push((await post('/api/sign', { action: 'sign', caseId, token: tokens[i], consent: true, signature: { kind: 'typed', text: '欧阳明远' } })).status);
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect((await Promise.all(made.map(({ caseId }) => auditIps(caseId)))).flat()).toHaveLength(20);

    // Someone at the same address tries made-up and tampered links: they are stopped…
    const guesses: number[] = [];
    for (let i = 0; i < 45; i++) {
      const tampered = `${tokens[0].slice(0, -4)}${String(1000 + i)}`;
      guesses.push((await post('/api/sign', { action: 'view', caseId: made[0].caseId, token: i % 2 ? tampered : `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${String(i).padStart(43, 'b')}` })).status);
    }
    expect(guesses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(guesses.every((s) => s === 429 || s === 401 || s === 403 || s === 404)).toBe(true);
    // …while a colleague's real link still opens.
    expect((await post('/api/sign', { action: 'view', caseId: made[1].caseId, token: tokens[1] })).status).toBe(200);
  });
});
