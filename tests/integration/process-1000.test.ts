/**
 * A 1,000-customer case walked through every stage against a real database (PGlite;
 * PostgreSQL too when DATABASE_URL is set), as the site runs it: each action in its own
 * transaction, then the worker's jobs (stage documents, stamping and sealing, customer
 * notices) and the outbox. Correctness only — the speed is shown by
 * `scripts/bench-process.ts --actions`. The SMTP server refuses some customers' notices
 * at first: each customer still gets exactly one, nobody outside the selection gets any,
 * and the case page's progress counts say where sending stands.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { signAsParty, signingJobs } from '../../src/lib/signing/service.js';
import { runJobs } from '../../src/lib/jobs/index.js';
import { builtInCalendar } from '../../src/lib/process/calendar.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import { actorFromToken, loadProcess, onStageCaseClosed, openProcess, type ProcessDeps } from '../../src/lib/process/service.js';
import { applyAction } from '../../src/lib/process/operations.js';
import { processView } from '../../src/lib/process/view.js';
import { processJobs } from '../../src/lib/process/jobs.js';
import { NOTICE_BATCH } from '../../src/lib/process/notice-send.js';
import { REPORT_TABLE_ROWS } from '../../src/lib/process/report.js';
import type { ProcessAction } from '../../src/lib/process/requests.js';
import { roleOfSigner } from '../../src/lib/process/roles.js';
import { customerRows } from '../fixtures/customers.js';
import { storeBackends, PROCESS_PEOPLE as PEOPLE } from '../fixtures/stores.js';

const forms = new Map<string, FormDefinition>(
  readdirSync('content/forms').map((f) => {
    const d = formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${f}`, 'utf8')));
    return [d.id, d];
  }),
);
const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const BASE = 'http://test.local';
const N = 1000;
/** Customers whose mail server refuses the notice twice before taking it. */
const FLAKY = new Set(['customer7@example.cn', 'customer500@example.cn', 'customer999@example.cn']);

describe.each(storeBackends('p1000'))('a 1,000-customer case on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: ProcessDeps;
  const sent: OutgoingMail[] = [];
  const refused = new Map<string, number>();
  // An SMTP server that refuses the flaky customers' first two attempts.
  const smtp = async (m: OutgoingMail) => {
    if (FLAKY.has(m.to) && (refused.get(m.to) ?? 0) < 2) {
      refused.set(m.to, (refused.get(m.to) ?? 0) + 1);
      throw new Error(`550 mailbox ${m.to} temporarily unavailable`);
    }
    sent.push(m);
  };
  const kinds = () => ({ ...signingJobs(deps), ...processJobs(deps, smtp) });
  /** The worker after an answer: jobs until none is due (a failing one waits for its back-off), then the outbox. */
  const flush = async () => {
    for (;;) {
      while ((await runJobs(sql, kinds())).done > 0);
      if ((await processOutbox(sql, smtp)).sent === 0) return;
    }
  };
  const mailsTo = (email: string) => sent.filter((m) => m.to === email);
  const caseToken = (email: string) => /\/case\/\?p=[\w-]+#t=([\w.-]+)/.exec(mailsTo(email).filter((m) => m.text.includes('/case/?p=')).at(-1)!.text)![1];
  const customerMails = () => sent.filter((m) => m.to.endsWith('@example.cn'));
  let processId = '';
  const act = async (email: string, action: Exclude<ProcessAction, { action: 'view' }>) => {
    const msg = await sql.transaction(async (tx) => applyAction(tx, deps, processId, await actorFromToken(tx, deps, processId, caseToken(email)), action));
    await flush();
    return msg;
  };
  const view = (email: string) => sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, processId, false), await actorFromToken(tx, deps, processId, caseToken(email))));
  /** Every signer of the stage's document in turn, each from the newest link mailed to them. */
  const signStage = async (emails: string[]) => {
    for (const email of emails) {
      const mail = mailsTo(email).filter((m) => m.text.includes('/sign/?c=')).at(-1)!;
      const [, caseId, token] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(mail.text)!;
      await signAsParty(deps, { caseId, token, signature: { kind: 'typed', text: '签名' }, ip: '127.0.0.1', userAgent: 'vitest', baseUrl: BASE });
      await flush();
    }
  };
  const signersOf = (formId: string) => forms.get(formId)!.signing.parties.map((p) => PEOPLE[roleOfSigner(p.label ?? p.role)].email);

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('k'.repeat(40)), cert, ttlDays: 14, now: () => new Date('2026-12-01T02:00:00Z'), forms: (id) => forms.get(id), calendar: builtInCalendar(), caseLinkDays: 180 };
    deps.onProcessCaseClosed = (tx, c, o) => onStageCaseClosed(tx, deps, c, o);
    ({ processId } = await openProcess(deps, {
      policySlug: 'customer-handover-workflow', company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', lastWorkingDay: '2026-11-30',
      parties: PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE,
    }));
    await flush();
  }, 300_000);
  afterAll(() => sql?.close());

  it('B–C: the plan with 1,000 customers is signed as submitted, then every material line is received', async () => {
    const e = PEOPLE.employee.email;
    const rows = customerRows(N);
    const plan = { ...(await view(e)).plan!, customers: rows };
    expect(await act(e, { action: 'submit-plan', processId, values: plan })).toContain('交接计划已提交');
    // The document is rendered by its job: the stage waits for signatures, the first signer has their link.
    const b = await view(e);
    expect(b.stageStatus).toBe('signing');
    expect(b.preparing).toBe(false);
    expect(b.stages[0].cases).toHaveLength(1);
    expect(mailsTo(signersOf('customer-handover')[0]).some((m) => m.text.includes('/sign/?c='))).toBe(true);
    await signStage(signersOf('customer-handover'));

    const c = await view(PEOPLE.receiver.email);
    expect(c.stage).toBe('C');
    expect(c.customers).toHaveLength(N);
    expect(c.customers.map((x) => x.name)).toEqual(rows.map((r) => r.name));
    expect(new Set(c.customers.map((x) => x.id)).size).toBe(N);
    expect(c.materials.length).toBeGreaterThanOrEqual(N);
    await act(PEOPLE.receiver.email, { action: 'confirm-materials', processId, lines: c.materials.map((_, i) => i) });
    expect((await view(e)).customers.every((x) => x.materials === 'confirmed')).toBe(true);
    await act(e, { action: 'submit-materials', processId });
    await signStage(signersOf('customer-materials-plan'));
    expect((await view(e)).stage).toBe('D');
  }, 900_000);

  it('D: notices go out in the background, once per customer, only to the selection, retried when the SMTP server refuses', async () => {
    const r = PEOPLE.receiver.email;
    const d = await view(r);
    const ids = d.customers.map((x) => x.id);
    await act(r, { action: 'confirm-visit', processId, customerIds: ids, actualDate: '2026-12-02', outcome: '介绍新对接人', customerAccepts: '是', followUp: '' });
    expect((await view(r)).customers.every((x) => x.visited)).toBe(true);

    // Grade A first (every fifth customer: 200), then everyone else.
    expect(await act(r, { action: 'send-notices', processId, selection: { kind: 'grade', grades: ['A'] }, expected: 200 })).toBe('已向 200 位客户发送交接告知。');
    const gradeA = customerRows(N).map((row, i) => ({ row, i })).filter((x) => x.row.grade === 'A').map((x) => `customer${x.i + 1}@example.cn`);
    expect(customerMails().map((m) => m.to).sort()).toEqual(gradeA.sort()); // none of the flaky ones is grade A
    let progress = (await view(r)).notices!;
    expect(progress).toMatchObject({ total: 200, sent: 200, queued: 0, failed: 0 });

    expect(await act(r, { action: 'send-notices', processId, selection: { kind: 'all' }, expected: 800 })).toBe('已向 800 位客户发送交接告知（跳过 200 位：200 位已发送过）。');
    progress = (await view(r)).notices!;
    expect(progress).toMatchObject({ total: N, sent: N - FLAKY.size, queued: 0, failed: FLAKY.size });
    expect(progress.failedCustomers.map((c) => c.email).sort()).toEqual([...FLAKY].sort());
    // The case page's words for it.
    expect(`已发送 ${progress.sent} / ${progress.total}，失败 ${progress.failed}`).toBe('已发送 997 / 1000，失败 3');

    // Time passes: the failed batches' back-off runs out and the worker tries them again (twice refused, then taken).
    for (let round = 0; round < 2; round++) {
      await sql.query(`UPDATE jobs SET run_at = now() WHERE done_at IS NULL AND dead_at IS NULL`);
      await flush();
    }
    progress = (await view(r)).notices!;
    expect(progress).toMatchObject({ total: N, sent: N, queued: 0, failed: 0 });
    // Exactly once each, nobody outside the plan, each with their own link.
    const to = customerMails().map((m) => m.to);
    expect(to).toHaveLength(N);
    expect(new Set(to)).toEqual(new Set(customerRows(N).map((x) => x.email)));
    const links = customerMails().map((m) => /\/notice\/\?p=[\w-]+#t=([\w.-]+)/.exec(m.text)![1]);
    expect(new Set(links).size).toBe(N);
    for (const a of FLAKY) expect(refused.get(a)).toBe(2);
    // The batches were jobs; none is left waiting or dead.
    const jobs = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'process.notices' AND (done_at IS NULL OR dead_at IS NOT NULL)`);
    expect(jobs[0].n).toBe(0);
    expect((await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'process.notices'`))[0].n).toBe(Math.ceil(200 / NOTICE_BATCH) + Math.ceil(800 / NOTICE_BATCH));
    // Nothing more to send.
    await expect(act(r, { action: 'send-notices', processId, selection: { kind: 'all' }, expected: 1 })).rejects.toThrow('没有需要发送的客户');

    await act(r, { action: 'submit-visits', processId });
    await signStage(signersOf('customer-visit-plan'));
    expect((await view(r)).stage).toBe('E');
  }, 900_000);

  it('E–F: the spot-check calls, then the drafted report fits its form and the case completes', async () => {
    const s = PEOPLE.supervisor.email;
    const e = await view(s);
    const sample = e.sample!.ids;
    // A-grade customers all, the rest by share: at least 20 % of 1,000.
    expect(sample.length).toBeGreaterThanOrEqual(200);
    for (const id of sample) await act(s, { action: 'record-call', processId, customerId: id, callDate: '2026-12-08', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' });
    expect((await view(s)).customers.filter((c) => c.spot === 'passed')).toHaveLength(sample.length);
    await act(s, { action: 'submit-calls', processId });
    await signStage(signersOf('callback-spot-check'));

    const f = await view(PEOPLE.employee.email);
    expect(f.stage).toBe('F');
    const report = f.report!;
    expect(report.customerTotal).toBe(String(N));
    // 800 open contracts: more than the table holds. The first rows (A grade first) and one row that counts the rest.
    const followUps = report.followUps as Array<Record<string, string>>;
    expect(followUps).toHaveLength(REPORT_TABLE_ROWS);
    expect(followUps.at(-1)!.item).toBe(`另有 ${800 - REPORT_TABLE_ROWS + 1} 家客户的跟进事项未逐条列出`);
    expect(await act(PEOPLE.employee.email, { action: 'submit-report', processId, values: report })).toContain('交接报告已提交');
    await signStage(signersOf('customer-handover-report'));

    const done = await view(PEOPLE.hr.email);
    expect(done.status).toBe('completed');
    expect(done.stages.map((x) => x.cases.map((c) => c.status))).toEqual([['completed'], ['completed'], ['completed'], ['completed'], ['completed']]);
    // The notices were not sent again by anything later.
    expect(customerMails()).toHaveLength(N);
  }, 900_000);
});
