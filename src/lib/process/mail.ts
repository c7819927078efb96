import { headerSafe, layout, type Mail } from '../signing/mail.js';
import { ROLE_LABEL, type ProcessRole } from './roles.js';

/** The process's emails (zh-CN). Values from users are escaped by `layout`; subjects go through `headerSafe`, like the signing mails'. */
export interface ProcessSummary {
  caseNumber: string;
  employeeName: string;
  company: string | null;
}

const subjectOf = (p: ProcessSummary, what: string) => headerSafe(`${what}：${p.employeeName} 的客户交接（${p.caseNumber}）`);

export function caseLinkMail(p: ProcessSummary, to: { name: string; email: string; role: ProcessRole }, url: string): Mail {
  const subject = subjectOf(p, '客户交接已开始');
  return {
    kind: 'process-link',
    to: to.email,
    subject,
    ...layout(subject, [
      `${to.name}，您好：`,
      `${p.company ? `${p.company} ` : ''}已为 ${p.employeeName} 的离岗开立客户交接案件（${p.caseNumber}），您在其中担任“${ROLE_LABEL[to.role]}”。`,
      '案件页面显示每个阶段的进度、每位客户的状态和各项期限；轮到您处理时，系统会另发邮件提醒。',
      '此链接只属于您本人，请勿转发。',
    ], { label: '打开交接案件', url }),
  };
}

export function stepMail(p: ProcessSummary, to: { name: string; email: string }, what: string, detail: string, url: string): Mail {
  const subject = subjectOf(p, `请处理：${what}`);
  return { kind: 'process-step', to: to.email, subject, ...layout(subject, [`${to.name}，您好：`, detail], { label: '打开交接案件', url }) };
}

export function returnedMail(p: ProcessSummary, to: { name: string; email: string }, stageTitle: string, by: string, comment: string, url: string): Mail {
  const subject = subjectOf(p, `${stageTitle}被退回修改`);
  return {
    kind: 'process-returned',
    to: to.email,
    subject,
    ...layout(subject, [
      `${to.name}，您好：`,
      `${by} 将“${stageTitle}”退回给您修改，意见如下：`,
      comment,
      '交接案件继续进行，没有终止。请在案件页面按意见修改后重新提交；重新提交后，系统会再次请各位签署人签署。',
    ], { label: '打开交接案件', url }),
  };
}

/** `uncoveredYears`: the due date's year has no holiday schedule yet, so it was counted over weekends only; the mail says so. */
export function deadlineMail(p: ProcessSummary, to: { name: string; email: string }, label: string, due: string, daysLeft: number, url: string, uncoveredYears: number[] = []): Mail {
  const when = daysLeft < 0 ? `已逾期 ${-daysLeft} 天` : daysLeft === 0 ? '今天到期' : `还有 ${daysLeft} 天到期`;
  const subject = subjectOf(p, `${daysLeft < 0 ? '逾期提醒' : '期限提醒'}：${label}${when}`);
  return {
    kind: 'process-deadline',
    to: to.email,
    subject,
    ...layout(subject, [
      `${to.name}，您好：`,
      `“${label}”的期限是 ${due}，${when}。`,
      ...(uncoveredYears.length ? [`请注意：系统尚未收录 ${uncoveredYears.join('、')} 年的法定节假日和调休安排，这一期限暂按周末计算，可能与实际工作日不符。`] : []),
      '请尽快在案件页面处理；已完成的事项无需理会本邮件。',
    ], { label: '打开交接案件', url }),
  };
}

export function customerNoticeMail(
  p: ProcessSummary,
  customer: { name: string; contact: string; email: string },
  receiver: { name: string; email: string },
  url: string,
): Mail {
  const subject = headerSafe(`${p.company ?? ''}客户服务对接人变更通知`);
  return {
    kind: 'customer-notice',
    to: customer.email,
    subject,
    ...layout(subject, [
      `${customer.contact || customer.name}，您好：`,
      `感谢贵单位（${customer.name}）一直以来的信任。原负责贵单位业务的 ${p.employeeName} 因工作变动，今后将由 ${receiver.name}（${receiver.email}）作为贵单位的对接人，继续跟进在办事项。`,
      '烦请点击下方链接确认已知悉；如对交接有任何疑问，也可以在页面中留言，我们会及时联系您。',
    ], { label: '确认或反馈', url }),
  };
}

export function adminLinkMail(to: string, url: string, minutes: number): Mail {
  const subject = '登录交接档案（HR 管理）';
  return {
    kind: 'admin-link',
    to,
    subject,
    ...layout(subject, ['您正在登录交接档案。', `点击下方按钮即可登录；链接 ${minutes} 分钟内有效，只能使用一次。`, '如果不是您本人操作，请忽略本邮件。'], { label: '登录交接档案', url }),
  };
}

export function processCompletedMail(p: ProcessSummary, to: { name: string; email: string }, url: string): Mail {
  const subject = subjectOf(p, '客户交接已全部完成');
  return {
    kind: 'process-completed',
    to: to.email,
    subject,
    ...layout(subject, [
      `${to.name}，您好：`,
      '交接报告已获批准，客户交接案件已归档。各阶段已签署的文件已分别发送给您；在案件页面可下载整个案件的归档压缩包（全部已签署 PDF 与客户状态表）。',
    ], { label: '打开交接案件', url }),
  };
}
