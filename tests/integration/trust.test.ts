/**
 * Issue 12, trust chain: attacks on the signing and customer-handover flows, each reproduced
 * against the real services and a real database (PGlite; PostgreSQL too when DATABASE_URL is
 * set) — what one employee can do to an acknowledgment, what their copy reveals, how long a
 * case link lives, whether one kind of link opens another, whether signing out ends a
 * session, and what a decompression-bomb signature costs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import {
  askQuestion, createAcknowledgment, createCase, declineAsParty, documentForParty, managerDocument, manageStatus, signAsParty, verifyDocument, viewAsParty,
} from '../../src/lib/signing/service.js';
import { signBody } from '../../src/lib/signing/requests.js';
import { SignJWT } from 'jose';
import { builtInCalendar } from '../../src/lib/process/calendar.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import { actorFromToken, loadProcess, onStageCaseClosed, openProcess, type Actor, type ProcessDeps } from '../../src/lib/process/service.js';
import { applyAction } from '../../src/lib/process/operations.js';
import { processView } from '../../src/lib/process/view.js';
import { exportProcessZip } from '../../src/lib/process/export.js';
import { sendProcessReminders } from '../../src/lib/process/reminders.js';
import { answerNotice, viewNotice } from '../../src/lib/process/notice.js';
import { adminFromSession, requestAdminLink, signInAdmin, signOutAdmin } from '../../src/lib/process/admin.js';
import type { ProcessAction } from '../../src/lib/process/requests.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { signersFor } from '../fixtures/parties.js';
import { customerRows } from '../fixtures/customers.js';
import { strokePng } from '../fixtures/png.js';
import { storeBackends, PROCESS_PEOPLE } from '../fixtures/stores.js';
import { drainJobs } from '../fixtures/jobs.js';

const forms = new Map<string, FormDefinition>(
  ['work-handover', 'customer-handover'].map((id) => {
    const d = formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${id}.json`, 'utf8')));
    return [d.id, d];
  }),
);
const work = forms.get('work-handover')!;
const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const BASE = 'http://test.local';
const scratch = mkdtempSync(join(tmpdir(), 'trust-'));
const pdfText = (bytes: Uint8Array) => {
  const file = join(scratch, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
};
const PEOPLE = PROCESS_PEOPLE;

const backends = storeBackends('tr');

describe.each(backends)('trust chain on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: ProcessDeps;
  let clock = new Date('2026-11-23T02:00:00Z');
  const sent: OutgoingMail[] = [];
  // Jobs first (a new case's document and links, stamping, sealing), as a worker runs them before mail.
  const flush = async () => {
    await drainJobs(deps);
    return processOutbox(sql, async (m) => void sent.push(m));
  };
  const mailsTo = (email: string) => sent.filter((m) => m.to === email);
  const lastTo = (email: string) => mailsTo(email).at(-1)!;
  const signLink = (mail: OutgoingMail) => {
    const [, caseId, token] = /\/(?:sign|ack)\/\?c=([\w-]+)#t=([\w.-]+)/.exec(mail.text)!;
    return { caseId, token };
  };
  const caseToken = (email: string) => /\/case\/\?p=[\w-]+#t=([\w.-]+)/.exec(mailsTo(email).filter((m) => /\/case\/\?p=[\w-]+#t=/.test(m.text)).at(-1)!.text)![1];
  const signTyped = (mail: OutgoingMail, text: string, ip = '203.0.113.9', userAgent = 'test-agent') =>
    signAsParty(deps, { ...signLink(mail), signature: { kind: 'typed', text }, ip, userAgent, baseUrl: BASE }).then(async (view) => {
      await drainJobs(deps); // the stamping (and sealing) jobs, as a worker would run them
      return view;
    });

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('z'.repeat(40)), cert, ttlDays: 14, now: () => clock, forms: (id) => forms.get(id), calendar: builtInCalendar(), caseLinkDays: 180 };
    deps.onProcessCaseClosed = (tx, c, o) => onStageCaseClosed(tx, deps, c, o);
  });
  afterAll(() => sql?.close());

  const STAFF = ['s1@ex.com', 's2@ex.com', 's3@ex.com'].map((email, i) => ({ name: ['赵一', '钱二', '孙三'][i], email, department: '销售部' }));
  const publish = async (title = '工作交接管理制度') => {
    const ack = await createAcknowledgment(deps, { title, company: '某某公司', markdown: '## 一、目的\n\n为保证某某公司业务连续。', staff: STAFF, sender: { name: 'HR', email: 'hr@ex.com' }, archiveEmail: 'archive@ex.com', baseUrl: BASE });
    await flush();
    return { ...ack, key: /#k=([\w-]+)/.exec(ack.manageUrl)![1] };
  };

  /* ---------- 3. one employee ending an acknowledgment for everyone ---------- */

  it('an employee cannot decline an acknowledgment for everyone', async () => {
    const ack = await publish('考勤制度');
    const before = sent.length;
    const s1 = signLink(lastTo('s1@ex.com'));
    await expect(declineAsParty(deps, { ...s1, reason: '我不同意第三条', ip: '1.2.3.4', userAgent: 'ua' })).rejects.toMatchObject({
      code: 'ack-no-decline', status: 409, message: expect.stringContaining('向 HR 提问'),
    });
    const status = await manageStatus(deps, ack.caseId, ack.key);
    expect(status.status).toBe('open');
    expect(status.parties.map((p) => p.status)).not.toContain('declined');
    await flush();
    expect(sent.slice(before)).toEqual([]); // nobody was told the policy was "declined"
    // The others, and the same employee, can still confirm.
    await signTyped(lastTo('s2@ex.com'), '钱二');
    expect((await viewAsParty(deps, s1.caseId, s1.token)).canSign).toBe(true);
  });

  it('an employee\'s question about a policy reaches HR only, is recorded, and the acknowledgment goes on', async () => {
    const ack = await publish('报销制度');
    const before = sent.length;
    const s1 = signLink(lastTo('s1@ex.com'));
    const body = signBody.safeParse({ action: 'question', ...s1, text: '  第三条的“交接期”是否包含法定节假日？ ' });
    expect(body.success).toBe(true);
    await askQuestion(deps, { ...s1, text: '第三条的“交接期”是否包含法定节假日？', ip: '1.2.3.4', userAgent: 'ua' });
    await flush();
    const mails = sent.slice(before);
    expect(mails.map((m) => m.to)).toEqual(['hr@ex.com']);
    expect(mails[0].subject).toContain('报销制度');
    expect(mails[0].text).toContain('第三条的“交接期”是否包含法定节假日？');
    expect(mails[0].text).toContain('赵一');
    expect(mails[0].text).toContain('s1@ex.com');
    const status = await manageStatus(deps, ack.caseId, ack.key);
    expect(status.status).toBe('open');
    expect(status.events.filter((e) => e.type === 'question')).toEqual([expect.objectContaining({ who: '员工 赵一', text: '第三条的“交接期”是否包含法定节假日？' })]);
    // Asking does not use up the link: the employee confirms afterwards.
    await signTyped(lastTo('s1@ex.com'), '赵一');
    expect((await manageStatus(deps, ack.caseId, ack.key)).parties[0].status).toBe('signed');
    // Questions are bounded: no mail-bombing HR through one link.
    for (let i = 0; i < 4; i++) await askQuestion(deps, { ...s1, text: `补充问题 ${i}`, ip: '1.2.3.4', userAgent: 'ua' });
    await expect(askQuestion(deps, { ...s1, text: '再问一次', ip: '1.2.3.4', userAgent: 'ua' })).rejects.toMatchObject({ code: 'too-many-questions' });
    // A checklist's signers decline; they do not "ask HR" through the policy channel.
    const form = await createCase(deps, {
      definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@ex.com' }, baseUrl: BASE,
      parties: signersFor(work, (key) => (key === 'giver' ? 'f1@ex.com' : `${key}@ex.com`)),
    });
    await flush();
    await expect(askQuestion(deps, { ...signLink(lastTo('f1@ex.com')), text: '问题', ip: '1.2.3.4', userAgent: 'ua' })).rejects.toMatchObject({ code: 'not-acknowledgment' });
    expect(form.caseId).toBeTruthy();
  });

  /* ---------- 4. each employee downloading everyone's data ---------- */

  it('an employee\'s copy of an acknowledgment holds only their own confirmation, not their colleagues\' emails, IPs or browsers', async () => {
    const ack = await publish('保密制度');
    const links = STAFF.map((s) => lastTo(s.email));
    await signTyped(links[0], '赵一', '198.51.100.1', 'Agent-Zhao/1.0');
    // Before everyone has confirmed: the employee's copy already carries their confirmation.
    let mine = pdfText((await documentForParty(deps, signLink(links[0]).caseId, signLink(links[0]).token)).pdf);
    expect(mine).toContain('赵一');
    expect(mine).toContain('198.51.100.1');
    await signTyped(links[1], '钱二', '198.51.100.2', 'Agent-Qian/2.0');
    await signTyped(links[2], '孙三', '198.51.100.3', 'Agent-Sun/3.0');
    await flush();
    const doc = await documentForParty(deps, signLink(links[0]).caseId, signLink(links[0]).token);
    mine = pdfText(doc.pdf);
    for (const s of ['为保证某某公司业务连续', '赵一', 's1@ex.com', '198.51.100.1']) expect(mine).toContain(s);
    for (const other of ['钱二', '孙三', 's2@ex.com', 's3@ex.com', '198.51.100.2', '198.51.100.3', 'Agent-Qian', 'Agent-Sun']) expect(mine).not.toContain(other);
    // It is sealed and verifiable as a copy issued here.
    expect(execFileSync('pdfsig', [join(scratch, 'mine.pdf')].map((f) => (writeFileSync(f, doc.pdf), f)), { encoding: 'utf8' })).toContain('Signature is Valid.');
    expect(await verifyDocument(deps, doc.pdf)).toMatchObject({ valid: true, copyOf: '赵一' });
    // Sealed as of the confirmation: downloading again gives the same bytes.
    expect(Buffer.from((await documentForParty(deps, signLink(links[0]).caseId, signLink(links[0]).token)).pdf).equals(Buffer.from(doc.pdf))).toBe(true);
    // HR's record keeps the roster.
    const hr = pdfText((await managerDocument(deps, ack.caseId, ack.key, 'final')).pdf);
    for (const s of ['赵一', '钱二', '孙三', 's2@ex.com', '198.51.100.3']) expect(hr).toContain(s);
    // No employee is mailed the roster.
    for (const s of STAFF) expect(mailsTo(s.email).some((m) => m.attachments?.length)).toBe(false);
    expect(sent.filter((m) => m.attachments?.length && m.subject.includes(ack.caseNumber)).map((m) => m.to).sort()).toEqual(['archive@ex.com', 'hr@ex.com']);
  });

  /* ---------- 6. customer-process links that cannot be revoked ---------- */

  let processId = '';
  const act = async (email: string, action: Exclude<ProcessAction, { action: 'view' }>) =>
    sql.transaction(async (tx) => applyAction(tx, deps, processId, await actorFromToken(tx, deps, processId, caseToken(email)), action));
  const asAdmin = (action: Exclude<ProcessAction, { action: 'view' }>) =>
    sql.transaction(async (tx) => applyAction(tx, deps, processId, { kind: 'admin', email: 'hr-admin@ex.com' }, action));
  const view = (token: string) => sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, processId, false), await actorFromToken(tx, deps, processId, token)));
  /** What /api/process-export does: the party's link authorizes, then the ZIP is built. */
  const exportAs = (token: string) =>
    sql.transaction(async (tx) => {
      await actorFromToken(tx, deps, processId, token);
      return exportProcessZip(tx, (await loadProcess(tx, processId, false)).p);
    });
  const open = async () => {
    ({ processId } = await openProcess(deps, {
      policySlug: null, company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', lastWorkingDay: '2026-11-30', parties: PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE,
    }));
    await flush();
  };

  it('HR or the supervisor can revoke one person\'s case link: it stops at once, and the ZIP export with it', async () => {
    clock = new Date('2026-11-23T02:00:00Z');
    await open();
    const employee = caseToken(PEOPLE.employee.email);
    expect((await view(employee)).can.revokeAccess).toBe(false);
    expect((await view(caseToken(PEOPLE.supervisor.email))).can.revokeAccess).toBe(true);
    expect((await exportAs(employee)).length).toBeGreaterThan(100);
    // The employee cannot revoke anyone; nobody revokes their own access.
    await expect(act(PEOPLE.employee.email, { action: 'revoke-access', processId, role: 'receiver' })).rejects.toMatchObject({ status: 403 });
    await expect(act(PEOPLE.supervisor.email, { action: 'revoke-access', processId, role: 'supervisor' })).rejects.toMatchObject({ status: 409 });
    expect(await act(PEOPLE.supervisor.email, { action: 'revoke-access', processId, role: 'employee' })).toContain('欧阳明远');
    await expect(view(employee)).rejects.toMatchObject({ code: 'access-revoked', status: 410, message: expect.stringContaining('收回') });
    await expect(exportAs(employee)).rejects.toMatchObject({ code: 'access-revoked' });
    // Later mails to the revoked person (here a deadline reminder) carry no working link.
    clock = new Date('2026-11-24T02:00:00Z');
    await sendProcessReminders(deps);
    await flush();
    expect(lastTo(PEOPLE.employee.email).subject).toContain('期限提醒');
    expect(lastTo(PEOPLE.employee.email).text).not.toMatch(/#t=/);
    clock = new Date('2026-11-23T02:00:00Z');
    const v = await view(caseToken(PEOPLE.hr.email));
    expect(v.parties.find((p) => p.role === 'employee')).toMatchObject({ accessRevoked: true });
    expect(v.timeline.map((t) => t.text)).toContain('收回 移交人 欧阳明远 的案件访问权限');
    // HR (admin session) restores it with a fresh link; the old one stays dead.
    await asAdmin({ action: 'resend-link', processId, role: 'employee' });
    await flush();
    const fresh = caseToken(PEOPLE.employee.email);
    expect(fresh).not.toBe(employee);
    await expect(view(employee)).rejects.toMatchObject({ code: 'revoked' });
    expect((await view(fresh)).you.role).toBe('employee');
    // HR can revoke anyone, the supervisor included; an admin may not edit the case itself.
    await asAdmin({ action: 'revoke-access', processId, role: 'supervisor' });
    await expect(view(caseToken(PEOPLE.supervisor.email))).rejects.toMatchObject({ code: 'access-revoked' });
    await expect(asAdmin({ action: 'accounts-revoked', processId })).rejects.toMatchObject({ status: 403 });
  });

  it('after a case is cancelled its links are read-only for CASE_LINK_CLOSED_DAYS, then stop with a clear message', async () => {
    clock = new Date('2026-11-23T02:00:00Z');
    await open();
    await act(PEOPLE.hr.email, { action: 'cancel', processId, reason: '员工留任' });
    const employee = caseToken(PEOPLE.employee.email);
    clock = new Date('2026-11-29T02:00:00Z'); // six days later: still readable, not editable
    const v = await view(employee);
    expect(v.status).toBe('cancelled');
    expect(v.linkClosesAt).toBe('2026-11-30T02:00:00.000Z');
    expect(Object.values(v.can).every((x) => x === false)).toBe(true);
    await expect(act(PEOPLE.employee.email, { action: 'save-plan', processId, values: { customers: customerRows(1) } })).rejects.toMatchObject({ status: 409 });
    expect((await exportAs(employee)).length).toBeGreaterThan(100);
    clock = new Date('2026-11-30T03:00:00Z'); // past the seven days
    await expect(view(employee)).rejects.toMatchObject({ code: 'case-closed', status: 410, message: expect.stringContaining('7 天') });
    await expect(exportAs(employee)).rejects.toMatchObject({ code: 'case-closed' });
    await expect(asAdmin({ action: 'resend-link', processId, role: 'employee' })).rejects.toMatchObject({ status: 409 }); // a new link would open nothing
    // HR's record stays open to HR.
    const adminView = await sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, processId, false), { kind: 'admin', email: 'hr-admin@ex.com' } satisfies Actor));
    expect(adminView.status).toBe('cancelled');
    // The period is configurable.
    deps.caseLinkClosedDays = 30;
    expect((await view(employee)).status).toBe('cancelled');
    delete deps.caseLinkClosedDays;
    clock = new Date('2026-11-23T02:00:00Z');
  });

  /* ---------- 8. one key, no audience: a link of one kind opening another ---------- */

  it('a link is refused for another case, another party or as another kind of link', async () => {
    clock = new Date('2026-11-23T02:00:00Z');
    const a = await createCase(deps, {
      definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@ex.com' }, baseUrl: BASE,
      parties: signersFor(work, (key) => (key === 'giver' ? 'a1@ex.com' : `a-${key}@ex.com`)),
    });
    const b = await createCase(deps, {
      definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@ex.com' }, baseUrl: BASE,
      parties: signersFor(work, (key) => (key === 'giver' ? 'b1@ex.com' : `b-${key}@ex.com`)),
    });
    await flush();
    const signA = signLink(lastTo('a1@ex.com'));
    const signB = signLink(lastTo('b1@ex.com'));
    await open();
    const processA = processId;
    const caseA = caseToken(PEOPLE.employee.email);
    const supervisorA = caseToken(PEOPLE.supervisor.email);
    await open();
    const processB = processId;
    // Another case.
    await expect(viewAsParty(deps, b.caseId, signA.token)).rejects.toMatchObject({ code: 'other-case' });
    await expect(sql.transaction((tx) => actorFromToken(tx, deps, processB, caseA))).rejects.toMatchObject({ code: 'other-case' });
    // Another party: the employee's link acts as the employee, never as the supervisor.
    processId = processA;
    await expect(sql.transaction(async (tx) => applyAction(tx, deps, processA, await actorFromToken(tx, deps, processA, caseA), { action: 'cancel', processId: processA, reason: '试图越权撤销' }))).rejects.toMatchObject({ status: 403 });
    expect((await sql.transaction((tx) => actorFromToken(tx, deps, processA, supervisorA)))).toMatchObject({ role: 'supervisor' });
    // Another kind of link: signing ↔ case ↔ notice ↔ admin.
    await expect(sql.transaction((tx) => actorFromToken(tx, deps, processA, signA.token))).rejects.toMatchObject({ code: 'invalid' });
    await expect(viewAsParty(deps, a.caseId, caseA)).rejects.toMatchObject({ code: 'invalid' });
    await expect(viewNotice(deps, processA, caseA)).rejects.toMatchObject({ code: 'invalid' });
    await expect(answerNotice(deps, processA, signA.token, 'concern', '不是客户')).rejects.toMatchObject({ code: 'invalid' });
    await expect(adminFromSession(deps, caseA, new Set(['hr-admin@ex.com']))).rejects.toMatchObject({ code: 'sign-in' });
    await expect(signInAdmin(deps, signB.token, new Set(['hr-admin@ex.com']))).rejects.toMatchObject({ code: 'invalid' });
    // A management key is not a JWT: no link of any kind opens the management page.
    await expect(manageStatus(deps, a.caseId, signA.token)).rejects.toMatchObject({ code: 'manage-denied' });
    // The admin's sign-in link and session are different kinds, too.
    const allowed = new Set(['hr-admin@ex.com']);
    await requestAdminLink(deps, 'hr-admin@ex.com', BASE, allowed);
    await flush();
    const adminLink = /#t=([\w.-]+)/.exec(lastTo('hr-admin@ex.com').text)![1];
    await expect(adminFromSession(deps, adminLink, allowed)).rejects.toMatchObject({ code: 'sign-in' });
    await expect(sql.transaction((tx) => actorFromToken(tx, deps, processA, adminLink))).rejects.toMatchObject({ code: 'invalid' });
    const { session } = await signInAdmin(deps, adminLink, allowed);
    await expect(signInAdmin(deps, session, allowed)).rejects.toMatchObject({ code: 'invalid' });
    await expect(viewAsParty(deps, a.caseId, session)).rejects.toMatchObject({ code: 'invalid' });
    // A token from before audiences (same key, no `aud`) opens nothing, with its own message.
    const legacy = await new SignJWT({ c: a.caseId, p: 'x', d: 'y' }).setProtectedHeader({ alg: 'HS256' }).setJti('legacy').setExpirationTime(Math.floor(clock.getTime() / 1000) + 86_400).sign(deps.secret);
    await expect(viewAsParty(deps, a.caseId, legacy)).rejects.toMatchObject({ code: 'outdated', message: expect.stringContaining('升级前') });
    // Each token names its kind in the standard audience claim.
    const aud = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).aud;
    expect([aud(signA.token), aud(caseA), aud(adminLink), aud(session)]).toEqual(['sign', 'case', 'admin-link', 'admin-session']);
  });

  /* ---------- 8. admin sessions that cannot be ended ---------- */

  it('a signed-out admin session is refused by the server, not only forgotten by the browser', async () => {
    const allowed = new Set(['hr-admin@ex.com']);
    await requestAdminLink(deps, 'hr-admin@ex.com', BASE, allowed);
    await flush();
    const { session } = await signInAdmin(deps, /#t=([\w.-]+)/.exec(lastTo('hr-admin@ex.com').text)![1], allowed);
    expect(await adminFromSession(deps, session, allowed)).toBe('hr-admin@ex.com');
    await signOutAdmin(deps, session);
    await expect(adminFromSession(deps, session, allowed)).rejects.toMatchObject({ code: 'sign-in', status: 401 });
    await signOutAdmin(deps, session); // twice is harmless
    await signOutAdmin(deps, undefined); // and without a session
  });

  /* ---------- 7. a decompression-bomb signature ---------- */

  it('an 8000×8000 PNG signature is refused from its header in milliseconds, before anything decodes it', async () => {
    const bomb = strokePng(8000, 8000);
    expect(bomb.length).toBeLessThan(300 * 1024);
    let t = performance.now();
    const parsed = signBody.safeParse({ action: 'sign', caseId: 'abcdefgh', token: 'x'.repeat(40), consent: true, signature: { kind: 'drawn', png: bomb.toString('base64') } });
    expect(performance.now() - t).toBeLessThan(100);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('2000×1000');
    // The service refuses it too (a caller that skipped the schema), before any PDF work.
    await createCase(deps, {
      definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@ex.com' }, baseUrl: BASE,
      parties: signersFor(work, (key) => (key === 'giver' ? 'png1@ex.com' : `png-${key}@ex.com`)),
    });
    await flush();
    const link = signLink(lastTo('png1@ex.com'));
    t = performance.now();
    await expect(signAsParty(deps, { ...link, signature: { kind: 'drawn', png: bomb }, ip: '1.2.3.4', userAgent: 'ua', baseUrl: BASE })).rejects.toMatchObject({
      code: 'signature-too-large', status: 422, message: expect.stringContaining('2000×1000'),
    });
    expect(performance.now() - t).toBeLessThan(2000); // decoding it took pdf-lib seconds and half a gigabyte
    // Not a PNG at all, or a PNG without its header chunk.
    const fake = Buffer.concat([bomb.subarray(0, 8), Buffer.from('0000000dJUNK'), bomb.subarray(16)]);
    expect(signBody.safeParse({ action: 'sign', caseId: 'abcdefgh', token: 'x'.repeat(40), consent: true, signature: { kind: 'drawn', png: fake.toString('base64') } }).success).toBe(false);
    // A signature the pad can produce (here 1680×540, a 560×180 pad at devicePixelRatio 3) is stamped.
    const ok = strokePng(1680, 540);
    expect(signBody.safeParse({ action: 'sign', caseId: 'abcdefgh', token: 'x'.repeat(40), consent: true, signature: { kind: 'drawn', png: ok.toString('base64') } }).success).toBe(true);
    await signAsParty(deps, { ...link, signature: { kind: 'drawn', png: ok }, ip: '1.2.3.4', userAgent: 'ua', baseUrl: BASE });
    await drainJobs(deps); // the stamping (and, after the last party, sealing) jobs
  });
});
