import { gotoHydrated, openFreshForm, pasteInto, waitForIslands } from './islands.js';
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { buildXlsx } from '../fixtures/xlsx.js';
import { expectAccessible } from './a11y.js';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const HEADER = ['客户名称', '客户等级', '联系人', '联系电话', '邮箱', '合同金额（元）', '续约日期', '交接状态'];
function customerRows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [
    `客户${String(i + 1).padStart(3, '0')}有限公司`,
    ['A', 'B', 'C'][i % 3],
    `联系人${i + 1}`,
    i === 7 ? '1234' : `138${String(10000000 + i).padStart(8, '0')}`,
    `c${i + 1}@example.com`,
    String(1000 * (i + 1)),
    `2027/${(i % 12) + 1}/15`,
    i % 2 ? '已交接' : '未交接',
  ]);
}
const toTsv = (rows: string[][]) => rows.map((r) => r.join('\t')).join('\r\n');

test.beforeEach(({ page }) => openFreshForm(page, '/forms/customer-handover/'));

test('paste 50 customers from Excel, fix a bad phone, reload, export CSV, print', async ({ page }) => {
  const rows = customerRows(50);
  await pasteInto(page, '[data-table="customers"] .table-scroll', toTsv([HEADER, ...rows]));
  await expect(page.getByTestId('count-customers')).toContainText('共 50 行');
  await expect(page.getByTestId('count-customers')).toContainText('1 行有误');
  await expect(page.getByTestId('computed-customerCount')).toHaveText('50');

  // The bad phone is kept and marked, not dropped.
  const phone = page.locator('#customers-7-phone');
  await expect(phone).toHaveValue('1234');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#customers-7-phone-err')).toContainText('手机号为 11 位');
  await phone.fill('13912345678');
  await expect(phone).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('count-customers')).not.toContainText('有误');

  // Completeness: half the rows are 已交接.
  await expect(page.getByTestId('handed-meter')).toContainText('25 / 50');

  // Fill a header field by keyboard, then come back later: the draft is there.
  await page.getByLabel('移交人姓名').fill('张三');
  await expect(page.getByTestId('save-status')).toContainText('已自动保存');
  await page.reload();
  await waitForIslands(page);
  await expect(page.getByTestId('count-customers')).toContainText('共 50 行');
  await expect(page.locator('#customers-7-phone')).toHaveValue('13912345678');
  await expect(page.getByLabel('移交人姓名')).toHaveValue('张三');
  await expect(page.locator('#draft-select option')).toHaveText([/^张三 · \d{4}\/\d{2}\/\d{2}/]);

  // Export CSV and compare with what was pasted (dates and phone normalised).
  const download = page.waitForEvent('download');
  await page.locator('[data-table="customers"]').getByRole('button', { name: '导出 CSV' }).click();
  const file = await (await download).path();
  const csv = Papa.parse<string[]>(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
  const header = csv[0];
  expect(csv).toHaveLength(51);
  const col = (name: string) => header.indexOf(name);
  rows.forEach((r, i) => {
    const out = csv[i + 1];
    expect(out[col('客户名称')]).toBe(r[0]);
    expect(out[col('客户等级')]).toBe(r[1]);
    expect(out[col('联系电话')]).toBe(i === 7 ? '13912345678' : r[3]);
    expect(out[col('合同金额（元）')]).toBe(r[5]);
    expect(out[col('续约日期')]).toMatch(/^2027-\d{2}-15$/);
    expect(out[col('交接状态')]).toBe(r[7]);
  });

  // The exported file imports back into a new draft with the same rows.
  await page.getByRole('button', { name: '新建' }).click();
  await expect(page.getByTestId('count-customers')).toContainText('共 0 行');
  await page.getByTestId('csv-input-customers').setInputFiles(file);
  await expect(page.getByTestId('count-customers')).toContainText('共 50 行');
  await expect(page.locator('#customers-7-phone')).toHaveValue('13912345678');
  await expect(page.locator('#customers-49-renewalDate')).toHaveValue(/^2027-02-15$/);
  await page.locator('#draft-select').selectOption({ label: (await page.locator('#draft-select option', { hasText: '张三' }).textContent()) ?? '' });
  await expect(page.getByLabel('移交人姓名')).toHaveValue('张三');

  // Sort by grade: A rows first.
  await page.getByRole('button', { name: '按客户等级排序' }).click();
  await expect(page.locator('#customers-0-grade')).toHaveValue('A');
  await expect(page.locator('#customers-49-grade')).toHaveValue('C');

  // Print: the editor disappears, the filled form and empty signature boxes print.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.filler-screen')).toBeHidden();
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.locator('.print-view')).toBeVisible();
  await expect(page.locator('.print-table tbody tr')).toHaveCount(50);
  await expect(page.locator('.print-view .sign-box')).toHaveCount(4);
  await expect(page.locator('.print-view .sign-box').first()).toContainText('签字：');
  await page.screenshot({ path: `${SHOTS}/checklist-print.png`, fullPage: true });
  const pdf = await page.pdf({ preferCSSPageSize: true, path: `${SHOTS}/checklist-print.pdf` });
  expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 84[12]\.\d+ 59[45]\.\d+\]/); // landscape A4: 15 columns
});

test('1,000 customers, every one lacking 交接状态: rendered a window at a time, yet reachable by keyboard and search, announced and printed in full', async ({ page }) => {
  // Every row leaves 交接状态 (required) empty; phones all valid, so each row has one error.
  const rows = customerRows(1000).map((r, i) => [r[0].replace(/\d+/, String(i + 1)), r[1], r[2], `139${String(10000000 + i)}`, r[4], r[5], r[6], '']);
  const table = page.locator('[data-table="customers"]');
  await pasteInto(page, '[data-table="customers"] .table-scroll', toTsv([HEADER, ...rows]));
  await expect(page.getByTestId('table-status-customers')).toHaveText('已添加 1000 行');
  await expect(page.getByTestId('count-customers')).toContainText('共 1000 行，1000 行有误');

  // Announced to screen readers, and the table says how many rows it has though few are rendered.
  await expect(page.locator('[role="status"][aria-live="polite"]')).toContainText('已添加 1000 行');
  const grid = table.locator('table.edit-table');
  await expect(grid).toHaveAttribute('aria-rowcount', '1001');
  await expect(grid.locator('caption')).toContainText('共 1000 行');
  expect(await grid.locator('tbody tr[data-row]').count()).toBeLessThan(80);
  await expect(table.locator('tr[data-row="0"]')).toHaveAttribute('aria-rowindex', '2');
  await table.evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: `${SHOTS}/checklist-1000-desktop.png` });
  // The windowed table (spacer rows, row indexes, marked cells) passes the automated scan.
  await expectAccessible(page);

  // Keyboard: End in the table's scroll box, Tab into the rows there, ↓ to the last row.
  const scroller = table.locator('.table-scroll');
  await scroller.focus();
  await page.keyboard.press('End');
  await expect(page.locator('#customers-999-name')).toBeAttached();
  await page.keyboard.press('Tab'); // the header's 全选
  await page.keyboard.press('Tab'); // the first rendered row's tick box
  await page.keyboard.press('Tab'); // its 客户名称
  const at = Number(await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.row));
  expect(at).toBeGreaterThan(900);
  for (let i = at; i < 999; i++) await page.keyboard.press('ArrowDown');
  const last = page.locator('#customers-999-name');
  await expect(last).toBeFocused();
  await expect(last).toBeInViewport();
  await page.keyboard.press('End');
  await page.keyboard.type('（总部）');
  await expect(last).toHaveValue('客户1000有限公司（总部）');
  // ↑ and Ctrl+↑ (from a list cell) go back up a row, scrolled into view.
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('#customers-998-name')).toBeFocused();
  await page.locator('#customers-998-grade').focus();
  await page.keyboard.press('Control+ArrowUp');
  await expect(page.locator('#customers-997-grade')).toBeFocused();

  // 转到第一处需要修改的地方 reaches row 1 though it is scrolled far out of the window.
  for (const [id, v] of [['giverName', '欧阳明远'], ['department', '华东区销售部'], ['receiverName', '司马晓燕'], ['witnessName', '诸葛建国'], ['handoverDate', '2026-11-23']]) {
    await page.locator(`#f-${id}`).fill(v);
  }
  await page.locator('#f-reason').selectOption('离职');
  await page.getByRole('button', { name: '检查填写' }).click();
  const summary = page.getByTestId('check-result');
  await expect(summary).toContainText('有 1000 处需要修改');
  await expect(page.locator('#customers-0-status')).toHaveCount(0);
  await summary.getByRole('link', { name: '转到第一处需要修改的地方' }).click();
  await expect(page.locator('#customers-0-status')).toBeFocused();
  await expect(page.locator('#customers-0-status')).toBeInViewport();

  // The table's search finds any row; Ctrl+F in the table goes to it (the browser's find sees the window only).
  await page.keyboard.press('Control+f');
  const search = table.getByRole('searchbox');
  await expect(search).toBeFocused();
  await search.fill('客户900有限公司');
  await expect(table.getByText('显示 1 / 1000 行')).toBeVisible();
  // Fixing row 900 clears its message.
  await expect(page.locator('#customers-899-status-err')).toHaveText('请填写交接状态');
  await page.locator('#customers-899-status').selectOption('已交接');
  await expect(page.locator('#customers-899-status-err')).toHaveCount(0);
  await expect(page.locator('#customers-899-status')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('count-customers')).toContainText('999 行有误');
  await expect(summary).toContainText('有 999 处需要修改');
  await search.fill('');
  await expect(grid.locator('caption')).toContainText('共 1000 行');

  // Print: every row, not the window.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.print-table tbody tr')).toHaveCount(1000);
  await expect(page.locator('.print-table tbody tr').last()).toContainText('客户1000有限公司（总部）');
  await expect(page.locator('.print-table tbody tr').nth(899)).toContainText('已交接');
  await page.emulateMedia({ media: 'screen' });

  // A phone-sized screen: the same window, no page-wide sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await table.evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: `${SHOTS}/checklist-1000-phone.png` });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('pasting without a header asks which column is which', async ({ page }) => {
  await pasteInto(page, '[data-table="customers"] .table-scroll', '甲公司\tA\t李雷\n乙公司\tB\t韩梅梅\n');
  const dialog = page.getByRole('dialog', { name: '选择每一列对应的栏目' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('“第 3 列（李雷）”填入')).toHaveValue('contact');
  await dialog.getByLabel('“第 3 列（李雷）”填入').selectOption({ label: '备注' });
  await dialog.getByRole('button', { name: '导入 2 行' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('count-customers')).toContainText('共 2 行');
  await expect(page.locator('#customers-1-remark')).toHaveValue('韩梅梅');
});

test('a CSV saved by Excel on Chinese Windows (GBK) imports without mojibake', async ({ page }) => {
  // 客户名称,客户等级,联系电话 / 华东贸易有限公司,A,13812345678 / 金桥科技有限公司,B,021-62345678 in GBK.
  const gbk = Buffer.from('bfcdbba7c3fbb3c62cbfcdbba7b5c8bcb62cc1aacfb5b5e7bbb00d0abbaab6abc3b3d2d7d3d0cfdeb9abcbbe2c412c31333831323334353637380d0abdf0c7c5bfc6bcbcd3d0cfdeb9abcbbe2c422c3032312d36323334353637380d0a', 'hex');
  await page.getByTestId('csv-input-customers').setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: gbk });
  await expect(page.getByTestId('count-customers')).toContainText('共 2 行');
  await expect(page.locator('#customers-0-name')).toHaveValue('华东贸易有限公司');
  await expect(page.locator('#customers-1-phone')).toHaveValue('021-62345678');
});

test('an Excel .xlsx file imports: text, phone numbers and dates as typed', async ({ page }) => {
  const xlsx = buildXlsx([
    ['客户名称', '客户等级', '联系电话', '合同金额（元）', '续约日期'],
    ['华东贸易有限公司', 'A', 13812345678, 128000.5, { date: '2027-03-31' }],
    ['金桥科技有限公司', 'B', '021-62345678', 56000, { date: '2026-12-01' }],
  ]);
  await page.getByTestId('csv-input-customers').setInputFiles({ name: '客户.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(xlsx) });
  await expect(page.getByTestId('count-customers')).toContainText('共 2 行');
  await expect(page.locator('#customers-0-name')).toHaveValue('华东贸易有限公司');
  await expect(page.locator('#customers-0-phone')).toHaveValue('13812345678');
  await expect(page.locator('#customers-0-renewalDate')).toHaveValue('2027-03-31');
  await expect(page.locator('#customers-1-amount')).toHaveValue('56000');
  // An old binary .xls is explained, not imported.
  await page.getByTestId('csv-input-customers').setInputFiles({ name: '旧.xls', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from('x') });
  await expect(page.getByText('不支持旧版 .xls 文件').first()).toBeVisible();
  await expect(page.getByTestId('count-customers')).toContainText('共 2 行');
});

test('a paste larger than the table allows keeps what fits and says so', async ({ page }) => {
  await gotoHydrated(page, '/forms/work-handover/');
  const rows = Array.from({ length: 55 }, (_, i) => [`备用金${i + 1}`, String(100 + i), '已交接']);
  await pasteInto(page, '[data-table="cash"] .table-scroll', toTsv([['项目', '金额', '交接状态'], ...rows]));
  await expect(page.getByTestId('count-cash')).toContainText('共 50 行');
  await expect(page.locator('.toast')).toContainText('另有 5 行未添加');
  await expect(page.getByTestId('computed-cashTotal')).toHaveText(
    (Array.from({ length: 50 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0)).toLocaleString('zh-CN', { minimumFractionDigits: 2 }),
  );
});

test('field errors in Chinese, a corrupt draft file is refused, drafts can be several', async ({ page }) => {
  await page.getByLabel('移交人姓名').fill('王五');
  await page.getByLabel('交接日期').fill('2026-11-23');
  await page.getByRole('button', { name: '检查填写' }).click();
  const summary = page.getByRole('region', { name: '检查结果' });
  await expect(summary).toContainText('请填写所在部门');
  await summary.getByRole('link', { name: '请填写所在部门' }).click();
  await expect(page.getByLabel('所在部门')).toBeFocused();

  await page.locator('[data-testid="draft-import"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"') });
  await expect(page.getByRole('alert')).toContainText('当前内容未改动');
  await expect(page.getByLabel('移交人姓名')).toHaveValue('王五');

  await page.getByRole('button', { name: '新建' }).click();
  await expect(page.getByLabel('移交人姓名')).toHaveValue('');
  await page.getByLabel('移交人姓名').fill('赵六');
  await expect(page.getByTestId('save-status')).toContainText('已自动保存');
  await expect(page.locator('#draft-select option')).toHaveCount(2);
  await page.locator('#draft-select').selectOption({ label: await page.locator('#draft-select option', { hasText: '王五' }).textContent() ?? '' });
  await expect(page.getByLabel('移交人姓名')).toHaveValue('王五');
});

test('works by keyboard and on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 760 });
  await gotoHydrated(page, '/forms/work-handover/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByLabel('移交人姓名').focus();
  await page.keyboard.type('钱七');
  await page.keyboard.press('Tab');
  await page.keyboard.type('运营部');
  await expect(page.getByLabel('所在部门')).toHaveValue('运营部');
  const add = page.locator('[data-table="duties"]').getByRole('button', { name: '添加一行' });
  await add.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#duties-0-duty')).toBeFocused();
  await page.keyboard.type('每周运营周报');
  await page.keyboard.press('Tab');
  await expect(page.locator('#duties-0-method')).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/checklist-mobile.png` });
});

test('preview and download the stamped PDF; invalid data is explained, not lost', async ({ page, context }) => {
  await gotoHydrated(page, '/forms/work-handover/');
  await page.getByLabel('移交人姓名').fill('欧阳明远');
  await page.getByRole('button', { name: '下载 PDF' }).click();
  const problem = page.getByTestId('pdf-problem');
  await expect(problem).toContainText('表单内容有误');
  await expect(problem).toContainText('请填写所在部门');
  await expect(page.getByLabel('移交人姓名')).toHaveValue('欧阳明远');

  await page.getByLabel('所在部门').fill('华东区销售部');
  await page.locator('#f-position').fill('客户经理');
  await page.getByLabel('交接原因').selectOption('离职');
  await page.getByLabel('接收人姓名').fill('司马晓燕');
  await page.getByLabel('监交人姓名').fill('诸葛建国');
  await page.getByLabel('交接日期').fill('2026-11-23');
  await page.getByLabel('公司名称').fill('上海某某贸易有限公司');
  await page.getByLabel('交接编号').fill('HJ-2026-009');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '下载 PDF' }).click();
  const file = await (await download).path();
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  for (const s of ['工作交接清单', '欧阳明远', '司马晓燕', '诸葛建国', '上海某某贸易有限公司', 'HJ-2026-009', '第1页/共']) expect(text).toContain(s);
  await expect(problem).toBeHidden();

  const popup = context.waitForEvent('page');
  await page.getByRole('button', { name: '预览 PDF' }).click();
  const preview = await popup;
  expect(preview.url()).toMatch(/^blob:/);
});
