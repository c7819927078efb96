/**
 * A 300-customer case from the field, against a real database (PGlite; PostgreSQL too when
 * DATABASE_URL is set): customer notices go only to the customers chosen (all, a grade,
 * ticked ones) and only after the count was confirmed; and the report the system drafts —
 * 99 risk cells saying “无” or the like, 201 real risks, two concerns — goes to its signers
 * as drafted (it once came to 302 problem rows and was refused).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { processRepo } from '../../src/lib/store/process-repo.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { signingJobs } from '../../src/lib/signing/service.js';
import { processJobs } from '../../src/lib/process/jobs.js';
import { drainJobs } from '../fixtures/jobs.js';
import { signAsParty } from '../../src/lib/signing/service.js';
import { builtInCalendar } from '../../src/lib/process/calendar.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import { actorFromToken, loadProcess, onStageCaseClosed, openProcess, type ProcessDeps } from '../../src/lib/process/service.js';
import { applyAction, previewNotices } from '../../src/lib/process/operations.js';
import { processView } from '../../src/lib/process/view.js';
import { answerNotice } from '../../src/lib/process/notice.js';
import { confirmMaterials, confirmVisit, drawSpotCheckSample, recordCall } from '../../src/lib/process/actions.js';
import { customersFromPlan, initialMaterials, initialVisits } from '../../src/lib/process/customers.js';
import type { NoticeSelection, ProcessAction } from '../../src/lib/process/requests.js';
import type { ProcessState } from '../../src/lib/process/state.js';
import type { Row } from '../../src/lib/form-data.js';
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
const NOTHING = ['无', '暂无', '—', '／', 'N/A', '无。', ' 没有 ', '-', '无风险', 'Ｎ／Ａ', '——'];

/** 300 customers: 99 risk cells that say nothing, 201 real risks; the last 10 have no email. */
const rows: Row[] = customerRows(300).map((r, i) => ({ ...r, risks: i < 99 ? NOTHING[i % NOTHING.length] : `回款逾期风险（${i}）`, email: i >= 290 ? '' : r.email }));
const emailOf = (i: number) => `customer${i + 1}@example.cn`;

describe.each(storeBackends('p300'))('a 300-customer case on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: ProcessDeps;
  const sent: OutgoingMail[] = [];
  // The outbox sends 50 a run (as the site does, run after run): drain it.
  // The jobs too (stage documents, stamping and sealing, customer notices), as the site's worker runs them.
  const flush = async () => {
    const kinds = { ...signingJobs(deps), ...processJobs(deps, async (m) => void sent.push(m)) };
    do await drainJobs(deps, kinds);
    while ((await processOutbox(sql, async (m) => void sent.push(m))).sent > 0);
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
  const preview = async (email: string, selection: NoticeSelection) => sql.transaction(async (tx) => previewNotices(tx, processId, await actorFromToken(tx, deps, processId, caseToken(email)), selection));
  const view = (email: string) => sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, processId, false), await actorFromToken(tx, deps, processId, caseToken(email))));
  const state = async () => (await loadProcess(sql, processId, false)).p.state;
  const signAll = async (emails: string[]) => {
    for (const email of emails) {
      const mail = mailsTo(email).filter((m) => m.text.includes('/sign/?c=')).at(-1)!;
      const [, caseId, token] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(mail.text)!;
      await signAsParty(deps, { caseId, token, signature: { kind: 'typed', text: '签名' }, ip: '127.0.0.1', userAgent: 'vitest', baseUrl: BASE });
      await drainJobs(deps); // the stamping (and, after the last party, sealing) jobs
      await flush();
    }
  };

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('z'.repeat(40)), cert, ttlDays: 14, now: () => new Date('2026-12-01T02:00:00Z'), forms: (id) => forms.get(id), calendar: builtInCalendar(), caseLinkDays: 180 };
    deps.onProcessCaseClosed = (tx, c, o) => onStageCaseClosed(tx, deps, c, o);
    ({ processId } = await openProcess(deps, {
      policySlug: 'customer-handover-workflow', company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', lastWorkingDay: '2026-11-30',
      parties: PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE,
    }));
    await flush();
    // Stages B and C as approved (the 30-customer suite walks them): the plan's 300 customers, every material line received.
    const plan = { customers: rows };
    const customers = customersFromPlan(plan);
    const base = (await state()) as ProcessState;
    const s: ProcessState = {
      ...base, plan: { ...base.plan, customers: rows }, customers,
      materials: initialMaterials(customers, '2026-11-30'), visits: initialVisits(customers, `${PEOPLE.employee.name}、${PEOPLE.receiver.name}`, '2026-12-03', '2026-12-14'),
    };
    await processRepo.save(sql, processId, { stage: 'D', state: { ...s, materials: confirmMaterials(s, s.materials.map((_, i) => i), '2026-11-30').materials } });
  }, 60_000);
  afterAll(() => sql?.close());

  it('sends customer notices only to the selection, after the count is confirmed, and says whom it skipped and why', async () => {
    const r = PEOPLE.receiver.email;
    const grade = (g: string) => rows.map((row, i) => ({ row, i })).filter((x) => x.row.grade === g);

    // Grade A: 60 customers, two of them (290, 295) without email.
    expect(await preview(r, { kind: 'grade', grades: ['A'] })).toEqual({
      selected: 60, recipients: 58, skipped: { notified: 0, noEmail: 2 }, text: '将向 58 位客户发送交接告知（跳过 2 位：2 位没有邮箱）。',
    });
    expect(customerMails()).toHaveLength(0); // a preview sends nothing
    // The count confirmed must be the count now.
    await expect(act(r, { action: 'send-notices', processId, selection: { kind: 'grade', grades: ['A'] }, expected: 60 })).rejects.toThrow(/您确认的是 60 位，现在是 58 位/);
    expect(await act(r, { action: 'send-notices', processId, selection: { kind: 'grade', grades: ['a'] }, expected: 58 })).toBe('已向 58 位客户发送交接告知（跳过 2 位：2 位没有邮箱）。');
    const gradeA = grade('A').filter((x) => x.row.email).map((x) => emailOf(x.i));
    expect(customerMails().map((m) => m.to).sort()).toEqual(gradeA.sort());

    // Ticked customers: two A (already told) and three B.
    const v = await view(r);
    const ids = [v.customers[0].id, v.customers[5].id, v.customers[1].id, v.customers[2].id, v.customers[6].id];
    expect((await preview(r, { kind: 'customers', ids })).text).toBe('将向 3 位客户发送交接告知（跳过 2 位：2 位已发送过）。');
    // An id the case does not have is refused, and nothing goes out.
    await expect(act(r, { action: 'send-notices', processId, selection: { kind: 'customers', ids: [...ids, 'c999'] }, expected: 3 })).rejects.toThrow('有 1 位所选客户不在本案件中');
    await expect(act(r, { action: 'send-notices', processId, selection: { kind: 'grade', grades: ['D'] }, expected: 1 })).rejects.toThrow('本案件没有 D 级客户');
    expect(customerMails()).toHaveLength(58);
    await act(r, { action: 'send-notices', processId, selection: { kind: 'customers', ids }, expected: 3 });
    expect(customerMails().slice(58).map((m) => m.to).sort()).toEqual([emailOf(1), emailOf(2), emailOf(6)].sort());

    // The rest: everyone not yet told who has an email.
    expect((await preview(r, { kind: 'all' })).text).toBe('将向 229 位客户发送交接告知（跳过 71 位：61 位已发送过，10 位没有邮箱）。');
    // A party who may not send notices cannot count them either.
    await expect(preview(PEOPLE.manager.email, { kind: 'all' })).rejects.toThrow(/角色不能/);
    await act(r, { action: 'send-notices', processId, selection: { kind: 'all' }, expected: 229 });
    const to = customerMails().map((m) => m.to);
    expect(to).toHaveLength(290);
    expect(new Set(to).size).toBe(290); // nobody twice
    await expect(act(r, { action: 'send-notices', processId, selection: { kind: 'all' }, expected: 1 })).rejects.toThrow('没有需要发送的客户：所选的 300 位客户都无需发送（跳过 300 位：290 位已发送过，10 位没有邮箱）。');
    expect((await view(r)).timeline.filter((e) => e.text.startsWith('向 ')).map((e) => e.text)).toEqual(['向 58 位客户发送交接告知', '向 3 位客户发送交接告知', '向 229 位客户发送交接告知']);
  });

  it('submits the drafted report as drafted: 无 in a risk column is no problem row', async () => {
    // Two customers raise a concern through the notice.
    for (const i of [7, 8]) {
      const token = /\/notice\/\?p=[\w-]+#t=([\w.-]+)/.exec(mailsTo(emailOf(i)).at(-1)!.text)![1];
      await answerNotice(deps, processId, token, 'concern', `第 ${i + 1} 家：新对接人的电话是多少？`);
    }
    // Stage D done and E's calls made (the 30-customer suite walks them one by one).
    let s = await state();
    for (const c of s.customers) s = confirmVisit(s, c.id, { actualDate: '2026-12-02', outcome: '介绍新对接人', customerAccepts: '是', followUp: '' });
    s = drawSpotCheckSample(s, { share: DEFAULT_SETTINGS.sampleShare, min: DEFAULT_SETTINGS.sampleMin }, `${processId}:E`, '2026-12-05T02:00:00Z');
    for (const id of s.sample!.ids) s = recordCall(s, { customerId: id, caller: PEOPLE.supervisor.name, callDate: '2026-12-08', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' });
    await processRepo.save(sql, processId, { stage: 'E', state: s });
    await act(PEOPLE.supervisor.email, { action: 'submit-calls', processId });
    await signAll([PEOPLE.supervisor.email, PEOPLE.manager.email]);

    const v = await view(PEOPLE.employee.email);
    expect(v.stage).toBe('F');
    const report = v.report!;
    const problems = report.problems as Array<Record<string, string>>;
    expect(problems).toHaveLength(203); // 201 real risks + 2 concerns; the 99 “无” make none
    expect(problems.filter((p) => p.problem.startsWith('客户存在风险：'))).toHaveLength(201);
    expect(problems.some((p) => /客户存在风险：\s*(无|暂无|—|／|N\/A|没有|-)/.test(p.problem))).toBe(false);
    expect(report.customerTotal).toBe('300');
    // Submitted without a single edit.
    expect(await act(PEOPLE.employee.email, { action: 'submit-report', processId, values: report })).toContain('交接报告已提交');
    expect((await view(PEOPLE.employee.email)).stageStatus).toBe('signing');
  }, 180_000);
});
