import { gotoHydrated, openFreshForm, waitForIslands } from './islands.js';
import { expectAccessible } from './a11y.js';
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

  // Edit a clause in the document editor (opened on demand, cursor at the end): the diff shows it.
  await page.getByRole('button', { name: '编辑正文 一、目的' }).click();
  const purpose = page.getByRole('textbox', { name: '条款内容 一、目的' });
  await expect(purpose).toBeFocused();
  await page.keyboard.type('本制度同样适用于实习生。');
  await expect(page.getByTestId('diff')).toContainText('修改：一、目的');
  await expect(page.getByTestId('diff').locator('ins')).toContainText('本制度同样适用于实习生。');
  await expect(page.getByTestId('diff')).toContainText('停用：十、违规处理');

  // An unknown variable typed into a clause is flagged, not silently left as braces.
  const unknown = '由{{approvalBoard}}批准。';
  await page.keyboard.type(unknown);
  await expect(page.getByTestId('unknown-vars')).toContainText('{{approvalBoard}}');
  await page.getByRole('button', { name: '下载 PDF' }).click();
  await expect(page.getByTestId('cz-error')).toContainText('未定义的变量');
  await purpose.press('Control+End');
  for (let i = 0; i < [...unknown].length; i++) await purpose.press('Backspace');
  await expect(page.getByTestId('unknown-vars')).toBeHidden();
  await page.getByRole('button', { name: '完成' }).click();
  await expect(purpose).toBeHidden();

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

test('the clause editor: bold, variable chips, tables, and numbers computed from the enabled clauses', async ({ page }) => {
  await openFreshForm(page, '/policies/general-handover-policy/customize/');
  const preview = page.getByTestId('preview');
  await page.getByLabel('公司名称').first().fill('上海蓝鲸贸易有限公司');

  // Bold from the toolbar, then a variable chip from the 插入变量 menu showing the filled value.
  await page.getByRole('button', { name: '编辑正文 一、目的' }).click();
  const purpose = page.getByRole('textbox', { name: '条款内容 一、目的' });
  await expect(purpose).toBeFocused();
  const bold = page.getByRole('button', { name: '加粗' });
  await bold.click();
  await expect(bold).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.type('重要提示');
  await bold.click();
  await page.keyboard.type('：适用于');
  await page.getByRole('combobox', { name: '插入变量' }).selectOption({ label: '公司名称' });
  await expect(purpose.locator('[data-var="companyName"]').last()).toHaveText('上海蓝鲸贸易有限公司');
  await page.keyboard.type('全体员工。');
  await expect(preview.locator('strong', { hasText: '重要提示' })).toBeVisible();
  await expect(preview).toContainText('重要提示：适用于上海蓝鲸贸易有限公司全体员工。');
  // The chip follows the profile: a new company name repaints it in the open editor.
  await page.getByLabel('公司名称').first().fill('上海蓝鲸科技有限公司');
  await expect(purpose.locator('[data-var="companyName"]').last()).toHaveText('上海蓝鲸科技有限公司');

  // A table edited as a table: change a cell, add a row from the toolbar.
  await page.getByRole('button', { name: '编辑正文 三、参与方' }).click();
  await expect(purpose).toBeHidden();
  const parties = page.getByRole('textbox', { name: '条款内容 三、参与方' });
  await expect(parties).toBeFocused();
  await expectAccessible(page); // with the editor and its table toolbar open
  const cell = parties.locator('td', { hasText: '需要交出工作的员工' });
  await cell.locator('p').click();
  await page.keyboard.press('End');
  await page.keyboard.type('（含实习生）');
  await expect(cell).toHaveText('需要交出工作的员工（含实习生）');
  await page.getByRole('button', { name: '在下方添加一行' }).click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.type('顾问');
  const previewTable = preview.locator('table').first();
  await expect(previewTable).toContainText('需要交出工作的员工（含实习生）');
  await expect(previewTable.locator('tbody tr')).toHaveCount(5);
  await expect(previewTable.locator('tbody tr').nth(1)).toContainText('顾问');
  await page.getByRole('button', { name: '完成' }).click();

  // Switch off 十、违规处理: what followed moves up, no gap (十一 → 十).
  await page.getByLabel('启用条款 十、违规处理').uncheck();
  await expect(preview.locator('h2', { hasText: '附则' })).toHaveText('十、附则');
  await expect(preview.locator('h2', { hasText: '附件' })).toHaveText('十一、附件：工作交接清单样式');
  await expect(page.getByLabel('启用条款 十、附则')).toBeChecked();

  // An added clause lands before 附则 and 附件, which renumber after it.
  await page.getByRole('button', { name: '添加条款' }).click();
  await expect(page.getByRole('textbox', { name: '条款内容 十、新增条款' })).toBeFocused();
  await page.keyboard.type('新增条款的正文。');
  await expect(preview.locator('h2')).toContainText(['九、签字确认与归档', '十、新增条款', '十一、附则', '十二、附件：工作交接清单样式']);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 Markdown' }).click();
  const md = readFileSync(await (await download).path(), 'utf8');
  expect([...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]).slice(-4)).toEqual(['九、签字确认与归档', '十、新增条款', '十一、附则', '十二、附件：工作交接清单样式']);
  expect(md).not.toContain('违规处理');
  expect(md).toContain('**重要提示**：适用于上海蓝鲸科技有限公司全体员工。');
  expect(md).toContain('| 移交人 | 需要交出工作的员工（含实习生） |');
});

test('typing into 公司名称 on an empty profile keeps the panel open and the text whole', async ({ page }) => {
  await openFreshForm(page, '/policies/general-handover-policy/customize/');
  const panel = page.getByTestId('profile-panel');
  await expect(panel).toHaveAttribute('open', '');
  const name = panel.getByLabel('公司名称');
  await name.click();
  await name.pressSequentially('ABC Trading');
  await expect(name).toHaveValue('ABC Trading');
  await expect(name).toBeFocused();
  await expect(panel).toHaveAttribute('open', '');
  await expect(page.getByTestId('preview')).toContainText('ABC Trading');
  // Once a name is saved the panel starts closed on the next visit, and opens when asked.
  await page.reload();
  await waitForIslands(page);
  await expect(panel).not.toHaveAttribute('open');
  await panel.locator('summary').click();
  await expect(name).toHaveValue('ABC Trading');
});
