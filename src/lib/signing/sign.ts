import { repo } from '../store/repo.js';
import { refuse, SigningError } from './errors.js';
import type { ReadingRecord } from './requests.js';
import { returnedNotice, robotsHear } from '../robots/notices.js';
import { endedMail, questionMail } from './mail.js';
import { signatureImageProblem } from '../signature-image.js';
import { failpoint } from '../jobs/index.js';
import { assertCaseOpen, assertPartyCanAct, authorize, nowOf, summary, type SigningDeps } from './common.js';
import { toView, type PartyView } from './party.js';
import { sealJob, stampJob } from './finalize.js';
import { requireVerification } from './verification/codes.js';

/**
 * A party acts through their link: signs, declines (a checklist) or asks HR (a policy).
 * Signing records the signature — party row, event, and a job — and answers at once; the
 * job stamps it into the document (finalize.ts), and once every party's signature is in,
 * seals the case and sends the final mail.
 */
export type SignatureInput = { kind: 'typed'; text: string } | { kind: 'drawn'; png: Uint8Array };


export async function signAsParty(
  deps: SigningDeps,
  input: { caseId: string; token: string; signature: SignatureInput; ip: string; userAgent: string; baseUrl: string; reading?: ReadingRecord },
): Promise<PartyView> {
  return deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, input.caseId, input.token, true);
    assertPartyCanAct(c, parties, party);
    const before = parties.find((p) => p.position < party.position && (p.status !== 'signed' || !p.stamped_at));
    if (c.signing_order === 'sequential' && before) throw refuse.notYourTurn(before.role);
    await requireVerification(tx, c, party, nowOf(deps));
    // The image's size from its header, before anything decodes it (a small PNG can decode to gigabytes).
    const imageProblem = input.signature.kind === 'drawn' ? signatureImageProblem(input.signature.png) : null;
    if (imageProblem) throw new SigningError('signature-too-large', imageProblem, 422);

    const now = nowOf(deps);
    // A policy acknowledgment is recorded, not stamped: the document stays as issued, so
    // there is nothing to prepare.
    const recordedOnly = c.kind === 'acknowledgment';
    const set = {
      status: 'signed' as const,
      signed_at: now,
      signature_kind: input.signature.kind,
      signed_name: input.signature.kind === 'typed' ? input.signature.text : party.name,
      ip: input.ip.slice(0, 64),
      user_agent: input.userAgent.slice(0, 300),
      signature_png: input.signature.kind === 'drawn' ? input.signature.png : null,
      stamped_at: recordedOnly ? now : null,
      doc_sha256_signed: recordedOnly ? c.document_sha256 : null,
    };
    // What follows, queued in the same statement: the stamping, or — the last
    // acknowledgment of a policy — the seal.
    const next = !recordedOnly ? stampJob(c.id, input.baseUrl) : parties.every((p) => p === party || p.status === 'signed') ? sealJob(c.id, input.baseUrl) : undefined;
    const event = { caseId: c.id, type: 'signed' as const, detail: { kind: input.signature.kind, ...(input.reading ? { reading: input.reading } : {}) } };
    await repo.updatePartyWithEvent(tx, party.id, set, event, next);
    Object.assign(party, set);
    failpoint('sign-before-commit');
    return toView(c, parties, party);
  });
}

export async function declineAsParty(
  deps: SigningDeps,
  input: { caseId: string; token: string; reason: string; ip: string; userAgent: string },
): Promise<void> {
  await deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, input.caseId, input.token, true);
    // One employee must not end a policy acknowledgment for everyone: they ask HR instead.
    if (c.kind === 'acknowledgment') throw refuse.ackNoDecline();
    assertPartyCanAct(c, parties, party);
    await repo.updateParty(tx, party.id, { status: 'declined', decline_reason: input.reason, ip: input.ip.slice(0, 64), user_agent: input.userAgent.slice(0, 300) });
    await repo.updateCase(tx, c.id, { status: 'declined' });
    await repo.addEvent(tx, c.id, party.id, 'declined', { reason: input.reason });
    await robotsHear(tx, returnedNotice(c, party, input.reason), nowOf(deps));
    // Within a process a decline is a return for changes: the process tells whoever must act.
    if (c.process_id) return deps.onProcessCaseClosed?.(tx, { ...c, status: 'declined' }, { kind: 'declined', by: party, reason: input.reason });
    const detail = `${party.role} ${party.name} 拒绝签署，原因：${input.reason}`;
    const recipients = new Set([c.sender_email, ...parties.filter((p) => p.status !== 'waiting' && p.id !== party.id).map((p) => p.email)]);
    for (const to of recipients) await repo.queueMail(tx, c.id, endedMail(summary(c), to, 'declined', detail));
  });
}

/** Questions one employee may send about one policy. */
export const MAX_QUESTIONS = 5;

/**
 * An employee's question about a policy they are asked to acknowledge: mailed to HR (the
 * sender) only and recorded as an event. It never ends the acknowledgment, for them or
 * anyone else, and does not use up their link.
 */
export async function askQuestion(deps: SigningDeps, input: { caseId: string; token: string; text: string; ip: string; userAgent: string }): Promise<void> {
  await deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, input.caseId, input.token, true);
    if (c.kind !== 'acknowledgment') {
      throw new SigningError('not-acknowledgment', `只有制度确认可以向 HR 提问；对交接文件有异议，请${c.process_id ? '写明意见退回修改' : '填写原因拒签'}。`, 409);
    }
    assertCaseOpen(c, parties);
    const [{ n }] = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE case_id = $1 AND party_id = $2 AND type = 'question'", [c.id, party.id]);
    if (n >= MAX_QUESTIONS) throw new SigningError('too-many-questions', `您已就这份制度提了 ${MAX_QUESTIONS} 个问题：请等待 HR 回复，或直接联系 ${c.sender_name}。`, 429);
    const text = input.text.trim().slice(0, 1000);
    await repo.addEvent(tx, c.id, party.id, 'question', { text, ip: input.ip.slice(0, 64) });
    await repo.queueMail(tx, c.id, questionMail(summary(c), c.sender_email, party, text));
  });
}

