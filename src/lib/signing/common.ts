import { createHash, randomBytes } from 'node:crypto';
import type { AuditEntry } from '../pdf/audit.js';
import type { SealCertificate } from '../pdf/seal.js';
import type { TsaClient } from '../pdf/timestamp.js';
import { verificationText, type VerificationDefaults } from './verification/codes.js';
import type { Sql } from '../store/sql.js';
import { repo, type CaseRow, type PartyRow } from '../store/repo.js';
import { refuse, SigningError } from './errors.js';
import type { ReadingRecord } from './requests.js';
import { issueSignLink, verifySignLink, type SignLinkClaims } from './links.js';
import { robotsHear, waitingNotice } from '../robots/notices.js';
import { ackRequestMail, signRequestMail, type CaseSummary } from './mail.js';
import { beijingTime, ZONE_LABEL } from '../time-format.js';
import { ROLE_LABEL, STAGE_INFO, type Stage } from '../process/roles.js';
import { ackUrl } from '../campaigns/links.js';

/**
 * What the signing use cases (create, sign, stamp and seal, manage, verify, reminders,
 * retention: one file each) share: their dependencies, links, authorization, audit lines.
 */
/** The PDF engine's functions (pdf-engine.ts), wherever they run. */
export type PdfEngine = typeof import('./pdf-engine.js');
let elsewhere: (() => Promise<PdfEngine>) | null = null;

/**
 * Loaded on first use: viewing a link or a status never needs the PDF engine (cold starts).
 * A long-running server runs it on worker threads instead (src/runtime/pdf-workers.ts), so
 * answers never wait behind a render and both cores render; a function or a test runs it here.
 */
export const pdfEngine = (): Promise<PdfEngine> => (elsewhere ? elsewhere() : import('./pdf-engine.js'));
export function runPdfEngineElsewhere(engine: (() => Promise<PdfEngine>) | null): void {
  elsewhere = engine;
}

/**
 * The signing flow. Every state change and its event row are written in one transaction;
 * changes to one case take its row lock, so parties signing at the same instant are applied
 * one after the other and none is lost. Slow work (stamping a signature into the PDF,
 * sealing, rendering a new case) is a job enqueued in that same transaction and run by the
 * job queue (src/lib/jobs/) after the answer; mail is queued the same way and sent from the
 * outbox.
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
  /** TSA_URL: the seal gets an RFC 3161 signature time-stamp (retried later when the TSA is down). */
  tsa?: TsaClient;
  /** Verification codes for acknowledgments and process documents (settings); a form case says its own. */
  verification?: VerificationDefaults;
}


export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const newId = () => randomBytes(9).toString('base64url');
export const nowOf = (d: SigningDeps) => d.now?.() ?? new Date();
/**
 * A document of a customer-handover process is never declined for good: a signer sends it
 * back to the stage's owner (移交人 for most stages), who corrects it and submits it again
 * while the process goes on. This names that owner, with their name when `parties` has it.
 */
export function returnsTo(c: CaseRow, parties?: PartyRow[]): string | null {
  const info = c.process_id && c.process_stage ? STAGE_INFO[c.process_stage as Stage] : undefined;
  if (!info) return null;
  const label = ROLE_LABEL[info.owner];
  const who = parties?.find((p) => p.role === label);
  return who ? `${label} ${who.name}` : label;
}
export const summary = (c: CaseRow): CaseSummary => ({ title: c.title, caseNumber: c.case_number, company: c.company, senderName: c.sender_name, returnsTo: returnsTo(c), acknowledgment: c.kind === 'acknowledgment' });
export const signUrl = (base: string, caseId: string, token: string) => `${base}/sign/?c=${encodeURIComponent(caseId)}#t=${token}`;

/** A just-inserted party: nothing sent, nothing signed yet. */
export function freshParty(p: Pick<PartyRow, 'id' | 'case_id' | 'position' | 'role' | 'name' | 'email' | 'status'> & { department?: string | null }): PartyRow {
  return {
    token_jti: null, token_expires_at: null, last_sent_at: null, reminders: 0, signed_at: null, signature_kind: null, signed_name: null,
    ip: null, user_agent: null, doc_sha256_signed: null, decline_reason: null, stamped_at: null, ...p, department: p.department ?? null,
  };
}

export function newCaseNumber(now: Date): string {
  const ymd = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `HJ-${ymd}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** The document a link is bound to. A case still being prepared has none yet, so nobody can be sent a link. */
export function preparedDocument(c: Pick<CaseRow, 'document_sha256'>): string {
  if (!c.document_sha256) throw new SigningError('preparing', '文件正在生成，签署邀请会在生成后自动发出：请稍候再试。', 409);
  return c.document_sha256;
}

/** Sends (queues) a signing link to one party: new token, old one revoked. */
export function sendLink(tx: Sql, deps: SigningDeps, c: CaseRow, party: PartyRow, baseUrl: string, reminder: boolean) {
  return sendLinks(tx, deps, c, [party], baseUrl, reminder);
}

/**
 * Sends (queues) signing links to several parties of one case: new tokens, old ones revoked.
 * A handful of statements however many parties — a campaign to 2,000 staff is not 10,000
 * round trips to a database that may be a few milliseconds away.
 */
export async function sendLinks(tx: Sql, deps: SigningDeps, c: CaseRow, parties: PartyRow[], baseUrl: string, reminder: boolean) {
  if (!parties.length) return;
  const now = nowOf(deps);
  const documentSha256 = preparedDocument(c);
  const links = await Promise.all(parties.map((p) => issueSignLink(deps.secret, { caseId: c.id, partyId: p.id, documentSha256 }, deps.ttlDays, now)));
  const expiresAt = links[0].expiresAt; // one clock for the batch
  await repo.markLinksSent(tx, parties.map((p, i) => ({ partyId: p.id, jti: links[i].jti })), expiresAt, now, reminder);
  const ack = c.kind === 'acknowledgment';
  const about = summary(c);
  await repo.queueMails(
    tx,
    c.id,
    parties.map((p, i) => (ack ? ackRequestMail : signRequestMail)(about, p, (ack ? ackUrl : signUrl)(baseUrl, c.id, links[i].token), expiresAt, reminder)),
  );
  await repo.addEvents(tx, c.id, parties.map((p) => ({ partyId: p.id, type: reminder ? 'reminded' : 'sent', detail: { to: p.email } })));
  if (!reminder) for (const p of parties) await robotsHear(tx, waitingNotice(c, p, expiresAt), now);
}

export interface Authorized {
  c: CaseRow;
  parties: PartyRow[];
  party: PartyRow;
}

/** The link's claims, verified, for this case (no database: a bad link costs nothing more). */
export async function linkClaims(deps: SigningDeps, caseId: string, token: string): Promise<SignLinkClaims> {
  const claims = await verifySignLink(deps.secret, token, nowOf(deps));
  if (claims.caseId !== caseId) throw refuse.otherCase();
  return claims;
}

/** Verifies the link and checks it against the stored party: the record, not the JWT, decides. */
export async function authorize(tx: Sql, deps: SigningDeps, caseId: string, token: string, lock: boolean): Promise<Authorized> {
  const claims = await linkClaims(deps, caseId, token);
  return authorizeFound(claims, await repo.caseWithParties(tx, caseId, lock));
}

/** `authorize` once the case is read: the link's claims against the stored case and party. */
export function authorizeFound(claims: SignLinkClaims, found: { c: CaseRow; parties: PartyRow[] } | undefined): Authorized {
  if (!found) throw refuse.notFound();
  const { c, parties } = found;
  if (claims.documentSha256 !== c.document_sha256) throw refuse.documentChanged();
  const party = parties.find((p) => p.id === claims.partyId);
  if (!party) throw refuse.otherCase();
  if (party.token_jti !== claims.jti) throw refuse.revoked();
  return { c, parties, party };
}

/** A party may still act (sign or decline): the case is open and they have not signed. */
export function assertPartyCanAct(c: CaseRow, parties: PartyRow[], party: PartyRow) {
  assertCaseOpen(c, parties);
  if (party.status === 'signed') throw refuse.alreadySigned();
  if (c.status === 'completed') throw refuse.completed();
}

export function assertCaseOpen(c: CaseRow, parties: PartyRow[]) {
  if (c.status === 'cancelled') throw refuse.cancelled();
  if (c.status === 'declined') {
    const who = parties.find((p) => p.status === 'declined');
    const owner = returnsTo(c, parties);
    if (owner) throw refuse.returned(who ? `${who.role} ${who.name} ` : '有人', owner);
    throw refuse.declined(who ? `${who.role} ${who.name} ` : '有人');
  }
}

/** The reading record each party's signature carried (from the 'signed' events), by party id. */
export async function readingRecords(tx: Sql, caseId: string): Promise<Map<string, ReadingRecord>> {
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
export function auditEntry(c: Pick<CaseRow, 'kind'>, p: PartyRow, reading?: ReadingRecord, verified?: Parameters<typeof verificationText>[0]): AuditEntry {
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
    verification: verificationText(verified),
  };
}

