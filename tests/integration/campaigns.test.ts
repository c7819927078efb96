/**
 * Issue 14 parts 3 and 5: acknowledgment campaigns HR can run and the HR home that lists
 * everything sent. The services on a real database (PGlite always, PostgreSQL too when
 * DATABASE_URL is set), then /api/campaigns over real HTTP with mail through a real SMTP
 * server: admin sign-in from the mailed link, not-admin refused, roster CSV bytes and an
 * XLSX read back with read-excel-file, HR home filters, search, paging and CSV.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSheet } from 'read-excel-file/node';
import { Mailbox } from '../e2e/mailbox.js';
import { storeBackends } from '../fixtures/stores.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { createAcknowledgment, signAsParty, type SigningDeps } from '../../src/lib/signing/service.js';
import { campaignView, lastStaffList, readPolicy, remindStaff, withdrawCampaign } from '../../src/lib/campaigns/service.js';
import { listHome } from '../../src/lib/campaigns/home.js';
import { homeFilters } from '../../src/lib/campaigns/requests.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import type { SigningContext } from '../../src/runtime/context.js';
import { freePort } from '../fixtures/ports.js';

const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const BASE = 'http://test.local';
const POLICY = '## 一、目的\n\n为保证业务连续，离岗人员应完成交接。\n\n<script>alert(1)</script>\n\n| 项目 | 期限 |\n| --- | --- |\n| 文件 | 3 日 |';
const STAFF = [
  { name: '赵一', email: 'zhao@ex.com', department: '销售部' },
  { name: '钱二', email: 'qian@ex.com', department: '销售部' },
  { name: '孙三', email: 'sun@ex.com', department: '运营部' },
  { name: '李四', email: 'li@ex.com', department: '运营部' },
  { name: '周五', email: 'zhou@ex.com' },
];

const tokenOf = (m: OutgoingMail) => /#t=([\w.-]+)/.exec(m.text)![1];
const caseOf = (m: OutgoingMail) => /\/ack\/\?c=([\w-]+)/.exec(m.text)![1];

describe.each(storeBackends('camp'))('campaigns on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: SigningDeps;
  const sent: OutgoingMail[] = [];
  const flush = () => processOutbox(sql, async (m) => void sent.push(m));
  const lastTo = (email: string) => sent.filter((m) => m.to === email).at(-1)!;

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('c'.repeat(40)), cert, ttlDays: 14 };
  });
  afterAll(() => sql?.close());

  it('a campaign with departments: progress per department, reminders to the pending only, the staff page as text, reuse of the list', async () => {
    const ack = await createAcknowledgment(deps, { title: '工作交接管理制度', company: '某某公司', markdown: POLICY, staff: STAFF, sender: { name: 'HR 小王', email: 'hr@ex.com' }, baseUrl: BASE, publishedVersionId: 'v-2026-11' });
    await flush();
    const invite = lastTo('zhao@ex.com');
    expect(invite.subject).toBe('请阅读并确认《工作交接管理制度》');
    expect(invite.text).toContain(`${BASE}/ack/?c=${ack.caseId}#t=`);
    expect(invite.text).not.toMatch(/签署|撤销交接/);

    // The staff page: the policy as HTML, whatever HTML the Markdown carried shown as text.
    const read = await readPolicy(deps, ack.caseId, tokenOf(invite));
    expect(read).toMatchObject({ kind: 'acknowledgment', canSign: true, publishedVersionId: 'v-2026-11', pageCount: 1 });
    expect(read.html).toContain('<h2>一、目的</h2>');
    expect(read.html).toContain('<table>');
    expect(read.html).not.toContain('<script>');
    expect(read.html).toContain('&lt;script&gt;');

    for (const email of ['zhao@ex.com', 'sun@ex.com']) {
      const m = lastTo(email);
      await signAsParty(deps, { caseId: caseOf(m), token: tokenOf(m), signature: { kind: 'typed', text: STAFF.find((s) => s.email === email)!.name }, ip: '203.0.113.1', userAgent: 't', baseUrl: BASE });
    }
    const admin = { admin: 'hr-admin@ex.com' };
    const view = await campaignView(deps, ack.caseId, admin);
    expect(view).toMatchObject({ total: 5, done: 2, pending: 3, publishedVersionId: 'v-2026-11', statusLabel: '确认中' });
    expect(view.departments).toEqual([
      { department: '运营部', total: 2, done: 1, pending: 1 },
      { department: '销售部', total: 2, done: 1, pending: 1 },
      { department: '（未填部门）', total: 1, done: 0, pending: 1 },
    ]);
    // The manage link's key opens the same view; a wrong key does not.
    const key = /#k=([\w-]+)/.exec(ack.manageUrl)![1];
    expect((await campaignView(deps, ack.caseId, { key })).done).toBe(2);
    await expect(campaignView(deps, ack.caseId, { key: 'x'.repeat(32) })).rejects.toMatchObject({ code: 'manage-denied' });

    // Reminders go to the three still pending, never to those who confirmed.
    const before = sent.length;
    expect(await remindStaff(deps, { caseId: ack.caseId, auth: admin, baseUrl: BASE })).toBe(3);
    await flush();
    const reminded = sent.slice(before);
    expect(reminded.map((m) => m.to).sort()).toEqual(['li@ex.com', 'qian@ex.com', 'zhou@ex.com']);
    for (const m of reminded) expect(m.subject).toBe('提醒：请阅读并确认《工作交接管理制度》');
    // The old link stops; the reminder's link works.
    await expect(readPolicy(deps, ack.caseId, tokenOf(invite === lastTo('zhao@ex.com') ? sent.find((m) => m.to === 'qian@ex.com')! : invite))).rejects.toMatchObject({ code: 'revoked' });
    expect((await readPolicy(deps, ack.caseId, tokenOf(lastTo('qian@ex.com')))).canSign).toBe(true);
    // One person: exactly one mail; a confirmed person is refused.
    const zhouId = view.staff.find((s) => s.email === 'zhou@ex.com')!.id;
    expect(await remindStaff(deps, { caseId: ack.caseId, auth: admin, partyId: zhouId, baseUrl: BASE })).toBe(1);
    const zhaoId = view.staff.find((s) => s.email === 'zhao@ex.com')!.id;
    await expect(remindStaff(deps, { caseId: ack.caseId, auth: admin, partyId: zhaoId, baseUrl: BASE })).rejects.toMatchObject({ code: 'already-signed' });
    expect((await campaignView(deps, ack.caseId, admin)).staff.find((s) => s.id === zhouId)!.reminders).toBe(2);

    // 复用上次名单: the latest campaign's people, with their departments.
    const last = await lastStaffList(deps);
    expect(last.caseNumber).toBe(ack.caseNumber);
    expect(last.staff).toEqual(STAFF);
  });

  it('withdrawing (撤回) tells the staff in read-and-agree words and stops their links', async () => {
    const ack = await createAcknowledgment(deps, { title: '考勤制度', markdown: '## 考勤\n\n按时上下班。', staff: STAFF.slice(0, 2), sender: { name: 'HR 小王', email: 'hr@ex.com' }, baseUrl: BASE });
    await flush();
    const invite = lastTo('qian@ex.com');
    await withdrawCampaign(deps, { caseId: ack.caseId, auth: { admin: 'hr-admin@ex.com' }, reason: '制度需要修订' });
    await flush();
    const notice = lastTo('qian@ex.com');
    expect(notice.subject).toBe(`《考勤制度》（${ack.caseNumber}）已撤回`);
    expect(notice.text).toContain('发起人已撤回这份制度确认，原因：制度需要修订');
    expect(notice.text).not.toMatch(/签署|撤销交接/);
    await expect(readPolicy(deps, ack.caseId, tokenOf(invite))).rejects.toMatchObject({ code: 'cancelled' });
    expect((await campaignView(deps, ack.caseId, { admin: 'x' })).statusLabel).toBe('已撤回');
  });

  it('HR home: every kind in one list, filtered by kind, status, overdue and dates, searched, paged', async () => {
    const f = (x: Record<string, unknown>) => homeFilters.parse(x);
    const all = await listHome(sql, f({}));
    expect(all.items.every((i) => !i.overdue)).toBe(true); // just sent
    // Four days on: the campaign still waiting for three people is overdue; the withdrawn one is not.
    const later = new Date(Date.now() + 4 * 86_400_000);
    expect(all.matches).toBeGreaterThanOrEqual(2);
    expect(all.items.every((i) => i.kind === 'campaign')).toBe(true);
    const campaign = all.items.find((i) => i.title === '工作交接管理制度')!;
    expect(campaign).toMatchObject({ progress: '2/5 已确认', status: 'open', overdue: false });
    expect((await listHome(sql, f({}), later)).items.find((i) => i.id === campaign.id)!.overdue).toBe(true);
    expect((await listHome(sql, f({ kind: 'signing' }))).matches).toBe(0);
    expect((await listHome(sql, f({ status: 'cancelled' }))).items.map((i) => i.title)).toEqual(['考勤制度']);
    expect((await listHome(sql, f({ overdue: true }))).matches).toBe(0);
    expect((await listHome(sql, f({ overdue: true }), later)).items.map((i) => i.title)).toEqual(['工作交接管理制度']);
    expect((await listHome(sql, f({ overdue: false }), later)).items.map((i) => i.title)).toEqual(['考勤制度']);
    // Search: a person's name, an email, the case number; LIKE wildcards are literal.
    expect((await listHome(sql, f({ q: '孙三' }))).items.map((i) => i.title)).toEqual(['工作交接管理制度']);
    expect((await listHome(sql, f({ q: campaign.caseNumber }))).items).toHaveLength(1);
    expect((await listHome(sql, f({ q: '%' }))).matches).toBe(0);
    // Dates are Beijing days.
    expect((await listHome(sql, f({ from: '2000-01-01', to: '2000-12-31' }))).matches).toBe(0);
    expect(() => f({ from: '2026-02-01', to: '2026-01-01' })).toThrow();
    expect(() => f({ kind: 'everything' })).toThrow();
    // Paging: a page past the end is empty but still counts the matches.
    const beyond = await listHome(sql, f({ page: 3 }));
    expect(beyond.items).toEqual([]);
    expect(beyond.matches).toBe(all.matches);
  });
});


describe.each(storeBackends('camp2000'))('a campaign to a whole company on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: SigningDeps;
  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('c'.repeat(40)), cert, ttlDays: 14 };
  });
  afterAll(() => sql?.close());

  it('a campaign to 2,000 staff: a few statements whatever the size, each person mailed their own link, in list order', async () => {
    // Every statement counted: a remote database is milliseconds away, and 10,000 round trips are a timeout.
    let statements = 0;
    const counted = (s: Sql): Sql => ({
      kind: s.kind,
      query: (text, params) => (statements++, s.query(text, params)),
      exec: (text) => (statements++, s.exec(text)),
      transaction: (fn) => s.transaction((tx) => fn(counted(tx))),
      close: () => s.close(),
    });
    const staff = Array.from({ length: 2000 }, (_, i) => ({ name: `员工${i}`, email: `s${i}@big.ex.com`, department: i % 2 ? '销售部' : '运营部' }));
    const ack = await createAcknowledgment({ ...deps, sql: counted(sql) }, { title: '员工手册', markdown: POLICY, staff, sender: { name: 'HR 小王', email: 'hr@ex.com' }, baseUrl: BASE });
    expect(statements).toBeLessThan(30);

    const mails = await sql.query<{ to_address: string; text_body: string }>('SELECT to_address, text_body FROM outbox WHERE case_id = $1 ORDER BY id', [ack.caseId]);
    expect(mails.map((m) => m.to_address)).toEqual(staff.map((s) => s.email));
    const tokens = mails.map((m) => /#t=([\w.-]+)/.exec(m.text_body)![1]);
    expect(new Set(tokens).size).toBe(2000);
    const [{ sent, parties }] = await sql.query<{ sent: number; parties: number }>(
      "SELECT (SELECT count(*)::int FROM events WHERE case_id = $1 AND type = 'sent') AS sent, (SELECT count(DISTINCT token_jti)::int FROM parties WHERE case_id = $1 AND status = 'sent') AS parties",
      [ack.caseId],
    );
    expect({ sent, parties }).toEqual({ sent: 2000, parties: 2000 });
    // Each link opens its own person's page.
    for (const i of [0, 1234, 1999]) expect((await readPolicy(deps, ack.caseId, tokens[i])).you).toMatchObject({ name: `员工${i}` });
    expect((await campaignView(deps, ack.caseId, { admin: 'hr-admin@ex.com' })).departments).toEqual([
      { department: '运营部', total: 1000, done: 0, pending: 1000 },
      { department: '销售部', total: 1000, done: 0, pending: 1000 },
    ]);

    // Reminding everyone pending is a few statements too, and each old link stops.
    statements = 0;
    expect(await remindStaff({ ...deps, sql: counted(sql) }, { caseId: ack.caseId, auth: { admin: 'hr-admin@ex.com' }, baseUrl: BASE })).toBe(2000);
    expect(statements).toBeLessThan(30);
    await expect(readPolicy(deps, ack.caseId, tokens[7])).rejects.toMatchObject({ code: 'revoked' });
  });
});

describe('/api/campaigns over HTTP with real mail', () => {
  const mailbox = new Mailbox();
  let server: Server;
  let base: string;
  let ctx: SigningContext;

  beforeAll(async () => {
    const smtpPort = await freePort();
    await mailbox.start(smtpPort);
    process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'campaigns-'));
    delete process.env.DATABASE_URL;
    process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
    process.env.ADMIN_EMAILS = 'hr-admin@corp.test';
    process.env.RATE_LIMIT_SEND = process.env.RATE_LIMIT_MANAGE = process.env.RATE_LIMIT_SIGN = process.env.RATE_LIMIT_BAD_LINKS = process.env.RATE_LIMIT_ADMIN_LINK = '100000';
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

  const post = (body: unknown, headers: Record<string, string> = {}, path = '/api/campaigns') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('signs HR in from the mailed /hr/ link; refuses everyone else; exports the roster as CSV and XLSX and HR home as CSV', async () => {
    // Not signed in, or a stranger's address: refused, and the stranger gets no mail.
    for (const action of [{ action: 'home' }, { action: 'last-list' }, { action: 'home-csv' }]) {
      const r = await post(action);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: string }).error).toMatch(/请先登录/);
    }
    expect((await post({ action: 'home' }, { Cookie: 'hk_admin=forged.forged.forged-forged-forged' })).status).toBe(401);
    expect((await post({ action: 'request-link', email: 'someone@corp.test' })).status).toBe(200);
    expect((await post({ action: 'request-link', email: 'hr-admin@corp.test' })).status).toBe(200);
    await ctx.flushMail();
    const linkMail = await mailbox.waitFor('hr-admin@corp.test', /登录/);
    expect(mailbox.messages.some((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '').includes('someone@corp.test'))).toBe(false);
    const token = new RegExp(`${base}/hr/#t=([\\w.-]+)`).exec(linkMail.text ?? '')![1];
    const signIn = await post({ action: 'sign-in', token }, {}, '/api/admin');
    expect(signIn.status).toBe(200);
    const cookie = /hk_admin=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')![0];
    const asHr = { Cookie: cookie };

    // HR (signed in) sends a campaign directly, from a published version.
    const sentAck = await post({ title: '信息安全制度', markdown: '## 信息安全\n\n离岗前交回全部账号。', staff: STAFF, sender: { name: 'HR 小王', email: 'hr-admin@corp.test' }, publishedVersionId: 'pv_42' }, asHr, '/api/acknowledgments');
    expect(sentAck.status, await sentAck.clone().text()).toBe(201);
    const { caseId } = (await sentAck.json()) as { caseId: string };
    await ctx.flushMail();
    const invite = await mailbox.waitFor('sun@ex.com', /请阅读并确认《信息安全制度》/);
    const read = await post({ action: 'read', caseId, token: /#t=([\w.-]+)/.exec(invite.text ?? '')![1] });
    expect(read.status).toBe(200);
    const { html } = (await read.json()) as { html: string };
    expect(html).toContain('<h2>信息安全</h2>');
    const staffToken = /#t=([\w.-]+)/.exec(invite.text ?? '')![1];
    expect((await post({ action: 'sign', caseId, token: staffToken, consent: true, signature: { kind: 'typed', text: '孙三' } }, {}, '/api/sign')).status).toBe(200);

    // The campaign page's data, only for HR or the manage link.
    expect((await post({ action: 'view', caseId })).status).toBe(401);
    const view = (await (await post({ action: 'view', caseId }, asHr)).json()) as { publishedVersionId: string; departments: unknown[] };
    expect(view.publishedVersionId).toBe('pv_42');
    expect(view.departments).toContainEqual({ department: '运营部', total: 2, done: 1, pending: 1 });
    const remind = (await (await post({ action: 'remind', caseId }, asHr)).json()) as { reminded: number };
    expect(remind.reminded).toBe(4);

    // Roster CSV: exact bytes Excel reads — BOM, CRLF, Chinese, Beijing time.
    const csv = await post({ action: 'roster', caseId, format: 'csv' }, asHr);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(decodeURIComponent(csv.headers.get('content-disposition') ?? '')).toContain('信息安全制度-确认名单-');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('姓名,部门,邮箱,状态,确认时间（北京时间）');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(lines).toContain('赵一,销售部,zhao@ex.com,未确认,');
    expect(lines.find((l) => l.startsWith('孙三,'))).toMatch(/^孙三,运营部,sun@ex\.com,已确认,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(lines.at(-1)).toBe('');

    // Roster XLSX: read back with read-excel-file.
    const xlsx = await post({ action: 'roster', caseId, format: 'xlsx' }, asHr);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const rows = await readSheet(Buffer.from(await xlsx.arrayBuffer()));
    expect(rows[0]).toEqual(['姓名', '部门', '邮箱', '状态', '确认时间（北京时间）']);
    expect(rows).toHaveLength(STAFF.length + 1);
    expect(rows.find((r) => r[0] === '周五')).toEqual(['周五', null, 'zhou@ex.com', '未确认', null]);
    expect(String(rows.find((r) => r[0] === '孙三')![4])).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // 复用上次名单 through the API.
    const last = (await (await post({ action: 'last-list' }, asHr)).json()) as { staff: unknown[] };
    expect(last.staff).toEqual(STAFF);

    // HR home: a process beside the campaign; filters and CSV of the filtered list.
    const open = await post({
      action: 'open', policySlug: null, department: '华东销售部', reason: '离职', lastWorkingDay: '2026-12-30', settings: DEFAULT_SETTINGS,
      parties: Object.fromEntries(['employee', 'receiver', 'supervisor', 'manager', 'hr'].map((role, i) => [role, { name: ['欧阳明远', '司马晓燕', '诸葛建国', '东方红', '人事小王'][i], email: `${role}@corp.test` }])),
    }, asHr, '/api/process');
    expect(open.status, await open.clone().text()).toBe(201);
    const home = (await (await post({ action: 'home' }, asHr)).json()) as { email: string; items: Array<{ kind: string; title: string; progress: string }> };
    expect(home.email).toBe('hr-admin@corp.test');
    expect(home.items.map((i) => i.kind).sort()).toEqual(['campaign', 'process']);
    expect(home.items.find((i) => i.kind === 'process')).toMatchObject({ title: '客户交接：欧阳明远（华东销售部）', progress: '阶段 0/5' });
    const onlyProcesses = (await (await post({ action: 'home', kind: 'process' }, asHr)).json()) as { items: unknown[] };
    expect(onlyProcesses.items).toHaveLength(1);
    const search = (await (await post({ action: 'home', q: '司马' }, asHr)).json()) as { items: Array<{ kind: string }> };
    expect(search.items.map((i) => i.kind)).toEqual(['process']);
    const bad = await post({ action: 'home', from: '2026-13-01' }, asHr);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/日期/);

    const homeCsv = await post({ action: 'home-csv', kind: 'campaign' }, asHr);
    const homeText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(await homeCsv.arrayBuffer()));
    expect(homeText.startsWith('\ufeff类型,编号,标题,状态,进度,相关人员,逾期,发起时间（北京时间）\r\n')).toBe(true);
    expect(homeText).toContain('制度确认,');
    expect(homeText).toContain('信息安全制度,确认中,1/5 已确认');
    expect(homeText).not.toContain('客户交接');
  });
});
