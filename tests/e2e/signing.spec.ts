import { gotoHydrated } from './islands.js';
import { expectAccessible } from './a11y.js';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailbox } from './mailbox.js';
import { customerHandoverJourney } from './process-journey.js';
import { smtpPortFor } from './targets.js';
import { CONFIRM_SUBJECT, confirmFromMail, confirmLink } from '../fixtures/confirm.js';

// One SMTP server for this file: its tests share it, so they run in one worker, in order.
test.describe.configure({ mode: 'serial' });
const mailbox = new Mailbox();
test.beforeAll(({}, info) => mailbox.start(smtpPortFor(info.project.name)));
test.afterAll(() => mailbox.stop());
const scratch = mkdtempSync(join(tmpdir(), 'e2e-sign-'));

const visitPlanValues = {
  giverName: '欧阳明远', department: '华东区销售部', receiverName: '司马晓燕', witnessName: '诸葛建国', planDate: '2026-11-23',
  visits: [{ customer: '上海某某科技有限公司', plannedDate: '2026-11-28', visitMode: '上门', status: '未交接' }],
};
const PEOPLE = [
  { name: '欧阳明远', email: 'giver@example.test' },
  { name: '司马晓燕', email: 'receiver@example.test' },
  { name: '诸葛建国', email: 'witness@example.test' },
];

/** Starts a case through the API as a sender would: the request, then the click in the confirmation mail. */
async function createByApi(request: APIRequestContext, tag: string) {
  const mark = mailbox.messages.length;
  const res = await request.post('/api/cases', {
    data: { formId: 'customer-visit-plan', values: visitPlanValues, caseNumber: tag, sender: { name: 'HR 小王', email: 'hr@example.test' }, parties: PEOPLE.map((p) => ({ ...p, email: p.email.replace('@', `+${tag}@`) })) },
  });
  expect(res.status(), await res.text()).toBe(202);
  const { result } = await confirmFromMail(mailbox, 'hr@example.test', mark);
  return result as { caseId: string; caseNumber: string; manageUrl: string };
}

/** Opens a link from an email as a fresh page load (as clicking it in a mail client would). */
async function openLink(page: Page, url: string) {
  await page.goto('about:blank');
  await page.goto(url);
}

/** Scrolls the document viewer to its end: signing waits until the last page has been on screen. */
async function readToEnd(page: Page) {
  await expect(page.getByTestId('doc-page-indicator')).toBeVisible();
  await page.locator('.doc-pages').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByTestId('reading-progress')).toContainText('已阅读至最后一页');
}

/** The acknowledgment page shows the policy as text: reading to the end is scrolling the page to its end. */
async function readPolicyToEnd(page: Page) {
  await expect(page.getByTestId('policy-text')).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
}

async function drawSignature(page: Page) {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + 100);
  await page.mouse.down();
  for (let i = 0; i <= 20; i++) await page.mouse.move(box.x + 30 + i * 12, box.y + 100 + Math.sin(i / 2) * 40);
  await page.mouse.up();
}

test('fill a form, send to three parties, each signs from their email, everyone gets the sealed PDF', async ({ page }) => {
  await gotoHydrated(page, '/forms/customer-visit-plan/');
  await page.getByLabel('移交人姓名').fill('欧阳明远');
  await page.getByLabel('所在部门').fill('华东区销售部');
  await page.getByLabel('接收人姓名').fill('司马晓燕');
  await page.getByLabel('监交人姓名').fill('诸葛建国');
  await page.getByLabel('计划编制日期').fill('2026-11-23');
  await page.getByLabel('公司名称').fill('上海某某贸易有限公司');
  await page.getByRole('button', { name: '发起签署…' }).click();
  const panel = page.getByRole('region', { name: '发起签署' });
  const sets = panel.locator('fieldset');
  for (const [i, p] of PEOPLE.entries()) {
    await sets.nth(i).getByLabel('姓名').fill(p.name);
    await sets.nth(i).getByLabel('邮箱').fill(p.email);
  }
  await sets.nth(3).getByLabel('姓名').fill('HR 小王');
  await sets.nth(3).getByLabel('邮箱', { exact: true }).fill('hr@example.test');
  await sets.nth(3).getByLabel('HR 备案邮箱（可选）').fill('archive@example.test');
  const mark = mailbox.messages.length;
  await panel.getByRole('button', { name: '发送签署邮件' }).click();
  // Nothing goes to the parties until the sender confirms from their own mailbox.
  await expect(panel.getByTestId('send-pending')).toContainText('请到 hr@example.test 查收确认邮件，点击其中的链接后才会发给各方');
  const confirmMail = await mailbox.waitFor('hr@example.test', CONFIRM_SUBJECT, mark);
  expect(confirmMail.text).toContain('欧阳明远 <giver@example.test>');
  expect(mailbox.messages.slice(mark).filter((m) => /^请签署/.test(m.subject ?? ''))).toEqual([]);
  await openLink(page, confirmLink(confirmMail.text));
  await expect(page.getByTestId('confirm-summary')).toHaveText('签署《拜访客户交接计划表》');
  await expect(page.getByRole('list', { name: '将收到邮件的人' })).toContainText('移交人 欧阳明远 <giver@example.test>');
  await expectAccessible(page);
  await page.getByRole('button', { name: '确认发送' }).click();
  await expect(page.getByTestId('confirm-done')).toContainText('已发出');
  const manageUrl = await page.getByTestId('confirm-manage-link').getAttribute('href');
  // The management link is in the sender's mailbox too; opening the confirmation again sends nothing more.
  expect((await mailbox.waitFor('hr@example.test', /^已发出/, mark)).text).toContain(manageUrl);
  await openLink(page, confirmLink(confirmMail.text));
  await expect(page.getByTestId('confirm-done')).toContainText('无需再次确认');

  for (const [i, p] of PEOPLE.entries()) {
    const mail = await mailbox.waitFor(p.email, /^请签署《拜访客户交接计划表》/);
    expect(mail.text).toContain(`以“${['移交人', '接收人', '监交人'][i]}”身份`);
    expect(mail.html).toContain('查看并签署');
    expect(mail.messageId).toBeTruthy();
    expect(mail.date).toBeInstanceOf(Date);
    await openLink(page, Mailbox.link(mail));
    await expect(page.getByTestId('your-role')).toHaveText(['移交人', '接收人', '监交人'][i]);
    if (i > 0) await expect(page.getByTestId('party-status-0')).toHaveText('已签署');
    if (i === 0) {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: /下载 PDF/ }).click();
      expect((await download).suggestedFilename()).toMatch(/\.pdf$/);
    }
    // The document is drawn by the page itself: its text is there before signing.
    await expect(page.getByTestId('document-viewer').locator('.textLayer').first()).toContainText('拜访客户交接计划表');
    await readToEnd(page);
    if (i === 0) await expectAccessible(page);
    await drawSignature(page);
    await page.getByLabel(/同意使用电子签名/).check();
    await page.getByRole('button', { name: '确认签署' }).click();
    await expect(page.getByTestId('sign-done')).toContainText('签署成功');
  }

  const finals = await Promise.all([...PEOPLE.map((p) => p.email), 'hr@example.test', 'archive@example.test'].map((to) => mailbox.waitFor(to, /已全部签署完成/)));
  const attachment = finals[0].attachments.find((a) => a.contentType === 'application/pdf')!;
  const file = join(scratch, 'final.pdf');
  writeFileSync(file, attachment.content);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  for (const s of ['欧阳明远', '司马晓燕', '诸葛建国', '审计记录', '上海某某贸易有限公司']) expect(text).toContain(s);
  const sig = execFileSync('pdfsig', [file], { encoding: 'utf8' });
  expect(sig).toContain('Signature is Valid.');
  expect(sig).toContain('Total document signed');
  const altered = Buffer.from(attachment.content);
  altered[Math.floor(altered.length / 3)] ^= 0x01;
  writeFileSync(join(scratch, 'altered.pdf'), altered);
  expect(execFileSync('pdfsig', [join(scratch, 'altered.pdf')], { encoding: 'utf8' })).not.toContain('Signature is Valid.');

  // The verification page recognises the original and rejects the altered copy.
  await gotoHydrated(page, '/verify/');
  await page.getByTestId('verify-input').setInputFiles(file);
  await expect(page.getByTestId('verify-result')).toContainText('未被改动');
  await page.getByTestId('verify-input').setInputFiles(join(scratch, 'altered.pdf'));
  await expect(page.getByTestId('verify-result')).toContainText('未找到');

  // The management page shows the whole timeline.
  await page.goto(manageUrl!);
  await expect(page.getByTestId('case-status')).toHaveText('已完成');
  await expect(page.getByTestId('timeline')).toContainText('全部完成并封存');
  await page.screenshot({ path: 'test-results/screenshots/manage-completed.png', fullPage: true });
  await expectAccessible(page);
});

test('a party declines with a reason: the sender is told and the other links stop working', async ({ page, request }) => {
  const c = await createByApi(request, 'decl1');
  const mail = await mailbox.waitFor('giver+decl1@example.test', /请签署/);
  await page.goto(Mailbox.link(mail));
  await page.getByRole('button', { name: '拒签…' }).click();
  await page.getByLabel(/拒签原因/).fill('拜访计划里少了两家 A 类客户');
  await page.getByRole('button', { name: '确认拒签' }).click();
  await expect(page.getByTestId('sign-done')).toContainText('您已拒签');
  const notice = await mailbox.waitFor('hr@example.test', /已被拒签/);
  expect(notice.text).toContain('拜访计划里少了两家 A 类客户');
  await openLink(page, Mailbox.link(mail));
  await expect(page.getByTestId('sign-error')).toContainText('已拒绝签署，流程已终止');
  await page.goto(c.manageUrl);
  await expect(page.getByTestId('case-status')).toHaveText('已拒签');
});

test('remind sends a new link and refuses the old one; cancel ends the case', async ({ page, request }) => {
  const c = await createByApi(request, 'rem1');
  const before = mailbox.messages.length;
  const first = await mailbox.waitFor('giver+rem1@example.test', /^请签署/);
  await page.goto(c.manageUrl);
  await page.getByTestId('manage-party').first().getByRole('button', { name: '提醒' }).click();
  await expect(page.getByRole('status')).toContainText('旧链接已作废');
  const second = await mailbox.waitFor('giver+rem1@example.test', /^提醒：请签署/, before);
  await openLink(page, Mailbox.link(first));
  await expect(page.getByTestId('sign-error')).toContainText('发起人已给您发送了新的链接');
  await openLink(page, Mailbox.link(second));
  await expect(page.getByTestId('your-role')).toHaveText('移交人');

  // A link with its token altered is refused with its own message. (Change a character in
  // the middle of the signature: the last one of a base64url HMAC carries padding bits only.)
  const tampered = Mailbox.link(second).replace(/\.([\w-]{10})([\w-])([\w-]+)$/, (_m, a, c, b) => `.${a}${c === 'A' ? 'B' : 'A'}${b}`);
  await openLink(page, tampered);
  await expect(page.getByTestId('sign-error')).toContainText('签署链接无效');

  page.on('dialog', (d) => void d.accept());
  await page.goto(c.manageUrl);
  await page.getByRole('button', { name: '撤销交接' }).click();
  await expect(page.getByTestId('case-status')).toHaveText('已撤销');
  await mailbox.waitFor('giver+rem1@example.test', /已撤销/);
  await openLink(page, Mailbox.link(second));
  await expect(page.getByTestId('sign-error')).toContainText('发起人已撤销这份交接');
});

test('hostile requests get clear refusals and change nothing', async ({ request }) => {
  const c = await createByApi(request, 'host1');
  const mail = await mailbox.waitFor('giver+host1@example.test', /^请签署/);
  const token = /#t=([\w.-]+)/.exec(Mailbox.link(mail))![1];
  const sign = (signature: unknown, extra: Record<string, unknown> = {}) =>
    request.post('/api/sign', { data: { action: 'sign', caseId: c.caseId, token, consent: true, signature, ...extra } });

  const notPng = await sign({ kind: 'drawn', png: Buffer.from('GIF89a not a png at all, really not').toString('base64') });
  expect(notPng.status()).toBe(400);
  expect((await notPng.json()).error).toBe('签名必须是 PNG 图片');
  const huge = await sign({ kind: 'drawn', png: 'A'.repeat(600_000) });
  expect([400, 413]).toContain(huge.status());
  const noConsent = await sign({ kind: 'typed', text: '欧阳明远' }, { consent: false });
  expect((await noConsent.json()).error).toBe('请先勾选同意使用电子签名');
  const wrongCase = await request.post('/api/sign', { data: { action: 'view', caseId: 'AAAAAAAAAAAA', token } });
  expect((await wrongCase.json()).error).toContain('不匹配');
  const notJson = await request.post('/api/sign', { headers: { 'Content-Type': 'text/plain' }, data: 'hello' });
  expect(notJson.status()).toBe(415);
  const bomb = await request.post('/api/manage', { headers: { 'Content-Type': 'application/json' }, data: '['.repeat(50_000) });
  expect([400, 413]).toContain(bomb.status());

  // Nothing changed: the giver can still view and sign.
  const view = await request.post('/api/sign', { data: { action: 'view', caseId: c.caseId, token } });
  expect((await view.json()).canSign).toBe(true);
});

test('HR sends a customized policy to staff; each confirms 已阅读并同意; HR reminds the rest in one click', async ({ page }) => {
  await gotoHydrated(page, '/policies/personnel-change-handover/customize/');
  await page.getByLabel('公司名称').first().fill('上海蓝鲸贸易有限公司');
  await page.getByRole('button', { name: '发给员工确认…' }).click();
  const panel = page.getByRole('region', { name: /发给员工确认/ });
  // The list as Excel's "Unicode 文本" export: UTF-16LE with a BOM, tab-separated.
  const list = '姓名\t邮箱\t部门\r\n赵一\tzhao@staff.test\t销售部\r\n钱二\tqian@staff.test\t运营部\r\n孙三\tsun@staff.test\t客服部\r\n';
  await panel.getByTestId('staff-file').setInputFiles({ name: '员工.txt', mimeType: 'text/plain', buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(list, 'utf16le')]) });
  await expect(panel.getByTestId('staff-count')).toContainText('识别到 3 人');
  await expect(panel.getByLabel(/员工名单/)).toHaveValue(/赵一\tzhao@staff.test/);
  await panel.getByLabel('发起人姓名').fill('HR 小王');
  await panel.getByLabel('发起人邮箱').fill('hr-ack@example.test');
  await panel.getByRole('button', { name: '发送给 3 人' }).click();
  await expect(panel.getByTestId('staff-pending')).toContainText('请到 hr-ack@example.test 查收确认邮件，点击其中的链接后才会发给各方');
  await openLink(page, confirmLink((await mailbox.waitFor('hr-ack@example.test', CONFIRM_SUBJECT)).text));
  await expect(page.getByTestId('confirm-summary')).toHaveText('阅读并确认《人员变动交接工作制度》');
  await page.getByRole('button', { name: '确认发送' }).click();
  await expect(page.getByTestId('confirm-done')).toContainText('已发出');
  const manageUrl = (await page.getByTestId('confirm-manage-link').getAttribute('href'))!;

  const confirm = async (email: string) => {
    const mail = await mailbox.waitFor(email, /请阅读并确认《人员变动交接工作制度》/);
    await openLink(page, Mailbox.link(mail));
    await readPolicyToEnd(page);
    await page.getByLabel(/我已完整阅读上述制度/).check();
    await page.getByRole('button', { name: '已阅读并同意' }).click();
    await expect(page.getByTestId('sign-done')).toContainText('已阅读并同意');
  };
  // An employee with a question asks HR (no 拒签 for a policy): only HR is mailed, the campaign goes on.
  const first = await mailbox.waitFor('zhao@staff.test', /请阅读并确认《人员变动交接工作制度》/);
  await openLink(page, Mailbox.link(first));
  await expect(page.getByRole('button', { name: '拒签…' })).toHaveCount(0);
  await page.getByRole('button', { name: '向 HR 提问…' }).click();
  await page.getByLabel(/您的问题/).fill('第三条的交接期是否包含法定节假日？');
  await page.getByRole('button', { name: '发送问题' }).click();
  await expect(page.getByTestId('question-sent')).toContainText('问题已发给');
  expect((await mailbox.waitFor('hr-ack@example.test', /^员工提问/)).text).toContain('第三条的交接期是否包含法定节假日？');
  await confirm('zhao@staff.test');
  const before = mailbox.messages.length;
  await page.goto(manageUrl);
  await expect(page.getByTestId('ack-progress')).toHaveText('已确认 1 / 3 人');
  await page.getByRole('button', { name: '提醒全部未确认（2 人）' }).click();
  await expect(page.getByRole('status')).toContainText('旧链接作废');
  await mailbox.waitFor('qian@staff.test', /^提醒：请阅读并确认/, before);
  await mailbox.waitFor('sun@staff.test', /^提醒：请阅读并确认/, before);
  for (const email of ['qian@staff.test', 'sun@staff.test']) {
    const mail = await mailbox.waitFor(email, /^提醒：/, before);
    await openLink(page, Mailbox.link(mail));
    await readPolicyToEnd(page);
    await page.getByLabel(/我已完整阅读上述制度/).check();
    await page.getByRole('button', { name: '已阅读并同意' }).click();
    await expect(page.getByTestId('sign-done')).toContainText('已阅读并同意');
  }
  const record = await mailbox.waitFor('hr-ack@example.test', /全员已阅读确认/);
  const file = join(scratch, 'ack.pdf');
  writeFileSync(file, record.attachments[0].content);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  for (const s of ['上海蓝鲸贸易有限公司', '已阅读并同意（赵一，销售部；', '钱二', '孙三']) expect(text).toContain(s);
});

test('customer handover as a tracked process: 30 customers, four signers, a return at B and a failed spot-check at E', async ({ page }) => {
  // Six stages, a dozen signatures and two notice rounds: on a busy 2-core machine this has
  // taken over 10 minutes, so it gets 30 (a guard against hangs, not a speed test).
  test.setTimeout(1_800_000);
  await customerHandoverJourney(page, mailbox);
});

test('a case with an email code: a wrong code is refused, the right one shows the sign button; /verify/ says how each was verified', async ({ page }) => {
  const tag = `vc-${Date.now().toString(36)}`;
  const mark = mailbox.messages.length;
  const res = await page.request.post('/api/cases', {
    data: { formId: 'customer-visit-plan', values: visitPlanValues, caseNumber: tag, sender: { name: 'HR 小王', email: 'hr@example.test' }, parties: PEOPLE.map((p) => ({ ...p, email: p.email.replace('@', `+${tag}@`) })), verification: 'email' },
  });
  expect(res.status(), await res.text()).toBe(202);
  await confirmFromMail(mailbox, 'hr@example.test', mark);
  for (const [i, p] of PEOPLE.entries()) {
    const email = p.email.replace('@', `+${tag}@`);
    await openLink(page, Mailbox.link(await mailbox.waitFor(email, /^请签署/, mark)));
    const step = page.getByTestId('verification-step');
    await expect(step).toBeVisible();
    await expect(page.getByRole('button', { name: '确认签署' })).toHaveCount(0);
    const before = mailbox.messages.length;
    await step.getByRole('button', { name: '获取验证码' }).click();
    await expect(step.getByTestId('code-sent')).toContainText('验证码已发送至');
    const code = /(?:^|\D)(\d{6})(?:\D|$)/m.exec((await mailbox.waitFor(email, /^签署验证码/, before)).text ?? '')![1];
    const input = step.getByLabel('验证码');
    if (i === 0) {
      await expect(input).toHaveAttribute('inputmode', 'numeric');
      await expect(input).toHaveAttribute('autocomplete', 'one-time-code');
      await expect(step.getByTestId('send-code')).toHaveText(/重新获取（\d+ 秒）/);
      await input.fill(code === '000000' ? '111111' : '000000');
      await input.press('Enter');
      await expect(step.getByTestId('verification-error')).toHaveText('验证码不正确，请核对后重新输入（还可以再试 4 次）。');
      await expectAccessible(page);
      await step.scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'test-results/screenshots/verification-step-desktop.png' });
      await page.setViewportSize({ width: 390, height: 844 });
      await step.scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'test-results/screenshots/verification-step-390.png' });
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    await input.fill(code);
    await step.getByRole('button', { name: '验证', exact: true }).click();
    await expect(page.getByTestId('verification-done')).toContainText('已验证身份');
    await readToEnd(page);
    await drawSignature(page);
    await page.getByLabel(/同意使用电子签名/).check();
    await page.getByRole('button', { name: '确认签署' }).click();
    await expect(page.getByTestId('sign-done')).toContainText('签署成功');
  }
  const final = await mailbox.waitFor('hr@example.test', new RegExp(`已全部签署完成`), mark);
  const file = join(scratch, `${tag}.pdf`);
  writeFileSync(file, final.attachments.find((a) => a.contentType === 'application/pdf')!.content);
  expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')).toContain('邮箱验证码（发送至gi');
  await gotoHydrated(page, '/verify/');
  await page.getByTestId('verify-input').setInputFiles(file);
  await expect(page.getByTestId('verify-result')).toContainText(tag);
  await expect(page.getByTestId('verify-parties')).toContainText('身份验证：邮箱验证码：发送至 gi');
  await expect(page.getByTestId('seal-integrity')).toContainText('签名有效');
  await expect(page.getByTestId('verify-seal')).toContainText('SHA-256 指纹');
  await page.screenshot({ path: 'test-results/screenshots/verify-desktop.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/screenshots/verify-390.png', fullPage: true });
});
