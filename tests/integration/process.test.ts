/**
 * The customer-handover process against a real database (PGlite; PostgreSQL too when
 * DATABASE_URL is set): open, plan returned with comments then approved by all four
 * signers, materials confirmed, visits, a failed spot-check sent back to a visit, the
 * drafted report, completion, reminders, notices, the ZIP export and admin sign-in.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { signingJobs } from '../../src/lib/signing/service.js';
import { processJobs } from '../../src/lib/process/jobs.js';
import { drainJobs } from '../fixtures/jobs.js';
import { createCase, declineAsParty, signAsParty, viewAsParty } from '../../src/lib/signing/service.js';
import { builtInCalendar } from '../../src/lib/process/calendar.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import { actorFromToken, loadProcess, onStageCaseClosed, openProcess, type ProcessDeps } from '../../src/lib/process/service.js';
import { applyAction } from '../../src/lib/process/operations.js';
import { processView } from '../../src/lib/process/view.js';
import { answerNotice } from '../../src/lib/process/notice.js';
import { sendProcessReminders } from '../../src/lib/process/reminders.js';
import { exportProcessZip } from '../../src/lib/process/export.js';
import { purgeClosedProcesses } from '../../src/lib/process/retention.js';
import { adminFromSession, archiveDocument, listArchive, requestAdminLink, signInAdmin } from '../../src/lib/process/admin.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import type { ProcessAction } from '../../src/lib/process/requests.js';
import { customerRows } from '../fixtures/customers.js';
import { storeBackends, PROCESS_PEOPLE } from '../fixtures/stores.js';

const forms = new Map<string, FormDefinition>(
  readdirSync('content/forms').map((f) => {
    const d = formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${f}`, 'utf8')));
    return [d.id, d];
  }),
);
const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const BASE = 'http://test.local';
const PEOPLE = PROCESS_PEOPLE;

const backends = storeBackends('p');

describe.each(backends)('customer handover process on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: ProcessDeps;
  let clock = new Date('2026-11-23T02:00:00Z');
  const sent: OutgoingMail[] = [];
  // As a worker after each answer: the jobs (stage documents, stamping, sealing, customer notices), then the outbox.
  const flush = async () => {
    const kinds = { ...signingJobs(deps), ...processJobs(deps, async (m) => void sent.push(m)) };
    do await drainJobs(deps, kinds);
    while ((await processOutbox(sql, async (m) => void sent.push(m))).sent > 0);
  };
  const mailsTo = (email: string) => sent.filter((m) => m.to === email);
  const caseToken = (email: string) => /\/case\/\?p=[\w-]+#t=([\w.-]+)/.exec(mailsTo(email).filter((m) => m.text.includes('/case/?p=')).at(-1)!.text)![1];
  let processId = '';

  const act = async (email: string, action: Exclude<ProcessAction, { action: 'view' }>) => {
    const msg = await sql.transaction(async (tx) => applyAction(tx, deps, processId, await actorFromToken(tx, deps, processId, caseToken(email)), action));
    await flush();
    return msg;
  };
  const view = (email: string) => sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, processId, false), await actorFromToken(tx, deps, processId, caseToken(email))));
  /** Signs the newest signing link each listed party received, in order. */
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
    deps = { sql, secret: new TextEncoder().encode('y'.repeat(40)), cert, ttlDays: 14, now: () => clock, forms: (id) => forms.get(id), calendar: builtInCalendar(), caseLinkDays: 180 };
    deps.onProcessCaseClosed = (tx, c, o) => onStageCaseClosed(tx, deps, c, o);
  });
  afterAll(() => sql?.close());

  it('runs a 30-customer case from opening to the archive', async () => {
    ({ processId } = await openProcess(deps, {
      policySlug: 'customer-handover-workflow', company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', lastWorkingDay: '2026-11-30',
      parties: PEOPLE, archiveEmail: 'archive@ex.com', settings: DEFAULT_SETTINGS, baseUrl: BASE,
    }));
    await flush();
    for (const p of Object.values(PEOPLE)) expect(mailsTo(p.email)).toHaveLength(1);

    // B: the plan, returned once with comments, then signed by all four.
    const plan = { ...(await view(PEOPLE.employee.email)).plan!, customers: customerRows(30) };
    await expect(act(PEOPLE.receiver.email, { action: 'save-plan', processId, values: plan })).rejects.toThrow(/角色不能/);
    await act(PEOPLE.employee.email, { action: 'submit-plan', processId, values: plan });
    await signAll([PEOPLE.employee.email, PEOPLE.receiver.email]);
    const witnessMail = mailsTo(PEOPLE.supervisor.email).filter((m) => m.text.includes('/sign/?c=')).at(-1)!;
    // A process document is sent back for correction, not declined for good: the request says so.
    expect(witnessMail.text).toContain('如需修改，可以写明意见退回修改，文件会退回移交人修改后重新提交，交接案件继续进行');
    expect(witnessMail.text).not.toContain('拒签');
    const [, bCase, bToken] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(witnessMail.text)!;
    expect((await viewAsParty(deps, bCase, bToken)).returnsTo).toBe(`移交人 ${PEOPLE.employee.name}`);
    await declineAsParty(deps, { caseId: bCase, token: bToken, reason: '请补充 A 级客户的回款风险', ip: '1.1.1.1', userAgent: 'x' });
    await flush();
    // The 移交人 gets it back with the comment; a signer opening the old link reads 退回修改, not 流程已终止.
    const returned = mailsTo(PEOPLE.employee.email).at(-1)!;
    expect(returned.subject).toContain('客户交接计划被退回修改');
    expect(returned.text).toContain(`监交人 ${PEOPLE.supervisor.name} 将“客户交接计划”退回给您修改，意见如下：`);
    expect(returned.text).toContain('交接案件继续进行，没有终止');
    const receiverMail = mailsTo(PEOPLE.receiver.email).filter((m) => m.text.includes('/sign/?c=')).at(-1)!;
    const [, , receiverToken] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(receiverMail.text)!;
    const stale = viewAsParty(deps, bCase, receiverToken);
    await expect(stale).rejects.toMatchObject({ code: 'returned', message: `监交人 ${PEOPLE.supervisor.name} 已将这份文件退回移交人 ${PEOPLE.employee.name}修改，这一版无需再签署：修改后重新提交时，系统会给您发送新的签署邮件。` });
    await expect(viewAsParty(deps, bCase, receiverToken)).rejects.not.toThrow(/终止/);
    let v = await view(PEOPLE.employee.email);
    expect(v.stage).toBe('B');
    expect(v.stageStatus).toBe('returned');
    expect(v.returns[0]).toMatchObject({ stage: 'B', comment: '请补充 A 级客户的回款风险' });
    expect(mailsTo(PEOPLE.employee.email).at(-1)!.subject).toContain('退回');
    await act(PEOPLE.employee.email, { action: 'submit-plan', processId, values: { ...plan, notes: '已补充 A 级客户回款风险' } });
    await signAll([PEOPLE.employee.email, PEOPLE.receiver.email, PEOPLE.supervisor.email, PEOPLE.manager.email]);
    v = await view(PEOPLE.employee.email);
    expect(v.stage).toBe('C');
    expect(v.customers).toHaveLength(30);
    expect(v.materials).toHaveLength(30);

    // C: receiver confirms every line; nothing goes to review before that.
    await expect(act(PEOPLE.employee.email, { action: 'submit-materials', processId })).rejects.toThrow(/30 条资料未经接收人确认/);
    // One line sent back with a reason: the employee is mailed, the line reads as returned
    // until corrected; the employee's correction clears the mark, the receiver then confirms.
    await expect(act(PEOPLE.employee.email, { action: 'return-materials', processId, lines: [0], reason: '缺页' })).rejects.toThrow(/角色不能/);
    await act(PEOPLE.receiver.email, { action: 'return-materials', processId, lines: [0], reason: '合同原件缺第 3 页' });
    await flush();
    expect(mailsTo(PEOPLE.employee.email).at(-1)!.subject).toContain('补正 1 条资料');
    v = await view(PEOPLE.employee.email);
    expect(v.materials[0]).toMatchObject({ receiverConfirmed: '否', remark: '接收人退回：合同原件缺第 3 页' });
    expect(v.customers[0].materials).toBe('returned');
    expect(v.timeline.map((e) => e.text)).toContain('退回 1 条资料：合同原件缺第 3 页');
    const corrected = v.materials.map((r, i) => (i === 0 ? { ...r, copies: '2' } : r));
    await act(PEOPLE.employee.email, { action: 'save-materials', processId, rows: corrected });
    v = await view(PEOPLE.employee.email);
    expect(v.materials[0]).toMatchObject({ receiverConfirmed: '', copies: '2', remark: '已按退回意见更正（合同原件缺第 3 页）' });
    expect(v.customers[0].materials).toBe('pending');
    await act(PEOPLE.receiver.email, { action: 'confirm-materials', processId, lines: v.materials.map((_, i) => i) });
    await expect(act(PEOPLE.receiver.email, { action: 'return-materials', processId, lines: [0], reason: '再退' })).rejects.toThrow(/已点收/);
    await act(PEOPLE.employee.email, { action: 'submit-materials', processId });
    await signAll([PEOPLE.employee.email, PEOPLE.receiver.email, PEOPLE.supervisor.email]);
    expect((await view(PEOPLE.receiver.email)).stage).toBe('D');

    // Customer notices: one confirms, one raises a concern (forced into the sample).
    await act(PEOPLE.receiver.email, { action: 'send-notices', processId, selection: { kind: 'all' }, expected: 30 });
    const noticeFor = (i: number) => /\/notice\/\?p=[\w-]+#t=([\w.-]+)/.exec(mailsTo(`customer${i}@example.cn`).at(-1)!.text)![1];
    await answerNotice(deps, processId, noticeFor(2), 'confirmed', '');
    await answerNotice(deps, processId, noticeFor(3), 'concern', '新对接人的电话是多少？');
    await expect(answerNotice(deps, processId, noticeFor(2), 'concern', '再改')).rejects.toThrow(/已经回复/);

    // D: every visit confirmed by the receiver.
    const ids = (await view(PEOPLE.receiver.email)).customers.map((c) => c.id);
    await act(PEOPLE.receiver.email, { action: 'confirm-visit', processId, customerIds: ids.slice(0, 10), actualDate: '2026-12-02', outcome: '上门介绍新对接人', customerAccepts: '是', followUp: '' });
    await act(PEOPLE.receiver.email, { action: 'confirm-visit', processId, customerIds: ids.slice(10), actualDate: '2026-12-03', outcome: '电话介绍新对接人', customerAccepts: '是', followUp: '' });
    await act(PEOPLE.receiver.email, { action: 'submit-visits', processId });
    await signAll([PEOPLE.employee.email, PEOPLE.receiver.email, PEOPLE.supervisor.email]);

    // E: the sample holds every A customer, the concern, and at least 20 % of the rest.
    v = await view(PEOPLE.supervisor.email);
    expect(v.stage).toBe('E');
    const sample = v.sample!;
    const aIds = v.customers.filter((c) => c.grade === 'A').map((c) => c.id);
    for (const id of aIds) expect(sample.ids).toContain(id);
    expect(sample.reasons.c3).toBe('forced');
    expect(sample.ids.length).toBeGreaterThanOrEqual(aIds.length + 1 + Math.ceil(0.2 * (30 - aIds.length - 1)));
    const [failing, ...rest] = sample.ids;
    await act(PEOPLE.supervisor.email, { action: 'record-call', processId, customerId: failing, callDate: '2026-12-10', reached: '已接通', handoverConfirmed: '否', satisfaction: '2', issues: '客户说没人联系过' });
    v = await view(PEOPLE.supervisor.email);
    expect(v.customers.find((c) => c.id === failing)).toMatchObject({ revisit: true, spot: 'failed', visited: false });
    await expect(act(PEOPLE.supervisor.email, { action: 'submit-calls', processId })).rejects.toThrow(/重新拜访/);
    for (const id of rest) await act(PEOPLE.supervisor.email, { action: 'record-call', processId, customerId: id, callDate: '2026-12-10', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' });
    await act(PEOPLE.receiver.email, { action: 'confirm-visit', processId, customerIds: [failing], actualDate: '2026-12-11', outcome: '重新上门拜访', customerAccepts: '是', followUp: '' });
    await act(PEOPLE.supervisor.email, { action: 'record-call', processId, customerId: failing, callDate: '2026-12-12', reached: '已接通', handoverConfirmed: '是', satisfaction: '4', issues: '' });
    await act(PEOPLE.supervisor.email, { action: 'submit-calls', processId });
    await signAll([PEOPLE.supervisor.email, PEOPLE.manager.email]);

    // F: the drafted report carries the counts and the problems found.
    v = await view(PEOPLE.employee.email);
    expect(v.stage).toBe('F');
    const report = v.report!;
    expect(report.customerTotal).toBe('30');
    expect(report.summary).toContain('本次交接客户共 30 家');
    const problems = report.problems as Array<Record<string, string>>;
    expect(problems.some((p) => p.problem.includes('未获知交接') && p.progress === '已解决')).toBe(true);
    expect(problems.some((p) => p.problem.includes('新对接人的电话'))).toBe(true);
    await act(PEOPLE.employee.email, { action: 'submit-report', processId, values: { ...report, summary: `${report.summary}（已核对）` } });
    await signAll([PEOPLE.employee.email, PEOPLE.supervisor.email, PEOPLE.manager.email, PEOPLE.hr.email]);
    v = await view(PEOPLE.hr.email);
    expect(v.status).toBe('completed');
    // Case links are read-only from now on, for CASE_LINK_CLOSED_DAYS (7) days.
    expect(v.linkClosesAt).toBe(new Date(clock.getTime() + 7 * 86_400_000).toISOString());
    expect(v.stages.every((s) => s.progress === 'done')).toBe(true);
    for (const p of Object.values(PEOPLE)) expect(mailsTo(p.email).some((m) => m.subject.includes('客户交接已全部完成'))).toBe(true);

    // The archive: five signed PDFs (B twice opened, once declined — only completed ones) and the CSV.
    const zip = unzipSync(await exportProcessZip(sql, (await loadProcess(sql, processId, false)).p));
    const names = Object.keys(zip);
    expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(5);
    const csv = strFromU8(zip['客户交接状态.csv']);
    expect(csv.split('\r\n')).toHaveLength(31);
    expect(csv).toContain('客户有疑问');
  });

  it('sends deadline reminders 7 and 2 days before and daily when overdue, once each', async () => {
    clock = new Date('2026-11-23T02:00:00Z');
    const { caseNumber } = await openProcess(deps, {
      policySlug: null, department: '销售二部', reason: '调岗', lastWorkingDay: '2026-12-31', parties: PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE,
    });
    await flush();
    const before = sent.length;
    // Plan due 3 working days after 2026-11-23 (Mon) → 2026-11-26; 2 days before → d2 reminder now.
    expect(await sendProcessReminders(deps)).toBeGreaterThan(0);
    expect(await sendProcessReminders(deps)).toBe(0); // idempotent
    await flush();
    expect(sent.slice(before).some((m) => m.subject.includes('客户交接计划获批'))).toBe(true);
    clock = new Date('2026-11-28T02:00:00Z'); // overdue: the supervisor hears too
    await sendProcessReminders(deps);
    await flush();
    const overdue = sent.filter((m) => m.subject.includes(caseNumber) && m.subject.includes('逾期提醒') && m.subject.includes('客户交接计划获批'));
    expect(overdue.map((m) => m.to).sort()).toEqual([PEOPLE.employee.email, PEOPLE.supervisor.email].sort());
  });

  it('signs HR admins in by a single-use emailed link', async () => {
    const allowed = new Set(['hr-admin@ex.com']);
    await requestAdminLink(deps, 'stranger@ex.com', BASE, allowed);
    await requestAdminLink(deps, 'hr-admin@ex.com', BASE, allowed);
    await flush();
    expect(mailsTo('stranger@ex.com')).toHaveLength(0);
    const token = /#t=([\w.-]+)/.exec(mailsTo('hr-admin@ex.com').at(-1)!.text)![1];
    const { session } = await signInAdmin(deps, token, allowed);
    expect(await adminFromSession(deps, session, allowed)).toBe('hr-admin@ex.com');
    await expect(signInAdmin(deps, token, allowed)).rejects.toThrow(/已经用过/);
    await expect(adminFromSession(deps, token, allowed)).rejects.toThrow(/登录/); // a link is not a session
    await expect(adminFromSession(deps, session, new Set())).rejects.toThrow(/权限/);
  });

  it('lists customer-handover cases and standalone signing cases for the archive, and gives HR their PDFs', async () => {
    const work = forms.get('work-handover')!;
    const standalone = await createCase(deps, {
      definition: work, values: workHandoverValues(work), company: '上海某某贸易有限公司', sender: { name: 'HR 小王', email: 'hr@ex.com' },
      parties: Object.values(PEOPLE).slice(0, 5), baseUrl: BASE,
    });
    await drainJobs(deps); // its document is rendered by a job
    const all = await listArchive(deps, {});
    // Stage documents of a process belong to the process, not to the list of signing cases.
    expect(all.cases.map((c) => c.id)).toEqual([standalone.caseId]);
    expect(all.cases[0]).toMatchObject({ title: '工作交接清单', department: '华东区销售部', giver: '欧阳明远', status: 'open', parties: 5, signed: 0, kind: 'form' });
    expect(all.processes.map((p) => p.id)).toContain(processId);
    expect((await listArchive(deps, { kind: 'process' })).cases).toEqual([]);
    expect((await listArchive(deps, { kind: 'signing' })).processes).toEqual([]);
    expect((await listArchive(deps, { department: '区销售' })).cases).toHaveLength(1);
    expect((await listArchive(deps, { department: '100%_' })).cases).toHaveLength(0); // wildcards are literal
    expect((await listArchive(deps, { status: 'completed' })).cases).toHaveLength(0);
    expect((await listArchive(deps, { from: '2099-01-01' })).cases).toHaveLength(0);
    const doc = await archiveDocument(deps, standalone.caseId);
    expect(doc.final).toBe(false);
    expect(Buffer.from(doc.pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    await expect(archiveDocument(deps, 'nosuchcase')).rejects.toThrow(/找不到/);
  });

  it('purges a closed process\'s customer data after the retention period and keeps the record', async () => {
    const adminView = () => sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, processId, false), { kind: 'admin', email: 'hr-admin@ex.com' }));
    // Whole rows: the state's large parts have columns of their own (migration 016).
    const open = await sql.query<{ row: unknown }>("SELECT to_jsonb(p) AS row FROM processes p WHERE status = 'open' ORDER BY id");
    clock = new Date(Date.now() + 10 * 86_400_000);
    expect(await purgeClosedProcesses(deps, 30)).toBe(0); // not yet due
    await sql.query("UPDATE process_parties SET mobile = '13800138000' WHERE process_id = $1", [processId]);
    clock = new Date(Date.now() + 400 * 86_400_000);
    expect(await purgeClosedProcesses(deps, 365)).toBeGreaterThanOrEqual(1);
    const v = await adminView();
    expect(v.purgedAt).not.toBeNull();
    expect(v.customers).toEqual([]);
    expect(v.status).toBe('completed');
    expect(v.parties.map((p) => p.name)).toContain(PEOPLE.employee.name); // who handed over to whom stays
    const texts = v.timeline.map((e) => e.text);
    expect(texts).toContain('按数据保留期限清除客户资料（客户名单、各阶段明细、报告与留言）');
    expect(texts).toContain('确认已重新拜访 （已按保留期限清除）');
    expect(texts.some((t) => t.startsWith('退回客户交接计划：'))).toBe(true);
    // No customer name, address, comment or return reason is left in the process tables or in sent mail.
    const left = JSON.stringify(await sql.query("SELECT to_jsonb(p) AS row, (SELECT json_agg(detail) FROM process_events e WHERE e.process_id = p.id) AS events FROM processes p WHERE p.id = $1", [processId]));
    for (const secret of ['华东贸易有限公司', 'customer3@example.cn', '新对接人的电话是多少', '请补充 A 级客户的回款风险', '合同原件缺第 3 页']) expect(left).not.toContain(secret);
    expect(await sql.query("SELECT 1 FROM outbox WHERE to_address LIKE 'customer%' AND status = 'sent'")).toEqual([]);
    expect(await sql.query('SELECT mobile FROM process_parties WHERE process_id = $1 AND mobile IS NOT NULL', [processId])).toEqual([]);
    // Open processes are untouched; a second run has nothing to do.
    expect(await sql.query<{ row: unknown }>("SELECT to_jsonb(p) AS row FROM processes p WHERE status = 'open' ORDER BY id")).toEqual(open);
    expect(await purgeClosedProcesses(deps, 365)).toBe(0);
  });
});
