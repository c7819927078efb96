import type { Sql } from './sql.js';
import { archiveWhere, type ArchiveFilters } from './archive-filters.js';
import type { ProcessRole, StageOrDone } from '../process/roles.js';
import type { ProcessSettings } from '../process/settings.js';
import type { ProcessState } from '../process/state.js';

/** Rows and SQL of customer-handover processes. Writes take the caller's transaction. */
export interface ProcessRow {
  id: string;
  case_number: string;
  policy_slug: string | null;
  company: string | null;
  department: string;
  reason: string;
  last_working_day: string;
  stage: StageOrDone;
  status: 'open' | 'completed' | 'cancelled';
  settings: ProcessSettings;
  state: ProcessState;
  archive_email: string | null;
  base_url: string;
  created_at: Date;
  completed_at: Date | null;
  purged_at?: Date | null;
  /** When the process was completed or cancelled (case links stop some days later). */
  closed_at?: Date | null;
}

export interface ProcessPartyRow {
  id: string;
  process_id: string;
  role: ProcessRole;
  name: string;
  email: string;
  token_jti: string | null;
  /** Optional mainland mobile, only for @mentions in group robot messages (never in mail or logs). */
  mobile?: string | null;
  /** HR or the supervisor took this person's case access away. */
  revoked_at?: Date | null;
}

export interface ProcessEventRow {
  id: string;
  actor: string | null;
  type: string;
  at: Date;
  detail: Record<string, unknown>;
}

// Dates come back as text so no time zone shifts a calendar date.
const HEAD_COLUMNS = `id, case_number, policy_slug, company, department, reason, to_char(last_working_day, 'YYYY-MM-DD') AS last_working_day,
  stage, status, settings, archive_email, base_url, created_at, completed_at, purged_at, closed_at`;
/**
 * The state's large parts (customer list and per-customer lines) live in columns of their
 * own (migration 016): a step writes only those it changed. `state` holds the rest.
 */
const PARTS = ['plan', 'customers', 'materials', 'visits', 'calls'] as const;
type Part = (typeof PARTS)[number];
const column = (part: Part) => `state_${part}`;
const COLUMNS = `${HEAD_COLUMNS}, state, ${PARTS.map(column).join(', ')}`;

/** The stored row as read: the state's parts folded back into `state`. */
function assemble(row: Record<string, unknown>): ProcessRow {
  const state = { ...(row.state as object) } as Record<string, unknown>;
  for (const part of PARTS) {
    state[part] = row[column(part)];
    delete row[column(part)];
  }
  row.state = state;
  return row as unknown as ProcessRow;
}

/** The state without its parts (what the `state` column holds). */
function rest(state: ProcessState): Record<string, unknown> {
  const r: Record<string, unknown> = { ...state };
  for (const part of PARTS) delete r[part];
  return r;
}

/** A process row without its state: what checking a case link or answering an action needs. */
export type ProcessHead = Omit<ProcessRow, 'state'>;

export const processRepo = {
  /** `created_at` comes from the service's clock (as `completed_at` does), else the database's. */
  insert: (tx: Sql, p: Omit<ProcessRow, 'created_at' | 'completed_at' | 'status'> & { created_at?: Date }) =>
    tx.query(
      `INSERT INTO processes (id, case_number, policy_slug, company, department, reason, last_working_day, stage, status, settings, state, archive_email, base_url, created_at,
                              ${PARTS.map(column).join(', ')})
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'open',$9,$10,$11,$12, COALESCE($13::timestamptz, now()), $14, $15, $16, $17, $18)`,
      [
        p.id, p.case_number, p.policy_slug, p.company, p.department, p.reason, p.last_working_day, p.stage, JSON.stringify(p.settings), JSON.stringify(rest(p.state)), p.archive_email, p.base_url, p.created_at ?? null,
        ...PARTS.map((part) => JSON.stringify(p.state[part])),
      ],
    ),

  get: async (tx: Sql, id: string, lock = false) => {
    const [row] = await tx.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM processes WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row && assemble(row);
  },

  /**
   * The row without the state. At 1,000 customers the state is about 1 MB of jsonb, which
   * PGlite takes tens of milliseconds to hand over: a link check never needs it.
   */
  head: async (tx: Sql, id: string) => (await tx.query<ProcessHead>(`SELECT ${HEAD_COLUMNS} FROM processes WHERE id = $1`, [id]))[0],

  /**
   * Writes what `set` gives. With `before` — the state as read (under lock) in this
   * transaction — a state part the change left as it was (the same array or object, as the
   * pure steps in actions.ts leave what they do not touch) is not written again.
   */
  save: (tx: Sql, id: string, set: Partial<Pick<ProcessRow, 'stage' | 'status' | 'state' | 'completed_at' | 'closed_at'>>, before?: ProcessState) => {
    const cols: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(set)) {
      if (k !== 'state') {
        cols.push(k);
        values.push(v);
        continue;
      }
      const state = v as ProcessState;
      cols.push('state');
      values.push(JSON.stringify(rest(state)));
      for (const part of PARTS) {
        if (before && before[part] === state[part]) continue;
        cols.push(column(part));
        values.push(JSON.stringify(state[part]));
      }
    }
    return tx.query(`UPDATE processes SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...values]);
  },

  insertParty: (tx: Sql, p: ProcessPartyRow) =>
    tx.query('INSERT INTO process_parties (id, process_id, role, name, email, token_jti, mobile) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
      p.id, p.process_id, p.role, p.name, p.email, p.token_jti, p.mobile ?? null,
    ]),

  parties: (tx: Sql, processId: string) =>
    tx.query<ProcessPartyRow>(
      `SELECT * FROM process_parties WHERE process_id = $1
        ORDER BY array_position(ARRAY['employee','receiver','supervisor','manager','hr'], role)`,
      [processId],
    ),

  addEvent: (tx: Sql, processId: string, actor: string | null, type: string, detail: Record<string, unknown> = {}) =>
    tx.query('INSERT INTO process_events (process_id, actor, type, detail) VALUES ($1,$2,$3,$4)', [processId, actor, type, JSON.stringify(detail)]),

  events: (tx: Sql, processId: string) =>
    tx.query<ProcessEventRow>('SELECT id, actor, type, at, detail FROM process_events WHERE process_id = $1 ORDER BY id', [processId]),

  stageCases: (tx: Sql, processId: string) =>
    tx.query<{ id: string; process_stage: string; status: string; title: string; case_number: string; created_at: Date; completed_at: Date | null }>(
      'SELECT id, process_stage, status, title, case_number, created_at, completed_at FROM cases WHERE process_id = $1 ORDER BY created_at',
      [processId],
    ),

  /** Remembers a reminder; false when it was already sent. */
  markReminder: async (tx: Sql, processId: string, deadline: string, reminder: string) =>
    (await tx.query('INSERT INTO process_reminders (process_id, deadline, reminder) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING RETURNING 1', [processId, deadline, reminder])).length > 0,

  openIds: (sql: Sql) => sql.query<{ id: string }>("SELECT id FROM processes WHERE status = 'open' ORDER BY created_at"),

  list: (sql: Sql, f: ArchiveFilters & { limit: number }) => {
    const params: unknown[] = [];
    const where = archiveWhere(f, { department: 'p.department', status: 'p.status', created: 'p.created_at' }, params);
    params.push(f.limit);
    return sql.query<Pick<ProcessRow, 'id' | 'case_number' | 'company' | 'department' | 'stage' | 'status' | 'last_working_day' | 'created_at' | 'completed_at'> & { employee: string; customers: number }>(
      `SELECT p.id, p.case_number, p.company, p.department, p.stage, p.status, to_char(p.last_working_day, 'YYYY-MM-DD') AS last_working_day,
              p.created_at, p.completed_at, e.name AS employee, jsonb_array_length(p.state_customers) AS customers
         FROM processes p JOIN process_parties e ON e.process_id = p.id AND e.role = 'employee'
        ${where}
        ORDER BY p.created_at DESC LIMIT $${params.length}`,
      params,
    );
  },
};
