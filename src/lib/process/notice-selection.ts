import type { NoticeSelection } from './requests.js';
import type { ProcessCustomer } from './state.js';
import { ProcessRuleError } from './actions.js';

/**
 * Who a “send the handover notice” request reaches: the customers the person selected
 * (all, some grades, or ticked ones), less those already notified and those without an
 * email address. Nobody outside the selection is ever included.
 */
export interface NoticePlan {
  /** Customers in the selection. */
  selected: number;
  /** Those who get a notice now. */
  recipients: ProcessCustomer[];
  skipped: { notified: number; noEmail: number };
}

export function planNotices(customers: ProcessCustomer[], selection: NoticeSelection): NoticePlan {
  let chosen: ProcessCustomer[];
  if (selection.kind === 'all') chosen = customers;
  else if (selection.kind === 'grade') {
    const grades = new Set(selection.grades.map((g) => g.trim().toUpperCase()));
    chosen = customers.filter((c) => grades.has(c.grade.trim().toUpperCase()));
    if (chosen.length === 0) throw new ProcessRuleError(`本案件没有 ${[...grades].join('、')} 级客户。`);
  } else {
    const ids = new Set(selection.ids);
    chosen = customers.filter((c) => ids.has(c.id));
    // An id the case does not have means a stale page (or a forged request): refuse rather than guess.
    if (chosen.length !== ids.size) throw new ProcessRuleError(`有 ${ids.size - chosen.length} 位所选客户不在本案件中，请刷新页面后重新选择。`);
  }
  const notified = chosen.filter((c) => c.notice).length;
  const noEmail = chosen.filter((c) => !c.notice && !c.email.trim()).length;
  return { selected: chosen.length, recipients: chosen.filter((c) => !c.notice && c.email.trim()), skipped: { notified, noEmail } };
}

/** “跳过 3 位：2 位已发送过，1 位没有邮箱”, or '' when nobody is skipped. */
export function skippedText(plan: NoticePlan): string {
  const { notified, noEmail } = plan.skipped;
  if (!notified && !noEmail) return '';
  const why = [notified ? `${notified} 位已发送过` : '', noEmail ? `${noEmail} 位没有邮箱` : ''].filter(Boolean).join('，');
  return `跳过 ${notified + noEmail} 位：${why}`;
}

/** The confirmation the page shows before sending: “将向 N 位客户发送交接告知（跳过 M 位：…）”. */
export function confirmationText(plan: NoticePlan): string {
  const skipped = skippedText(plan);
  if (plan.recipients.length === 0) return `所选的 ${plan.selected} 位客户都无需发送（${skipped}）。`;
  return `将向 ${plan.recipients.length} 位客户发送交接告知${skipped ? `（${skipped}）` : ''}。`;
}
