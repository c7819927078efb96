import { timingSafeEqual } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import { repo, type CaseRow } from '../store/repo.js';
import { refuse, SigningError } from './errors.js';
import { caseRobotDeliveries } from '../robots/deliveries.js';
import { caseRobotChoice, setCaseRobots } from '../robots/choice.js';
import type { RobotEvent } from '../robots/store.js';
import { endedMail } from './mail.js';
import { timestampStatus } from './timestamps.js';
import { assertCaseOpen, returnsTo, sendLink, sendLinks, sha256, summary, type SigningDeps } from './common.js';

/** The sender's side, through the management link: status and timeline, reminders, robots, cancel, documents. */

async function authorizeManager(tx: Sql, caseId: string, key: string, lock: boolean): Promise<CaseRow> {
  const c = lock ? await repo.lockCase(tx, caseId) : await repo.getCase(tx, caseId);
  const given = Buffer.from(sha256(Buffer.from(String(key))));
  if (!c || given.length !== 64 || !timingSafeEqual(given, Buffer.from(c.manage_key_hash))) throw refuse.manageDenied();
  return c;
}

export async function manageStatus(deps: SigningDeps, caseId: string, key: string) {
  return deps.sql.transaction(async (tx) => {
    const c = await authorizeManager(tx, caseId, key, false);
    const parties = await repo.parties(tx, caseId);
    const names = new Map(parties.map((p) => [p.id, `${p.role} ${p.name}`]));
    return {
      caseNumber: c.case_number,
      title: c.title,
      company: c.company,
      status: c.status,
      /** The document is still being rendered (a new case): nobody has a link yet. */
      preparing: c.status === 'open' && !c.document_sha256,
      order: c.signing_order,
      /** A process document goes back for correction: the page says 退回修改, not 拒签. */
      returnsTo: returnsTo(c, parties),
      createdAt: new Date(c.created_at).toISOString(),
      finalSha256: c.final_sha256,
      /** The seal's trusted time-stamp: 'none' without a TSA, 'pending' while it waits for one. */
      timestamp: await timestampStatus(tx, caseId),
      parties: parties.map((p) => ({
        id: p.id, role: p.role, name: p.name, email: p.email, status: p.status, reminders: p.reminders,
        lastSentAt: p.last_sent_at ? new Date(p.last_sent_at).toISOString() : null,
        signedAt: p.signed_at ? new Date(p.signed_at).toISOString() : null,
        declineReason: p.decline_reason,
      })),
      events: (await repo.events(tx, caseId)).map((e) => ({
        type: e.type, at: new Date(e.at).toISOString(), who: e.party_id ? names.get(e.party_id) ?? '' : '',
        ...(e.type === 'question' ? { text: typeof e.detail.text === 'string' ? e.detail.text : '（已按保留期限清除）' } : {}),
      })),
      mail: (await repo.mailForCase(tx, caseId)).map((m) => ({ kind: m.kind, to: m.to_address, status: m.status, attempts: m.attempts, error: m.last_error })),
      // A stage document of a customer-handover case is told to robots under its process.
      robots: await caseRobotDeliveries(tx, c.process_id ?? c.id),
      /** An acknowledgment campaign's own choice of group robots (a process's is made on its case page). */
      robotChoice: c.kind === 'acknowledgment' ? await caseRobotChoice(tx, 'acknowledgment', c.id) : null,
    };
  });
}

/** The campaign's sender chooses which group robots hear about it (null: the robots page's defaults). */
export async function manageRobots(deps: SigningDeps, input: { caseId: string; key: string; robots: Array<{ robotId: string; events: RobotEvent[] }> | null }) {
  await deps.sql.transaction(async (tx) => {
    const c = await authorizeManager(tx, input.caseId, input.key, true);
    if (c.kind !== 'acknowledgment') throw new SigningError('robots-scope', '只有制度确认可以在这里选择群机器人；客户交接案件请在案件页面选择。', 400);
    await setCaseRobots(tx, 'acknowledgment', c.id, input.robots);
  });
}

export async function remindParty(deps: SigningDeps, input: { caseId: string; key: string; partyId: string; baseUrl: string }): Promise<void> {
  await deps.sql.transaction(async (tx) => {
    const c = await authorizeManager(tx, input.caseId, input.key, true);
    const parties = await repo.parties(tx, c.id);
    assertCaseOpen(c, parties);
    if (c.status === 'completed') throw refuse.completed();
    const party = parties.find((p) => p.id === input.partyId);
    if (!party) throw refuse.notFound();
    if (party.status === 'signed') throw new SigningError('already-signed', `${party.role} ${party.name} 已经签署，无需提醒。`, 409);
    if (party.status === 'waiting') throw new SigningError('not-your-turn', `还没轮到${party.role}签署，系统会在前一位签署后自动通知。`, 409);
    await sendLink(tx, deps, c, party, input.baseUrl, true);
  });
}

/** Reminds every party who has a link but has not acted yet (new links, old ones revoked). */
export async function remindAllPending(deps: SigningDeps, input: { caseId: string; key: string; baseUrl: string }): Promise<number> {
  return deps.sql.transaction(async (tx) => {
    const c = await authorizeManager(tx, input.caseId, input.key, true);
    const parties = await repo.parties(tx, c.id);
    assertCaseOpen(c, parties);
    if (c.status === 'completed') throw refuse.completed();
    const pending = parties.filter((p) => p.status === 'sent' || p.status === 'viewed');
    await sendLinks(tx, deps, c, pending, input.baseUrl, true);
    return pending.length;
  });
}

export async function cancelCase(deps: SigningDeps, input: { caseId: string; key: string; reason?: string }): Promise<void> {
  await deps.sql.transaction(async (tx) => {
    const c = await authorizeManager(tx, input.caseId, input.key, true);
    if (c.status !== 'open') throw new SigningError('not-open', '只有进行中的交接可以撤销。', 409);
    await cancelCaseInTx(tx, c.id, input.reason);
  });
}

/** Cancels an open case and tells everyone who already has a link (caller holds the transaction). */
export async function cancelCaseInTx(tx: Sql, caseId: string, reason?: string): Promise<void> {
  const c = (await repo.lockCase(tx, caseId))!;
  const parties = await repo.parties(tx, c.id);
  await repo.updateCase(tx, c.id, { status: 'cancelled' });
  await repo.addEvent(tx, c.id, null, 'cancelled', { reason: reason ?? '' });
  const told = parties.filter((x) => x.status !== 'waiting');
  const detail = `发起人已${c.kind === 'acknowledgment' ? '撤回这份制度确认' : '撤销这份交接'}${reason ? `，原因：${reason}` : ''}。`;
  await repo.queueMails(tx, c.id, told.map((p) => endedMail(summary(c), p.email, 'cancelled', detail)));
}

export async function managerDocument(deps: SigningDeps, caseId: string, key: string, which: 'current' | 'final') {
  return deps.sql.transaction(async (tx) => caseDocument(tx, await authorizeManager(tx, caseId, key, false), which));
}

/** A case's current or final PDF (already authorized); purged and not-yet-final get clear refusals. */
export async function caseDocument(tx: Sql, c: Pick<CaseRow, 'id' | 'status' | 'case_number' | 'title'>, which: 'current' | 'final') {
  const pdf = await repo.getPdf(tx, c.id, which === 'final' ? 'final_pdf' : 'current_pdf');
  if (pdf && pdf.length === 0) throw new SigningError('purged', '该文件已按数据保留期限清除。', 410);
  if (!pdf && which === 'current' && c.status === 'open') throw new SigningError('preparing', '文件正在生成，请稍候几秒再下载。', 409);
  if (!pdf) throw new SigningError(c.status === 'completed' ? 'purged' : 'no-final', c.status === 'completed' ? '该文件已按数据保留期限清除。' : '还没有最终文件：所有人签署后才会生成。', c.status === 'completed' ? 410 : 404);
  return { pdf, caseNumber: c.case_number, title: c.title };
}

