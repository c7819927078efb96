import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { readSheet } from 'read-excel-file/node';
import { gotoHydrated } from './islands.js';
import { expectAccessible } from './a11y.js';
import { Mailbox } from './mailbox.js';
import { smtpPortFor } from './targets.js';

/**
 * Issue 14 parts 3 and 5 in the browser: an HR admin signs in to HR home, sends a policy
 * version to staff from the customizer, a staff member reads it as text on a phone and
 * agrees, and HR sees progress by department and downloads the roster.
 */
const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });
const mailbox = new Mailbox();
test.beforeAll(({}, info) => mailbox.start(smtpPortFor(info.project.name)));
test.afterAll(() => mailbox.stop());

const HR = 'hr-admin@example.test';
const STAFF = [
  ['冷一鸣', 'zhao@camp.test', '销售部'],
  ['柏二乔', 'qian@camp.test', '销售部'],
  ['蔺三川', 'sun@camp.test', '运营部'],
  ['禹四海', 'li@camp.test', '客服部'],
];

async function signInHr(page: Page) {
  await gotoHydrated(page, '/hr/');
  const mark = mailbox.messages.length;
  await page.getByLabel('工作邮箱').fill(HR);
  await page.getByRole('button', { name: '发送登录链接' }).click();
  await expect(page.getByRole('status')).toContainText('登录链接已发送');
  const mail = await mailbox.waitFor(HR, /登录/, mark);
  const url = /https?:\/\/\S+\/hr\/#t=[\w.-]+/.exec(mail.text ?? '')![0];
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.getByText(`已登录：${HR}`)).toBeVisible();
}

/** The page does not scroll sideways: nothing is wider than the window. */
const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('HR runs a campaign: staff read the policy as text on a phone and agree; HR sees departments and downloads the roster', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInHr(page);

  // Sent from a published version of the policy (the library links here with ?version=).
  await gotoHydrated(page, '/policies/personnel-change-handover/customize/?version=pv-2026-12');
  await page.getByLabel('公司名称').first().fill('上海蓝鲸贸易有限公司');
  await page.getByRole('button', { name: '发给员工确认…' }).click();
  const panel = page.getByRole('region', { name: /发给员工确认/ });
  await expect(panel.getByTestId('staff-version')).toContainText('pv-2026-12');
  await panel.getByLabel(/员工名单/).fill(STAFF.map((s) => s.join('\t')).join('\n'));
  await expect(panel.getByTestId('staff-count')).toContainText('识别到 4 人');
  await panel.getByLabel('发起人姓名').fill('HR 小王');
  await panel.getByLabel('发起人邮箱').fill(HR);
  await panel.getByRole('button', { name: '发送给 4 人' }).click();
  const campaignLink = panel.getByTestId('staff-campaign-link');
  await expect(campaignLink).toBeVisible();
  const campaignUrl = (await campaignLink.getAttribute('href'))!;

  // A staff member on a phone: the policy as text, 16 px, nothing scrolls sideways, no site navigation.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const staffPage = await phone.newPage();
  const invite = await mailbox.waitFor('zhao@camp.test', /请阅读并确认《人员变动交接/);
  expect(invite.text).not.toMatch(/签署|撤销交接/);
  const link = Mailbox.link(invite);
  expect(link).toContain('/ack/?c=');
  await staffPage.goto(link);
  const text = staffPage.getByTestId('policy-text');
  await expect(text).toBeVisible();
  await expect(text.locator('h2').first()).toBeVisible();
  expect(await text.locator('p').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
  expect(await noSideScroll(staffPage)).toBe(true);
  await expect(staffPage.getByRole('navigation', { name: '主导航' })).toHaveCount(0);
  await expect(staffPage.locator('.site-footer')).not.toContainText('模板仅供参考');
  await expect(staffPage.getByText('制度版本 pv-2026-12')).toBeVisible();
  await expect(staffPage.getByRole('button', { name: '下载 PDF' })).toBeVisible();
  // The page's own words: reading and confirming, never signing.
  for (const part of [staffPage.locator('h1'), staffPage.locator('.ack-box').first(), staffPage.getByTestId('ack-state')]) {
    expect(await part.innerText()).not.toMatch(/签署|撤销交接/);
  }
  await staffPage.screenshot({ path: `${SHOTS}/campaign-staff-phone.png` });
  await expectAccessible(staffPage); // the staff page as thousands of employees meet it, on a phone
  // Also at 360 px.
  await staffPage.setViewportSize({ width: 360, height: 740 });
  expect(await noSideScroll(staffPage)).toBe(true);
  await staffPage.setViewportSize({ width: 390, height: 844 });
  const consent = staffPage.getByLabel(/我已完整阅读上述制度/);
  await expect(consent).toBeDisabled();
  await staffPage.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await consent.check();
  await staffPage.getByRole('button', { name: '已阅读并同意' }).tap();
  await expect(staffPage.getByTestId('sign-done')).toContainText('已阅读并同意');
  await expect(staffPage.getByTestId('ack-state')).toContainText('您已于');
  // The PDF is one tap away, and it is the employee's own receipt.
  const [pdf] = await Promise.all([staffPage.waitForEvent('download'), staffPage.getByRole('button', { name: /下载 PDF/ }).tap()]);
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
  await staffPage.setViewportSize({ width: 1280, height: 900 });
  await staffPage.screenshot({ path: `${SHOTS}/campaign-staff-desktop.png`, fullPage: false });
  await phone.close();

  // HR: progress by department, remind the pending, the roster as Excel.
  await gotoHydrated(page, campaignUrl);
  const departments = page.getByTestId('department-progress');
  await expect(departments.locator('tbody tr')).toHaveCount(3);
  await expect(departments.getByRole('row', { name: /销售部/ })).toContainText(/销售部\s*2\s*1\s*1/);
  await expect(departments.getByRole('row', { name: /运营部/ })).toContainText(/运营部\s*1\s*0\s*1/);
  await expect(page.getByTestId('campaign-version')).toHaveText('pv-2026-12');
  expect(await page.locator('main').innerText()).not.toMatch(/签署|撤销交接/);
  const mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提醒全部未确认（3 人）' }).click();
  await expect(page.getByRole('status')).toContainText('已提醒 3 位');
  await mailbox.waitFor('qian@camp.test', /^提醒：请阅读并确认/, mark);
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出名单（Excel）' }).click()]);
  expect(xlsx.suggestedFilename()).toMatch(/确认名单.*\.xlsx$/);
  const rows = await readSheet(readFileSync((await xlsx.path())!));
  expect(rows[0]).toEqual(['姓名', '部门', '邮箱', '状态', '确认时间（北京时间）']);
  expect(rows.find((r) => r[0] === '冷一鸣')!.slice(0, 4)).toEqual(['冷一鸣', '销售部', 'zhao@camp.test', '已确认']);
  expect(rows.find((r) => r[0] === '禹四海')!.slice(0, 4)).toEqual(['禹四海', '客服部', 'li@camp.test', '未确认']);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出名单（CSV）' }).click()]);
  const csvBytes = readFileSync((await csv.path())!);
  expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(csvBytes.toString('utf8')).toContain('\r\n冷一鸣,销售部,zhao@camp.test,已确认,');
  await page.screenshot({ path: `${SHOTS}/campaign-hr-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSideScroll(page)).toBe(true);
  await page.screenshot({ path: `${SHOTS}/campaign-hr-phone.png`, fullPage: true });

  // HR home: the campaign in the list with its progress; search and the CSV of the list.
  await page.setViewportSize({ width: 1280, height: 900 });
  await gotoHydrated(page, '/hr/');
  const list = page.getByTestId('home-list');
  // Other journeys on the same server send this policy too: this campaign is the row with its own staff.
  const ours = list.getByRole('row', { name: /冷一鸣/ });
  await expect(ours).toContainText('人员变动交接');
  await expect(ours).toContainText('1/4 已确认');
  await page.getByLabel(/搜索/).fill('蔺三川');
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page.getByTestId('home-count')).toHaveText('共 1 项');
  await page.getByLabel('类型').selectOption('campaign');
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page.getByTestId('home-count')).toHaveText('共 1 项');
  const [homeCsv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
  expect(readFileSync((await homeCsv.path())!).toString('utf8')).toMatch(/^\ufeff类型,编号,标题,状态,进度,相关人员,逾期,发起时间（北京时间）\r\n制度确认,ZD-/);
  await page.getByRole('button', { name: '清除' }).click();
  await page.screenshot({ path: `${SHOTS}/hr-home-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSideScroll(page)).toBe(true);
  await page.screenshot({ path: `${SHOTS}/hr-home-phone.png`, fullPage: true });
  // From HR home to the campaign page.
  await ours.getByRole('link', { name: /人员变动交接/ }).click();
  await expect(page.getByTestId('department-progress')).toBeVisible();
});
