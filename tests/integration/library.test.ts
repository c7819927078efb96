/**
 * The company's policy library (issue 14): versions saved by HR admins on the server, kept,
 * restorable, guarded against overwriting a colleague's save; a published version at a
 * stable address staff open without signing in, its PDF and what changed since the last one.
 * The service runs on PGlite (and PostgreSQL where DATABASE_URL is set); the HTTP part runs
 * the real functions in the api-server fixture with their own PGlite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../fixtures/stores.js';
import { pdfText } from '../fixtures/pdf-probe.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { fromTemplate, type CustomPolicy } from '../../src/lib/policy-doc.js';
import { getVersion, getVersionById, importLocal, listLibrary, publishedView, publishVersion, restoreVersion, saveProfile, saveVersion } from '../../src/lib/library/service.js';
import { changesPage, publishedPage } from '../../src/lib/library/pages.js';
import { parsePublicPath } from '../../src/lib/library/requests.js';

const BODY = `本制度适用于{{companyName}}全体员工。

## 适用范围

员工离职、调岗前应完成工作交接。

## 提前申请

员工应提前 {{noticePeriod}} 书面提出离职申请。

## 交接清单

移交人填写交接清单，由{{hrDept}}存档。`;
const DEFAULTS = { companyName: '某某有限公司', noticePeriod: '30 日', hrDept: '人力资源部' };
const template = (): CustomPolicy => fromTemplate('general-handover-policy', '工作交接管理制度', BODY);
const edit = (p: CustomPolicy, id: string, body: string): CustomPolicy => ({ ...p, clauses: p.clauses.map((c) => (c.id === id ? { ...c, body } : c)) });
const save = (sql: Sql, who: string, doc: CustomPolicy, baseVersion: number | null, note = '', now?: Date) =>
  saveVersion(sql, who, { slug: 'handover', name: '工作交接管理制度', templateSlug: 'general-handover-policy', doc, defaults: DEFAULTS, baseVersion, note }, now);

describe.each(storeBackends('library'))('policy library on %s', (_name, open) => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await open();
    await migrate(sql);
  });
  afterAll(() => sql?.close());

  it('keeps every saved version with who, when and what changed; restore is a new version; a stale base is refused in Chinese', async () => {
    const profile = await saveProfile(sql, 'hr-a@ex.com', { companyName: '上海示例贸易有限公司', noticePeriod: '' }, null);
    expect(profile).toMatchObject({ number: 1, profile: { companyName: '上海示例贸易有限公司' } });
    await expect(saveProfile(sql, 'hr-b@ex.com', { companyName: '别的公司' }, null)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('hr-a@ex.com') });

    const v1 = await save(sql, 'hr-a@ex.com', template(), null, '初稿', new Date('2026-11-01T02:00:00Z'));
    expect(v1).toMatchObject({ number: 1, savedBy: 'hr-a@ex.com', note: '初稿', changes: '首个版本', publishedAt: null });
    // The same address again as a new policy: refused, the first one untouched.
    await expect(save(sql, 'hr-b@ex.com', template(), null)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('/p/handover/') });

    const v2 = await save(sql, 'hr-b@ex.com', edit(template(), 'c3', '员工应提前 {{noticePeriod}} 书面提出离职申请，并抄送直属上级。'), 1, '增加抄送');
    expect(v2).toMatchObject({ number: 2, savedBy: 'hr-b@ex.com', changes: '修改 1 条' });

    // Admin A still edits on top of version 1: the save is refused and says who saved what.
    const stale = save(sql, 'hr-a@ex.com', edit(template(), 'c2', '全体员工适用。'), 1);
    await expect(stale).rejects.toMatchObject({ status: 409, code: 'conflict' });
    await expect(stale).rejects.toThrow(/hr-b@ex\.com 于 .*（北京时间） 保存了第 2 版，而您的修改基于第 1 版/);

    const restored = await restoreVersion(sql, 'hr-a@ex.com', 'handover', 1, 2);
    expect(restored).toMatchObject({ number: 3, restoredFrom: 1, note: '恢复自第 1 版', changes: '修改 1 条' });
    await expect(restoreVersion(sql, 'hr-a@ex.com', 'handover', 1, 2)).rejects.toMatchObject({ status: 409 });
    expect((await getVersion(sql, 'handover', 3)).doc).toEqual((await getVersion(sql, 'handover', 1)).doc);

    const listing = await listLibrary(sql);
    expect(listing.policies).toHaveLength(1);
    expect(listing.policies[0]).toMatchObject({ slug: 'handover', headVersion: 3, publishedVersion: null });
    expect(listing.policies[0].versions.map((v) => [v.number, v.savedBy])).toEqual([[3, 'hr-a@ex.com'], [2, 'hr-b@ex.com'], [1, 'hr-a@ex.com']]);
    expect(listing.profile).toMatchObject({ number: 1, savedBy: 'hr-a@ex.com' });

    // Variables take the library's profile over the template defaults; the filled text is kept.
    const head = await getVersion(sql, 'handover');
    expect(head.vars).toMatchObject({ companyName: '上海示例贸易有限公司', noticePeriod: '30 日' });
    expect(head.version.number).toBe(3);
  });

  it('publishes: the stable address shows the newest published version, older ones stay at their own, drafts are never public', async () => {
    expect(await publishedView(sql, 'handover', null)).toBeNull(); // nothing published yet
    const first = await publishVersion(sql, 'hr-a@ex.com', 'handover', 2, '2026-12-01', new Date('2026-11-20T01:00:00Z'));
    expect(first).toMatchObject({ number: 2, publishedBy: 'hr-a@ex.com', effectiveAt: '2026-11-30T16:00:00.000Z' });
    const v4 = await save(sql, 'hr-a@ex.com', edit((await getVersion(sql, 'handover', 2)).doc as CustomPolicy, 'c4', '移交人填写交接清单，经监交人签字后由{{hrDept}}存档。'), 3, '监交人签字');
    expect(await publishedView(sql, 'handover', v4.number)).toBeNull(); // saved, not published
    await publishVersion(sql, 'hr-b@ex.com', 'handover', v4.number, undefined, new Date('2026-12-15T06:30:00Z'));

    const stable = (await publishedView(sql, 'handover', null))!;
    expect(stable).toMatchObject({ current: true, version: { number: 4 }, previous: { number: 2 } });
    const html = publishedPage(stable);
    expect(html).toContain('第 4 版');
    expect(html).toContain('2026-12-15 14:30（北京时间）');
    expect(html).toContain('经监交人签字后由人力资源部存档');
    expect(html).toContain('上海示例贸易有限公司');
    expect(html).toContain('href="/p/handover/v4/changes"');
    const old = publishedPage((await publishedView(sql, 'handover', 2))!);
    expect(old).toContain('这是历史版本');
    expect(old).toContain('2026-12-01 00:00（北京时间）');
    expect(old).not.toContain('经监交人签字');

    const changes = changesPage(stable);
    expect(changes).toContain('第 2 版');
    expect(changes).toMatch(/<ins>经监交人签字后<\/ins>/);
    // v3 (restored, never published) is skipped: the comparison is with the published v2.
    expect(changes).not.toContain('第 3 版');

    // Publishing an old version again points the stable address back at it, keeping its dates.
    await publishVersion(sql, 'hr-a@ex.com', 'handover', 2);
    expect((await publishedView(sql, 'handover', null))!.version).toMatchObject({ number: 2, effective_at: new Date('2026-11-30T16:00:00Z') });
    await publishVersion(sql, 'hr-a@ex.com', 'handover', 4);
    expect((await getVersionById(sql, first.id)).version.number).toBe(2);
  });

  it('refuses to publish a version with unfilled variables, and moves browser customizations in without taking an existing address', async () => {
    const custom = template();
    custom.clauses.push({ id: 'nx1', heading: '保密', body: '交接期间由{{securityOfficer}}负责保密审查。', enabled: true, origin: 'custom' });
    const moved = await importLocal(sql, 'hr-c@ex.com', { profile: { companyName: '另一家公司' }, policies: [{ templateSlug: 'handover', doc: custom, defaults: DEFAULTS }] });
    expect(moved).toEqual({ created: [{ slug: 'handover-2', name: '工作交接管理制度' }], profileTaken: false }); // the shared profile stays
    await expect(publishVersion(sql, 'hr-c@ex.com', 'handover-2', 1)).rejects.toMatchObject({ status: 422, message: expect.stringContaining('{{securityOfficer}}') });
  });

  it('two admins saving on the same version at the same moment: one new version, one clear conflict', async () => {
    const head = (await getVersion(sql, 'handover')).version.number;
    const doc = (await getVersion(sql, 'handover')).doc as CustomPolicy;
    const results = await Promise.allSettled([
      save(sql, 'hr-a@ex.com', edit(doc, 'c2', '甲的修改。'), head),
      save(sql, 'hr-b@ex.com', edit(doc, 'c2', '乙的修改。'), head),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'conflict' });
    expect((await getVersion(sql, 'handover')).version.number).toBe(head + 1);
  });
});

describe('published pages escape hostile policy text', () => {
  it('shows script, event handlers and javascript: links as text', async () => {
    const sql = await (await import('../../src/lib/store/pglite.js')).createPgliteSql();
    await migrate(sql);
    const hostile: CustomPolicy = fromTemplate('x', '制度<script>alert(1)</script>', `## 条款</h2><img src=x onerror=alert(2)>\n\n<script>alert(3)</script>\n\n[点我](javascript:alert(4)) <a href="javascript:alert(5)">x</a>\n\n![图](http://evil.test/p.png)`);
    await saveVersion(sql, 'hr@ex.com', { slug: 'evil', name: '"><script>alert(6)</script>', templateSlug: null, doc: hostile, defaults: { companyName: '<b onmouseover=alert(7)>公司</b>' }, baseVersion: null, note: '' });
    await publishVersion(sql, 'hr@ex.com', 'evil', 1);
    const view = (await publishedView(sql, 'evil', null))!;
    for (const html of [publishedPage(view), changesPage(view)]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<b /i);
      expect(html).not.toContain('href="javascript:');
      expect(html).not.toContain('evil.test');
    }
    expect(publishedPage(view)).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    await sql.close();
  });

  it('reads public addresses strictly', () => {
    expect(parsePublicPath('handover/')).toEqual({ slug: 'handover', number: null, view: 'page' });
    expect(parsePublicPath('handover')).toEqual({ slug: 'handover', number: null, view: 'page' });
    expect(parsePublicPath('handover/v12/')).toEqual({ slug: 'handover', number: 12, view: 'page' });
    expect(parsePublicPath('handover/v12/changes')).toEqual({ slug: 'handover', number: 12, view: 'changes' });
    expect(parsePublicPath('handover/v2/pdf')).toEqual({ slug: 'handover', number: 2, view: 'pdf' });
    expect(parsePublicPath('handover/pdf')).toEqual({ slug: 'handover', number: null, view: 'pdf' });
    for (const bad of ['', '../etc/passwd', 'Handover/', 'a/v/', 'x/v1/other/', 'x/v0x1/', '-x/']) expect(parsePublicPath(bad), bad).toBeNull();
  });
});

describe('/api/library and /p/ over HTTP (api-server fixture)', () => {
  let proc: ChildProcess;
  let base = '';
  let cookie = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'library-api-'));
  const post = (body: unknown, withCookie = true) =>
    fetch(`${base}/api/library`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(withCookie && cookie ? { Cookie: cookie } : {}) }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_EMAILS: 'hr-admin@library.test', RATE_LIMIT_MANAGE: '100000', RATE_LIMIT_ADMIN_LINK: '100000', RATE_LIMIT_RENDER: '100000', APP_URL: `http://127.0.0.1:${port}` };
    delete env.DATABASE_URL;
    delete env.SMTP_URL;
    proc = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/api-server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    base = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(() => proc?.kill('SIGKILL'));

  it('refuses without the HR admin session, then saves, publishes and serves the public page, an old version, the changes and the PDF', async () => {
    const refused = await post({ action: 'list' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toContain('请先登录');
    const forged = await fetch(`${base}/api/library`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: 'hk_admin=eyJhbGciOiJIUzI1NiJ9.eyJzIjoiYWRtaW4tc2Vzc2lvbiJ9.xxxxxxxxxxxxxxxxxxxxxxxx' }, body: JSON.stringify({ action: 'save', slug: 'x', name: 'x', templateSlug: null, doc: template(), defaults: {}, baseVersion: null }) });
    expect(forged.status).toBe(401);

    // Sign in as the archive does: the magic link from the mail (written to the outbox locally).
    await fetch(`${base}/api/admin`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'request-link', email: 'hr-admin@library.test' }) });
    const outbox = join(dataDir, 'outbox');
    let token = '';
    for (let i = 0; i < 200 && !token; i++) {
      for (const f of existsSync(outbox) ? readdirSync(outbox) : []) token ||= /\/archive\/#t=([\w.-]+)/.exec((await simpleParser(readFileSync(join(outbox, f)))).text ?? '')?.[1] ?? '';
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    const signIn = await fetch(`${base}/api/admin`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'sign-in', token }) });
    cookie = /hk_admin=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')![0];

    const bad = await post({ action: 'save', slug: '../etc', name: '', templateSlug: null, doc: template(), defaults: {}, baseVersion: null });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/制度地址只能用小写字母/);

    const hostileDoc = edit(template(), 'c4', '移交人填写清单。<script>document.title="pwned"</script><img src=x onerror=alert(1)>');
    const saved = await post({ action: 'save', slug: 'handover', name: '工作交接管理制度', templateSlug: 'general-handover-policy', doc: hostileDoc, defaults: DEFAULTS, baseVersion: null, note: '初稿' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ number: 1 });
    expect((await post({ action: 'publish', slug: 'handover', number: 1 })).status).toBe(200);
    const v2 = await post({ action: 'save', slug: 'handover', name: '工作交接管理制度', templateSlug: 'general-handover-policy', doc: edit(hostileDoc, 'c3', '员工应提前 {{noticePeriod}} 书面提出离职申请，并抄送部门负责人。'), defaults: DEFAULTS, baseVersion: 1, note: '' });
    const conflicted = await post({ action: 'save', slug: 'handover', name: '工作交接管理制度', templateSlug: 'general-handover-policy', doc: template(), defaults: DEFAULTS, baseVersion: 1, note: '' });
    expect(conflicted.status).toBe(409);
    expect(((await conflicted.json()) as { error: string }).error).toContain('而您的修改基于第 1 版');
    const published = (await (await post({ action: 'publish', slug: 'handover', number: ((await v2.json()) as { number: number }).number, effectiveDate: '2027-01-01' })).json()) as { id: string };
    expect((await (await post({ action: 'get-version', versionId: published.id })).json()) as { version: { number: number } }).toMatchObject({ version: { number: 2 } });

    // Staff: no cookie at all.
    const page = await fetch(`${base}/p/handover`);
    expect((await fetch(`${base}/p/handover/`)).status).toBe(200); // the local server takes both forms
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('content-security-policy')).not.toContain('script-src');
    const html = await page.text();
    expect(html).toContain('第 2 版');
    expect(html).toContain('2027-01-01 00:00（北京时间）');
    expect(html).toContain('并抄送部门负责人');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;');

    const old = await (await fetch(`${base}/p/handover/v1`)).text();
    expect(old).toContain('这是历史版本');
    expect(old).not.toContain('并抄送部门负责人');
    const diff = await (await fetch(`${base}/p/handover/v2/changes`)).text();
    expect(diff).toMatch(/<ins>[^<]*抄送部门负责人[^<]*<\/ins>/);
    expect(diff).not.toMatch(/<script/i);

    const pdf = await fetch(`${base}/p/handover/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(new Uint8Array(await pdf.arrayBuffer())).replace(/\s+/g, '');
    expect(text).toContain('工作交接管理制度');
    expect(text).toContain('第2版');
    expect(text).toContain('2027-01-0100:00（北京时间）');
    expect(text).toContain('并抄送部门负责人');

    for (const missing of ['/p/nothing/', '/p/handover/v9/', '/p/handover/v1/pdf/extra', '/p/..%2F..%2Fetc/']) {
      const r = await fetch(`${base}${missing}`);
      expect(r.status, missing).toBe(404);
      expect(await r.text()).toContain('找不到这份制度');
    }
  }, 120_000);
});
