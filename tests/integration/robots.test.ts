/**
 * Group robots against a local server playing WeCom, DingTalk and Feishu (message shapes and
 * signatures as documented), on PGlite and — with DATABASE_URL — PostgreSQL: webhook checks
 * (no SSRF), credentials encrypted at rest, 发送测试消息 explanations, the durable outbox
 * (retries with back-off, nothing lost while a webhook is down, platform rate limits
 * respected by deferring), and the notices signing cases and processes queue.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { createAcknowledgment, createCase, declineAsParty, signAsParty } from '../../src/lib/signing/service.js';
import { builtInCalendar } from '../../src/lib/process/calendar.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import { onStageCaseClosed, openProcess, type ProcessDeps } from '../../src/lib/process/service.js';
import { sendProcessReminders } from '../../src/lib/process/reminders.js';
import { processRobotOutbox, type RobotDeps } from '../../src/lib/robots/delivery.js';
import { checkWebhook, robotHostOverride } from '../../src/lib/robots/platforms.js';
import { openText, robotKey } from '../../src/lib/robots/secrets.js';
import { addRobot, listRobots, removeRobot, robotOutbox, setSubscription, testRobot } from '../../src/lib/robots/service.js';
import { robotRepo } from '../../src/lib/robots/store.js';
import { wecomBody } from '../../src/lib/robots/wecom.js';
import { dingtalkBody } from '../../src/lib/robots/dingtalk.js';
import type { RobotMessage } from '../../src/lib/robots/types.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { signersFor } from '../fixtures/parties.js';
import { PROCESS_PEOPLE, storeBackends } from '../fixtures/stores.js';
import { startPlatformServer, type Mode, type PlatformServer } from '../fixtures/robot-platforms.js';
import { loadProcess } from '../../src/lib/process/service.js';
import { processView } from '../../src/lib/process/view.js';
import { manageRobots, manageStatus } from '../../src/lib/signing/service.js';
import { caseRobotChoice, setCaseRobots } from '../../src/lib/robots/choice.js';
import { mayChooseRobots } from '../../src/lib/process/view.js';
import { openProcessBody } from '../../src/lib/process/requests.js';
import { applyAction } from '../../src/lib/process/operations.js';
import { deadlineNotice, robotsHear } from '../../src/lib/robots/notices.js';
import { customerRows } from '../fixtures/customers.js';
import { drainJobs } from '../fixtures/jobs.js';
import { signingJobs } from '../../src/lib/signing/service.js';
import { processJobs } from '../../src/lib/process/jobs.js';

const forms = new Map<string, FormDefinition>(
  readdirSync('content/forms').map((f) => {
    const d = formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${f}`, 'utf8')));
    return [d.id, d];
  }),
);
const work = forms.get('work-handover')!;
const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const BASE = 'https://handover.example.cn';
const SECRET = new TextEncoder().encode('r'.repeat(40));
const DING_SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
const FEISHU_SECRET = 'fs-secret-Abc123xyz';

const message = (n: number): RobotMessage => ({ title: `【测试】第 ${n} 条`, facts: [['需要', `处理第 ${n} 项`]], link: { label: '打开工作交接', url: '/' } });

describe('robot webhooks are checked against each platform (no SSRF)', () => {
  it('accepts only https on the platform host with its webhook path', () => {
    expect(checkWebhook('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa', null).key).toBe('693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
    expect(checkWebhook('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123', null).key).toBe('0123456789abcdef0123');
    expect(checkWebhook('feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/9a2b1c3d-aaaa-bbbb', null).key).toBe('9a2b1c3d-aaaa-bbbb');
    expect(checkWebhook('feishu', 'https://open.larksuite.com/open-apis/bot/v2/hook/9a2b1c3d-aaaa-bbbb', null).key).toBe('9a2b1c3d-aaaa-bbbb');
    const refused = [
      ['wecom', 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234'], // not https
      ['wecom', 'https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=abcdefgh-1234'], // look-alike host
      ['wecom', 'https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=abcdefgh-1234'], // other port
      ['wecom', 'https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234'],
      ['wecom', 'https://qyapi.weixin.qq.com/cgi-bin/user/get?key=abcdefgh-1234'], // another API
      ['wecom', 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123'], // other platform's host
      ['dingtalk', 'https://127.0.0.1/robot/send?access_token=0123456789abcdef0123'],
      ['dingtalk', 'http://169.254.169.254/latest/meta-data/'],
      ['feishu', 'https://example.com/open-apis/bot/v2/hook/9a2b1c3d-aaaa'],
      ['feishu', 'file:///etc/passwd'],
      ['feishu', 'not a url'],
    ] as const;
    for (const [platform, url] of refused) expect(() => checkWebhook(platform, url, null), url).toThrow(/Webhook|网址/);
  });

  it('lets tests name a local server only by ROBOT_HOST_OVERRIDE, never in production', () => {
    const local = 'http://127.0.0.1:4999/cgi-bin/webhook/send?key=abcdefgh-1234';
    expect(() => checkWebhook('wecom', local, robotHostOverride({}, false))).toThrow(/不是企业微信机器人的 Webhook 地址/);
    expect(checkWebhook('wecom', local, robotHostOverride({ ROBOT_HOST_OVERRIDE: 'http://127.0.0.1:4999' }, false)).url.origin).toBe('http://127.0.0.1:4999');
    // Another local port than the named one is still refused.
    expect(() => checkWebhook('wecom', 'http://127.0.0.1:5000/cgi-bin/webhook/send?key=abcdefgh-1234', 'http://127.0.0.1:4999')).toThrow();
    expect(() => robotHostOverride({ ROBOT_HOST_OVERRIDE: 'http://127.0.0.1:4999' }, true)).toThrow(/production/);
  });

  it('builds @mentions where the platform supports them by mobile', () => {
    const m = { ...message(1), mentionMobiles: ['13800001111'] };
    expect(wecomBody(m)).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: ['13800001111'] } });
    expect(wecomBody(message(1))).toMatchObject({ msgtype: 'markdown' });
    const d = dingtalkBody(m);
    expect(d.at).toEqual({ atMobiles: ['13800001111'], isAtAll: false });
    expect(d.markdown.text).toContain('@13800001111'); // DingTalk only notifies when the text has it too
  });
});

describe.each(storeBackends('rb'))('group robots on %s', (_name, makeSql) => {
  let sql: Sql;
  let server: PlatformServer;
  let deps: RobotDeps;
  let processDeps: ProcessDeps;
  // Signatures must carry a timestamp within an hour of the platform's clock: start from now.
  let clock = new Date();
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  const mails: OutgoingMail[] = [];
  // Jobs first (a new case's document and links), as a worker runs them before mail.
  const flushMail = async () => {
    await drainJobs(processDeps, signingJobs(processDeps));
    return processOutbox(sql, async (m) => void mails.push(m));
  };
  let n = 0;
  /** A fresh robot on the local platform server; its key answers in `mode`. */
  const robot = async (platform: 'wecom' | 'dingtalk' | 'feishu', opts: { secret?: string; mode?: Mode; serverSecret?: string } = {}) => {
    const key = `k${++n}${Math.random().toString(36).slice(2, 10)}0123456789`;
    const url = {
      wecom: `${server.origin}/cgi-bin/webhook/send?key=${key}`,
      dingtalk: `${server.origin}/robot/send?access_token=${key}`,
      feishu: `${server.origin}/open-apis/bot/v2/hook/${key}`,
    }[platform];
    server.modes.set(key, opts.mode ?? 'ok');
    const s = opts.serverSecret ?? opts.secret;
    if (s) server.secrets.set(key, s);
    const { id } = await addRobot(deps, { name: `${platform} 群 ${n}`, platform, webhook: url, secret: opts.secret }, 'hr-admin@ex.com');
    return { id, key };
  };
  const pending = async (robotId: string) => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM robot_outbox WHERE robot_id = $1 AND sent_at IS NULL', [robotId]))[0]!.n;
  const enqueue = (robotId: string, count: number) =>
    sql.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await robotRepo.enqueue(tx, robotId, 'waiting', null, message(i + 1), clock);
    });

  beforeAll(async () => {
    server = await startPlatformServer();
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: SECRET, hostOverride: server.origin, baseUrl: BASE, now: () => clock, retryBaseSeconds: 30 };
    processDeps = { sql, secret: SECRET, cert, ttlDays: 14, now: () => clock, forms: (id) => forms.get(id), calendar: builtInCalendar(), caseLinkDays: 180 };
    processDeps.onProcessCaseClosed = (tx, c, o) => onStageCaseClosed(tx, processDeps, c, o);
  });
  afterAll(async () => {
    await sql?.close();
    await server?.close();
  });
  beforeEach(() => {
    server.problems.length = 0;
  });

  it('stores the webhook and secret encrypted and shows only a hint', async () => {
    const { id, key } = await robot('dingtalk', { secret: DING_SECRET });
    const [row] = await sql.query<{ webhook_enc: string; secret_enc: string; webhook_hint: string }>('SELECT * FROM robots WHERE id = $1', [id]);
    expect(JSON.stringify(row)).not.toContain(key);
    expect(JSON.stringify(row)).not.toContain(DING_SECRET);
    expect(openText(robotKey(SECRET), id, row!.secret_enc)).toBe(DING_SECRET);
    // Bound to its robot: the same ciphertext under another id does not open.
    expect(() => openText(robotKey(SECRET), 'another-robot', row!.secret_enc)).toThrow();
    expect(() => openText(robotKey(new TextEncoder().encode('z'.repeat(40))), id, row!.secret_enc)).toThrow();
    const listed = (await listRobots(deps)).robots.find((r) => r.id === id)!;
    expect(listed).toMatchObject({ platform: 'dingtalk', signed: true, webhook: `${new URL(server.origin).host} · …${key.slice(-4)}` });
    expect(JSON.stringify(await listRobots(deps))).not.toContain(key);
    // And no robot is added to an address outside the platforms.
    await expect(addRobot({ ...deps, hostOverride: null }, { name: 'x', platform: 'wecom', webhook: `${server.origin}/cgi-bin/webhook/send?key=abcdefgh1234` }, 'a@ex.com')).rejects.toMatchObject({
      code: 'robot-url',
    });
    await expect(addRobot(deps, { name: 'x', platform: 'dingtalk', webhook: `${server.origin}/robot/send?access_token=abcdefgh12345678`, secret: 'wrong' }, 'a@ex.com')).rejects.toMatchObject({
      code: 'robot-secret',
    });
  });

  it('发送测试消息 sends at once and explains each platform failure', async () => {
    const before = server.received.length;
    const wecom = await robot('wecom');
    const ding = await robot('dingtalk', { secret: DING_SECRET });
    const fei = await robot('feishu', { secret: FEISHU_SECRET });
    for (const r of [wecom, ding, fei]) expect(await testRobot(deps, r.id, 'hr-admin@ex.com')).toEqual({ ok: true });
    expect(server.problems).toEqual([]);
    const got = server.received.slice(before);
    expect(got.map((g) => g.platform)).toEqual(['wecom', 'dingtalk', 'feishu']);
    expect(got[0]!.body.markdown.content).toContain('【测试】工作交接通知已接通');
    expect(got[1]!.body).toMatchObject({ msgtype: 'markdown', markdown: { title: '【测试】工作交接通知已接通' } });
    expect(got[2]!.body).toMatchObject({ msg_type: 'post', content: { post: { zh_cn: { title: '【测试】工作交接通知已接通' } } } });
    expect(JSON.stringify(got[2]!.body)).toContain(`"href":"${BASE}/"`);

    const explain = async (platform: 'wecom' | 'dingtalk' | 'feishu', opts: Parameters<typeof robot>[1]) => testRobot(deps, (await robot(platform, opts)).id, 'hr-admin@ex.com');
    expect(await explain('dingtalk', { secret: DING_SECRET, serverSecret: `${DING_SECRET}0` })).toMatchObject({ ok: false, kind: 'signature', explanation: expect.stringContaining('签名校验失败') });
    expect(await explain('feishu', { secret: 'wrong-secret', serverSecret: FEISHU_SECRET })).toMatchObject({ ok: false, kind: 'signature' });
    expect(await explain('feishu', { serverSecret: FEISHU_SECRET })).toMatchObject({ ok: false, kind: 'signature' }); // the group requires signing; none given
    expect(await explain('wecom', { mode: 'rate-limited' })).toMatchObject({ ok: false, kind: 'rate-limited', explanation: expect.stringContaining('限流') });
    expect(await explain('dingtalk', { mode: 'rate-limited' })).toMatchObject({ ok: false, kind: 'rate-limited' });
    expect(await explain('feishu', { mode: 'rate-limited' })).toMatchObject({ ok: false, kind: 'rate-limited' });
    expect(await explain('dingtalk', { mode: 'keyword' })).toMatchObject({ ok: false, kind: 'keyword', explanation: expect.stringContaining('关键词') });
    expect(await explain('feishu', { mode: 'keyword' })).toMatchObject({ ok: false, kind: 'keyword' });
    expect(await explain('wecom', { mode: 'down' })).toMatchObject({ ok: false, kind: 'http', explanation: expect.stringContaining('HTTP 502') });
    // A key the platform does not know (removed from the group, or mistyped).
    for (const platform of ['wecom', 'dingtalk', 'feishu'] as const) {
      const r = await robot(platform);
      server.modes.delete(r.key);
      expect(await testRobot(deps, r.id, 'hr-admin@ex.com')).toMatchObject({ ok: false, kind: 'bad-key', explanation: expect.stringContaining('机器人地址无效') });
    }
    // Nothing listening at all.
    const gone = await robot('wecom');
    expect(await testRobot({ ...deps, fetch: () => Promise.reject(new TypeError('fetch failed')) }, gone.id, 'a')).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('keeps every message while a webhook is down and retries with back-off', async () => {
    const r = await robot('feishu', { secret: FEISHU_SECRET, mode: 'down' });
    await enqueue(r.id, 3);
    const before = server.received.length;
    const first = await processRobotOutbox(deps);
    expect(first).toMatchObject({ sent: 0, failed: 3 });
    const rows = await robotOutbox(deps, { robotId: r.id });
    expect(rows.map((x) => x.attempts)).toEqual([1, 1, 1]);
    expect(rows[0]!.lastError).toContain('HTTP 500');
    expect(new Date(rows[0]!.nextAttemptAt!).getTime() - clock.getTime()).toBeGreaterThanOrEqual(29_000);
    // Not due yet: nothing is tried.
    expect(await processRobotOutbox(deps)).toMatchObject({ sent: 0, failed: 0 });
    advance(31_000);
    expect(await processRobotOutbox(deps)).toMatchObject({ failed: 3 });
    const second = await robotOutbox(deps, { robotId: r.id });
    // Doubling: the second retry waits 60 s.
    expect(new Date(second[0]!.nextAttemptAt!).getTime() - clock.getTime()).toBeGreaterThanOrEqual(59_000);
    expect((await listRobots(deps)).robots.find((x) => x.id === r.id)).toMatchObject({ pending: 3, lastError: expect.stringContaining('HTTP 500') });
    // The webhook comes back: everything arrives, once, in order.
    server.modes.set(r.key, 'ok');
    advance(61_000);
    expect(await processRobotOutbox(deps)).toMatchObject({ sent: 3, failed: 0 });
    const got = server.received.slice(before).filter((g) => g.key === r.key);
    expect(got.map((g) => g.body.content.post.zh_cn.title)).toEqual(['【测试】第 1 条', '【测试】第 2 条', '【测试】第 3 条']);
    expect(await pending(r.id)).toBe(0);
    expect(server.problems).toEqual([]);
  });

  it('defers, never drops, what a robot cannot take under its platform rate limit', async () => {
    const w = await robot('wecom');
    await enqueue(w.id, 25);
    let run = await processRobotOutbox(deps, 100);
    expect(run.sent).toBe(20); // WeCom: 20 a minute
    expect(await pending(w.id)).toBe(5);
    const waiting = await robotOutbox(deps, { robotId: w.id });
    const next = Math.min(...waiting.filter((x) => !x.sentAt).map((x) => new Date(x.nextAttemptAt!).getTime()));
    expect(next - clock.getTime()).toBeGreaterThan(59_000);
    advance(30_000);
    expect((await processRobotOutbox(deps, 100)).sent).toBe(0);
    advance(31_000);
    run = await processRobotOutbox(deps, 100);
    expect(run.sent).toBe(5);
    expect(await pending(w.id)).toBe(0);

    // Feishu: 5 a second as well as 100 a minute.
    const f = await robot('feishu');
    await enqueue(f.id, 7);
    expect((await processRobotOutbox(deps, 100)).sent).toBe(5);
    advance(1_100);
    expect((await processRobotOutbox(deps, 100)).sent).toBe(2);

    // The platform itself says "too many": the message waits a minute and is sent after.
    const d = await robot('dingtalk', { mode: 'rate-limited' });
    await enqueue(d.id, 1);
    expect(await processRobotOutbox(deps)).toMatchObject({ failed: 1 });
    const [row] = await robotOutbox(deps, { robotId: d.id });
    expect(row!.lastError).toContain('限流');
    expect(new Date(row!.nextAttemptAt!).getTime() - clock.getTime()).toBeGreaterThanOrEqual(59_000);
    server.modes.set(d.key, 'ok');
    advance(61_000);
    expect(await processRobotOutbox(deps)).toMatchObject({ sent: 1 });
    expect(server.problems).toEqual([]);
  });

  it('sends each message once when two senders run at the same time', async () => {
    const a = await robot('feishu');
    const b = await robot('dingtalk', { secret: DING_SECRET });
    await enqueue(a.id, 4);
    await enqueue(b.id, 4);
    const before = server.received.length;
    const runs = await Promise.all([processRobotOutbox(deps), processRobotOutbox(deps)]);
    expect(runs[0]!.sent + runs[1]!.sent).toBe(8);
    const got = server.received.slice(before);
    expect(got).toHaveLength(8);
    expect(new Set(got.map((g) => JSON.stringify([g.key, g.body]))).size).toBe(8);
  });

  it('tells subscribed robots about signing cases — never with a personal link', async () => {
    const forms = await robot('dingtalk', { secret: DING_SECRET });
    const other = await robot('wecom');
    const acks = await robot('feishu', { secret: FEISHU_SECRET });
    await setSubscription(deps, { robotId: forms.id, scopeKind: 'signing-form', scopeId: 'work-handover', events: ['waiting', 'returned', 'completed'] });
    await setSubscription(deps, { robotId: other.id, scopeKind: 'signing-form', scopeId: 'office-property', events: ['waiting'] });
    await setSubscription(deps, { robotId: acks.id, scopeKind: 'acknowledgment', scopeId: '*', events: ['waiting', 'completed'] });

    const signers = signersFor(work);
    await createCase(processDeps, {
      definition: work, values: workHandoverValues(work), company: '上海某某贸易有限公司', sender: { name: 'HR 小王', email: 'hr@ex.com' },
      parties: signers, archiveEmail: 'archive@ex.com', baseUrl: BASE,
    });
    await flushMail();
    const before = server.received.length;
    expect(await processRobotOutbox(deps)).toMatchObject({ sent: 1 });
    let got = server.received.slice(before);
    expect(got.map((g) => g.key)).toEqual([forms.key]);
    const text: string = got[0]!.body.markdown.text;
    expect(got[0]!.body.markdown.title).toBe(`【待签署】${work.title} 等待 ${signers[0]!.name} 签署`);
    expect(text).toContain(`移交人 ${signers[0]!.name} 查收邮件并签署`);
    expect(text).toMatch(/截止：\d{4}年\d{1,2}月\d{1,2}日前/);
    expect(text).toContain(`(${BASE}/)`);
    expect(text).not.toMatch(/#t=|#k=|\/sign\/|\/manage\//);

    // The giver signs; the next signer's turn is announced; then a decline.
    const mail = mails.filter((m) => m.to === signers[0]!.email).at(-1)!;
    const [, caseId, token] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(mail.text)!;
    await signAsParty(processDeps, { caseId: caseId!, token: token!, signature: { kind: 'typed', text: '签名' }, ip: '127.0.0.1', userAgent: 'vitest', baseUrl: BASE });
    await drainJobs(processDeps); // the stamping (and, after the last party, sealing) jobs
    await flushMail();
    const next = mails.filter((m) => m.to === signers[1]!.email).at(-1)!;
    const [, , token2] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(next.text)!;
    await declineAsParty(processDeps, { caseId: caseId!, token: token2!, reason: '客户清单缺少两家', ip: '127.0.0.1', userAgent: 'vitest' });
    const mid = server.received.length;
    expect(await processRobotOutbox(deps)).toMatchObject({ sent: 2 });
    got = server.received.slice(mid);
    expect(got.map((g) => g.body.markdown.title)).toEqual([`【待签署】${work.title} 等待 ${signers[1]!.name} 签署`, `【拒签】${work.title} 被 ${signers[1]!.name} 拒绝签署`]);
    expect(got[1]!.body.markdown.text).toContain('原因：客户清单缺少两家');
    // The failure list per case is there for its page.
    expect((await robotOutbox(deps, { subjectId: caseId })).map((x) => x.sentAt !== null)).toEqual([true, true, true]);

    // An acknowledgment campaign is one message, not one per employee; completion is told.
    const staff = Array.from({ length: 12 }, (_, i) => ({ name: `员工${i + 1}`, email: `s${i}@ex.com` }));
    await createAcknowledgment(processDeps, { title: '员工手册', markdown: '# 员工手册\n\n请遵守。', staff, sender: { name: 'HR 小王', email: 'hr@ex.com' }, baseUrl: BASE });
    const ack = server.received.length;
    expect(await processRobotOutbox(deps)).toMatchObject({ sent: 1 });
    const campaign = server.received.slice(ack)[0]!;
    expect(campaign.key).toBe(acks.key);
    expect(campaign.body.content.post.zh_cn.title).toBe('【待确认】员工手册 已发给 12 名员工');
    expect(server.problems).toEqual([]);
    // A one-signer case runs to its sealed end: completion is told.
    const alone: FormDefinition = { ...work, signing: { order: 'parallel', parties: work.signing.parties.slice(0, 1) } };
    await createCase(processDeps, { definition: alone, values: workHandoverValues(work), sender: { name: 'HR 小王', email: 'hr@ex.com' }, parties: [{ name: '欧阳明远', email: 'solo@ex.com' }], baseUrl: BASE });
    await flushMail();
    const solo = mails.filter((m) => m.to === 'solo@ex.com').at(-1)!;
    const [, soloCase, soloToken] = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(solo.text)!;
    await signAsParty(processDeps, { caseId: soloCase!, token: soloToken!, signature: { kind: 'typed', text: '欧阳明远' }, ip: '127.0.0.1', userAgent: 'vitest', baseUrl: BASE });
    await drainJobs(processDeps); // the stamping (and, after the last party, sealing) jobs
    const done = server.received.length;
    await processRobotOutbox(deps);
    expect(server.received.slice(done).map((g) => g.body.markdown.title)).toEqual([`【待签署】${work.title} 等待 欧阳明远 签署`, `【已完成】${work.title} 各方已签署`]);
    // No robot other than the subscribed ones heard anything.
    expect(server.received.filter((g) => g.key === other.key)).toEqual([]);
  });

  it('tells robots following customer-handover cases about deadlines 2 days ahead and overdue', async () => {
    const r = await robot('wecom');
    await setSubscription(deps, { robotId: r.id, scopeKind: 'process', scopeId: '*', events: ['deadline', 'waiting', 'returned'] });
    // Process time is its own clock (the calendar's days); sending keeps the real-time clock for signatures.
    let day = new Date('2026-11-23T02:00:00Z'); // opened on a Monday
    const pd: ProcessDeps = { ...processDeps, now: () => day };
    pd.onProcessCaseClosed = (tx, c, o) => onStageCaseClosed(tx, pd, c, o);
    const { processId, caseNumber } = await openProcess(pd, {
      policySlug: null, department: '销售二部', reason: '调岗', lastWorkingDay: '2026-12-31', parties: PROCESS_PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE,
    });
    day = new Date('2026-11-24T02:00:00Z'); // the plan is due 11-26: two days ahead
    await sendProcessReminders(pd);
    day = new Date('2026-11-28T02:00:00Z');
    await sendProcessReminders(pd);
    const before = server.received.length;
    await processRobotOutbox(deps);
    const got = server.received.slice(before).filter((g) => g.key === r.key).map((g) => g.body.markdown.content as string);
    expect(got.some((c) => c.includes(`【2 天后到期】`) && c.includes(caseNumber))).toBe(true);
    expect(got.some((c) => c.includes(`【已逾期】`) && c.includes('已逾期'))).toBe(true);
    for (const c of got) {
      expect(c).toContain(`(${BASE}/case/?p=${processId})`);
      expect(c).not.toContain('#t=');
    }
    expect(got.join('\n')).toContain(`${PROCESS_PEOPLE.employee.name}`);
  });

  it("shows each case's robot messages on its own pages only, never the webhook or the platform's reply", async () => {
    const broken = await robot('wecom', { mode: 'revoked' });
    const fine = await robot('feishu', { secret: FEISHU_SECRET });
    const open = () =>
      openProcess(processDeps, { policySlug: null, department: '销售一部', reason: '离职', lastWorkingDay: '2026-12-31', parties: PROCESS_PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE });
    const one = await open();
    const two = await open();
    const solo = await createCase(processDeps, { definition: work, values: workHandoverValues(work), sender: { name: 'HR 小王', email: 'hr@ex.com' }, parties: signersFor(work), baseUrl: BASE });
    const key = /#k=([\w-]+)/.exec(solo.manageUrl)![1]!;
    await sql.transaction(async (tx) => {
      for (const r of [broken, fine]) {
        await robotRepo.enqueue(tx, r.id, 'deadline', one.processId, { ...message(1), title: '【已逾期】案件一' }, clock);
        await robotRepo.enqueue(tx, r.id, 'deadline', two.processId, { ...message(2), title: '【已逾期】案件二' }, clock);
        await robotRepo.enqueue(tx, r.id, 'waiting', solo.caseId, { ...message(3), title: '【待签署】单独文件' }, clock);
      }
    });
    await processRobotOutbox(deps);
    const view = (id: string) => sql.transaction(async (tx) => processView(tx, processDeps, await loadProcess(tx, id, false), { kind: 'party', role: 'employee', name: PROCESS_PEOPLE.employee.name }));
    const first = await view(one.processId);
    expect(first.robots.map((m) => m.title)).toEqual(['【已逾期】案件一', '【已逾期】案件一']);
    const failed = first.robots.find((m) => m.state === 'retrying')!;
    expect(failed).toMatchObject({ robot: expect.stringContaining('wecom'), platform: '企业微信', attempts: 1, reason: expect.stringContaining('机器人地址无效') });
    expect(new Date(failed.nextAttemptAt!).getTime() - clock.getTime()).toBeGreaterThanOrEqual(29_000);
    expect(first.robots.find((m) => m.state === 'sent')).toMatchObject({ platform: '飞书', reason: null, sentAt: expect.any(String) });
    expect((await view(two.processId)).robots.map((m) => m.title)).toEqual(['【已逾期】案件二', '【已逾期】案件二']);
    const managed = await manageStatus(processDeps, solo.caseId, key);
    // (Robots of earlier tests that follow this form announced the case too.)
    expect(managed.robots.filter((m) => m.title === '【待签署】单独文件').map((m) => m.state)).toEqual(['sent', 'retrying']);
    expect(managed.robots.map((m) => m.title).filter((t) => t.includes('案件'))).toEqual([]);
    // The platform's reply quoted the key: the admin page keeps it, the case pages never show it.
    expect((await robotOutbox(deps, { subjectId: one.processId })).some((m) => m.lastError?.includes(broken.key))).toBe(true);
    for (const shown of [JSON.stringify(first), JSON.stringify(managed)]) {
      for (const secret of [broken.key, fine.key, FEISHU_SECRET, server.origin, 'errcode', 'hint']) expect(shown).not.toContain(secret);
    }
  });

  it('lets one customer-handover case or acknowledgment campaign choose its own robots over the defaults', async () => {
    const a = await robot('wecom');
    const b = await robot('feishu');
    await setSubscription(deps, { robotId: a.id, scopeKind: 'process', scopeId: '*', events: ['deadline', 'waiting'] });
    await setSubscription(deps, { robotId: b.id, scopeKind: 'process', scopeId: '*', events: ['completed'] });
    const open = () =>
      openProcess(processDeps, { policySlug: null, department: '销售一部', reason: '离职', lastWorkingDay: '2026-12-31', parties: PROCESS_PEOPLE, settings: DEFAULT_SETTINGS, baseUrl: BASE });
    const one = await open();
    const two = await open();
    const ours = new Set([a.id, b.id]);
    const hear = async (kind: 'process' | 'acknowledgment', id: string, event: 'waiting' | 'deadline' | 'completed') =>
      (await robotRepo.listeners(sql, [{ kind, id: '*' }, { kind, id }], event)).filter((r) => ours.has(r));

    // Case one moves its deadlines to the Feishu group only; case two keeps the defaults.
    await sql.transaction((tx) => setCaseRobots(tx, 'process', one.processId, [{ robotId: b.id, events: ['deadline', 'completed'] }]));
    expect(await hear('process', one.processId, 'deadline')).toEqual([b.id]);
    expect(await hear('process', one.processId, 'waiting')).toEqual([]); // robot a is off for this case
    expect(await hear('process', two.processId, 'deadline')).toEqual([a.id]);
    expect(await hear('process', two.processId, 'completed')).toEqual([b.id]);
    const choice = await caseRobotChoice(sql, 'process', one.processId);
    expect(choice.own).toBe(true);
    expect(choice.robots.filter((r) => ours.has(r.id)).map((r) => [r.id, r.events, r.defaultEvents])).toEqual([
      [a.id, [], ['deadline', 'waiting']],
      [b.id, ['deadline', 'completed'], ['completed']],
    ]);
    expect((await caseRobotChoice(sql, 'process', two.processId)).own).toBe(false);
    // The robots page lists only the defaults; a case's own rows stay with the case.
    expect((await listRobots(deps)).subscriptions.some((s) => s.scopeId === one.processId)).toBe(false);
    // Back to the defaults.
    await sql.transaction((tx) => setCaseRobots(tx, 'process', one.processId, null));
    expect(await hear('process', one.processId, 'deadline')).toEqual([a.id]);
    await expect(sql.transaction((tx) => setCaseRobots(tx, 'process', one.processId, [{ robotId: 'no-such-robot', events: ['deadline'] }]))).rejects.toMatchObject({ status: 404 });

    // Who may choose: HR, the supervisor and an HR admin while the case is open; not the other parties.
    const l = await sql.transaction((tx) => loadProcess(tx, one.processId, false));
    const party = (role: 'employee' | 'receiver' | 'supervisor' | 'manager' | 'hr') => ({ kind: 'party' as const, role, name: 'x' });
    expect(['employee', 'receiver', 'supervisor', 'manager', 'hr'].map((r) => mayChooseRobots(l, party(r as 'hr')))).toEqual([false, false, true, false, true]);
    expect(mayChooseRobots(l, { kind: 'admin', email: 'hr-admin@ex.com' })).toBe(true);
    expect(mayChooseRobots({ p: { ...l.p, status: 'completed' } }, party('hr'))).toBe(false);
    // The case page carries the choice only for them.
    const view = (actor: Parameters<typeof mayChooseRobots>[1]) => sql.transaction(async (tx) => processView(tx, processDeps, await loadProcess(tx, one.processId, false), actor));
    expect((await view(party('supervisor'))).robotChoice?.robots.map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await view(party('employee'))).robotChoice).toBeNull();

    // An acknowledgment campaign, by its management key: only the chosen group hears its completion.
    await setSubscription(deps, { robotId: a.id, scopeKind: 'acknowledgment', scopeId: '*', events: ['waiting', 'completed'] });
    const staff = [{ name: '员工甲', email: 'ack-a@ex.com' }];
    const ack = await createAcknowledgment(processDeps, { title: '考勤制度', markdown: '# 考勤制度', staff, sender: { name: 'HR 小王', email: 'hr@ex.com' }, baseUrl: BASE });
    const key = /#k=([\w-]+)/.exec(ack.manageUrl)![1]!;
    expect((await manageStatus(processDeps, ack.caseId, key)).robotChoice).toMatchObject({ own: false, events: ['waiting', 'completed'] });
    await manageRobots(processDeps, { caseId: ack.caseId, key, robots: [{ robotId: b.id, events: ['completed', 'deadline'] }] });
    expect(await hear('acknowledgment', ack.caseId, 'completed')).toEqual([b.id]);
    const managed = (await manageStatus(processDeps, ack.caseId, key)).robotChoice!;
    expect(managed.robots.find((r) => r.id === b.id)!.events).toEqual(['completed']); // deadline is not a campaign event
    await expect(manageRobots(processDeps, { caseId: ack.caseId, key: 'wrong-key', robots: null })).rejects.toMatchObject({ status: 401 });
    const form = await createCase(processDeps, { definition: work, values: workHandoverValues(work), sender: { name: 'HR 小王', email: 'hr@ex.com' }, parties: signersFor(work), baseUrl: BASE });
    await expect(manageRobots(processDeps, { caseId: form.caseId, key: /#k=([\w-]+)/.exec(form.manageUrl)![1]!, robots: null })).rejects.toMatchObject({ status: 400 });
  });

  it('@mentions the person asked to act by the mobile given when the case was opened, never in mail', async () => {
    const w = await robot('wecom');
    const d = await robot('dingtalk', { secret: DING_SECRET });
    const f = await robot('feishu');
    for (const r of [w, d, f]) await setSubscription(deps, { robotId: r.id, scopeKind: 'process', scopeId: '*', events: ['waiting', 'deadline'] });
    // The request schema: the phone rule's separators and +86 go; a landline or a short number is refused; empty is none.
    const parties = {
      ...PROCESS_PEOPLE,
      employee: { ...PROCESS_PEOPLE.employee, mobile: '+86 138-0013-8000' },
      receiver: { ...PROCESS_PEOPLE.receiver, mobile: '' },
      supervisor: { ...PROCESS_PEOPLE.supervisor, mobile: '139 0000 1111' },
    };
    const request = { action: 'open', policySlug: null, department: '销售三部', reason: '离职', lastWorkingDay: '2026-12-31', parties, settings: DEFAULT_SETTINGS };
    const parsed = openProcessBody.parse(request);
    expect([parsed.parties.employee.mobile, parsed.parties.receiver.mobile, parsed.parties.supervisor.mobile]).toEqual(['13800138000', undefined, '13900001111']);
    for (const bad of ['010-12345678', '1380013800', '23800138000']) {
      const r = openProcessBody.safeParse({ ...request, parties: { ...parties, employee: { ...parties.employee, mobile: bad } } });
      expect(r.success, bad).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toContain('手机号格式不正确');
    }
    const { processId } = await openProcess(processDeps, { ...parsed, baseUrl: BASE });
    const [stored] = await sql.query<{ mobile: string }>("SELECT mobile FROM process_parties WHERE process_id = $1 AND role = 'employee'", [processId]);
    expect(stored!.mobile).toBe('13800138000');

    // The plan goes for signing: the giver signs first and is @mentioned where the platform can.
    const employee = { kind: 'party' as const, role: 'employee' as const, name: PROCESS_PEOPLE.employee.name };
    const view = await sql.transaction(async (tx) => processView(tx, processDeps, await loadProcess(tx, processId, false), employee));
    await sql.transaction((tx) => applyAction(tx, processDeps, processId, employee, { action: 'submit-plan', processId, values: { ...view.plan!, customers: customerRows(3) } }));
    // The plan's document is rendered and its signing case opened by a job.
    await drainJobs(processDeps, { ...signingJobs(processDeps), ...processJobs(processDeps, async () => {}) });
    const before = server.received.length;
    await processRobotOutbox(deps);
    const got = server.received.slice(before);
    const wecomMsg = got.find((g) => g.key === w.key)!.body;
    expect(wecomMsg).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: ['13800138000'] } });
    expect(wecomMsg.text.content).toContain(`等待 ${PROCESS_PEOPLE.employee.name} 签署`);
    const dingMsg = got.find((g) => g.key === d.key)!.body;
    expect(dingMsg.at).toEqual({ atMobiles: ['13800138000'], isAtAll: false });
    expect(dingMsg.markdown.text).toContain('@13800138000');
    // Feishu mentions by user id, not mobile: its message carries no number.
    expect(JSON.stringify(got.find((g) => g.key === f.key)!.body)).not.toContain('13800138000');
    expect(server.problems).toEqual([]);

    // A deadline is the owner's to meet: the supervisor's number; the receiver gave none.
    const l = await sql.transaction((tx) => loadProcess(tx, processId, false));
    const deadline = { key: 'calls', label: '电话回访', due: '2026-12-20', done: false, daysLeft: 2 } as const;
    await sql.transaction(async (tx) => {
      await robotsHear(tx, deadlineNotice(l.p, l.parties, { ...deadline, owner: 'supervisor' } as never, 'd2'), clock);
      await robotsHear(tx, deadlineNotice(l.p, l.parties, { ...deadline, owner: 'receiver' } as never, 'd2'), clock);
    });
    const mid = server.received.length;
    await processRobotOutbox(deps);
    const wecomDeadlines = server.received.slice(mid).filter((g) => g.key === w.key).map((g) => g.body);
    expect(wecomDeadlines.map((b) => b.msgtype)).toEqual(['text', 'markdown']);
    expect(wecomDeadlines[0].text.mentioned_mobile_list).toEqual(['13900001111']);

    // The numbers never reach any mail (case links, signing requests), nor the case page.
    await flushMail();
    for (const m of mails) expect(`${m.subject}\n${m.text}\n${m.html}`).not.toMatch(/13800138000|13900001111/);
    expect(JSON.stringify(view)).not.toMatch(/13800138000|13900001111/);
  });

  it('removing a robot removes its queue and subscriptions', async () => {
    const r = await robot('wecom');
    await setSubscription(deps, { robotId: r.id, scopeKind: 'process', scopeId: '*', events: ['completed'] });
    await enqueue(r.id, 2);
    await removeRobot(deps, r.id);
    expect(await pending(r.id)).toBe(0);
    expect((await listRobots(deps)).subscriptions.filter((s) => s.robotId === r.id)).toEqual([]);
    await expect(removeRobot(deps, r.id)).rejects.toMatchObject({ status: 404 });
    await expect(testRobot(deps, r.id, 'a')).rejects.toMatchObject({ status: 404 });
  });
});

describe('POST /api/robots over HTTP', () => {
  let server: Server;
  let platforms: PlatformServer;
  let base = '';
  let cookie = '';
  const saved = { ...process.env };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/robots`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    platforms = await startPlatformServer();
    // The functions' own store (PGlite in a scratch folder), as the local server runs them.
    process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'robots-api-'));
    delete process.env.DATABASE_URL;
    delete process.env.SMTP_URL;
    process.env.ADMIN_EMAILS = 'hr-admin@robots.test';
    process.env.RATE_LIMIT_MANAGE = process.env.RATE_LIMIT_ADMIN_LINK = '100000';
    process.env.ROBOT_HOST_OVERRIDE = platforms.origin;
    const { handleApi } = await import('../../src/server/app.js');
    server = createServer((req, res) => void handleApi(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.APP_URL = base;
  });
  afterAll(async () => {
    server?.close();
    await platforms?.close();
    process.env = saved;
  });

  it('needs the HR admin session, then adds, tests and lists robots without showing their keys', async () => {
    const refused = await post({ action: 'list' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toContain('请先登录');

    await fetch(`${base}/api/admin`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'request-link', email: 'hr-admin@robots.test' }) });
    // The handler sends the mail at once (written as .eml locally): the link is read from it.
    const outbox = join(process.env.DATA_DIR!, 'outbox');
    let token = '';
    for (let i = 0; i < 100 && !token; i++) {
      for (const f of existsSync(outbox) ? readdirSync(outbox) : []) token ||= /\/archive\/#t=([\w.-]+)/.exec((await simpleParser(readFileSync(join(outbox, f)))).text ?? '')?.[1] ?? '';
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    const signIn = await fetch(`${base}/api/admin`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'sign-in', token }) });
    cookie = /hk_admin=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')![0];
    const asHr = { cookie };

    const key = 'apikey0123456789abcd';
    platforms.modes.set(key, 'ok');
    platforms.secrets.set(key, DING_SECRET);
    const webhook = `${platforms.origin}/robot/send?access_token=${key}`;
    const added = await post({ action: 'add', name: '华东销售群', platform: 'dingtalk', webhook, secret: DING_SECRET }, asHr);
    expect(added.status).toBe(200);
    const { id } = (await added.json()) as { id: string };

    // Any other address — another port, a private address, another host — is refused in Chinese.
    for (const bad of [`http://127.0.0.1:1/robot/send?access_token=${key}`, 'https://169.254.169.254/robot/send?access_token=0123456789abcdef', 'https://oapi.dingtalk.com.evil.test/robot/send?access_token=0123456789abcdef']) {
      const r = await post({ action: 'add', name: 'x', platform: 'dingtalk', webhook: bad }, asHr);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { error: string }).error).toContain('不是钉钉机器人的 Webhook 地址');
    }
    expect((await post({ action: 'add', name: 'x', platform: 'slack', webhook }, asHr)).status).toBe(400);

    const tested = (await (await post({ action: 'test', robotId: id }, asHr)).json()) as { ok: boolean; message: string };
    expect(tested).toEqual({ ok: true, message: '测试消息已发送，请到群里查看。' });
    expect(platforms.received.at(-1)!.body.markdown.text).toContain(`(${base}/)`);

    expect((await post({ action: 'subscribe', robotId: id, scopeKind: 'process', scopeId: '*', events: ['deadline', 'returned'] }, asHr)).status).toBe(200);
    const listing = await (await post({ action: 'list' }, asHr)).text();
    expect(listing).not.toContain(key);
    expect(listing).not.toContain(DING_SECRET);
    const parsed = JSON.parse(listing) as { robots: Array<{ webhook: string; signed: boolean }>; subscriptions: unknown[]; forms: Array<{ id: string }> };
    expect(parsed.robots).toMatchObject([{ webhook: `${new URL(platforms.origin).host} · …${key.slice(-4)}`, signed: true }]);
    expect(parsed.subscriptions).toEqual([{ robotId: id, scopeKind: 'process', scopeId: '*', events: ['deadline', 'returned'] }]);
    expect(parsed.forms.map((f) => f.id)).toContain('work-handover');
    // The maintenance run (npm start's worker, the Vercel cron) sends what is queued.
    const { signingContext } = await import('../../src/runtime/context.js');
    const { runMaintenance } = await import('../../src/runtime/maintenance.js');
    const ctx = await signingContext();
    await robotRepo.enqueue(ctx.deps.sql, id, 'deadline', null, message(42), new Date());
    const before = platforms.received.length;
    await runMaintenance(ctx, base);
    expect(platforms.received.slice(before).map((g) => g.body.markdown.title)).toEqual(['【测试】第 42 条']);
    const queue = (await (await post({ action: 'outbox', robotId: id }, asHr)).json()) as { outbox: Array<{ title: string; sentAt: string | null }> };
    expect(queue.outbox).toMatchObject([{ title: '【测试】第 42 条', sentAt: expect.any(String) }]);
    expect(platforms.problems).toEqual([]);
    expect((await post({ action: 'remove', robotId: id }, asHr)).status).toBe(200);
    expect((await post({ action: 'test', robotId: id }, asHr)).status).toBe(404);
  });

  it("carries a case's robot messages and its own robot choice in /api/process, without the admin endpoint", async () => {
    const asHr = { cookie };
    const key = 'casekey0123456789';
    platforms.modes.set(key, 'revoked'); // the reply quotes the key back
    const added = (await (await post({ action: 'add', name: '客户交接群', platform: 'wecom', webhook: `${platforms.origin}/cgi-bin/webhook/send?key=${key}` }, asHr)).json()) as { id: string };
    expect((await post({ action: 'subscribe', robotId: added.id, scopeKind: 'process', scopeId: '*', events: ['waiting', 'deadline'] }, asHr)).status).toBe(200);
    const processPost = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}/api/process`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const opened = await processPost(
      { action: 'open', policySlug: null, department: '销售一部', reason: '离职', lastWorkingDay: '2026-12-31', parties: PROCESS_PEOPLE, settings: DEFAULT_SETTINGS },
      asHr,
    );
    expect(opened.status).toBe(201);
    const { signingContext } = await import('../../src/runtime/context.js');
    const ctx = await signingContext();
    const [p] = await ctx.deps.sql.query<{ id: string }>('SELECT id FROM processes ORDER BY created_at DESC LIMIT 1');
    await robotRepo.enqueue(ctx.deps.sql, added.id, 'deadline', p!.id, { ...message(7), title: '【已逾期】交接计划' }, new Date());
    const { runMaintenance } = await import('../../src/runtime/maintenance.js');
    await runMaintenance(ctx, base);

    type View = { view: { robots: Array<{ title: string; state: string; reason: string | null }>; robotChoice: { own: boolean; robots: Array<{ id: string; events: string[] }> } | null } };
    const viewed = await processPost({ action: 'view', processId: p!.id }, asHr);
    const text = await viewed.text();
    expect(text).not.toContain(key);
    const { view } = JSON.parse(text) as View;
    expect(view.robots).toMatchObject([{ title: '【已逾期】交接计划', state: 'retrying', reason: expect.stringContaining('机器人地址无效') }]);
    expect(view.robotChoice).toMatchObject({ own: false, robots: [{ id: added.id, events: ['waiting', 'deadline'] }] });

    const chosen = await processPost({ action: 'set-robots', processId: p!.id, robots: [{ robotId: added.id, events: ['deadline'] }] }, asHr);
    expect(chosen.status).toBe(200);
    expect(((await chosen.json()) as View).view.robotChoice).toMatchObject({ own: true, robots: [{ id: added.id, events: ['deadline'] }] });
    // Without a case link or the session: refused.
    expect((await processPost({ action: 'set-robots', processId: p!.id, robots: null })).status).toBeGreaterThanOrEqual(400);
    expect((await processPost({ action: 'set-robots', processId: p!.id, robots: [{ robotId: added.id, events: ['nonsense'] }] }, asHr)).status).toBe(400);
  });
});
