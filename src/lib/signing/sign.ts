import { repo, type SignatureSet } from '../store/repo.js';
import { refuse, SigningError } from './errors.js';
import type { ReadingRecord } from './requests.js';
import { returnedNotice, robotsHear } from '../robots/notices.js';
import { endedMail, questionMail } from './mail.js';
import { signatureImageProblem } from '../signature-image.js';
import { failpoint, type QueuedJob } from '../jobs/index.js';
import { assertCaseOpen, assertPartyCanAct, authorize, authorizeFound, linkClaims, nowOf, summary, type Authorized, type SigningDeps } from './common.js';
import type { Sql } from '../store/sql.js';
import { batchingFor, groupCommit, type Outcome } from '../group-commit.js';
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

export interface SignInput {
  caseId: string;
  token: string;
  signature: SignatureInput;
  ip: string;
  userAgent: string;
  baseUrl: string;
  reading?: ReadingRecord;
}

/**
 * Records a signature. Signatures arriving together are recorded together (group commit,
 * src/lib/group-commit.ts): while a batch is being written the next ones wait a few
 * milliseconds, then go in one transaction — one read of all their cases, one write, one
 * commit. Alone, a signature is a batch of one. Under a burst of hundreds, each costs a
 * fraction of the round trips and disk flushes it would cost alone.
 */
export function signAsParty(deps: SigningDeps, input: SignInput): Promise<PartyView> {
  let sign = signers.get(deps);
  if (!sign) signers.set(deps, (sign = groupCommit((inputs: SignInput[]) => signBatchOrEach(deps, inputs), batchingFor(deps.sql))));
  return sign(input);
}
const signers = new WeakMap<SigningDeps, (input: SignInput) => Promise<PartyView>>();

/**
 * A batch the database refused as a whole (a lost connection, a conflict) is tried again one
 * signature at a time, so one cannot take the others down with it.
 */
async function signBatchOrEach(deps: SigningDeps, inputs: SignInput[]): Promise<Outcome<PartyView>[]> {
  try {
    return await signBatch(deps, inputs);
  } catch (e) {
    if (inputs.length === 1) throw e;
    const each: Outcome<PartyView>[] = [];
    for (const input of inputs) each.push(await signBatch(deps, [input]).then(([r]) => r, (error: unknown) => ({ error })));
    return each;
  }
}

/**
 * One transaction for several signatures: every case read and locked in one statement, then
 * each signature checked and recorded in the order it came, exactly as if they had come one
 * after another (a second party of the same case sees the first's signature). A refusal
 * answers that signer only; anything else fails the batch.
 */
async function signBatch(deps: SigningDeps, inputs: SignInput[]): Promise<Outcome<PartyView>[]> {
  // The links first, outside the transaction: a bad one is refused without touching the database.
  const claims = await Promise.all(inputs.map((input) => linkClaims(deps, input.caseId, input.token).catch((error: unknown) => ({ error }))));
  const ids = [...new Set(inputs.filter((_, i) => !('error' in claims[i])).map((i) => i.caseId))].sort();
  if (!ids.length) return claims as Array<{ error: unknown }>;
  return deps.sql.transaction(async (tx) => {
    const found = await repo.casesWithParties(tx, ids);
    const results: Outcome<PartyView>[] = [];
    const writes: Signature[] = [];
    for (const [i, input] of inputs.entries()) {
      const c = claims[i];
      if ('error' in c) {
        results.push(c);
        continue;
      }
      try {
        const signature = await checkSignature(tx, deps, authorizeFound(c, found.get(input.caseId)), input);
        writes.push(signature);
        results.push({ value: signature.view });
      } catch (e) {
        if (!(e instanceof SigningError)) throw e;
        results.push({ error: e });
      }
    }
    // Every signature of the batch, its event and the jobs that follow: one statement.
    if (writes.length) {
      const jobs = new Map(writes.flatMap((w) => (w.next ? [[w.next.options?.dedupeKey ?? w.next.kind, w.next] as const] : [])));
      await repo.recordSignatures(tx, writes, [...jobs.values()]);
    }
    failpoint('sign-before-commit');
    return results;
  });
}

interface Signature {
  caseId: string;
  partyId: string;
  set: SignatureSet;
  detail: Record<string, unknown>;
  next?: QueuedJob;
  view: PartyView;
}

/**
 * One signature, on rows read and locked: the checks (each a refusal), then what it writes
 * — its party row, its event, the job that follows. The in-memory rows change at once, for
 * the answer and for the next signature of the batch; the batch writes them all together.
 */
async function checkSignature(tx: Sql, deps: SigningDeps, { c, parties, party }: Authorized, input: SignInput): Promise<Signature> {
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
  const set: SignatureSet = {
    status: 'signed',
    signed_at: now,
    signature_kind: input.signature.kind,
    signed_name: input.signature.kind === 'typed' ? input.signature.text : party.name,
    ip: input.ip.slice(0, 64),
    user_agent: input.userAgent.slice(0, 300),
    signature_png: input.signature.kind === 'drawn' ? input.signature.png : null,
    stamped_at: recordedOnly ? now : null,
    doc_sha256_signed: recordedOnly ? c.document_sha256 : null,
  };
  // What follows: the stamping, or — the last acknowledgment of a policy — the seal.
  const next = !recordedOnly ? stampJob(c.id, input.baseUrl) : parties.every((p) => p === party || p.status === 'signed') ? sealJob(c.id, input.baseUrl) : undefined;
  const detail = { kind: input.signature.kind, ...(input.reading ? { reading: input.reading } : {}) };
  Object.assign(party, set);
  return { caseId: c.id, partyId: party.id, set, detail, next, view: toView(c, parties, party) };
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

