/**
 * Issue 12, item 2 — "Anyone can make the server mail anyone". A stranger, with no account,
 * posts to /api/cases, /api/acknowledgments or /api/process ('open') naming someone else as
 * the sender and any third parties as recipients: the server must not mail those third
 * parties (phishing through the company's own SMTP account and domain). Only the claimed
 * sender's own address is mailed, asking them to confirm; the parties are mailed once they
 * click. HR admins signed in send directly; SENDER_DOMAINS and daily quotas bound the rest.
 * Over real HTTP, with mail received by a real SMTP server.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Mailbox } from '../e2e/mailbox.js';
import { CONFIRM_SUBJECT, confirmFromMail, confirmLink, confirmLinkByApi } from '../fixtures/confirm.js';
import { readFileSync, readdirSync } from 'node:fs';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import type { SigningContext } from '../../src/runtime/context.js';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { createPgliteSql } from '../../src/lib/store/pglite.js';
import { createPostgresSql } from '../../src/lib/store/postgres.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { drainJobs } from '../fixtures/jobs.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { builtInCalendar } from '../../src/lib/process/calendar.js';
import type { ProcessDeps } from '../../src/lib/process/service.js';
import { confirmPending, requestConfirmation, sweepPendingSends } from '../../src/lib/senders/service.js';
import { createCaseBody } from '../../src/lib/signing/requests.js';
import { freePort } from '../fixtures/ports.js';


const mailbox = new Mailbox();
let server: Server;
let base: string;
let ctx: SigningContext;

beforeAll(async () => {
  const smtpPort = await freePort();
  await mailbox.start(smtpPort);
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'senders-'));
  delete process.env.DATABASE_URL;
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  process.env.ADMIN_EMAILS = 'hr-admin@corp.test';
  process.env.RATE_LIMIT_SEND = process.env.RATE_LIMIT_MANAGE = process.env.RATE_LIMIT_PROCESS = process.env.RATE_LIMIT_ADMIN_LINK = '100000';
  const { handleApi } = await import('../../src/server/app.js');
  server = createHttpServer((req, res) => void handleApi(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.APP_URL = base;
  ctx = await (await import('../../src/runtime/context.js')).signingContext();
});
afterAll(async () => {
  server?.close();
  await mailbox.stop();
});
beforeEach(() => {
  delete process.env.SENDER_DOMAINS;
  delete process.env.SEND_QUOTA_PER_SENDER;
  delete process.env.SEND_RECIPIENTS_PER_DAY;
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
const to = (m: { to?: unknown }) => (m.to && !Array.isArray(m.to) ? (m.to as { text: string }).text : '');
/** Every mail the server has sent so far (its jobs run and the outbox flushed first: a new case's links come from a job). */
const delivered = async () => {
  await ctx.runDueJobs();
  await ctx.flushMail();
  return mailbox.messages.map((m) => ({ to: to(m), subject: m.subject ?? '', text: m.text ?? '' }));
};
const count = async (table: string) => Number((await ctx.deps.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

const pledge = {
  pledgerName: '张三', employeeNo: 'E1001', department: '销售部', reason: '离职', scope: '客户名单与合同', noCopyNoLeak: '是', returnedAll: '是',
  deletedPersonal: '是', noMisuse: '是', continueDuty: '是', dutyYears: '2', awareOfLiability: '是', signDate: '2026-11-23',
};
const caseRequest = (tag: string, sender = `victim-${tag}@corp.test`) => ({
  formId: 'confidentiality-pledge', values: pledge, sender: { name: '王总监', email: sender },
  parties: [{ name: '张三', email: `target1-${tag}@elsewhere.test` }, { name: '王五', email: `target3-${tag}@elsewhere.test` }, { name: '李四', email: `target2-${tag}@elsewhere.test` }],
});
const ackRequest = (tag: string, staff = 3, sender = `victim-${tag}@corp.test`) => ({
  title: '紧急通知：请立即重新登录工资系统', markdown: '## 通知\n\n请点击下列地址重新登录。', sender: { name: 'HR 部门', email: sender },
  staff: Array.from({ length: staff }, (_, i) => ({ name: `员工${i}`, email: `staff${i}-${tag}@elsewhere.test` })),
});
const processRequest = (tag: string, openedBy?: 'hr' | 'supervisor') => ({
  action: 'open', policySlug: null, department: '华东销售部', reason: '离职', lastWorkingDay: '2026-12-30', settings: DEFAULT_SETTINGS, ...(openedBy ? { openedBy } : {}),
  parties: Object.fromEntries(['employee', 'receiver', 'supervisor', 'manager', 'hr'].map((role) => [role, { name: `${role}某`, email: `${role}-${tag}@corp.test` }])),
});

describe('attack: a stranger makes the server mail third parties', () => {
  it('/api/cases, /api/acknowledgments and opening a process mail nobody but the claimed sender, asking them to confirm', async () => {
    const before = { cases: await count('cases'), processes: await count('processes') };
    const attempts = [
      { path: '/api/cases', body: caseRequest('c1'), sender: 'victim-c1@corp.test', targets: ['target1-c1@elsewhere.test', 'target2-c1@elsewhere.test', 'target3-c1@elsewhere.test'] },
      { path: '/api/acknowledgments', body: ackRequest('a1'), sender: 'victim-a1@corp.test', targets: ['staff0-a1@elsewhere.test', 'staff1-a1@elsewhere.test', 'staff2-a1@elsewhere.test'] },
      { path: '/api/process', body: processRequest('p1'), sender: 'hr-p1@corp.test', targets: ['employee', 'receiver', 'supervisor', 'manager'].map((r) => `${r}-p1@corp.test`) },
    ];
    const answers = [];
    for (const a of attempts) {
      const res = await post(a.path, a.body);
      answers.push({ status: res.status, ...((await res.json()) as { pending?: boolean; email?: string; message?: string; manageUrl?: string }) });
    }
    const mails = await delivered();
    for (const a of attempts) {
      // Not one mail to a third party …
      expect(mails.filter((m) => a.targets.some((t) => m.to.includes(t))).map((m) => `${m.to}: ${m.subject}`), `${a.path} mailed third parties`).toEqual([]);
      // … and exactly one to the claimed sender: the request to confirm, with nothing to click but our own page.
      const own = mails.filter((m) => m.to.includes(a.sender));
      expect(own).toHaveLength(1);
      expect(own[0].subject).toMatch(CONFIRM_SUBJECT);
      expect(own[0].text).toContain('如果不是您本人发起的，请忽略此邮件');
      expect(confirmLink(own[0].text).startsWith(`${base}/confirm/#t=`)).toBe(true);
    }
    for (const [i, a] of attempts.entries()) {
      // The stranger is told a confirmation went to that address, and gets no management link.
      expect(answers[i]).toMatchObject({ status: 202, pending: true, email: a.sender });
      expect(answers[i].message).toContain(`确认邮件已发到 ${a.sender}`);
      expect(answers[i].message).toContain('目前尚未向任何人发送');
      expect(answers[i].manageUrl).toBeUndefined();
    }
    expect({ cases: await count('cases'), processes: await count('processes') }).toEqual(before);
  });

  it('the sender\'s click mails the parties, exactly once: concurrent and repeated clicks create one case; the management link is mailed', async () => {
    const res = await post('/api/cases', caseRequest('c2'));
    expect(res.status).toBe(202);
    const link = confirmLink((await mailbox.waitFor('victim-c2@corp.test', CONFIRM_SUBJECT)).text);
    const casesBefore = await count('cases');
    const clicks = await Promise.all([confirmLinkByApi(link), confirmLinkByApi(link), confirmLinkByApi(link)]);
    expect(await count('cases')).toBe(casesBefore + 1);
    const first = clicks.filter((c) => c.firstTime);
    expect(first).toHaveLength(1);
    expect(first[0].result.manageUrl).toMatch(new RegExp(`^${base}/manage/\\?c=[\\w-]+#k=`));
    for (const c of clicks) expect(c.result).toMatchObject({ kind: 'case', caseNumber: first[0].result.caseNumber, caseId: first[0].result.caseId });
    // A later click shows the result (the management link is in the mailbox, not stored).
    const again = await confirmLinkByApi(link);
    expect(again).toMatchObject({ state: 'sent', firstTime: false, result: { caseNumber: first[0].result.caseNumber } });
    expect(again.result.manageUrl).toBeUndefined();
    const mails = await delivered();
    // Sequential: the first party now, once.
    expect(mails.filter((m) => m.to.includes('target1-c2@elsewhere.test'))).toHaveLength(1);
    expect(mails.filter((m) => m.to.includes('target2-c2@elsewhere.test'))).toHaveLength(0);
    const started = mails.filter((m) => m.to.includes('victim-c2@corp.test') && m.subject.startsWith('已发出'));
    expect(started).toHaveLength(1);
    expect(started[0].text).toContain(first[0].result.manageUrl);
    // The stored request is cleared once it has become a case.
    const [row] = await ctx.deps.sql.query<{ request_json: unknown }>("SELECT request_json FROM pending_sends WHERE result_json->>'caseId' = $1", [first[0].result.caseId]);
    expect(row.request_json).toEqual({});
  });

  it('acknowledgments and processes go out on confirmation; a supervisor can be the one who confirms a process', async () => {
    expect((await post('/api/acknowledgments', ackRequest('a2'))).status).toBe(202);
    const ack = await confirmFromMail(mailbox, 'victim-a2@corp.test');
    expect(ack.result).toMatchObject({ kind: 'acknowledgment', caseNumber: expect.stringMatching(/^ZD-/) });
    expect((await post('/api/process', processRequest('p2', 'supervisor'))).status).toBe(202);
    const opened = await confirmFromMail(mailbox, 'supervisor-p2@corp.test');
    expect(opened.result).toMatchObject({ kind: 'process', caseNumber: expect.stringMatching(/^KH-/), processId: expect.any(String) });
    const mails = await delivered();
    for (let i = 0; i < 3; i++) expect(mails.filter((m) => m.to.includes(`staff${i}-a2@elsewhere.test`))).toHaveLength(1);
    for (const role of ['employee', 'receiver', 'supervisor', 'manager', 'hr']) expect(mails.filter((m) => m.to.includes(`${role}-p2@corp.test`) && m.subject.startsWith('客户交接已开始'))).toHaveLength(1);
    // HR was not asked: the supervisor confirmed.
    expect(mails.filter((m) => m.to.includes('hr-p2@corp.test') && CONFIRM_SUBJECT.test(m.subject))).toEqual([]);
  });

  it('an HR admin signed in through /archive/ sends directly, and gets the management link by mail too', async () => {
    const mark = mailbox.messages.length;
    expect((await post('/api/admin', { action: 'request-link', email: 'hr-admin@corp.test' })).status).toBe(200);
    const signInMail = await mailbox.waitFor('hr-admin@corp.test', /登录/, mark);
    const token = /\/archive\/#t=([\w.-]+)/.exec(signInMail.text ?? '')![1];
    const signIn = await post('/api/admin', { action: 'sign-in', token });
    const cookie = /hk_admin=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')![0];
    const res = await post('/api/cases', caseRequest('c3', 'someone@corp.test'), { Cookie: cookie });
    const created = (await res.json()) as { caseId: string; manageUrl: string };
    expect(res.status).toBe(201);
    expect(created.manageUrl).toContain('/manage/?c=');
    const mails = await delivered();
    expect(mails.filter((m) => m.to.includes('target1-c3@elsewhere.test'))).toHaveLength(1);
    expect(mails.filter((m) => CONFIRM_SUBJECT.test(m.subject) && m.to.includes('someone@corp.test'))).toEqual([]);
    expect(mails.find((m) => m.to.includes('hr-admin@corp.test') && m.subject.startsWith('已发出'))!.text).toContain(created.manageUrl);
    // A forged or foreign cookie is nobody: back to confirmation.
    const forged = await post('/api/cases', caseRequest('c4'), { Cookie: 'hk_admin=eyJhbGciOiJIUzI1NiJ9.eyJzIjoiYWRtaW4tc2Vzc2lvbiJ9.xxxxxxxxxxxxxxxxxxxxxxxx' });
    expect(forged.status).toBe(202);
  });

  it('SENDER_DOMAINS keeps senders to the company: others get a 403 naming the allowed domains, and nothing is stored or sent', async () => {
    process.env.SENDER_DOMAINS = 'corp.test, corp-group.test';
    const pendingBefore = await count('pending_sends');
    const res = await post('/api/cases', caseRequest('d1', 'someone@gmail.example'));
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain('@corp.test、@corp-group.test');
    expect(error).toContain('someone@gmail.example');
    expect(await count('pending_sends')).toBe(pendingBefore);
    expect((await delivered()).filter((m) => m.to.includes('someone@gmail.example'))).toEqual([]);
    expect((await post('/api/cases', caseRequest('d2', 'Someone@Corp.Test'))).status).toBe(202);
  });

  it('quotas per sender: so many sends a day, so many recipients a day, each with a zh-CN answer and nothing stored', async () => {
    process.env.SEND_QUOTA_PER_SENDER = '3';
    for (let i = 0; i < 3; i++) expect((await post('/api/cases', caseRequest(`q${i}`, 'busy@corp.test'))).status).toBe(202);
    const pendingBefore = await count('pending_sends');
    const refused = await post('/api/cases', caseRequest('q3', 'busy@corp.test'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^今天已发起 3 次发送.*请明天再试或联系 HR 管理员/);
    expect(await count('pending_sends')).toBe(pendingBefore);
    // Another sender is not affected.
    expect((await post('/api/cases', caseRequest('q4', 'calm@corp.test'))).status).toBe(202);

    // Recipients: counted when sent (confirmed); a request over what is left is refused up front.
    process.env.SEND_RECIPIENTS_PER_DAY = '5';
    expect((await post('/api/acknowledgments', ackRequest('r1', 4, 'campaign@corp.test'))).status).toBe(202);
    await confirmFromMail(mailbox, 'campaign@corp.test');
    const over = await post('/api/acknowledgments', ackRequest('r2', 2, 'campaign@corp.test'));
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: string }).error).toContain('今天已向 4 人发出');
    expect((await post('/api/acknowledgments', ackRequest('r3', 1, 'campaign@corp.test'))).status).toBe(202);
  });

  it('confirmation links are bound to their request: forged, other-kind and expired links send nothing', async () => {
    expect((await post('/api/cases', caseRequest('t1'))).status).toBe(202);
    const link = confirmLink((await mailbox.waitFor('victim-t1@corp.test', CONFIRM_SUBJECT)).text);
    const token = new URLSearchParams(new URL(link).hash.slice(1)).get('t')!;
    const confirm = (t: string) => post('/api/confirm', { action: 'confirm', token: t });
    const tampered = await confirm(token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { error: string }).error).toContain('确认链接无效');
    // A link of another kind (an admin sign-in link) is not a confirmation.
    const mark = mailbox.messages.length;
    await post('/api/admin', { action: 'request-link', email: 'hr-admin@corp.test' });
    const adminToken = /\/archive\/#t=([\w.-]+)/.exec((await mailbox.waitFor('hr-admin@corp.test', /登录/, mark)).text ?? '')![1];
    expect((await confirm(adminToken)).status).toBe(401);
    // Past its 24 hours the request is not sent, and says so.
    await ctx.deps.sql.query("UPDATE pending_sends SET expires_at = now() - interval '1 minute' WHERE sender_email = 'victim-t1@corp.test'");
    const view = await post('/api/confirm', { action: 'view', token });
    expect(await view.json()).toMatchObject({ state: 'expired', summary: '签署《保密承诺书》' });
    const late = await confirm(token);
    expect(late.status).toBe(410);
    expect(((await late.json()) as { error: string }).error).toContain('什么都没有发出');
    expect((await delivered()).filter((m) => m.to.includes('target1-t1@elsewhere.test'))).toEqual([]);
  });
});

/* ---------- the same guarantees on each store (PostgreSQL too when DATABASE_URL is set) ---------- */

const forms = new Map<string, FormDefinition>(
  readdirSync('content/forms').map((f) => {
    const d = formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${f}`, 'utf8')));
    return [d.id, d];
  }),
);
const stores: Array<[string, () => Promise<Sql>]> = [['PGlite', () => createPgliteSql()]];
// Read now: the HTTP tests above run their server on PGlite and drop DATABASE_URL.
const PG_URL = process.env.DATABASE_URL;
if (PG_URL) stores.push(['PostgreSQL', () => createPostgresSql(PG_URL, `snd_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`)]);

describe.each(stores)('pending sends on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: ProcessDeps;
  const clock = new Date('2026-11-23T02:00:00Z');
  const sent: OutgoingMail[] = [];
  // Jobs first (a new case's document and links), as a worker runs them before mail.
  const flush = async () => {
    await drainJobs(deps);
    return processOutbox(sql, async (m) => void sent.push(m));
  };
  const quota = { perSender: 20, recipientsPerDay: 3000 };
  const BASE = 'http://test.local';

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('s'.repeat(40)), cert: { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' }, ttlDays: 14, now: () => clock, forms: (id) => forms.get(id), calendar: builtInCalendar(), caseLinkDays: 180 };
  });
  afterAll(() => sql?.close());

  const request = async (tag: string) => {
    await requestConfirmation(deps, { kind: 'case', body: createCaseBody.parse(caseRequest(tag)) }, BASE, quota);
    await flush();
    return /#t=([\w.-]+)/.exec(sent.filter((m) => m.to === `victim-${tag}@corp.test`).at(-1)!.text)![1];
  };

  it('concurrent clicks claim the request once: one case, one set of mails', async () => {
    const token = await request('s1');
    const results = await Promise.all(Array.from({ length: 5 }, () => confirmPending(deps, token, BASE, quota)));
    expect(results.filter((r) => r.firstTime)).toHaveLength(1);
    expect(new Set(results.map((r) => r.result?.caseId)).size).toBe(1);
    expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM cases'))[0].n)).toBe(1);
    await flush();
    expect(sent.filter((m) => m.to === 'target1-s1@elsewhere.test')).toHaveLength(1);
    expect(sent.filter((m) => m.to === 'victim-s1@corp.test' && m.subject.startsWith('已发出'))).toHaveLength(1);
  });

  it('a failure while sending leaves the request unclaimed, so the link still works', async () => {
    const token = await request('s2');
    const broken = { ...deps, forms: () => undefined };
    await expect(confirmPending(broken, token, BASE, quota)).rejects.toMatchObject({ code: 'request-changed' });
    expect((await confirmPending(deps, token, BASE, quota)).firstTime).toBe(true);
  });

  it('the maintenance sweep drops requests never confirmed and old confirmations', async () => {
    await request('s3');
    expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM pending_sends'))[0].n)).toBe(3);
    await sweepPendingSends(sql, new Date(clock.getTime() + 2.5 * 86_400_000));
    // The unconfirmed one (expired a day before) is gone; the confirmed ones stay a week.
    expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM pending_sends'))[0].n)).toBe(2);
    await sweepPendingSends(sql, new Date(clock.getTime() + 9 * 86_400_000));
    expect(await sql.query('SELECT * FROM pending_sends')).toEqual([]);
  });
});
