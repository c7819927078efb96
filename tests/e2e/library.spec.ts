import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { gotoHydrated, waitForIslands } from './islands.js';
import { expectAccessible } from './a11y.js';
import { Mailbox } from './mailbox.js';
import { smtpPortFor } from './targets.js';

/**
 * The company's policy library (issue 14): what HR customized in the browser moves into the
 * library after signing in, a colleague's next version is saved from the customize page, a
 * version is published, and staff open the stable address without any cookie: the newest
 * published version, when it took effect, what changed, the older version at its own address.
 */
test.describe.configure({ mode: 'serial' });
const mailbox = new Mailbox();
test.beforeAll(({}, info) => mailbox.start(smtpPortFor(info.project.name)));
test.afterAll(() => mailbox.stop());
const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });
const CUSTOMIZE = '/policies/general-handover-policy/customize/';

test('HR moves a browser customization into the library, saves and publishes; staff read it without signing in', async ({ page, browser }) => {
  page.on('dialog', (d) => void d.accept());
  // Trying the site: the customization lives in this browser only, and the bar says what signing in adds.
  await gotoHydrated(page, CUSTOMIZE);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitForIslands(page);
  await expect(page.getByTestId('library-signed-out')).toContainText('登录');
  await page.getByLabel('公司名称').first().fill('上海蓝鲸贸易有限公司');
  await expect(page.getByTestId('preview')).toContainText('上海蓝鲸贸易有限公司');

  // HR admin sign-in by the emailed link (the archive's).
  await gotoHydrated(page, '/archive/');
  await page.getByLabel('工作邮箱').fill('hr-admin@example.test');
  const mark = mailbox.messages.length;
  await page.getByRole('button', { name: '发送登录链接' }).click();
  const mail = await mailbox.waitFor('hr-admin@example.test', /登录交接档案/, mark);
  const link = /https?:\/\/\S+\/archive\/#t=[\w.-]+/.exec(mail.text ?? '')![0];
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByLabel('类型')).toBeVisible();

  // 移入公司制度库: the browser's policy and profile become the library's version 1.
  await gotoHydrated(page, '/library/');
  await page.getByTestId('library-import').click();
  await expect(page.getByTestId('library-info')).toContainText('已移入 1 份制度');
  await expect(page.getByTestId('library-import')).toBeHidden(); // moved once, not offered again
  const card = page.getByTestId('library-policy');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('library-version')).toHaveCount(1);
  await expect(card).toContainText('首个版本');
  await expect(card).toContainText('hr-admin@example.test');
  await card.getByTestId('library-publish').click();
  await expect(page.getByTestId('library-info')).toContainText('已发布第 1 版');
  await expect(card.getByTestId('library-public-link')).toHaveAttribute('href', '/p/general-handover-policy');

  // The next version from the customize page: a new company name, saved on top of version 1.
  await card.getByRole('link', { name: /编辑最新版本/ }).click();
  await waitForIslands(page);
  const bar = page.getByTestId('library-bar');
  await expect(bar).toContainText('基于第 1 版');
  // The profile panel folds once a company name is set.
  if (!(await page.getByLabel('公司名称').first().isVisible())) await page.getByText('公司信息（所有模板共用）').click();
  await page.getByLabel('公司名称').first().fill('上海蓝鲸国际贸易有限公司');
  await bar.getByRole('button', { name: '把本机公司信息保存到制度库' }).click();
  await expect(page.getByTestId('library-info')).toContainText('公司信息已保存');
  await page.getByTestId('library-note').fill('公司更名');
  await page.getByTestId('library-save').click();
  await expect(page.getByTestId('library-info')).toContainText('已保存为公司制度库的第 2 版');
  await expect(bar).toContainText('基于第 2 版');

  await gotoHydrated(page, '/library/');
  await expect(card.getByTestId('library-version')).toHaveCount(2);
  await expect(card.getByTestId('library-version').first()).toContainText('公司更名');
  await card.getByTestId('library-version').first().getByTestId('library-publish').click();
  await expect(page.getByTestId('library-info')).toContainText('已发布第 2 版');
  const ack = card.getByTestId('library-version').first().getByTestId('library-acknowledge');
  await expect(ack).toHaveAttribute('href', /\/policies\/general-handover-policy\/customize\/\?version=[\w-]{6,32}$/);
  await expectAccessible(page);
  for (const [name, width] of [['desktop', 1280], ['phone', 390]] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/library-page-${name}.png`, fullPage: true });
  }

  // Staff: a fresh browser without the admin's cookie.
  const staff = await browser.newContext({ locale: 'zh-CN' });
  const reader = await staff.newPage();
  expect((await staff.cookies()).length).toBe(0);
  const res = await reader.goto('/p/general-handover-policy');
  expect(res!.status()).toBe(200);
  await expect(reader.getByRole('heading', { level: 1 })).toContainText('工作交接');
  await expect(reader.locator('.meta')).toContainText('第 2 版');
  await expect(reader.locator('.meta')).toContainText(/生效时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
  await expect(reader.locator('main')).toContainText('上海蓝鲸国际贸易有限公司');
  await expect(reader.locator('script')).toHaveCount(0);
  await expectAccessible(reader);
  for (const [name, width] of [['desktop', 1280], ['phone', 390]] as const) {
    await reader.setViewportSize({ width, height: 900 });
    // Readable at phone width: nothing wider than the screen.
    expect(await reader.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await reader.screenshot({ path: `${SHOTS}/published-policy-${name}.png`, fullPage: true });
  }

  await reader.getByRole('link', { name: /与上一发布版本（第 1 版）相比的修改/ }).click();
  await expect(reader.locator('.changes ins').first()).toContainText('国际');
  await reader.screenshot({ path: `${SHOTS}/published-changes-phone.png`, fullPage: true });
  await reader.goto('/p/general-handover-policy/v1');
  await expect(reader.locator('.notice')).toContainText('这是历史版本');
  await expect(reader.locator('main')).toContainText('上海蓝鲸贸易有限公司');
  const pdf = await reader.request.get('/p/general-handover-policy/pdf');
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  // Drafts and the admin API stay closed to staff.
  expect((await reader.request.post('/api/library', { data: { action: 'list' } })).status()).toBe(401);
  await staff.close();
});
