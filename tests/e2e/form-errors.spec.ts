/**
 * Forms that catch real mistakes and say where: paste 300 rows, set one column for all of
 * them, see 已添加 N 行, meet a rule (状况 有损坏 needs 损坏/缺失说明) in the browser and in
 * the PDF refusal, and follow the link to the first error.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { gotoHydrated, openFreshForm, pasteInto } from './islands.js';
import { expectAccessible } from './a11y.js';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const HEADER = ['名称及型号', '资产编号', '数量', '状况', '损坏/缺失说明', '交接状态', '备注'];
/** Excel quotes a cell holding a line break: "第一行\n第二行". */
const cell = (v: string) => (/[\t\n"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const toTsv = (rows: string[][]) => rows.map((r) => r.map(cell).join('\t')).join('\r\n');
const items = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return [`办公用品 ${i + 1}`, `IT-${String(i + 1).padStart(4, '0')}`, '1', i === 3 ? '有损坏' : '完好', '', '未交接', i === 0 ? '充电器一个\n鼠标一个' : ''];
  });

test.beforeEach(({ page }) => openFreshForm(page, '/forms/office-property/'));

test('paste 300 rows, bulk-set 交接状态, a rule error in the PDF refusal links to its cell', async ({ page }) => {
  const table = page.locator('[data-table="equipment"]');
  await pasteInto(page, '[data-table="equipment"] .table-scroll', toTsv([HEADER, ...items(300)]));
  await expect(page.getByTestId('table-status-equipment')).toHaveText('已添加 300 行');
  await expect(page.getByTestId('count-equipment')).toContainText('共 300 行');
  await expect(page.getByTestId('count-equipment')).toContainText('1 行有误');

  // The multi-line cell stays multi-line.
  await expect(page.locator('#equipment-0-remark')).toHaveValue('充电器一个\n鼠标一个');
  await expect(page.locator('#equipment-0-remark')).toHaveJSProperty('tagName', 'TEXTAREA');

  // The rule is checked in the row at once: the explanation cell is marked.
  const damage = page.locator('#equipment-3-damage');
  await expect(damage).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#equipment-3-damage-err')).toHaveText('状况为“有损坏”时，请填写损坏/缺失说明');

  // Select all rows, set 交接状态 = 已交接 for every one.
  await table.getByRole('checkbox', { name: '全选' }).check();
  await expect(page.getByTestId('selected-equipment')).toHaveText('已选 300 行');
  await table.getByLabel('要批量设置的栏目').selectOption({ label: '交接状态' });
  await table.getByLabel('交接状态设为').selectOption('已交接');
  await table.getByRole('button', { name: '应用到所选 300 行' }).click();
  await expect(page.getByTestId('table-status-equipment')).toHaveText('已将所选 300 行的「交接状态」设为“已交接”');
  await expect(page.locator('#equipment-0-status')).toHaveValue('已交接');
  // The last row is outside the rendered window (300 rows): the table's search brings it up.
  await table.getByRole('searchbox').fill('IT-0300');
  await expect(page.locator('#equipment-299-status')).toHaveValue('已交接');
  await table.getByRole('searchbox').fill('');
  await expect(page.getByTestId('computed-equipmentDone')).toHaveText('300');

  // Filter, then select only what the filter shows.
  await table.getByRole('searchbox').fill('办公用品 29');
  await table.getByRole('button', { name: '选中筛选结果（11 行）' }).click();
  await expect(page.getByTestId('selected-equipment')).toHaveText('已选 11 行'); // 29, 290–299
  await table.getByLabel('要批量设置的栏目').selectOption({ label: '备注' });
  await table.getByLabel('备注设为').fill('在 3 号柜');
  await table.getByRole('button', { name: '应用到所选 11 行' }).click();
  await expect(page.locator('#equipment-289-remark')).toHaveValue('在 3 号柜');
  await expect(page.locator('#equipment-300-remark')).toHaveCount(0);
  await table.getByRole('searchbox').fill('');

  // A second paste into a table with rows asks: append or replace.
  await pasteInto(page, '[data-table="equipment"] .table-scroll', toTsv([HEADER, ...items(2, 300)]));
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('表格中已有 300 行');
  await dialog.getByLabel('追加到末尾').check();
  await dialog.getByRole('button', { name: '导入 2 行' }).click();
  await expect(page.getByTestId('table-status-equipment')).toHaveText('已添加 2 行');
  await expect(page.getByTestId('count-equipment')).toContainText('共 302 行');

  // Form-level rule, live: 最后工作日 before 交接日期.
  await page.locator('#f-giverName').fill('欧阳明远');
  await page.locator('#f-department').fill('华东区销售部');
  await page.locator('#f-receiverName').fill('司马晓燕');
  await page.locator('#f-witnessName').fill('诸葛建国');
  await page.locator('#f-handoverDate').fill('2026-11-23');
  await page.locator('#f-lastWorkingDay').fill('2026-11-20');
  await expect(page.locator('#f-lastWorkingDay-err')).toHaveText('最后工作日（2026-11-20）不能早于交接日期（2026-11-23）');

  // The server refuses with the same rules, naming the rows as counted on screen.
  await page.getByRole('button', { name: '下载 PDF' }).click();
  const problem = page.getByTestId('pdf-problem');
  await expect(problem).toContainText('表单内容有误');
  await expect(problem).toContainText('办公设备及用品 第 4 行：状况为“有损坏”时，请填写损坏/缺失说明');
  await expect(problem).toContainText('最后工作日（2026-11-20）不能早于交接日期（2026-11-23）');
  await page.screenshot({ path: `${SHOTS}/form-errors-desktop.png` });
  await problem.getByRole('link', { name: '转到第一处需要修改的地方' }).click();
  await expect(page.locator('#f-lastWorkingDay')).toBeFocused();
  await problem.getByRole('link', { name: /第 4 行/ }).click();
  await expect(damage).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/form-errors-table.png` });

  // Fix both; the PDF is made.
  await damage.fill('屏幕右下角裂纹，已报修');
  await page.locator('#f-lastWorkingDay').fill('2026-11-30');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 PDF' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.pdf$/);
  await expect(problem).toBeHidden();
});

test('on a phone-sized screen the errors and their links still work', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoHydrated(page, '/forms/office-property/');
  await pasteInto(page, '[data-table="equipment"] .table-scroll', toTsv([HEADER, ...items(6)]));
  await expect(page.getByTestId('table-status-equipment')).toHaveText('已添加 6 行');
  await page.getByRole('button', { name: '检查填写' }).click();
  const summary = page.getByTestId('check-result');
  await expect(summary).toContainText('办公设备及用品 第 4 行：状况为“有损坏”时，请填写损坏/缺失说明');
  await page.screenshot({ path: `${SHOTS}/form-errors-mobile.png` });
  // Marked cells, the bulk bar and the error links pass the automated scan.
  await page.locator('[data-table="equipment"]').getByRole('checkbox', { name: '选择第 2 行' }).check();
  await expectAccessible(page);
  await summary.getByRole('link', { name: /第 4 行/ }).click();
  await expect(page.locator('#equipment-3-damage')).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/form-errors-mobile-cell.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
