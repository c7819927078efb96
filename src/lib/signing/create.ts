import { randomBytes } from 'node:crypto';
import type { FormDefinition } from '../form-definition.js';
import type { FormValues } from '../form-data.js';
import type { FormPdfResult } from '../pdf/form-pdf.js';
import type { Sql } from '../store/sql.js';
import { repo } from '../store/repo.js';
import { enqueue, type Job, type JobRun } from '../jobs/index.js';
import { SigningError } from './errors.js';
import { ackCampaignNotice, robotsHear } from '../robots/notices.js';
import { pdfRenders } from '../pdf/render-limit.js';
import { setPartyPhones, type VerificationMethod } from './verification/codes.js';
import { campaignStore } from '../campaigns/store.js';
import { freshParty, newCaseNumber, newId, nowOf, pdfEngine, sendLinks, sha256, type SigningDeps } from './common.js';

/** Opening a case: a filled checklist to be signed by its parties, or a policy for staff to acknowledge. */
export interface CreateCaseInput {
  definition: FormDefinition;
  values: FormValues;
  company?: string;
  caseNumber?: string;
  sender: { name: string; email: string };
  parties: Array<{ name: string; email: string; phone?: string }>;
  archiveEmail?: string;
  baseUrl: string;
  /** A code before signing (the sender's choice); unset: none, or the process setting for a process document. */
  verification?: VerificationMethod;
}

export interface PreparedCase {
  input: CreateCaseInput;
  caseId: string;
  caseNumber: string;
  manageKey: string;
  /** Null: stored first, rendered by the signing.prepare job (a checklist sent from the site). */
  pdf: FormPdfResult | null;
}

function checkParties(input: CreateCaseInput) {
  const { definition } = input;
  if (input.parties.length !== definition.signing.parties.length) {
    throw new SigningError('parties', `这张表单需要 ${definition.signing.parties.length} 位签署人，收到 ${input.parties.length} 位。`, 422);
  }
}

/** The slow part of opening a case (the PDF), done before any transaction. */
export async function prepareCase(deps: SigningDeps, input: CreateCaseInput): Promise<PreparedCase> {
  checkParties(input);
  const now = nowOf(deps);
  const caseNumber = input.caseNumber || newCaseNumber(now);
  const { renderFormPdf } = await pdfEngine();
  const pdf = await renderFormPdf({ definition: input.definition, values: input.values, company: input.company, caseNumber, createdAt: now });
  return { input, caseId: newId(), caseNumber, manageKey: randomBytes(24).toString('base64url'), pdf };
}

/** Stores a case and — once it has its document — sends the first link(s), in the caller's transaction. */
export async function insertPreparedCase(tx: Sql, deps: SigningDeps, prepared: PreparedCase, owner?: { id: string; stage: string }) {
  const { input, caseId, caseNumber, pdf } = prepared;
  const { definition } = input;
  await repo.insertCase(tx, {
    id: caseId,
    form_id: definition.id,
    title: definition.title,
    company: input.company ?? null,
    case_number: caseNumber,
    values_json: input.values,
    signing_order: definition.signing.order,
    sender_name: input.sender.name,
    sender_email: input.sender.email,
    archive_email: input.archiveEmail ?? null,
    manage_key_hash: sha256(Buffer.from(prepared.manageKey)),
    document_sha256: pdf ? sha256(pdf.bytes) : null,
    original_pdf: pdf?.bytes ?? null,
    current_pdf: pdf?.bytes ?? null,
    signature_boxes: pdf?.signatureBoxes ?? null,
    process_id: owner?.id ?? null,
    process_stage: owner?.stage ?? null,
    verification: input.verification ?? (owner ? deps.verification?.process : undefined) ?? 'none',
  });
  await repo.addEvent(tx, caseId, null, 'created', { form: definition.id, parties: input.parties.length });
  await repo.insertParties(
    tx,
    input.parties.map((p, i) => ({ id: newId(), case_id: caseId, position: i, role: definition.signing.parties[i].label ?? definition.signing.parties[i].role, name: p.name, email: p.email, status: 'waiting' as const })),
  );
  await setPartyPhones(tx, caseId, input.parties.map((p) => p.phone));
  if (pdf) await sendFirstLinks(tx, deps, caseId, input.baseUrl);
}

/** Sequential: only the first party now; parallel: everyone at once. */
async function sendFirstLinks(tx: Sql, deps: SigningDeps, caseId: string, baseUrl: string) {
  const { c, parties } = (await repo.caseWithParties(tx, caseId, false))!;
  await sendLinks(tx, deps, c, c.signing_order === 'sequential' ? parties.slice(0, 1) : parties, baseUrl, false);
}

export const PREPARE_JOB = 'signing.prepare';
interface PreparePayload {
  caseId: string;
  baseUrl: string;
  /** The form as it was when the case was sent (a later edit of the site's forms does not change it). */
  definition: FormDefinition;
  createdAt: string;
}

/**
 * Opens a checklist case: stored, and answered, at once; its PDF is rendered by a job
 * (prepareCaseDocument), which then mails the links. Fifty senders at once no longer wait for
 * fifty renders, and a render that fails is retried instead of losing the request.
 */
export async function createCase(deps: SigningDeps, input: CreateCaseInput): Promise<{ caseId: string; caseNumber: string; manageUrl: string }> {
  checkParties(input);
  const now = nowOf(deps);
  const prepared: PreparedCase = { input, caseId: newId(), caseNumber: input.caseNumber || newCaseNumber(now), manageKey: randomBytes(24).toString('base64url'), pdf: null };
  await deps.sql.transaction(async (tx) => {
    await insertPreparedCase(tx, deps, prepared);
    const payload: PreparePayload = { caseId: prepared.caseId, baseUrl: input.baseUrl, definition: input.definition, createdAt: now.toISOString() };
    await enqueue(tx, PREPARE_JOB, payload, { dedupeKey: `prepare:${prepared.caseId}` });
  });
  return { caseId: prepared.caseId, caseNumber: prepared.caseNumber, manageUrl: `${input.baseUrl}/manage/?c=${encodeURIComponent(prepared.caseId)}#k=${prepared.manageKey}` };
}

/** The signing.prepare job: renders the case's document, stores it and sends the first link(s), in one commit. */
export async function prepareCaseDocument(deps: SigningDeps, job: Job<PreparePayload>, run: JobRun): Promise<void> {
  const { caseId, baseUrl, definition, createdAt } = job.payload;
  const [row] = await deps.sql.query<{ values_json: FormValues; company: string | null; case_number: string; status: string; document_sha256: string | null }>(
    'SELECT values_json, company, case_number, status, document_sha256 FROM cases WHERE id = $1',
    [caseId],
  );
  if (!row || row.status !== 'open' || row.document_sha256) return;
  const { renderFormPdf } = await pdfEngine();
  const pdf = await pdfRenders.run(() => renderFormPdf({ definition, values: row.values_json, company: row.company ?? undefined, caseNumber: row.case_number, createdAt: new Date(createdAt) }));
  await run.complete(async (tx) => {
    const locked = await repo.lockCase(tx, caseId);
    // Cancelled meanwhile (nobody was mailed), or prepared by a worker that was faster.
    if (!locked || locked.status !== 'open' || locked.document_sha256) return;
    await repo.updateCase(tx, caseId, { document_sha256: sha256(pdf.bytes), original_pdf: pdf.bytes, current_pdf: pdf.bytes, signature_boxes: pdf.signatureBoxes });
    await sendFirstLinks(tx, deps, caseId, baseUrl);
  });
}

export interface AcknowledgmentInput {
  title: string;
  company?: string;
  /** The policy as published: Markdown with every variable filled. */
  markdown: string;
  staff: Array<{ name: string; email: string; department?: string }>;
  sender: { name: string; email: string };
  archiveEmail?: string;
  baseUrl: string;
  /** The policy library's published version it was sent from (stored and shown, nothing more). */
  publishedVersionId?: string;
}

/** Sends a customized policy to staff; each confirms 已阅读并同意 through their own link. */
export async function createAcknowledgment(deps: SigningDeps, input: AcknowledgmentInput) {
  const now = nowOf(deps);
  const caseId = newId();
  const caseNumber = newCaseNumber(now).replace(/^HJ/, 'ZD');
  const { renderPolicyPdf, markdownBlocks } = await pdfEngine();
  const pdf = await pdfRenders.run(() => renderPolicyPdf({ title: input.title, company: input.company, blocks: markdownBlocks(input.markdown), createdAt: now }));
  const manageKey = randomBytes(24).toString('base64url');
  await deps.sql.transaction(async (tx) => {
    await repo.insertCase(tx, {
      id: caseId, form_id: 'policy', title: input.title, company: input.company ?? null, case_number: caseNumber, values_json: { markdown: input.markdown },
      signing_order: 'parallel', sender_name: input.sender.name, sender_email: input.sender.email, archive_email: input.archiveEmail ?? null,
      manage_key_hash: sha256(Buffer.from(manageKey)), document_sha256: sha256(pdf.bytes), original_pdf: pdf.bytes, current_pdf: pdf.bytes, signature_boxes: [], kind: 'acknowledgment',
      verification: deps.verification?.acknowledgment ?? 'none',
    });
    await repo.addEvent(tx, caseId, null, 'created', { staff: input.staff.length });
    await campaignStore.record(tx, caseId, input.publishedVersionId, pdf.pageCount);
    const c = (await repo.getCase(tx, caseId))!;
    const staff = input.staff.map((st, i) => ({ id: newId(), case_id: caseId, position: i, role: '员工', name: st.name, email: st.email, status: 'waiting' as const, department: st.department ?? null }));
    await repo.insertParties(tx, staff);
    await sendLinks(tx, deps, c, staff.map(freshParty), input.baseUrl, false);
    await robotsHear(tx, ackCampaignNotice(c, input.staff.length, deps.ttlDays), now);
  });
  return { caseId, caseNumber, manageUrl: `${input.baseUrl}/manage/?c=${encodeURIComponent(caseId)}#k=${manageKey}` };
}

