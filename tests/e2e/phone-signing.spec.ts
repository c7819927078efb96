import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailbox } from './mailbox.js';
import { smtpPortFor } from './targets.js';
import { confirmFromMail } from '../fixtures/confirm.js';

/**
 * The recipient's pages on a phone (390×844, touch): the document is drawn by the page
 * itself and readable before signing, signing waits until the last page has been seen, a
 * finger draws the signature without scrolling the page, and WeChat's browser (which
 * blocks downloads) is told how to save the PDF instead of being offered a dead button.
 */
test.describe.configure({ mode: 'serial' });
const mailbox = new Mailbox();
test.beforeAll(({}, info) => mailbox.start(smtpPortFor(info.project.name)));
test.afterAll(() => mailbox.stop());
const scratch = mkdtempSync(join(tmpdir(), 'e2e-phone-'));
const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const ANDROID_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const WECHAT_UA = `${ANDROID_UA} XWEB/1260117 MMWEBSDK/20240501 MMWEBID/2247 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64`;
test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: ANDROID_UA, contextOptions: { reducedMotion: 'reduce' } });

const PEOPLE = [
  { name: '欧阳明远', email: 'giver@phone.test' },
  { name: '司马晓燕', email: 'receiver@phone.test' },
  { name: '诸葛建国', email: 'witness@phone.test' },
];
/** Enough customers for the plan to run over several pages. */
const visits = Array.from({ length: 40 }, (_, i) => ({
  customer: `上海某某科技有限公司第${i + 1}分公司`, plannedDate: '2026-11-28', visitMode: '上门', status: '未交接',
}));

async function createCase(request: APIRequestContext, tag: string) {
  const mark = mailbox.messages.length;
  const res = await request.post('/api/cases', {
    data: {
      formId: 'customer-visit-plan', caseNumber: tag, sender: { name: 'HR 小王', email: `hr+${tag}@phone.test` },
      values: { giverName: '欧阳明远', department: '华东区销售部', receiverName: '司马晓燕', witnessName: '诸葛建国', planDate: '2026-11-23', visits },
      parties: PEOPLE.map((p) => ({ ...p, email: p.email.replace('@', `+${tag}@`) })),
    },
  });
  expect(res.status(), await res.text()).toBe(202);
  await confirmFromMail(mailbox, `hr+${tag}@phone.test`, mark);
}

async function openLink(page: Page, url: string) {
  await page.goto('about:blank');
  await page.goto(url);
}

/** Pages forward with the viewer's own button (a tap), as a phone user would, to the last page. */
async function pageToEnd(page: Page) {
  const next = page.getByRole('button', { name: '下一页' });
  const indicator = page.getByTestId('doc-page-indicator');
  const count = Number(/共 (\d+) 页/.exec((await indicator.textContent())!)![1]);
  // Reduced motion (see test.use): each tap scrolls at once, so the button's state is settled.
  let shown = 1;
  while (shown < count) {
    await next.tap();
    // Two short landscape pages can share the screen: a tap may move on by more than one.
    await expect(indicator).not.toHaveText(`第 ${shown} 页 / 共 ${count} 页`);
    const now = Number(/第 (\d+) 页/.exec((await indicator.textContent())!)![1]);
    expect(now).toBeGreaterThan(shown);
    shown = now;
  }
  return count;
}

/** A finger stroke on the pad through Chromium's touch input (touchStart, touchMove…, touchEnd). */
async function drawWithFinger(page: Page, from: number, to: number) {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const at = (i: number) => [{ x: box.x + box.width * (from + ((to - from) * i) / 20), y: box.y + box.height / 2 + Math.sin(i / 2) * box.height * 0.3 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let i = 1; i <= 20; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(i) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

test('on a phone each party reads the drawn document, pages to the end, signs with a finger; the audit page says what they read', async ({ page, request }) => {
  await createCase(request, 'ph1');
  for (const [i, p] of PEOPLE.entries()) {
    const mail = await mailbox.waitFor(p.email.replace('@', '+ph1@'), /^请签署《拜访客户交接计划表》/);
    await openLink(page, Mailbox.link(mail));
    // The document's own text, drawn by the page (PDF.js text layer), before anyone signs.
    const viewer = page.getByTestId('document-viewer');
    await expect(viewer.locator('.textLayer').first()).toContainText('拜访客户交接计划表');
    await expect(viewer.locator('.textLayer').first()).toContainText('欧阳明远');
    const canvas = viewer.locator('.doc-page canvas').first();
    expect((await canvas.boundingBox())!.width).toBeGreaterThan(330); // fit to the phone's width
    // A recipient's page: no HR navigation, no template footnote.
    await expect(page.getByRole('navigation', { name: '主导航' })).toHaveCount(0);
    await expect(page.locator('.site-footer')).not.toContainText('模板仅供参考');
    if (i === 0) await page.screenshot({ path: `${SHOTS}/phone-sign-before.png` });

    // Everything else done, the button still waits for the last page.
    await drawWithFinger(page, 0.1, 0.45);
    const scrollBefore = await page.evaluate(() => window.scrollY);
    await drawWithFinger(page, 0.5, 0.9);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore); // drawing never scrolls the page
    await page.getByRole('button', { name: '撤销一笔' }).tap();
    await expect(page.getByRole('button', { name: '清除重写' })).toBeEnabled(); // one stroke remains
    // Neither the consent nor the button is open before the last page has been shown.
    const consent = page.getByLabel(/同意使用电子签名/);
    await expect(consent).toBeDisabled();
    const sign = page.getByRole('button', { name: '确认签署' });
    await expect(sign).toBeDisabled();
    await expect(page.getByTestId('reading-progress')).toContainText('请滑动阅读至最后一页');
    if (i === 0) await page.screenshot({ path: `${SHOTS}/phone-sign-waiting.png`, fullPage: true });
    const count = await pageToEnd(page);
    expect(count).toBeGreaterThan(1);
    await consent.check();
    await expect(sign).toBeEnabled();
    await expect(page.getByTestId('reading-progress')).toContainText(`已阅读至最后一页（共 ${count} 页）`);
    await sign.tap();
    await expect(page.getByTestId('sign-done')).toContainText('签署成功');
  }
  const final = await mailbox.waitFor('hr+ph1@phone.test', /已全部签署完成/);
  const file = join(scratch, 'final.pdf');
  writeFileSync(file, final.attachments.find((a) => a.contentType === 'application/pdf')!.content);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  expect(text).toMatch(/已签署（手写签名；已(阅读全部|翻阅)\d/);
});

test('the acknowledgment page on a phone: the clauses as text, confirmation after reading to the end', async ({ page, request }) => {
  const clauses = Array.from({ length: 40 }, (_, i) => `**第${i + 1}条** 交接人应当在离岗前将所负责的文件、账目、客户资料和工作进度整理成册，经接收人逐项核对无误后签字确认。`).join('\n\n');
  const mark = mailbox.messages.length;
  const res = await request.post('/api/acknowledgments', {
    data: { title: '人员变动交接工作制度', company: '上海蓝鲸贸易有限公司', markdown: `## 第一章 总则\n\n${clauses}`, sender: { name: 'HR 小王', email: 'hr-ack@phone.test' }, staff: [{ name: '赵一', email: 'zhao@phone.test', department: '销售部' }] },
  });
  expect(res.status(), await res.text()).toBe(202);
  await confirmFromMail(mailbox, 'hr-ack@phone.test', mark);
  await openLink(page, Mailbox.link(await mailbox.waitFor('zhao@phone.test', /请阅读并确认《人员变动交接工作制度》/)));
  const firstText = page.getByTestId('policy-text');
  await expect(firstText.locator('h2').first()).toHaveText('第一章 总则');
  await expect(firstText).toContainText('第1条');
  // Reading size: the text view's letters are as large as the page's body text, no zoom needed.
  expect(await firstText.locator('p').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(15);
  await page.screenshot({ path: `${SHOTS}/phone-ack-text.png` });
  const consent = page.getByLabel(/我已完整阅读上述制度/);
  await expect(consent).toBeDisabled();
  const agree = page.getByRole('button', { name: '已阅读并同意' });
  await expect(agree).toBeDisabled();
  // Scrolling the page to the end of the text is reading to the end.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await consent.check();
  await expect(agree).toBeEnabled();
  await agree.tap();
  await expect(page.getByTestId('sign-done')).toContainText('已阅读并同意');
});

test('inside WeChat the page explains how to save the PDF and shows the document without a download', async ({ browser, request }) => {
  await createCase(request, 'wx1');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: WECHAT_UA, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(Mailbox.link(await mailbox.waitFor('giver+wx1@phone.test', /^请签署/)));
  await expect(page.getByTestId('wechat-hint')).toContainText('在浏览器打开');
  await expect(page.getByRole('button', { name: /下载 PDF/ })).toHaveCount(0);
  await expect(page.getByTestId('document-viewer').locator('.textLayer').first()).toContainText('拜访客户交接计划表');
  await page.screenshot({ path: `${SHOTS}/phone-wechat.png` });
  await context.close();
});

test('the site navigation stays on one row at 390 px', async ({ page }) => {
  await page.goto('/forms/');
  const items = page.getByRole('navigation', { name: '主导航' }).getByRole('link');
  await expect(items).toHaveCount(5);
  const tops = await items.evaluateAll((links) => links.map((a) => Math.round(a.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  const header = (await page.locator('.site-header').boundingBox())!;
  expect(header.height).toBeLessThan(64);
});
