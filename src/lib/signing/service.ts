import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FormDefinition } from '../form-definition.js';
import type { FormValues } from '../form-data.js';
import type { FormPdfResult, SignatureBox } from '../pdf/form-pdf.js';
import type { AuditEntry } from '../pdf/audit.js';
import type { SealCertificate } from '../pdf/seal.js';
import type { Sql } from '../store/sql.js';
import { repo, type CaseRow, type PartyRow } from '../store/repo.js';
import { refuse, SigningError } from './errors.js';
import type { ReadingRecord } from './requests.js';
import { issueSignLink, verifySignLink } from './links.js';
import { caseRobotDeliveries } from '../robots/deliveries.js';
import { caseRobotChoice, setCaseRobots } from '../robots/choice.js';
import type { RobotEvent } from '../robots/store.js';
import { ackCampaignNotice, completedNotice, returnedNotice, robotsHear, waitingNotice } from '../robots/notices.js';
import { ackRequestMail, completedMail, endedMail, questionMail, signRequestMail, type CaseSummary } from './mail.js';
import { pdfRenders } from '../pdf/render-limit.js';
import { signatureImageProblem } from '../signature-image.js';
import { beijingDate, beijingTime, ZONE_LABEL } from '../time-format.js';
import { ROLE_LABEL, STAGE_INFO, type Stage } from '../process/roles.js';
import { ackUrl } from '../campaigns/links.js';
import { campaignStore } from '../campaigns/store.js';

/** Loaded on first use: viewing a link or a status never needs the PDF engine (cold starts). */
const pdfEngine = () => import('./pdf-engine.js');

/**
 * The signing flow. Every state change and its event row are written in one transaction;
 * changes to one case take its row lock, so parties signing at the same instant are applied
 * one after the other and none is lost. Mail is queued in the same transaction and sent
 * afterwards from the outbox.
 */
export interface SigningDeps {
  sql: Sql;
  secret: Uint8Array;
  cert: SealCertificate;
  /** Lifetime of a signing link. */
  ttlDays: number;
  now?: () => Date;
  /**
   * Called inside the transaction that completes or declines a case that belongs to a
   * customer-handover process, so the process moves on (or back) atomically with it.
   */
  onProcessCaseClosed?: (tx: Sql, c: CaseRow, outcome: { kind: 'completed' } | { kind: 'declined'; by: PartyRow; reason: string }) => Promise<void>;
}

/**
 * Crash-testing hook: HANDOVER_FAILPOINT names a point at which the process kills itself
 * (SIGKILL, no clean-up), so tests can prove a half-done signature leaves nothing behind.
 */
function failpoint(name: 'sign-before-commit' | 'finalize-before-commit') {
  if (process.env.HANDOVER_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const newId = () => randomBytes(9).toString('base64url');
const nowOf = (d: SigningDeps) => d.now?.() ?? new Date();
/**
 * A document of a customer-handover process is never declined for good: a signer sends it
 * back to the stage's owner (移交人 for most stages), who corrects it and submits it again
 * while the process goes on. This names that owner, with their name when `parties` has it.
 */
function returnsTo(c: CaseRow, parties?: PartyRow[]): string | null {
  const info = c.process_id && c.process_stage ? STAGE_INFO[c.process_stage as Stage] : undefined;
  if (!info) return null;
  const label = ROLE_LABEL[info.owner];
  const who = parties?.find((p) => p.role === label);
  return who ? `${label} ${who.name}` : label;
}
const summary = (c: CaseRow): CaseSummary => ({ title: c.title, caseNumber: c.case_number, company: c.company, senderName: c.sender_name, returnsTo: returnsTo(c), acknowledgment: c.kind === 'acknowledgment' });
const signUrl = (base: string, caseId: string, token: string) => `${base}/sign/?c=${encodeURIComponent(caseId)}#t=${token}`;

/** A just-inserted party: nothing sent, nothing signed yet. */
function freshParty(p: Pick<PartyRow, 'id' | 'case_id' | 'position' | 'role' | 'name' | 'email' | 'status'> & { department?: string | null }): PartyRow {
  return {
    token_jti: null, token_expires_at: null, last_sent_at: null, reminders: 0, signed_at: null, signature_kind: null, signed_name: null,
    ip: null, user_agent: null, doc_sha256_signed: null, decline_reason: null, ...p, department: p.department ?? null,
  };
}

function newCaseNumber(now: Date): string {
  const ymd = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `HJ-${ymd}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

export interface CreateCaseInput {
  definition: FormDefinition;
  values: FormValues;
  company?: string;
  caseNumber?: string;
  sender: { name: string; email: string };
  parties: Array<{ name: string; email: string }>;
  archiveEmail?: string;
  baseUrl: string;
}

/** Sends (queues) a signing link to one party: new token, old one revoked. */
async function sendLink(tx: Sql, deps: SigningDeps, c: CaseRow, party: PartyRow, baseUrl: string, reminder: boolean) {
  const now = nowOf(deps);
  const { token, jti, expiresAt } = await issueSignLink(deps.secret, { caseId: c.id, partyId: party.id, documentSha256: c.document_sha256 }, deps.ttlDays, now);
  await repo.updateParty(tx, party.id, {
    status: party.status === 'waiting' ? 'sent' : party.status,
    token_jti: jti,
    token_expires_at: expiresAt,
    last_sent_at: now,
    reminders: reminder ? party.reminders + 1 : party.reminders,
  });
  const url = (c.kind === 'acknowledgment' ? ackUrl : signUrl)(baseUrl, c.id, token);
  await repo.queueMail(tx, c.id, c.kind === 'acknowledgment' ? ackRequestMail(summary(c), party, url, expiresAt, reminder) : signRequestMail(summary(c), party, url, expiresAt, reminder));
  await repo.addEvent(tx, c.id, party.id, reminder ? 'reminded' : 'sent', { to: party.email });
  if (!reminder) await robotsHear(tx, waitingNotice(c, party, expiresAt), now);
}

export interface PreparedCase {
  input: CreateCaseInput;
  caseId: string;
  caseNumber: string;
  manageKey: string;
  pdf: FormPdfResult;
}

/** The slow part of opening a case (the PDF), done before any transaction. */
export async function prepareCase(deps: SigningDeps, input: CreateCaseInput): Promise<PreparedCase> {
  const { definition } = input;
  if (input.parties.length !== definition.signing.parties.length) {
    throw new SigningError('parties', `这张表单需要 ${definition.signing.parties.length} 位签署人，收到 ${input.parties.length} 位。`, 422);
  }
  const now = nowOf(deps);
  const caseNumber = input.caseNumber || newCaseNumber(now);
  const { renderFormPdf } = await pdfEngine();
  const pdf = await renderFormPdf({ definition, values: input.values, company: input.company, caseNumber, createdAt: now });
  return { input, caseId: newId(), caseNumber, manageKey: randomBytes(24).toString('base64url'), pdf };
}

/** Stores a prepared case and sends the first link(s), in the caller's transaction. */
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
    document_sha256: sha256(pdf.bytes),
    original_pdf: pdf.bytes,
    current_pdf: pdf.bytes,
    signature_boxes: pdf.signatureBoxes,
    process_id: owner?.id ?? null,
    process_stage: owner?.stage ?? null,
  });
  await repo.addEvent(tx, caseId, null, 'created', { form: definition.id, parties: input.parties.length });
  const c = (await repo.getCase(tx, caseId))!;
  const parties: PartyRow[] = [];
  for (const [i, p] of input.parties.entries()) {
    const party = { id: newId(), case_id: caseId, position: i, role: definition.signing.parties[i].label ?? definition.signing.parties[i].role, name: p.name, email: p.email, status: 'waiting' as const };
    await repo.insertParty(tx, party);
    parties.push(freshParty(party));
  }
  // Sequential: only the first party now; parallel: everyone at once.
  for (const p of definition.signing.order === 'sequential' ? parties.slice(0, 1) : parties) await sendLink(tx, deps, c, p, input.baseUrl, false);
}

export async function createCase(deps: SigningDeps, input: CreateCaseInput): Promise<{ caseId: string; caseNumber: string; manageUrl: string }> {
  const prepared = await pdfRenders.run(() => prepareCase(deps, input));
  await deps.sql.transaction((tx) => insertPreparedCase(tx, deps, prepared));
  return { caseId: prepared.caseId, caseNumber: prepared.caseNumber, manageUrl: `${input.baseUrl}/manage/?c=${encodeURIComponent(prepared.caseId)}#k=${prepared.manageKey}` };
}

interface Authorized {
  c: CaseRow;
  parties: PartyRow[];
  party: PartyRow;
}

/** Verifies the link and checks it against the stored party: the record, not the JWT, decides. */
async function authorize(tx: Sql, deps: SigningDeps, caseId: string, token: string, lock: boolean): Promise<Authorized> {
  const claims = await verifySignLink(deps.secret, token, nowOf(deps));
  if (claims.caseId !== caseId) throw refuse.otherCase();
  const c = lock ? await repo.lockCase(tx, caseId) : await repo.getCase(tx, caseId);
  if (!c) throw refuse.notFound();
  if (claims.documentSha256 !== c.document_sha256) throw refuse.documentChanged();
  const parties = await repo.parties(tx, caseId);
  const party = parties.find((p) => p.id === claims.partyId);
  if (!party) throw refuse.otherCase();
  if (party.token_jti !== claims.jti) throw refuse.revoked();
  return { c, parties, party };
}

/** A party may still act (sign or decline): the case is open and they have not signed. */
function assertPartyCanAct(c: CaseRow, parties: PartyRow[], party: PartyRow) {
  assertCaseOpen(c, parties);
  if (party.status === 'signed') throw refuse.alreadySigned();
  if (c.status === 'completed') throw refuse.completed();
}

function assertCaseOpen(c: CaseRow, parties: PartyRow[]) {
  if (c.status === 'cancelled') throw refuse.cancelled();
  if (c.status === 'declined') {
    const who = parties.find((p) => p.status === 'declined');
    const owner = returnsTo(c, parties);
    if (owner) throw refuse.returned(who ? `${who.role} ${who.name} ` : '有人', owner);
    throw refuse.declined(who ? `${who.role} ${who.name} ` : '有人');
  }
}

export interface PartyView {
  kind: CaseRow['kind'];
  caseNumber: string;
  title: string;
  company: string | null;
  senderName: string;
  status: CaseRow['status'];
  order: CaseRow['signing_order'];
  you: { role: string; name: string; status: PartyRow['status'] };
  parties: Array<{ role: string; name: string; status: PartyRow['status']; signedAt: string | null }>;
  canSign: boolean;
  /** Why the party cannot sign now (already signed, waiting for someone …). */
  notice: string | null;
  /** A process document: sent back to this person (“移交人 欧阳明远”) for correction instead of declined. */
  returnsTo: string | null;
}

function toView(c: CaseRow, parties: PartyRow[], party: PartyRow): PartyView {
  let notice: string | null = null;
  let canSign = false;
  if (c.kind === 'acknowledgment' && party.status === 'signed') notice = '您已确认“已阅读并同意”，谢谢。';
  else if (c.status === 'completed') notice = '所有人都已签署完毕，可以下载最终文件。';
  else if (party.status === 'signed') notice = '您已签署，下面是您签署后的文件（只读）。';
  else {
    const before = parties.find((p) => p.position < party.position && p.status !== 'signed');
    if (c.signing_order === 'sequential' && before) notice = `还没轮到您签署：请等${before.role}签署后，系统会自动发邮件通知您。`;
    else canSign = true;
  }
  // Staff acknowledging a policy see their own line only, not the whole staff list.
  const shown = c.kind === 'acknowledgment' ? [party] : parties;
  return {
    kind: c.kind,
    caseNumber: c.case_number,
    title: c.title,
    company: c.company,
    senderName: c.sender_name,
    status: c.status,
    order: c.signing_order,
    you: { role: party.role, name: party.name, status: party.status },
    parties: shown.map((p) => ({ role: p.role, name: p.name, status: p.status, signedAt: p.signed_at ? new Date(p.signed_at).toISOString() : null })),
    canSign,
    notice,
    returnsTo: returnsTo(c, parties),
  };
}

export async function viewAsParty(deps: SigningDeps, caseId: string, token: string): Promise<PartyView> {
  return deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, caseId, token, false);
    assertCaseOpen(c, parties);
    if (party.status === 'sent') {
      await repo.updateParty(tx, party.id, { status: 'viewed' });
      await repo.addEvent(tx, caseId, party.id, 'viewed');
      party.status = 'viewed';
    }
    return toView(c, parties, party);
  });
}

/**
 * The document as the party may see it: the final PDF once complete, else the current one.
 * An employee who has acknowledged a policy gets their own copy instead — the policy and
 * their confirmation only — never the final record, whose audit page lists every
 * colleague's email, IP and browser (that is HR's, through the management link).
 */
export async function documentForParty(deps: SigningDeps, caseId: string, token: string): Promise<{ pdf: Uint8Array; final: boolean; caseNumber: string; title: string }> {
  const found = await deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, caseId, token, false);
    assertCaseOpen(c, parties);
    if (c.kind === 'acknowledgment' && party.status === 'signed') {
      return { c, party, pdf: await repo.getPdf(tx, caseId, 'original_pdf'), own: true, reading: (await readingRecords(tx, caseId)).get(party.id) };
    }
    const final = c.status === 'completed';
    return { c, party, pdf: await repo.getPdf(tx, caseId, final ? 'final_pdf' : 'current_pdf'), own: false, reading: undefined };
  });
  const { c, party } = found;
  if (!found.pdf?.length) throw new SigningError('purged', '该文件已按数据保留期限清除。', 410);
  if (!found.own) return { pdf: found.pdf, final: c.status === 'completed', caseNumber: c.case_number, title: c.title };
  const pdf = await pdfRenders.run(() => ownCopy(deps, c, party, found.pdf!, found.reading));
  await deps.sql.query('INSERT INTO issued_copies (sha256, case_id, party_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [sha256(pdf), c.id, party.id]);
  return { pdf, final: true, caseNumber: c.case_number, title: c.title };
}

/**
 * The brush font (Ma Shan Zheng, 5.7 MB whole) cut to the characters of a typed name, so the
 * signing page previews the typed signature as it will be stamped. Only for a valid link.
 */
export async function signatureFontForParty(deps: SigningDeps, caseId: string, token: string, text: string): Promise<Uint8Array> {
  await deps.sql.transaction(async (tx) => {
    const { c, parties } = await authorize(tx, deps, caseId, token, false);
    assertCaseOpen(c, parties);
  });
  const { fontSubset } = await import('../pdf/fonts.js');
  return fontSubset('signature', text);
}

/** The reading record each party's signature carried (from the 'signed' events), by party id. */
async function readingRecords(tx: Sql, caseId: string): Promise<Map<string, ReadingRecord>> {
  const rows = await tx.query<{ party_id: string; detail: { reading?: ReadingRecord } | string }>(
    "SELECT party_id, detail FROM events WHERE case_id = $1 AND type = 'signed' ORDER BY id",
    [caseId],
  );
  const out = new Map<string, ReadingRecord>();
  for (const r of rows) {
    const detail = typeof r.detail === 'string' ? (JSON.parse(r.detail) as { reading?: ReadingRecord }) : r.detail;
    if (detail?.reading) out.set(r.party_id, detail.reading);
  }
  return out;
}

/** How the page says what was read: 已阅读全部 3 页，用时 2 分 5 秒 (or 翻阅 2/3 页 when the last page was reached by paging). */
export function readingText(r: ReadingRecord): string {
  const pages = r.pagesViewed >= r.pageCount ? `已阅读全部 ${r.pageCount} 页` : `已翻阅 ${r.pagesViewed}/${r.pageCount} 页`;
  const time = r.seconds >= 60 ? `${Math.floor(r.seconds / 60)} 分 ${r.seconds % 60} 秒` : `${r.seconds} 秒`;
  return `${pages}，用时 ${time}`;
}

/** One party's line of an audit page. */
function auditEntry(c: Pick<CaseRow, 'kind'>, p: PartyRow, reading?: ReadingRecord): AuditEntry {
  const read = reading ? `；${readingText(reading)}` : '';
  return {
    name: p.name,
    email: p.email,
    role: p.role,
    action:
      c.kind === 'acknowledgment'
        ? `已阅读并同意（${p.signed_name ?? ''}${p.department ? `，${p.department}` : ''}${read}）`
        : p.signature_kind === 'drawn'
          ? `已签署（手写签名${read}）`
          : `已签署（输入姓名：${p.signed_name ?? ''}${read}）`,
    time: p.signed_at ? `${beijingTime(p.signed_at)}（${ZONE_LABEL}）` : '',
    ip: p.ip ?? '',
    userAgent: p.user_agent ?? '',
    documentSha256: p.doc_sha256_signed ?? '',
  };
}

/**
 * An employee's copy of a policy they acknowledged: the policy as issued, an audit page with
 * their own confirmation, sealed as of their confirmation (the same bytes every time for the
 * same certificate), and recorded so /verify/ recognises it.
 */
async function ownCopy(deps: SigningDeps, c: CaseRow, party: PartyRow, policy: Uint8Array, reading?: ReadingRecord): Promise<Uint8Array> {
  const { appendAuditPage, sealPdf } = await pdfEngine();
  const withAudit = await appendAuditPage(policy, {
    caseNumber: c.case_number,
    title: c.title,
    originalSha256: c.document_sha256,
    entries: [auditEntry(c, party, reading)],
    note: '这是您本人的确认回执：只列出您自己的确认记录；全体员工的确认记录由发起人（HR）存档。',
  });
  const at = party.signed_at ? new Date(party.signed_at) : nowOf(deps);
  return sealPdf(withAudit.bytes, deps.cert, { reason: `${c.title} ${c.case_number} ${party.name} 已阅读并同意`, name: 'Handover Kit 工作交接', signingTime: at });
}

export type SignatureInput = { kind: 'typed'; text: string } | { kind: 'drawn'; png: Uint8Array };

export async function signAsParty(
  deps: SigningDeps,
  input: { caseId: string; token: string; signature: SignatureInput; ip: string; userAgent: string; baseUrl: string; reading?: ReadingRecord },
): Promise<PartyView> {
  return deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, input.caseId, input.token, true);
    assertPartyCanAct(c, parties, party);
    const before = parties.find((p) => p.position < party.position && p.status !== 'signed');
    if (c.signing_order === 'sequential' && before) throw refuse.notYourTurn(before.role);
    // The image's size from its header, before pdf-lib decodes it (a small PNG can decode to gigabytes).
    const imageProblem = input.signature.kind === 'drawn' ? signatureImageProblem(input.signature.png) : null;
    if (imageProblem) throw new SigningError('signature-too-large', imageProblem, 422);

    const now = nowOf(deps);
    const current = c.current_pdf;
    const docHash = sha256(current);
    const box = (c.signature_boxes as SignatureBox[])[party.position];
    const date = beijingDate(now);
    // A policy acknowledgment is recorded, not stamped: the document stays as issued.
    const stamped =
      c.kind === 'acknowledgment'
        ? { bytes: current }
        : await (await pdfEngine()).stampSignature(
            current,
            box,
            input.signature.kind === 'typed' ? { kind: 'typed', name: input.signature.text, date } : { kind: 'image', png: input.signature.png, name: party.name, date },
          );
    if (c.kind !== 'acknowledgment') await repo.updateCase(tx, c.id, { current_pdf: stamped.bytes });
    await repo.updateParty(tx, party.id, {
      status: 'signed',
      signed_at: now,
      signature_kind: input.signature.kind,
      signed_name: input.signature.kind === 'typed' ? input.signature.text : party.name,
      ip: input.ip.slice(0, 64),
      user_agent: input.userAgent.slice(0, 300),
      doc_sha256_signed: docHash,
    });
    await repo.addEvent(tx, c.id, party.id, 'signed', { kind: input.signature.kind, docSha256: docHash, ...(input.reading ? { reading: input.reading } : {}) });
    party.status = 'signed';
    party.signed_at = now;

    const next = parties.find((p) => p.status === 'waiting');
    if (c.signing_order === 'sequential' && next) await sendLink(tx, deps, c, next, input.baseUrl, false);
    if (parties.every((p) => p.status === 'signed')) await finalize(tx, deps, { ...c, current_pdf: stamped.bytes }, input.baseUrl);
    else failpoint('sign-before-commit');
    const after = (await repo.getCase(tx, c.id))!;
    return toView(after, await repo.parties(tx, c.id), party);
  });
}

/** Audit page, PKCS#7 seal, final hash, and the final mail to everyone — inside the signing transaction. */
async function finalize(tx: Sql, deps: SigningDeps, c: CaseRow, baseUrl: string) {
  const parties = await repo.parties(tx, c.id);
  const readings = await readingRecords(tx, c.id);
  const { appendAuditPage, sealPdf } = await pdfEngine();
  const withAudit = await appendAuditPage(c.current_pdf, {
    caseNumber: c.case_number,
    title: c.title,
    originalSha256: c.document_sha256,
    entries: parties.map((p) => auditEntry(c, p, readings.get(p.id))),
  });
  const sealed = await sealPdf(withAudit.bytes, deps.cert, { reason: `${c.title} ${c.case_number} 各方签署完成`, name: 'Handover Kit 工作交接' });
  const finalSha = sha256(sealed);
  const now = nowOf(deps);
  await repo.updateCase(tx, c.id, { status: 'completed', final_pdf: sealed, final_sha256: finalSha, completed_at: now });
  await repo.addEvent(tx, c.id, null, 'completed', { finalSha256: finalSha });
  await robotsHear(tx, completedNotice(c), now);
  if (c.process_id) await deps.onProcessCaseClosed?.(tx, { ...c, status: 'completed' }, { kind: 'completed' });
  failpoint('finalize-before-commit');
  // Staff lists can be long: an acknowledgment's final record goes to HR, not to everyone.
  const recipients = new Set([...(c.kind === 'acknowledgment' ? [] : parties.map((p) => p.email)), c.sender_email, ...(c.archive_email ? [c.archive_email] : [])]);
  for (const to of recipients) await repo.queueMail(tx, c.id, completedMail(summary(c), to, `${baseUrl}/verify/`));
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

/* ---------- management (holder of the manage link) ---------- */

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
      order: c.signing_order,
      /** A process document goes back for correction: the page says 退回修改, not 拒签. */
      returnsTo: returnsTo(c, parties),
      createdAt: new Date(c.created_at).toISOString(),
      finalSha256: c.final_sha256,
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
    for (const p of pending) await sendLink(tx, deps, c, p, input.baseUrl, true);
    return pending.length;
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
    });
    await repo.addEvent(tx, caseId, null, 'created', { staff: input.staff.length });
    await campaignStore.record(tx, caseId, input.publishedVersionId, pdf.pageCount);
    const c = (await repo.getCase(tx, caseId))!;
    for (const [i, st] of input.staff.entries()) {
      const party = { id: newId(), case_id: caseId, position: i, role: '员工', name: st.name, email: st.email, status: 'waiting' as const, department: st.department ?? null };
      await repo.insertParty(tx, party);
      await sendLink(tx, deps, c, freshParty(party), input.baseUrl, false);
    }
    await robotsHear(tx, ackCampaignNotice(c, input.staff.length, deps.ttlDays), now);
  });
  return { caseId, caseNumber, manageUrl: `${input.baseUrl}/manage/?c=${encodeURIComponent(caseId)}#k=${manageKey}` };
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
  for (const p of parties.filter((x) => x.status !== 'waiting')) {
    await repo.queueMail(tx, c.id, endedMail(summary(c), p.email, 'cancelled', `发起人已${c.kind === 'acknowledgment' ? '撤回这份制度确认' : '撤销这份交接'}${reason ? `，原因：${reason}` : ''}。`));
  }
}

export async function managerDocument(deps: SigningDeps, caseId: string, key: string, which: 'current' | 'final') {
  return deps.sql.transaction(async (tx) => caseDocument(tx, await authorizeManager(tx, caseId, key, false), which));
}

/** A case's current or final PDF (already authorized); purged and not-yet-final get clear refusals. */
export async function caseDocument(tx: Sql, c: Pick<CaseRow, 'id' | 'status' | 'case_number' | 'title'>, which: 'current' | 'final') {
  const pdf = await repo.getPdf(tx, c.id, which === 'final' ? 'final_pdf' : 'current_pdf');
  if (pdf && pdf.length === 0) throw new SigningError('purged', '该文件已按数据保留期限清除。', 410);
  if (!pdf) throw new SigningError(c.status === 'completed' ? 'purged' : 'no-final', c.status === 'completed' ? '该文件已按数据保留期限清除。' : '还没有最终文件：所有人签署后才会生成。', c.status === 'completed' ? 410 : 404);
  return { pdf, caseNumber: c.case_number, title: c.title };
}

/** Is this exactly a final PDF (or an employee's own copy) issued here? Byte-for-byte, by SHA-256. */
export async function verifyDocument(deps: SigningDeps, pdf: Uint8Array) {
  const hash = sha256(pdf);
  const c = await repo.findCaseByFinalHash(deps.sql, hash);
  if (c) return { valid: true as const, sha256: hash, caseNumber: c.case_number, title: c.title, company: c.company, completedAt: c.completed_at ? new Date(c.completed_at).toISOString() : null };
  const [copy] = await deps.sql.query<{ case_number: string; title: string; company: string | null; name: string; signed_at: Date | null }>(
    `SELECT c.case_number, c.title, c.company, p.name, p.signed_at FROM issued_copies i JOIN cases c ON c.id = i.case_id JOIN parties p ON p.id = i.party_id WHERE i.sha256 = $1`,
    [hash],
  );
  return copy
    ? { valid: true as const, sha256: hash, caseNumber: copy.case_number, title: copy.title, company: copy.company, completedAt: copy.signed_at ? new Date(copy.signed_at).toISOString() : null, copyOf: copy.name }
    : { valid: false as const, sha256: hash };
}

/** Automatic reminders: first after `firstDays`, then every `everyDays`, until the link would expire. */
export async function sendDueReminders(deps: SigningDeps, baseUrl: string, firstDays = 3, everyDays = 2): Promise<number> {
  const now = nowOf(deps);
  const due = await deps.sql.query<{ id: string; case_id: string }>(
    `SELECT p.id, p.case_id FROM parties p JOIN cases c ON c.id = p.case_id
     WHERE c.status = 'open' AND p.status IN ('sent', 'viewed')
       AND p.last_sent_at <= $1::timestamptz - make_interval(days => CASE WHEN p.reminders = 0 THEN $2::int ELSE $3::int END)
       AND c.created_at > $1::timestamptz - make_interval(days => $4::int)`,
    [now, firstDays, everyDays, deps.ttlDays],
  );
  for (const p of due) {
    await deps.sql.transaction(async (tx) => {
      const c = await repo.lockCase(tx, p.case_id);
      const party = (await repo.parties(tx, p.case_id)).find((x) => x.id === p.id);
      if (c && party && c.status === 'open' && (party.status === 'sent' || party.status === 'viewed')) await sendLink(tx, deps, c, party, baseUrl, true);
    });
  }
  return due.length;
}

/**
 * Retention: closed cases (completed, declined, cancelled) older than `days` lose their
 * customer data — the filled values and the working PDFs, and the signed PDF too unless
 * `keepFinal` (the archive copy). The case row, parties and event log stay as the record.
 */
export async function purgeClosedCases(deps: SigningDeps, options: { days: number; keepFinal: boolean }): Promise<number> {
  const cutoff = new Date(nowOf(deps).getTime() - options.days * 86_400_000);
  const due = await deps.sql.query<{ id: string }>(
    `SELECT c.id FROM cases c WHERE c.status <> 'open' AND c.purged_at IS NULL
       AND (SELECT max(e.at) FROM events e WHERE e.case_id = c.id) < $1`,
    [cutoff],
  );
  for (const { id } of due) {
    await deps.sql.transaction(async (tx) => {
      await tx.query(
        `UPDATE cases SET values_json = '{}'::jsonb, original_pdf = ''::bytea, current_pdf = ''::bytea, purged_at = $2
           ${options.keepFinal ? '' : ', final_pdf = NULL'} WHERE id = $1 AND purged_at IS NULL`,
        [id, nowOf(deps)],
      );
      await tx.query(`UPDATE outbox SET text_body = '', html_body = '' WHERE case_id = $1`, [id]);
      await tx.query(`UPDATE events SET detail = detail - 'text' WHERE case_id = $1 AND type = 'question'`, [id]);
      await repo.addEvent(tx, id, null, 'purged', { keptFinal: options.keepFinal });
    });
  }
  return due.length;
}
