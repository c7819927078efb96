import { SigningError } from '../signing/errors.js';
import { verifyLink } from '../signing/links.js';
import { processRepo } from '../store/process-repo.js';
import { loadProcess, partyOf, type ProcessDeps } from './service.js';

/**
 * A customer's answer to the handover notice: confirm, or raise a concern. A concern puts
 * the customer into the spot-check sample when it is drawn and is listed in the report.
 */
async function authorizeNotice(deps: ProcessDeps, processId: string, token: string, lock: boolean, tx = deps.sql) {
  const claims = await verifyLink(deps.secret, token, 'notice', deps.now?.() ?? new Date());
  if (claims.subject !== processId) throw new SigningError('other-case', '链接不完整或不匹配：请直接点击邮件中的链接。', 403);
  const l = await loadProcess(tx, processId, lock);
  const customer = l.p.state.customers.find((c) => c.id === claims.holder);
  if (!customer || customer.notice?.jti !== claims.jti) throw new SigningError('revoked', '这个链接已失效。', 410);
  return { l, customer };
}

export async function viewNotice(deps: ProcessDeps, processId: string, token: string) {
  const { l, customer } = await authorizeNotice(deps, processId, token, false);
  const receiver = partyOf(l, 'receiver');
  return {
    company: l.p.company,
    customer: customer.name,
    employee: partyOf(l, 'employee').name,
    receiver: { name: receiver.name, email: receiver.email },
    answer: customer.notice?.status === 'sent' ? null : customer.notice!.status,
    comment: customer.notice?.comment ?? '',
  };
}

export async function answerNotice(deps: ProcessDeps, processId: string, token: string, answer: 'confirmed' | 'concern', comment: string) {
  if (answer === 'concern' && comment.length < 2) throw new SigningError('comment', '请简单写下您的疑问，方便我们联系您。', 400);
  await deps.sql.transaction(async (tx) => {
    const { l, customer } = await authorizeNotice(deps, processId, token, true, tx);
    if (customer.notice!.status !== 'sent') throw new SigningError('answered', '您已经回复过了，谢谢。如需补充，请直接联系新的对接人。', 409);
    const customers = l.p.state.customers.map((c) =>
      c.id === customer.id ? { ...c, notice: { ...c.notice!, status: answer, answeredAt: new Date().toISOString(), comment: comment.slice(0, 1000) } } : c,
    );
    await processRepo.save(tx, processId, { state: { ...l.p.state, customers } }, l.p.state);
    await processRepo.addEvent(tx, processId, `客户 ${customer.name}`, 'notice-answered', { customer: customer.name, answer, comment: comment.slice(0, 200) });
  });
  return viewNotice(deps, processId, token);
}
