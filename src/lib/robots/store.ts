import type { Sql } from '../store/sql.js';
import type { Platform, RobotMessage } from './types.js';

/** Row shapes and the SQL of robots, their subscriptions and their outbox. */
export const ROBOT_EVENTS = ['waiting', 'returned', 'deadline', 'completed'] as const;
export type RobotEvent = (typeof ROBOT_EVENTS)[number];
export const SCOPE_KINDS = ['process', 'signing-form', 'acknowledgment'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];
/** scope_id that means every case of the kind. */
export const ALL = '*';

export interface RobotRow {
  id: string;
  name: string;
  platform: Platform;
  webhook_enc: string;
  secret_enc: string | null;
  webhook_hint: string;
  created_by: string;
  created_at: Date;
}

export interface RobotOutboxRow {
  id: string;
  robot_id: string;
  event: RobotEvent | 'test';
  subject_id: string | null;
  body: RobotMessage;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  /** The failure's kind (FailureKind), what a case page may show; last_error keeps the platform's words. */
  last_error_kind: string | null;
  sent_at: Date | null;
  created_at: Date;
}

export interface SubscriptionRow {
  robot_id: string;
  scope_kind: ScopeKind;
  scope_id: string;
  events: RobotEvent[];
}

export const robotRepo = {
  insert: (sql: Sql, r: Omit<RobotRow, 'created_at'>) =>
    sql.query('INSERT INTO robots (id, name, platform, webhook_enc, secret_enc, webhook_hint, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
      r.id, r.name, r.platform, r.webhook_enc, r.secret_enc, r.webhook_hint, r.created_by,
    ]),

  get: async (sql: Sql, id: string) => (await sql.query<RobotRow>('SELECT * FROM robots WHERE id = $1', [id]))[0],

  remove: async (sql: Sql, id: string) => (await sql.query('DELETE FROM robots WHERE id = $1 RETURNING 1', [id])).length > 0,

  /** Every robot with its queue's state: waiting messages, and the latest failure. */
  list: (sql: Sql) =>
    sql.query<Pick<RobotRow, 'id' | 'name' | 'platform' | 'webhook_hint' | 'created_by' | 'created_at'> & { secret: boolean; pending: number; sent: number; last_error: string | null; last_sent_at: Date | null }>(
      `SELECT r.id, r.name, r.platform, r.webhook_hint, r.created_by, r.created_at, r.secret_enc IS NOT NULL AS secret,
              (SELECT count(*)::int FROM robot_outbox o WHERE o.robot_id = r.id AND o.sent_at IS NULL) AS pending,
              (SELECT count(*)::int FROM robot_outbox o WHERE o.robot_id = r.id AND o.sent_at IS NOT NULL) AS sent,
              (SELECT o.last_error FROM robot_outbox o WHERE o.robot_id = r.id AND o.sent_at IS NULL AND o.last_error IS NOT NULL ORDER BY o.id LIMIT 1) AS last_error,
              (SELECT max(o.sent_at) FROM robot_outbox o WHERE o.robot_id = r.id) AS last_sent_at
         FROM robots r ORDER BY r.created_at, r.id`,
    ),

  /** The robots page's subscriptions: every-case defaults and form kinds (a case's own choice is shown on its page). */
  subscriptions: (sql: Sql) =>
    sql.query<SubscriptionRow>(
      `SELECT robot_id, scope_kind, scope_id, events FROM robot_subscriptions WHERE scope_kind = 'signing-form' OR scope_id = '*' ORDER BY robot_id, scope_kind, scope_id`,
    ),

  /** Replaces one robot's subscription to one scope; no events removes it. */
  subscribe: async (sql: Sql, s: SubscriptionRow) => {
    if (!s.events.length) return sql.query('DELETE FROM robot_subscriptions WHERE robot_id = $1 AND scope_kind = $2 AND scope_id = $3', [s.robot_id, s.scope_kind, s.scope_id]);
    return sql.query(
      `INSERT INTO robot_subscriptions (robot_id, scope_kind, scope_id, events) VALUES ($1,$2,$3,$4)
       ON CONFLICT (robot_id, scope_kind, scope_id) DO UPDATE SET events = EXCLUDED.events`,
      [s.robot_id, s.scope_kind, s.scope_id, s.events],
    );
  },

  /** A case's own choice for one robot, kept even with no events ("not for this case"). */
  subscribeCase: (tx: Sql, s: SubscriptionRow) =>
    tx.query('INSERT INTO robot_subscriptions (robot_id, scope_kind, scope_id, events) VALUES ($1,$2,$3,$4)', [s.robot_id, s.scope_kind, s.scope_id, s.events]),

  /**
   * Robots subscribed to an event in any of the scopes. A customer-handover case's or an
   * acknowledgment campaign's own row for a robot replaces that robot's every-case default;
   * a signing form's rows add to the every-form default.
   */
  listeners: async (tx: Sql, scopes: Array<{ kind: ScopeKind; id: string }>, event: RobotEvent) => {
    if (!scopes.length) return [];
    const rows = await tx.query<{ robot_id: string }>(
      `WITH asked AS (SELECT * FROM unnest($1::text[], $2::text[]) AS a(kind, id)),
            matched AS (SELECT s.* FROM robot_subscriptions s JOIN asked a ON a.kind = s.scope_kind AND a.id = s.scope_id)
       SELECT DISTINCT m.robot_id FROM matched m
        WHERE $3 = ANY(m.events)
          AND NOT (m.scope_id = '*' AND m.scope_kind IN ('process', 'acknowledgment') AND EXISTS (
                SELECT 1 FROM matched o WHERE o.robot_id = m.robot_id AND o.scope_kind = m.scope_kind AND o.scope_id <> '*'))
        ORDER BY m.robot_id`,
      [scopes.map((s) => s.kind), scopes.map((s) => s.id), event],
    );
    return rows.map((r) => r.robot_id);
  },

  enqueue: (tx: Sql, robotId: string, event: RobotOutboxRow['event'], subjectId: string | null, body: RobotMessage, now: Date) =>
    tx.query('INSERT INTO robot_outbox (robot_id, event, subject_id, body, next_attempt_at, created_at) VALUES ($1,$2,$3,$4,$5,$5)', [
      robotId, event, subjectId, JSON.stringify(body), now,
    ]),

  sent: (sql: Sql, id: string, now: Date) =>
    sql.query('UPDATE robot_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL, last_error_kind = NULL WHERE id = $1', [id, now]),

  failed: (sql: Sql, id: string, error: string, kind: string, retryAt: Date) =>
    sql.query('UPDATE robot_outbox SET attempts = attempts + 1, last_error = $2, last_error_kind = $3, next_attempt_at = $4 WHERE id = $1', [id, error.slice(0, 500), kind, retryAt]),

  /**
   * One case's messages for its own page (opened by case link or management key): the robot's
   * name, the title, the state and the failure's kind — never the webhook, the secret or the
   * platform's raw reply.
   */
  forSubject: (tx: Sql, subjectId: string, limit = 50) =>
    tx.query<{ id: string; robot_name: string; platform: Platform; event: string; title: string; attempts: number; next_attempt_at: Date; last_error_kind: string | null; sent_at: Date | null; created_at: Date }>(
      `SELECT o.id, r.name AS robot_name, r.platform, o.event, o.body->>'title' AS title, o.attempts, o.next_attempt_at, o.last_error_kind, o.sent_at, o.created_at
         FROM robot_outbox o JOIN robots r ON r.id = o.robot_id
        WHERE o.subject_id = $1
        ORDER BY o.id DESC LIMIT $2`,
      [subjectId, limit],
    ),

  /** Messages for the admin page: unsent first (with their errors), then the latest sent. */
  outbox: (sql: Sql, f: { robotId?: string; subjectId?: string; limit: number }) =>
    sql.query<Omit<RobotOutboxRow, 'body'> & { title: string; robot_name: string }>(
      `SELECT o.id, o.robot_id, r.name AS robot_name, o.event, o.subject_id, o.body->>'title' AS title, o.attempts, o.next_attempt_at, o.last_error, o.sent_at, o.created_at
         FROM robot_outbox o JOIN robots r ON r.id = o.robot_id
        WHERE ($1::text IS NULL OR o.robot_id = $1) AND ($2::text IS NULL OR o.subject_id = $2)
        ORDER BY o.sent_at IS NOT NULL, o.id DESC LIMIT $3`,
      [f.robotId ?? null, f.subjectId ?? null, f.limit],
    ),

  /** Sent messages after 30 days (they name people), attempt records after an hour. */
  sweep: async (sql: Sql, now: Date) => {
    await sql.query(`DELETE FROM robot_outbox WHERE sent_at < $1::timestamptz - interval '30 days'`, [now]);
    await sql.query(`DELETE FROM robot_attempts WHERE at < $1::timestamptz - interval '1 hour'`, [now]);
  },
};
