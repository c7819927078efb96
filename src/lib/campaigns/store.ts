import type { Sql } from '../store/sql.js';
import type { PartyStatus } from '../store/repo.js';

/** SQL of acknowledgment campaigns. Writes take the caller's transaction. */
export interface StaffRow {
  id: string;
  name: string;
  email: string;
  department: string | null;
  status: PartyStatus;
  signed_at: Date | null;
  last_sent_at: Date | null;
  reminders: number;
}

export interface DepartmentProgress {
  department: string;
  total: number;
  done: number;
  pending: number;
}

export const campaignStore = {
  /** Called inside the transaction that creates the acknowledgment (createAcknowledgment's hook). */
  record: (tx: Sql, caseId: string, publishedVersionId: string | null | undefined, pageCount: number) =>
    tx.query('INSERT INTO campaigns (case_id, published_version_id, page_count) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING', [caseId, publishedVersionId ?? null, pageCount]),

  versionOf: async (tx: Sql, caseId: string) =>
    (await tx.query<{ v: string | null }>('SELECT published_version_id AS v FROM campaigns WHERE case_id = $1', [caseId]))[0]?.v ?? null,

  /** Null for acknowledgments sent before campaigns were recorded. */
  pageCountOf: async (tx: Sql, caseId: string) =>
    (await tx.query<{ n: number | null }>('SELECT page_count AS n FROM campaigns WHERE case_id = $1', [caseId]))[0]?.n ?? null,

  staff: (tx: Sql, caseId: string) =>
    tx.query<StaffRow>(
      'SELECT id, name, email, department, status, signed_at, last_sent_at, reminders FROM parties WHERE case_id = $1 ORDER BY department NULLS LAST, position',
      [caseId],
    ),

  /** 部门 / 应确认 / 已确认 / 未确认, counted by the database (a campaign can have 2000 people). */
  progress: async (tx: Sql, caseId: string): Promise<DepartmentProgress[]> =>
    (
      await tx.query<{ department: string; total: number; done: number }>(
        `SELECT d.department, count(*)::int AS total, count(*) FILTER (WHERE d.status = 'signed')::int AS done
           FROM (SELECT coalesce(trim(department), '') AS department, status FROM parties WHERE case_id = $1) d
          GROUP BY d.department ORDER BY d.department = '', d.department`,
        [caseId],
      )
    ).map((r) => ({ department: r.department, total: Number(r.total), done: Number(r.done), pending: Number(r.total) - Number(r.done) })),

  /** The newest acknowledgment's staff (复用上次名单): name, email, department. */
  latestStaff: async (sql: Sql) => {
    const [latest] = await sql.query<{ id: string; title: string; case_number: string; created_at: Date }>(
      "SELECT id, title, case_number, created_at FROM cases WHERE kind = 'acknowledgment' ORDER BY created_at DESC, id DESC LIMIT 1",
    );
    if (!latest) return null;
    const staff = await sql.query<{ name: string; email: string; department: string | null }>('SELECT name, email, department FROM parties WHERE case_id = $1 ORDER BY position', [latest.id]);
    return { from: latest, staff };
  },

  markdownOf: async (tx: Sql, caseId: string) =>
    (await tx.query<{ markdown: string | null }>("SELECT values_json->>'markdown' AS markdown FROM cases WHERE id = $1", [caseId]))[0]?.markdown ?? null,
};
