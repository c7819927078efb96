import type { SignatureBox } from '../pdf/form-pdf.js';
import type { Sql } from '../store/sql.js';
import { repo, type CaseRow, type PartyRow } from '../store/repo.js';
import { completedNotice, robotsHear } from '../robots/notices.js';
import { completedMail } from './mail.js';
import { beijingDate } from '../time-format.js';
import { enqueue, failpoint, type Job, type JobKinds, type JobRun, type QueuedJob } from '../jobs/index.js';
import { partyVerifications } from './verification/codes.js';
import { PREPARE_JOB, prepareCaseDocument } from './create.js';
import { enqueueTimestampJob, recordSealTimestamp, retryCaseTimestamp, TIMESTAMP_JOB } from './timestamps.js';
import { auditEntry, nowOf, pdfEngine, readingRecords, sendLink, sha256, summary, type SigningDeps } from './common.js';

/**
 * The slow half of signing, as jobs (src/lib/jobs/): stamping recorded signatures into the
 * document, then — once every party's signature is in — the audit page, the PKCS#7 seal,
 * the final hash and the final mail. Each job renders outside any transaction, then
 * commits its change together with its own completion, after checking that the document
 * it started from is still the current one (a worker whose lease ran out may have been
 * overtaken): nothing is applied twice, and a kill anywhere leaves the job to run again.
 */
export const STAMP_JOB = 'signing.stamp';
export const SEAL_JOB = 'signing.seal';
type SealResult = { pdf: Uint8Array; timestamped: boolean; pending: string | null };
interface CasePayload {
  caseId: string;
  /** Where links in the mail this job sends point (the configured APP_URL of the request that asked). */
  baseUrl: string;
}

/** Raised inside a commit when the document moved on since it was read: roll back and start over. */
class DocumentMoved extends Error {}

const currentHash = async (tx: Sql, caseId: string) =>
  (await tx.query<{ h: string }>(`SELECT encode(sha256(current_pdf), 'hex') AS h FROM cases WHERE id = $1`, [caseId]))[0]?.h;

/** Retries a job body whose commit found the document moved on (another worker was faster). */
async function untilSettled(body: () => Promise<void>) {
  for (let round = 0; ; round++) {
    try {
      return await body();
    } catch (e) {
      if (!(e instanceof DocumentMoved) || round >= 4) throw e;
    }
  }
}

/**
 * Stamps every signature recorded but not yet stamped, in party order, into the current
 * document, stores it, and moves on: the next party's link in a sequential case (so they
 * sign a document that shows the signatures before theirs), or — once everyone's signature
 * is in — the seal, in the same pass. Signatures arriving together are stamped in one pass.
 * The seal job remains for a case whose last stamp was committed without its seal (a worker
 * that rendered before the last signature arrived).
 */
export async function stampSignatures(deps: SigningDeps, job: Job<CasePayload>, run: JobRun): Promise<void> {
  const { caseId, baseUrl } = job.payload;
  await untilSettled(async () => {
    const c = await repo.getCase(deps.sql, caseId);
    if (!c || c.status !== 'open' || c.kind === 'acknowledgment') return;
    const pending = await repo.unstampedParties(deps.sql, caseId);
    const current = await repo.getPdf(deps.sql, caseId, 'current_pdf');
    if (!pending.length || !current) return;
    const { stampSignature } = await pdfEngine();
    const boxes = c.signature_boxes as SignatureBox[];
    let pdf = current;
    const before: string[] = [];
    for (const p of pending) {
      before.push(sha256(pdf));
      const date = beijingDate(p.signed_at ? new Date(p.signed_at) : nowOf(deps));
      const signature = p.signature_kind === 'drawn' && p.signature_png
        ? { kind: 'image' as const, png: p.signature_png, name: p.name, date }
        : { kind: 'typed' as const, name: p.signed_name ?? p.name, date };
      pdf = (await stampSignature(pdf, boxes[p.position], signature)).bytes;
    }
    // When these were the last signatures, the case is sealed in this same pass: one load and
    // save of the document less, and no second job to wait for before the final mail.
    const stampedNow = new Map(pending.map((p, i) => [p.id, before[i]]));
    const everyone = (await repo.parties(deps.sql, caseId)).map((p) => (stampedNow.has(p.id) ? { ...p, doc_sha256_signed: stampedNow.get(p.id)!, stamped_at: nowOf(deps) } : p));
    const seal = everyone.every((p) => p.status === 'signed' && p.stamped_at) ? await renderSeal(deps, c, everyone, pdf) : null;
    const startedFrom = sha256(current);
    await run.complete(async (tx) => {
      const locked = await repo.lockCase(tx, caseId);
      if (!locked || locked.status !== 'open') return; // cancelled or declined meanwhile: nothing to stamp into
      if ((await currentHash(tx, caseId)) !== startedFrom) throw new DocumentMoved();
      await repo.updateCase(tx, caseId, { current_pdf: pdf });
      const now = nowOf(deps);
      for (const [i, p] of pending.entries()) {
        await repo.updateParty(tx, p.id, { stamped_at: now, doc_sha256_signed: before[i], signature_png: null });
      }
      failpoint('stamp-before-commit');
      const parties = await repo.parties(tx, caseId);
      const next = parties.find((p) => p.status === 'waiting');
      if (locked.signing_order === 'sequential' && next && parties.every((p) => p.position >= next.position || p.stamped_at)) {
        await sendLink(tx, deps, locked, next, baseUrl, false);
      }
      if (!parties.every((p) => p.status === 'signed' && p.stamped_at)) return;
      // A signature cannot be taken back, so the parties sealed above are the parties now.
      if (seal) await finishCase(tx, deps, locked, seal, baseUrl);
      else await enqueueSealJob(tx, caseId, baseUrl);
    });
  });
}

/** Stamping for a case: one waiting job per case, so signatures arriving together are stamped in one pass. */
export const stampJob = (caseId: string, baseUrl: string): QueuedJob => ({ kind: STAMP_JOB, payload: { caseId, baseUrl }, options: { dedupeKey: `stamp:${caseId}` } });
export const sealJob = (caseId: string, baseUrl: string): QueuedJob => ({ kind: SEAL_JOB, payload: { caseId, baseUrl }, options: { dedupeKey: `seal:${caseId}` } });
const enqueueSealJob = (tx: Sql, caseId: string, baseUrl: string) => {
  const job = sealJob(caseId, baseUrl);
  return enqueue(tx, job.kind, job.payload, job.options);
};

/** Audit page, PKCS#7 seal, final hash, the completed event and the final mail to everyone — one commit. */
export async function sealCase(deps: SigningDeps, job: Job<CasePayload>, run: JobRun): Promise<void> {
  const { caseId, baseUrl } = job.payload;
  await untilSettled(async () => {
    const c = await repo.getCase(deps.sql, caseId);
    if (!c || c.status !== 'open') return; // sealed already (or closed another way)
    const parties = await repo.parties(deps.sql, caseId);
    if (!parties.every((p) => p.status === 'signed' && p.stamped_at)) return;
    const current = await repo.getPdf(deps.sql, caseId, 'current_pdf');
    if (!current) return;
    const seal = await renderSeal(deps, c, parties, current);
    const startedFrom = sha256(current);
    await run.complete(async (tx) => {
      const locked = await repo.lockCase(tx, caseId);
      if (!locked || locked.status !== 'open') return;
      if ((await currentHash(tx, caseId)) !== startedFrom) throw new DocumentMoved();
      await finishCase(tx, deps, locked, seal, baseUrl);
    });
  });
}

/** The audit page and the seal over `pdf`, for a case whose parties have all signed (outside any transaction). */
async function renderSeal(deps: SigningDeps, c: CaseRow, parties: PartyRow[], pdf: Uint8Array): Promise<SealResult> {
  const readings = await readingRecords(deps.sql, c.id);
  const verifications = await partyVerifications(deps.sql, c.id);
  const { appendAuditPage, sealWithTimestamp } = await pdfEngine();
  const withAudit = await appendAuditPage(pdf, {
    caseNumber: c.case_number,
    title: c.title,
    originalSha256: c.document_sha256 ?? undefined,
    entries: parties.map((p) => auditEntry(c, p, readings.get(p.id), verifications.get(p.id))),
  });
  // Asked of the TSA here, outside any transaction; when it is down the seal goes out without
  // a time-stamp and a timestamp job adds it later (the signed bytes do not change).
  return sealWithTimestamp(withAudit.bytes, deps.cert, { reason: `${c.title} ${c.case_number} 各方签署完成`, name: 'Handover Kit 工作交接' }, deps.tsa);
}

async function finishCase(tx: Sql, deps: SigningDeps, c: CaseRow, seal: SealResult, baseUrl: string) {
  const sealed = seal.pdf;
  const finalSha = sha256(sealed);
  const now = nowOf(deps);
  await repo.updateCase(tx, c.id, { status: 'completed', final_pdf: sealed, final_sha256: finalSha, completed_at: now });
  await recordSealTimestamp(tx, c.id, seal, now);
  if (seal.pending) await enqueueTimestampJob(tx, c.id);
  await repo.addEvent(tx, c.id, null, 'completed', { finalSha256: finalSha });
  await robotsHear(tx, completedNotice(c), now);
  if (c.process_id) await deps.onProcessCaseClosed?.(tx, { ...c, status: 'completed' }, { kind: 'completed' });
  failpoint('seal-before-commit');
  const parties = await repo.parties(tx, c.id);
  // Staff lists can be long: an acknowledgment's final record goes to HR, not to everyone.
  const recipients = new Set([...(c.kind === 'acknowledgment' ? [] : parties.map((p) => p.email)), c.sender_email, ...(c.archive_email ? [c.archive_email] : [])]);
  for (const to of recipients) await repo.queueMail(tx, c.id, completedMail(summary(c), to, `${baseUrl}/verify/`));
}

/** The job kinds of signing, bound to their dependencies: what a worker runs. */
export function signingJobs(deps: SigningDeps): JobKinds {
  return {
    [STAMP_JOB]: { handle: (job: Job<CasePayload>, run: JobRun) => stampSignatures(deps, job, run), leaseSeconds: 120 },
    [SEAL_JOB]: { handle: (job: Job<CasePayload>, run: JobRun) => sealCase(deps, job, run), leaseSeconds: 120 },
    [PREPARE_JOB]: { handle: (job: Job<Parameters<typeof prepareCaseDocument>[1]['payload']>, run: JobRun) => prepareCaseDocument(deps, job, run), leaseSeconds: 120 },
    [TIMESTAMP_JOB]: { handle: async (job: Job<{ caseId: string }>) => void (await retryCaseTimestamp(deps, job.payload.caseId)), leaseSeconds: 60 },
  };
}
