import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test('home lists the five categories and leads to a template', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('工作交接');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const cards = page.getByRole('list', { name: '模板分类' }).getByRole('link');
  await expect(cards).toHaveCount(5);
  for (const label of ['通用', '销售/业务', '运营', '客服', '机关/院校']) {
    await expect(cards.filter({ hasText: label })).toHaveCount(1);
  }
  await page.screenshot({ path: `${SHOTS}/home.png`, fullPage: false });

  await cards.filter({ hasText: '运营' }).click();
  await expect(page).toHaveURL(/\/categories\/operations\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('运营类模板');
  const first = page.getByTestId('policy-item').first().locator('a.policy-title');
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page).toHaveURL(/\/policies\/[a-z0-9-]+\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
});

test('search finds templates by Chinese words in their text', async ({ page }) => {
  await page.goto('/');
  const box = page.getByRole('searchbox');
  await box.fill('账号注销');
  const results = page.locator('[data-search-results] li');
  await expect(results.first()).toBeVisible();
  const ops = results.filter({ hasText: '运营岗位离职交接管理制度' });
  await expect(ops).toHaveCount(1);
  await expect(ops.locator('mark').first()).toHaveText('账号注销');
  await expect(page).toHaveURL(/\?q=/);

  await box.fill('监交人 存档');
  await expect(page.getByRole('status')).toContainText('找到');

  await box.fill('量子计算');
  await expect(page.getByRole('status')).toContainText('没有找到');
  await expect(page.locator('[data-search-results]')).toBeHidden();

  // A shared search link restores the query and results.
  await page.goto('/?q=' + encodeURIComponent('客户'));
  await expect(page.getByRole('searchbox')).toHaveValue('客户');
  await expect(results.first()).toBeVisible();
  await results.first().locator('a').click();
  await expect(page).toHaveURL(/\/policies\//);
});

test('a template page shows parties, TOC, marked variables and its checklists, with no script', async ({ page, request }) => {
  const res = await request.get('/policies/general-handover-policy/');
  expect(res.status()).toBe(200);
  const html = await res.text();
  expect(html).not.toMatch(/<script\b/i);

  await page.goto('/policies/general-handover-policy/');
  await expect(page.locator('table.parties')).toContainText('移交人');
  await expect(page.locator('table.parties')).toContainText('监交人');
  const toc = page.getByRole('navigation', { name: '目录' });
  const tocLinks = toc.getByRole('link');
  expect(await tocLinks.count()).toBeGreaterThan(4);
  const firstHref = await tocLinks.first().getAttribute('href');
  await expect(page.locator(`[id="${decodeURIComponent(firstHref!.slice(1))}"]`)).toHaveCount(1);

  const companyName = page.locator('.policy-body .var[data-var="companyName"]').first();
  await expect(companyName).toHaveText('某某有限公司');
  await expect(companyName).toHaveAttribute('title', /可自定义/);
  await expect(page.locator('.policy-body')).not.toContainText('{{');

  const formLink = page.getByRole('link', { name: '《工作交接清单》' });
  await formLink.click();
  await expect(page).toHaveURL(/\/forms\/work-handover\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('工作交接清单');
  // The five signature boxes are on the printed copy, which the live form builds when printing
  // (before the form is live, the server's copy holds them).
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.sign-box')).toHaveCount(5);
});

test('every template and checklist page renders without unresolved variables', async ({ page, request }) => {
  await page.goto('/');
  const hrefs = await page.locator('a.policy-title').evaluateAll((as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).pathname))]);
  expect(hrefs.length).toBeGreaterThanOrEqual(16);
  for (const href of hrefs) {
    const html = await (await request.get(href)).text();
    expect(html, href).not.toContain('class="var var-unknown"');
    expect(html, href).not.toMatch(/\{\{\s*\w+\s*\}\}/);
    expect(html, href).not.toMatch(/<script\b/i);
  }
  await page.goto('/forms/');
  const forms = page.getByTestId('form-item');
  expect(await forms.count()).toBeGreaterThanOrEqual(10);
});

test('printing a template hides navigation and fits A4', async ({ page }) => {
  await page.goto('/policies/institutional-handover-regulation/');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.getByRole('navigation', { name: '目录' })).toBeHidden();
  await expect(page.locator('.site-footer')).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/policy-print.png`, fullPage: true });

  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
  // A4 is 595.28 × 841.89 pt; Chromium writes the rounded MediaBox.
  expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]/);
});

test('a template reads well on a phone and by keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/policies/customer-handover-workflow/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/policy-mobile.png` });

  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到正文' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('the server sends security headers and a Chinese 404 page', async ({ request }) => {
  const ok = await request.get('/');
  expect(ok.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(ok.headers()['referrer-policy']).toBe('no-referrer');
  expect(ok.headers()['x-content-type-options']).toBe('nosniff');
  const missing = await request.get('/policies/no-such-template/');
  expect(missing.status()).toBe(404);
  expect(await missing.text()).toContain('页面不存在');
  const post = await request.post('/', { data: {} });
  expect(post.status()).toBe(405);
});
