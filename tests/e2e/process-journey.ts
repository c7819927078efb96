import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { unzipSync, strFromU8 } from 'fflate';
import { readFile } from 'node:fs/promises';
import type { ParsedMail } from 'mailparser';
import { gotoHydrated } from './islands.js';
import { expectAccessible } from './a11y.js';
import type { Mailbox } from './mailbox.js';
import { customersCsv } from '../fixtures/customers.js';
import { CONFIRM_SUBJECT, confirmLink } from '../fixtures/confirm.js';

/**
 * The customer-handover process end to end, as its five people live it: HR opens the case,
 * the departing employee imports 30 customers, the supervisor sends the plan back with a
 * comment, everyone signs from their email, the receiver confirms materials and visits, a
 * customer raises a concern through the notice, a spot-check fails and goes back to a
 * visit, the drafted report is approved, the ZIP is exported, and HR finds the case in the
 * archive after signing in by emailed link. Run from signing.spec.ts (it owns the SMTP server).
 */
const SHOTS = 'test-results/screenshots';
const P = {
  employee: { name: '欧阳明远', email: 'kh-giver@example.test' },
  receiver: { name: '司马晓燕', email: 'kh-receiver@example.test' },
  supervisor: { name: '诸葛建国', email: 'kh-witness@example.test' },
  manager: { name: '东方红', email: 'kh-manager@example.test' },
  hr: { name: '人事小王', email: 'kh-hr@example.test' },
};
const LABEL = { employee: '移交人', receiver: '接收人', supervisor: '监交人', manager: '分管经理', hr: 'HR/行政备案' } as const;

const link = (mail: ParsedMail, path: 'case' | 'sign' | 'notice' | 'archive') => {
  const re = { case: /https?:\/\/\S+\/case\/\?p=[\w-]+#t=[\w.-]+/, sign: /https?:\/\/\S+\/sign\/\?c=[\w-]+#t=[\w.-]+/, notice: /https?:\/\/\S+\/notice\/\?p=[\w-]+#t=[\w.-]+/, archive: /https?:\/\/\S+\/archive\/#t=[\w.-]+/ }[path];
  const m = re.exec(mail.text ?? '');
  if (!m) throw new Error(`no ${path} link in “${mail.subject}”`);
  return m[0];
};

async function open(page: Page, url: string) {
  await page.goto('about:blank');
  await page.goto(url);
}

export async function customerHandoverJourney(page: Page, mailbox: Mailbox) {
  mkdirSync(SHOTS, { recursive: true });
  const caseLinks: Record<string, string> = {};
  const openCase = async (who: keyof typeof P) => {
    await open(page, caseLinks[who]);
    await expect(page.getByText(`您是：${LABEL[who]} ${P[who].name}`)).toBeVisible();
  };
  /** Each party signs the newest request for `title` that arrived after message `after`. */
  const signAll = async (title: string, who: Array<keyof typeof P>, after: number) => {
    for (const w of who) {
      const mail = await mailbox.waitFor(P[w].email, new RegExp(`^请签署《${title}》`), after, 30_000);
      await open(page, link(mail, 'sign'));
      await expect(page.getByTestId('your-role')).toHaveText(LABEL[w]);
      // Signing waits until the document has been read to its last page.
      await page.locator('.doc-pages').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect(page.getByTestId('reading-progress')).toContainText('已阅读至最后一页');
      await page.getByRole('tab', { name: '输入姓名' }).click();
      await page.getByLabel('姓名').fill(P[w].name);
      await page.getByLabel(/同意使用电子签名/).check();
      await page.getByRole('button', { name: '确认签署' }).click();
      await expect(page.getByTestId('sign-done')).toContainText('签署成功');
    }
  };
  const stageIs = async (stage: string) => expect(page.getByTestId('current-stage')).toHaveAttribute('data-stage', stage);

  // A: HR opens the case from the workflow policy.
  await gotoHydrated(page, '/case/new/?policy=customer-handover-workflow');
  await page.getByLabel('公司名称').fill('上海某某贸易有限公司');
  await page.getByLabel('部门').fill('华东销售部');
  await page.getByLabel('移交人最后工作日').fill('2026-11-30');
  for (const [role, person] of Object.entries(P)) {
    const set = page.locator('fieldset.person', { has: page.locator('legend', { hasText: new RegExp(`^${LABEL[role as keyof typeof P].replace('/', '\\/')}$`) }) });
    await set.getByLabel('姓名').fill(person.name);
    await set.getByLabel('邮箱').fill(person.email);
  }
  await page.getByRole('button', { name: '开立客户交接案件' }).click();
  // HR confirms from their own mailbox before anyone is told about the case.
  await expect(page.getByTestId('case-pending')).toContainText(`请到 ${P.hr.email} 查收确认邮件`);
  await open(page, confirmLink((await mailbox.waitFor(P.hr.email, CONFIRM_SUBJECT)).text));
  await expect(page.getByTestId('confirm-summary')).toHaveText(`开立客户交接案件（移交人 ${P.employee.name}，华东销售部）`);
  await page.getByRole('button', { name: '确认发送' }).click();
  await expect(page.getByTestId('confirm-done')).toContainText('各方（包括您）会收到只属于自己的案件链接邮件');
  for (const [role, person] of Object.entries(P)) caseLinks[role] = link(await mailbox.waitFor(person.email, /^客户交接已开始/), 'case');

  // B: the employee imports 30 customers from CSV and submits; the supervisor returns it.
  await openCase('employee');
  await stageIs('B');
  await page.getByTestId('csv-input-customers').setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: Buffer.from(customersCsv(30)) });
  await expect(page.getByTestId('count-customers')).toContainText('共 30 行');
  // Nothing is lost to a reload before saving: the imported list comes back from this browser.
  page.once('dialog', (d) => void d.accept()); // the leave-page warning, if Chromium shows it
  await page.reload();
  await expect(page.getByTestId('draft-restored')).toContainText('已恢复您在本机未保存的修改');
  await expect(page.getByTestId('count-customers')).toContainText('共 30 行');
  await expectAccessible(page);
  let mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提交计划，送审签署' }).click();
  await expect(page.getByTestId('process-message')).toContainText('交接计划已提交');
  await expect(page.getByTestId('signing-status')).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('hk-case-draft:')))).toEqual([]); // saved: the local copy is gone
  await signAll('离职客户交接清单', ['employee', 'receiver'], mark);
  const witness = await mailbox.waitFor(P.supervisor.email, /^请签署《离职客户交接清单》/, mark);
  await open(page, link(witness, 'sign'));
  // A process document is sent back for correction, not declined: the page says so, the case goes on.
  await expect(page.getByRole('button', { name: '拒签…' })).toHaveCount(0);
  await page.getByRole('button', { name: '退回修改…' }).click();
  await expect(page.getByTestId('return-explain')).toContainText(`文件会退回给移交人 ${P.employee.name}`);
  await page.getByLabel(/修改意见（移交人/).fill('请补充 A 级客户的回款风险后再提交');
  await page.screenshot({ path: `${SHOTS}/sign-return.png`, fullPage: true });
  await page.getByRole('button', { name: '确认退回修改' }).click();
  await expect(page.getByTestId('sign-done')).toContainText(`已退回修改：文件已退回给移交人 ${P.employee.name}`);
  await expect(page.getByTestId('sign-done')).toContainText('交接案件继续进行');
  await expect(page.getByTestId('sign-done')).not.toContainText('终止');
  await mailbox.waitFor(P.employee.email, /退回修改/, mark);
  await openCase('employee');
  await expect(page.getByTestId('return-note')).toContainText('请补充 A 级客户的回款风险后再提交');
  await page.getByLabel('未尽事宜及说明').fill('已补充 A 级客户回款风险，见各行风险提示。');
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提交计划，送审签署' }).click();
  await expect(page.getByTestId('process-message')).toContainText('交接计划已提交');
  await signAll('离职客户交接清单', ['employee', 'receiver', 'supervisor', 'manager'], mark);

  // C: the receiver sends one line back with a reason (the employee is told and sees it),
  // then confirms every line; the employee submits for review.
  await mailbox.waitFor(P.receiver.email, /点收客户资料/, mark);
  await openCase('receiver');
  await stageIs('C');
  await page.getByRole('checkbox', { name: /^选择 / }).first().check();
  await page.getByLabel('有问题的资料，退回原因').fill('合同原件缺第 3 页');
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '退回所选 1 条给移交人' }).click();
  await expect(page.getByTestId('process-message')).toContainText('已退回 1 条资料');
  await mailbox.waitFor(P.employee.email, /补正 1 条资料/, mark);
  await openCase('employee');
  await expect(page.getByTestId('returned-materials')).toContainText('合同原件缺第 3 页');
  await expect(page.locator('.rows-editor summary')).toHaveText('编辑资料移交清单（每位客户的纸质、电子资料）'); // nothing unsaved just from opening
  await expect(page.getByTestId('customer-table').locator('tr.attention').first()).toContainText('退回待补正');
  await page.screenshot({ path: `${SHOTS}/case-materials-returned.png` });
  await openCase('receiver');
  await page.getByLabel('全选待点收资料').check();
  await page.getByRole('button', { name: '确认收到所选 30 条' }).click();
  await expect(page.getByTestId('process-message')).toContainText('已确认 30 条资料');
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提交资料清单，送监交人审核' }).click();
  await expect(page.getByTestId('signing-status')).toBeVisible();
  await signAll('客户资料及合同交接计划表', ['employee', 'receiver', 'supervisor'], mark);

  // D: notices to customers (one raises a concern), then every visit confirmed.
  await mailbox.waitFor(P.receiver.email, /与移交人共同拜访客户/, mark);
  await openCase('receiver');
  await stageIs('D');
  // Notices: first the six A customers, then everyone else; each time the count is confirmed first.
  await page.getByRole('button', { name: '向客户发送交接告知' }).click();
  await page.getByLabel('按客户等级').check();
  await page.getByLabel('A 级（6 位）').check();
  await page.getByRole('button', { name: '核对人数…' }).click();
  const confirmNotices = page.getByRole('dialog', { name: '确认发送交接告知' });
  await expect(confirmNotices.getByTestId('notice-confirm-text')).toHaveText('将向 6 位客户发送交接告知。');
  await page.screenshot({ path: `${SHOTS}/case-notice-confirm.png` });
  await expectAccessible(page);
  await confirmNotices.getByRole('button', { name: '确认发送 6 封' }).click();
  await expect(page.getByTestId('process-message')).toContainText('已向 6 位客户发送交接告知');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: '向客户发送交接告知' }).click();
  await page.getByLabel('指定客户').check();
  await page.getByRole('checkbox', { name: /^选中符合条件且未发送告知的 24 位客户$/ }).check();
  await expect(page.getByTestId('notice-picked')).toContainText('已选 24 位');
  await page.getByLabel('全部客户（30 位）').check();
  await page.getByRole('button', { name: '核对人数…' }).click();
  await expect(confirmNotices.getByTestId('notice-confirm-text')).toHaveText('将向 24 位客户发送交接告知（跳过 6 位：6 位已发送过）。');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SHOTS}/case-notice-confirm-phone.png` });
  await confirmNotices.getByRole('button', { name: '确认发送 24 封' }).click();
  await expect(page.getByTestId('process-message')).toContainText('已向 24 位客户发送交接告知');
  await page.setViewportSize({ width: 1280, height: 720 });
  // The notices go out in the background; the page follows the count until all are sent.
  await expect(page.getByTestId('notice-progress-count')).toHaveText('已发送 30 / 30，失败 0', { timeout: 60_000 });
  await page.getByTestId('notice-progress').screenshot({ path: `${SHOTS}/case-notice-progress.png` });
  // Customers mostly read the notice on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, link(await mailbox.waitFor('customer4@example.cn', /对接人变更通知/), 'notice'));
  await expect(page.getByText(`今后由 ${P.receiver.name}`)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await expect(page.getByRole('navigation')).toHaveCount(0); // an outsider sees no internal site navigation
  await page.screenshot({ path: `${SHOTS}/notice-phone.png`, fullPage: true });
  await expectAccessible(page);
  await page.getByLabel(/如有疑问/).fill('还没有人和我们联系过');
  await page.getByRole('button', { name: '提交疑问' }).click();
  await expect(page.getByTestId('notice-answered')).toContainText('还没有人和我们联系过');
  await page.setViewportSize({ width: 1280, height: 720 });
  await openCase('receiver');
  await page.getByLabel('全选待确认拜访').check();
  await page.getByLabel('拜访结果', { exact: true }).fill('与移交人共同拜访，介绍新对接人');
  await page.getByRole('button', { name: '确认所选 30 位客户已拜访' }).click();
  await expect(page.getByTestId('process-message')).toContainText('已确认拜访 30 位客户');
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提交拜访记录，送签署' }).click();
  await signAll('拜访客户交接计划表', ['employee', 'receiver', 'supervisor'], mark);

  // E: the supervisor calls the sample; the first says nobody told them → back to a visit.
  await mailbox.waitFor(P.supervisor.email, /电话回访抽查/, mark);
  await openCase('supervisor');
  await stageIs('E');
  const rows = page.locator('.current-stage tbody tr');
  const sampleSize = await rows.count();
  expect(sampleSize).toBeGreaterThanOrEqual(6 + 1 + 5); // 6 A customers, the concern, ⌈20 % of 23⌉
  await expect(page.locator('.current-stage tbody tr', { hasText: '华东' }).first()).toBeVisible();
  const first = (await rows.first().getAttribute('data-customer'))!;
  await page.getByLabel(`${first} 是否确认已交接`).selectOption('否');
  await page.getByLabel(`${first} 问题`).fill('客户说没人联系过');
  await rows.first().getByRole('button', { name: '记录' }).click();
  await expect(page.getByTestId('process-message')).toContainText('已退回陪同拜访');
  for (let i = 1; i < sampleSize; i++) {
    const name = (await rows.nth(i).getAttribute('data-customer'))!;
    await rows.nth(i).getByRole('button', { name: '记录' }).click();
    await expect(page.getByTestId('process-message')).toContainText(`已记录：${name}`);
  }
  await page.screenshot({ path: `${SHOTS}/case-spot-check.png`, fullPage: true });
  await expectAccessible(page);
  await openCase('receiver');
  await page.getByLabel('全选待确认拜访').check();
  await page.getByLabel('拜访结果', { exact: true }).fill('重新上门拜访，客户确认已知悉');
  await page.getByRole('button', { name: '确认所选 1 位客户已拜访' }).click();
  await openCase('supervisor');
  await rows.first().getByRole('button', { name: '记录' }).click();
  await expect(page.getByTestId('process-message')).toContainText(`已记录：${first} 确认已获知交接`);
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提交抽查记录，送分管经理' }).click();
  await signAll('电话回访抽查记录', ['supervisor', 'manager'], mark);

  // F: the drafted report, edited and approved; everyone gets the archive.
  await mailbox.waitFor(P.employee.email, /提交客户交接报告/, mark);
  await openCase('employee');
  await stageIs('F');
  await expect(page.getByLabel('交接情况总结')).toHaveValue(/本次交接客户共 30 家/);
  await expect(page.getByLabel('客户总数')).toHaveValue('30');
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '提交交接报告，送审批' }).click();
  await signAll('客户交接报告', ['employee', 'supervisor', 'manager', 'hr'], mark);
  for (const person of Object.values(P)) await mailbox.waitFor(person.email, /客户交接已全部完成/, mark);

  await openCase('hr');
  await expect(page.getByTestId('case-status')).toHaveText('已完成');
  await expect(page.getByTestId('timeline')).toContainText('退回客户交接计划：请补充 A 级客户的回款风险后再提交');
  await expect(page.getByTestId('timeline')).toContainText('客户表示未获知交接，退回陪同拜访');
  await page.screenshot({ path: `${SHOTS}/case-completed.png`, fullPage: true });
  // Printed, the case is a record: no tools, filters or search, every customer listed.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByLabel('查找客户')).toBeHidden();
  await expect(page.getByRole('group', { name: '筛选客户' })).toBeHidden();
  await expect(page.getByRole('button', { name: /导出整个案件/ })).toBeHidden();
  await expect(page.getByTestId('customer-table').locator('tbody tr')).toHaveCount(30);
  await page.pdf({ path: `${SHOTS}/case-completed-print.pdf`, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /导出整个案件/ }).click();
  const zip = unzipSync(new Uint8Array(await readFile((await (await download).path())!)));
  const names = Object.keys(zip);
  expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(5);
  // The signed spot-check record carries the re-visit that followed the failed call.
  const spotCheck = names.find((n) => n.startsWith('E-'))!;
  const spotCheckText = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(zip[spotCheck]), encoding: 'utf8' }).replace(/\s+/g, '');
  expect(spotCheckText).toContain('已重新拜访');
  expect(spotCheckText).toContain('经重新拜访后再次回访的客户1家');
  const csv = strFromU8(zip['客户交接状态.csv']);
  expect(csv.trim().split('\r\n')).toHaveLength(31);
  expect(csv).toContain('客户有疑问');

  // HR archive: magic-link sign-in, then the case in the list, filtered by department.
  await gotoHydrated(page, '/archive/');
  await page.getByLabel('工作邮箱').fill('hr-admin@example.test');
  mark = mailbox.messages.length;
  await page.getByRole('button', { name: '发送登录链接' }).click();
  await expect(page.getByRole('status')).toContainText('登录链接已发送');
  await open(page, link(await mailbox.waitFor('hr-admin@example.test', /登录交接档案/, mark), 'archive'));

  // A checklist sent for signature on its own is in the archive too, and HR can download it.
  // Signed in (the archive's filters are shown), HR sends directly: no confirmation mail.
  await expect(page.getByLabel('类型')).toBeVisible();
  const standalone = await page.request.post('/api/cases', {
    data: {
      formId: 'customer-visit-plan',
      values: { giverName: '上官文静', department: '档案核对部', receiverName: '司马晓燕', witnessName: '诸葛建国', planDate: '2026-11-23', visits: [{ customer: '华东贸易有限公司', plannedDate: '2026-11-28', visitMode: '上门', status: '未交接' }] },
      sender: { name: '人事小王', email: P.hr.email },
      parties: [P.employee, P.receiver, P.supervisor].map((x) => ({ name: x.name, email: x.email.replace('@', '+archive@') })),
    },
  });
  expect(standalone.status(), await standalone.text()).toBe(201);
  // The management link is mailed to the admin who sent it.
  expect((await mailbox.waitFor('hr-admin@example.test', /^已发出/, mark)).text).toContain(((await standalone.json()) as { manageUrl: string }).manageUrl);
  await page.getByLabel('类型').selectOption('signing');
  await page.getByLabel('部门').fill('档案核对');
  await page.getByRole('button', { name: '筛选' }).click();
  const signingRows = page.getByTestId('archive-cases').locator('tbody tr');
  await expect(signingRows).toHaveCount(1);
  await expect(signingRows.first()).toContainText('上官文静');
  await expect(signingRows.first()).toContainText('0 / 3');
  await expect(page.getByTestId('archive-list')).toHaveCount(0); // the process list is filtered out
  const pdfDownload = page.waitForEvent('download');
  await signingRows.first().getByRole('button', { name: '下载当前版' }).click();
  const pdf = await readFile((await (await pdfDownload).path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect((await pdfDownload).suggestedFilename()).toMatch(/^拜访客户交接计划表-.+\.pdf$/);

  await page.getByLabel('类型').selectOption('');
  await page.getByLabel('部门').fill('华东');
  await page.getByRole('button', { name: '筛选' }).click();
  const listed = page.getByTestId('archive-list').locator('tbody tr');
  await expect(listed).toHaveCount(1);
  await expect(listed.first()).toContainText(P.employee.name);
  await listed.first().getByRole('link').click();
  await expect(page.getByText('您是：HR 管理员 hr-admin@example.test')).toBeVisible();
  await expect(page.getByTestId('customer-table').locator('tbody tr')).toHaveCount(30);
  await page.getByLabel('查找客户').fill('华东贸易');
  await expect(page.getByTestId('customer-table').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByText('符合条件 1 位')).toBeVisible();

  // On a phone the page itself never scrolls sideways: wide tables scroll inside themselves.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByLabel('查找客户').fill('');
  await expect(page.getByTestId('customer-table').locator('tbody tr')).toHaveCount(30);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  const navHeights = await page.locator('.site-header nav a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height));
  expect(Math.max(...navHeights)).toBeLessThan(40); // one line each: no label broken inside
}
