import type { Sql } from './sql.js';
import { archiveWhere, type ArchiveFilters } from './archive-filters.js';
import { enqueueStatement, type QueuedJob } from '../jobs/index.js';

/** Row shapes and the SQL the signing service uses. Every write takes the caller's transaction. */
export interface CaseRow {
  id: string;
  form_id: string;
  title: string;
  company: string | null;
  case_number: string;
  values_json: unknown;
  signing_order: 'sequential' | 'parallel';
  status: 'open' | 'completed' | 'declined' | 'cancelled';
  sender_name: string;
  sender_email: string;
  archive_email: string | null;
  manage_key_hash: string;
  /** Null while a new checklist case's document is being rendered (the signing.prepare job); nobody has a link yet. */
  document_sha256: string | null;
  original_pdf: Uint8Array | null;
  current_pdf: Uint8Array | null;
  signature_boxes: unknown;
  final_pdf: Uint8Array | null;
  final_sha256: string | null;
  created_at: Date;
  completed_at: Date | null;
  kind: 'form' | 'acknowledgment';
  /** Set when the case is one stage's document of a customer-handover process. */
  process_id: string | null;
  process_stage: string | null;
  /** What a party must do before signing besides opening their link (migration 014). */
  verification: 'none' | 'email' | 'sms';
}

export type PartyStatus = 'waiting' | 'sent' | 'viewed' | 'signed' | 'declined';
export interface PartyRow {
  id: string;
  case_id: string;
  position: number;
  role: string;
  name: string;
  email: string;
  status: PartyStatus;
  token_jti: string | null;
  token_expires_at: Date | null;
  last_sent_at: Date | null;
  reminders: number;
  signed_at: Date | null;
  signature_kind: string | null;
  signed_name: string | null;
  ip: string | null;
  user_agent: string | null;
  doc_sha256_signed: string | null;
  decline_reason: string | null;
  department: string | null;
  /** A drawn signature waiting to be stamped (cleared once stamped); not loaded by `parties`. */
  signature_png?: Uint8Array | null;
  /** When the party's signature was stamped into the document (their signed copy exists). */
  stamped_at: Date | null;
}

/** What a signature writes to its party row. */
export type SignatureSet = Pick<PartyRow, 'signed_at' | 'signature_kind' | 'signed_name' | 'ip' | 'user_agent' | 'stamped_at' | 'doc_sha256_signed'> & {
  status: 'signed';
  signature_png: Uint8Array | null;
};

export type EventType = 'created' | 'sent' | 'viewed' | 'signed' | 'declined' | 'reminded' | 'completed' | 'cancelled' | 'purged' | 'question';
export interface EventRow {
  id: string;
  case_id: string;
  party_id: string | null;
  type: EventType;
  at: Date;
  detail: Record<string, unknown>;
}

export interface OutboxRow {
  id: string;
  case_id: string | null;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attach_final: boolean;
  status: 'queued' | 'sent';
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  sent_at: Date | null;
}

/** Everything of a party but the drawn signature waiting to be stamped (tens of kilobytes, needed by the stamping job only). */
const PARTY_COLUMNS =
  'id, case_id, position, role, name, email, status, token_jti, token_expires_at, last_sent_at, reminders, signed_at, signature_kind, signed_name, ip, user_agent, doc_sha256_signed, decline_reason, department, stamped_at';

const CASE_COLUMNS_LIGHT =
  'id, form_id, title, company, case_number, signing_order, status, sender_name, sender_email, archive_email, manage_key_hash, document_sha256, signature_boxes, final_sha256, created_at, completed_at, kind, process_id, process_stage, verification';

/**
 * A case and its parties in one statement, one row per party: a link's request is
 * authorized with a single round trip to the database (the case's columns repeat on each
 * row; the parties' come prefixed with p_). `FOR UPDATE OF c` locks the case row only.
 */
const CASES_JOIN_PARTIES = `SELECT ${CASE_COLUMNS_LIGHT.split(', ').map((k) => `c.${k}`).join(', ')}, ${PARTY_COLUMNS.split(', ').map((k) => `p.${k} AS p_${k}`).join(', ')}
  FROM cases c JOIN parties p ON p.case_id = c.id`;
const CASE_WITH_PARTIES = `${CASES_JOIN_PARTIES} WHERE c.id = $1 ORDER BY p.position`;
const splitCaseRows = (rows: Record<string, unknown>[]): { c: CaseRow; parties: PartyRow[] } | undefined => {
  if (!rows.length) return undefined;
  const c: Record<string, unknown> = {};
  const parties = rows.map(() => ({}) as Record<string, unknown>);
  for (const key of Object.keys(rows[0])) {
    if (key.startsWith('p_')) rows.forEach((r, i) => (parties[i][key.slice(2)] = r[key]));
    else c[key] = rows[0][key];
  }
  return { c: c as unknown as CaseRow, parties: parties as unknown as PartyRow[] };
};

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters, and statements of a sensible size. */
const ROWS_PER_INSERT = 500;

export const repo = {
  insertCase: (
    tx: Sql,
    c: Omit<CaseRow, 'created_at' | 'completed_at' | 'final_pdf' | 'final_sha256' | 'status' | 'kind' | 'process_id' | 'process_stage' | 'verification'> &
      Partial<Pick<CaseRow, 'kind' | 'process_id' | 'process_stage' | 'verification'>>,
  ) =>
    tx.query(
      `INSERT INTO cases (id, form_id, title, company, case_number, values_json, signing_order, status, sender_name, sender_email, archive_email,
        manage_key_hash, document_sha256, original_pdf, current_pdf, signature_boxes, kind, process_id, process_stage, verification)
       VALUES ($1,$2,$3,$4,$5,$6,$7,'open',$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
      [c.id, c.form_id, c.title, c.company, c.case_number, JSON.stringify(c.values_json), c.signing_order, c.sender_name, c.sender_email,
        c.archive_email, c.manage_key_hash, c.document_sha256, c.original_pdf, c.current_pdf, c.signature_boxes == null ? null : JSON.stringify(c.signature_boxes), c.kind ?? 'form',
        c.process_id ?? null, c.process_stage ?? null, c.verification ?? 'none'],
    ),

  /** Parties in order, in a few statements however many (a new case's five, a campaign's 2,000). */
  insertParties: async (tx: Sql, all: Array<Pick<PartyRow, 'id' | 'case_id' | 'position' | 'role' | 'name' | 'email' | 'status'> & { department?: string | null }>) => {
    for (let i = 0; i < all.length; i += ROWS_PER_INSERT) {
      const ps = all.slice(i, i + ROWS_PER_INSERT);
      await tx.query(
        `INSERT INTO parties (id, case_id, position, role, name, email, status, department) VALUES ${ps.map((_, i) => `(${Array.from({ length: 8 }, (_, k) => `$${i * 8 + k + 1}`).join(',')})`).join(',')}`,
        ps.flatMap((p) => [p.id, p.case_id, p.position, p.role, p.name, p.email, p.status, p.department ?? null]),
      );
    }
  },

  /** The case without its PDFs (cheap). */
  getCase: async (tx: Sql, id: string) => (await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS_LIGHT} FROM cases WHERE id = $1`, [id]))[0],

  /**
   * Locks the case row for the rest of the transaction: signatures on one case are
   * serialized. Without its PDFs: a signature no longer reads the document (getPdf does).
   */
  lockCase: async (tx: Sql, id: string) => (await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS_LIGHT} FROM cases WHERE id = $1 FOR UPDATE`, [id]))[0],

  /** The case (light columns) with its parties in position order; `lock` locks the case row as lockCase does. Undefined when there is no such case. */
  caseWithParties: async (tx: Sql, id: string, lock: boolean) =>
    splitCaseRows(await tx.query<Record<string, unknown>>(`${CASE_WITH_PARTIES}${lock ? ' FOR UPDATE OF c' : ''}`, [id])),

  /**
   * Several cases with their parties, locked, in one statement (a batch of signatures, see
   * src/lib/signing/sign.ts). Locked in id order, so two batches that share cases wait for
   * each other instead of deadlocking.
   */
  casesWithParties: async (tx: Sql, ids: string[]) => {
    const rows = await tx.query<Record<string, unknown>>(`${CASES_JOIN_PARTIES} WHERE c.id = ANY($1::text[]) ORDER BY c.id, p.position FOR UPDATE OF c`, [ids]);
    const byCase = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) {
      const caseRows = byCase.get(String(r.id));
      if (caseRows) caseRows.push(r);
      else byCase.set(String(r.id), [r]);
    }
    return new Map([...byCase].map(([id, caseRows]) => [id, splitCaseRows(caseRows)!]));
  },

  getPdf: async (tx: Sql, id: string, which: 'current_pdf' | 'final_pdf' | 'original_pdf') =>
    (await tx.query<{ pdf: Uint8Array | null }>(`SELECT ${which} AS pdf FROM cases WHERE id = $1`, [id]))[0]?.pdf ?? null,

  /**
   * Signing cases started on their own (not a stage of a customer-handover process), newest
   * first, for the HR archive: department and 移交人 come from the filled form.
   */
  listStandaloneCases: (sql: Sql, f: ArchiveFilters & { limit: number }) => {
    const params: unknown[] = [];
    const where = archiveWhere(f, { department: "coalesce(c.values_json->>'department', '')", status: 'c.status', created: 'c.created_at' }, params, ['c.process_id IS NULL']);
    params.push(f.limit);
    return sql.query<{ id: string; case_number: string; title: string; kind: string; company: string | null; department: string | null; giver: string | null; status: CaseRow['status']; created_at: Date; completed_at: Date | null; purged: boolean; preparing: boolean; parties: number; signed: number }>(
      `SELECT c.id, c.case_number, c.title, c.kind, c.company, c.values_json->>'department' AS department, c.values_json->>'giverName' AS giver,
              c.status, c.created_at, c.completed_at, c.purged_at IS NOT NULL AS purged, c.document_sha256 IS NULL AS preparing,
              (SELECT count(*)::int FROM parties p WHERE p.case_id = c.id) AS parties,
              (SELECT count(*)::int FROM parties p WHERE p.case_id = c.id AND p.status = 'signed') AS signed
         FROM cases c ${where}
        ORDER BY c.created_at DESC LIMIT $${params.length}`,
      params,
    );
  },

  findCaseByFinalHash: async (tx: Sql, sha256: string) =>
    (await tx.query<CaseRow>(`SELECT ${CASE_COLUMNS_LIGHT} FROM cases WHERE final_sha256 = $1`, [sha256]))[0],

  updateCase: (tx: Sql, id: string, set: Partial<Pick<CaseRow, 'status' | 'current_pdf' | 'final_pdf' | 'final_sha256' | 'completed_at' | 'document_sha256' | 'original_pdf' | 'signature_boxes'>>) => {
    const keys = Object.keys(set) as (keyof typeof set)[];
    const value = (k: keyof typeof set) => (k === 'signature_boxes' ? JSON.stringify(set[k]) : set[k]);
    return tx.query(`UPDATE cases SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...keys.map(value)]);
  },

  parties: (tx: Sql, caseId: string) => tx.query<PartyRow>(`SELECT ${PARTY_COLUMNS} FROM parties WHERE case_id = $1 ORDER BY position`, [caseId]),

  /** Signatures recorded but not yet stamped into the document, in party order, with any drawn image. */
  unstampedParties: (tx: Sql, caseId: string) =>
    tx.query<PartyRow>(`SELECT ${PARTY_COLUMNS}, signature_png FROM parties WHERE case_id = $1 AND status = 'signed' AND stamped_at IS NULL ORDER BY position`, [caseId]),

  updateParty: (tx: Sql, id: string, set: Partial<Omit<PartyRow, 'id' | 'case_id' | 'position'>>) => {
    const keys = Object.keys(set) as (keyof typeof set)[];
    return tx.query(`UPDATE parties SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...keys.map((k) => set[k])]);
  },

  /**
   * Signatures — of one party or of a whole batch (src/lib/signing/sign.ts) — with their
   * events and the jobs that follow, in one statement whatever their number: a batch costs
   * one round trip, not one per signer. Events are written in the order given.
   */
  recordSignatures: (tx: Sql, signatures: Array<{ caseId: string; partyId: string; set: SignatureSet; detail: Record<string, unknown> }>, jobs: QueuedJob[]) => {
    const column = <T>(pick: (s: (typeof signatures)[number]) => T) => signatures.map(pick);
    const queued = jobs.length ? enqueueStatement(jobs, 13) : null;
    return tx.query(
      `WITH u AS (
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[])
           AS u(id, signed_at, signature_kind, signed_name, ip, user_agent, png_hex, stamped_at, doc_sha256_signed)
       ), changed AS (
         UPDATE parties p SET status = 'signed', signed_at = u.signed_at, signature_kind = u.signature_kind, signed_name = u.signed_name, ip = u.ip,
                user_agent = u.user_agent, signature_png = decode(u.png_hex, 'hex'), stamped_at = u.stamped_at, doc_sha256_signed = u.doc_sha256_signed
           FROM u WHERE p.id = u.id
       )${queued ? `, queued AS (${queued.text})` : ''}
       INSERT INTO events (case_id, party_id, type, detail)
       SELECT e.case_id, e.party_id, 'signed', e.detail::jsonb FROM unnest($10::text[], $11::text[], $12::text[]) WITH ORDINALITY AS e(case_id, party_id, detail, n) ORDER BY e.n`,
      [
        column((s) => s.partyId),
        column((s) => s.set.signed_at),
        column((s) => s.set.signature_kind),
        column((s) => s.set.signed_name),
        column((s) => s.set.ip),
        column((s) => s.set.user_agent),
        column((s) => (s.set.signature_png ? Buffer.from(s.set.signature_png).toString('hex') : null)),
        column((s) => s.set.stamped_at),
        column((s) => s.set.doc_sha256_signed),
        column((s) => s.caseId),
        column((s) => s.partyId),
        column((s) => JSON.stringify(s.detail)),
        ...(queued?.params ?? []),
      ],
    );
  },

  /**
   * New links for many parties in one statement: the link's id and expiry, sent (unless they
   * are further along), and a reminder counted when it is one.
   */
  markLinksSent: (tx: Sql, links: Array<{ partyId: string; jti: string }>, expiresAt: Date, now: Date, reminder: boolean) =>
    tx.query(
      `UPDATE parties p SET status = CASE WHEN p.status = 'waiting' THEN 'sent' ELSE p.status END, token_jti = u.jti, token_expires_at = $3,
              last_sent_at = $4, reminders = p.reminders + $5
         FROM unnest($1::text[], $2::text[]) AS u(id, jti) WHERE p.id = u.id`,
      [links.map((l) => l.partyId), links.map((l) => l.jti), expiresAt, now, reminder ? 1 : 0],
    ),

  /** Several events of one case, in order, a few statements however many (a campaign to 2,000 staff). */
  addEvents: async (tx: Sql, caseId: string, events: Array<{ partyId: string | null; type: EventType; detail?: Record<string, unknown> }>) => {
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const chunk = events.slice(i, i + ROWS_PER_INSERT);
      await tx.query(
        `INSERT INTO events (case_id, party_id, type, detail) VALUES ${chunk.map((_, k) => `($1,$${k * 3 + 2},$${k * 3 + 3},$${k * 3 + 4})`).join(',')}`,
        [caseId, ...chunk.flatMap((e) => [e.partyId, e.type, JSON.stringify(e.detail ?? {})])],
      );
    }
  },

  addEvent: (tx: Sql, caseId: string, partyId: string | null, type: EventType, detail: Record<string, unknown> = {}) =>
    tx.query('INSERT INTO events (case_id, party_id, type, detail) VALUES ($1,$2,$3,$4)', [caseId, partyId, type, JSON.stringify(detail)]),

  events: (tx: Sql, caseId: string) => tx.query<EventRow>('SELECT * FROM events WHERE case_id = $1 ORDER BY id', [caseId]),

  /** Several messages for one case, in order, a few statements however many. */
  queueMails: async (tx: Sql, caseId: string | null, mails: Array<{ kind: string; to: string; subject: string; text: string; html: string }>) => {
    for (let i = 0; i < mails.length; i += ROWS_PER_INSERT) {
      const chunk = mails.slice(i, i + ROWS_PER_INSERT);
      await tx.query(
        `INSERT INTO outbox (case_id, kind, to_address, subject, text_body, html_body) VALUES ${chunk.map((_, k) => `($1,${[2, 3, 4, 5, 6].map((n) => `$${k * 5 + n}`).join(',')})`).join(',')}`,
        [caseId, ...chunk.flatMap((m) => [m.kind, m.to, m.subject, m.text, m.html])],
      );
    }
  },

  queueMail: (tx: Sql, caseId: string | null, m: { kind: string; to: string; subject: string; text: string; html: string; attachFinal?: boolean }) =>
    tx.query('INSERT INTO outbox (case_id, kind, to_address, subject, text_body, html_body, attach_final) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
      caseId, m.kind, m.to, m.subject, m.text, m.html, m.attachFinal ?? false,
    ]),

  /**
   * Claims one due message with a lease (pushes its next attempt `leaseSeconds` out, 5
   * minutes by default), so the send happens outside any transaction and a crashed sender's
   * message is simply retried later.
   */
  claimMail: async (sql: Sql, leaseSeconds = 300) =>
    (
      await sql.query<OutboxRow>(
        `UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $1)
          WHERE id = (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= now() ORDER BY id LIMIT 1${sql.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''})
          RETURNING *`,
        [leaseSeconds],
      )
    )[0],

  /** Once sent, the link-bearing body is dropped so tokens do not linger in the database. */
  mailSent: (tx: Sql, id: string) =>
    tx.query(`UPDATE outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, text_body = '', html_body = '' WHERE id = $1`, [id]),

  mailFailed: (tx: Sql, id: string, error: string, retryInSeconds: number) =>
    tx.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`, [id, error.slice(0, 500), retryInSeconds]),

  mailForCase: (tx: Sql, caseId: string) =>
    tx.query<Pick<OutboxRow, 'id' | 'kind' | 'to_address' | 'status' | 'attempts' | 'last_error' | 'sent_at'>>(
      'SELECT id, kind, to_address, status, attempts, last_error, sent_at FROM outbox WHERE case_id = $1 ORDER BY id',
      [caseId],
    ),
};
