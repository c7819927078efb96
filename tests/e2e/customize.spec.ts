import { gotoHydrated, waitForIslands } from './islands.js';
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';

test('HR makes a template theirs and takes it away as PDF, Word and Markdown', async ({ page }) => {
  await page.goto('/policies/general-handover-policy/');
  await page.getByRole('link', { name: /定制此模板/ }).click();
  await expect(page).toHaveURL(/\/policies\/general-handover-policy\/customize\/$/);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitForIslands(page);

  const preview = page.getByTestId('preview');
  await page.getByLabel('公司名称').first().fill('上海蓝鲸贸易有限公司');
  await expect(preview).toContainText('上海蓝鲸贸易有限公司');
  await expect(preview.locator('.var').first()).toBeVisible();

  // Switch the optional clause 十、违规处理 off: gone from the preview.
  await expect(preview).toContainText('十、违规处理');
  await page.getByLabel('启用条款 十、违规处理').uncheck();
  await expect(preview).not.toContainText('十、违规处理');

  // Edit a clause: the diff shows it.
  const purpose = page.getByLabel('条款内容 一、目的');
  await purpose.fill((await purpose.inputValue()) + '本制度同样适用于实习生。');
  await expect(page.getByTestId('diff')).toContainText('修改：一、目的');
  await expect(page.getByTestId('diff').locator('ins')).toContainText('本制度同样适用于实习生。');
  await expect(page.getByTestId('diff')).toContainText('停用：十、违规处理');

  // An unknown variable typed into a clause is flagged, not silently left as braces.
  await purpose.fill((await purpose.inputValue()) + '由{{approvalBoard}}批准。');
  await expect(page.getByTestId('unknown-vars')).toContainText('{{approvalBoard}}');
  await page.getByRole('button', { name: '下载 PDF' }).click();
  await expect(page.getByTestId('cz-error')).toContainText('未定义的变量');
  await purpose.fill((await purpose.inputValue()).replace('由{{approvalBoard}}批准。', ''));
  await expect(page.getByTestId('unknown-vars')).toBeHidden();

  const pdfDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 PDF' }).click();
  const pdf = await (await pdfDownload).path();
  const pdfText = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  expect(pdfText).toContain('上海蓝鲸贸易有限公司');
  expect(pdfText).toContain('本制度同样适用于实习生。');
  expect(pdfText).not.toContain('十、违规处理');

  const docxDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 Word' }).click();
  const docx = await (await docxDownload).path();
  const xml = execFileSync('unzip', ['-p', docx, 'word/document.xml'], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  expect(xml).toContain('上海蓝鲸贸易有限公司');
  expect(xml).toContain('w:val="Heading1"');
  expect(xml).not.toContain('十、违规处理');

  const mdDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 Markdown' }).click();
  const md = execFileSync('cat', [await (await mdDownload).path()], { encoding: 'utf8' });
  expect(md).toMatch(/^# 工作交接管理制度/);
  expect(md).toContain('上海蓝鲸贸易有限公司');

  // Versions and persistence: reload keeps the work; the profile fills other templates too.
  page.once('dialog', (d) => void d.accept('第一版'));
  await page.getByRole('button', { name: '保存为新版本' }).click();
  await expect(page.getByTestId('versions')).toContainText('第一版');
  await page.reload();
  await waitForIslands(page);
  await expect(preview).toContainText('本制度同样适用于实习生。');
  await gotoHydrated(page, '/policies/operations-handover-policy/customize/');
  await expect(page.getByTestId('preview')).toContainText('上海蓝鲸贸易有限公司');

  // A corrupt profile file is refused and nothing changes.
  await page.getByTestId('profile-import').setInputFiles({ name: 'p.json', mimeType: 'application/json', buffer: Buffer.from('{broken') });
  await expect(page.getByTestId('cz-error')).toContainText('当前公司信息未改动');
  await expect(page.getByTestId('preview')).toContainText('上海蓝鲸贸易有限公司');
});
