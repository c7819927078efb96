import type { Sql } from '../store/sql.js';
import { beijingTime } from '../time-format.js';
import { HOME_EXPORT_MAX, HOME_PAGE_SIZE, type HomeFilters, type HomeKind } from './requests.js';
import type { Table } from './sheets.js';
import { HOME_STATUS_LABEL, KIND_LABEL } from './labels.js';

/**
 * HR home: everything sent — signing cases, acknowledgment campaigns, customer-handover
 * processes — in one list, newest first, a page at a time. The filters run in the database
 * in each kind's own query (so each uses its indexes); progress and people are looked up
 * for the rows of the page only.
 *
 * Overdue means, for a case or campaign still open: someone has not acted although their
 * link has expired, or it has been open OVERDUE_DAYS or more (when automatic reminders
 * become due) with someone still to act. For a process: the daily deadline check found a deadline past due within
 * the last two days (it records one overdue reminder per day while any deadline is late).
 */
export const OVERDUE_DAYS = 3;

export interface HomeItem {
  kind: HomeKind;
  id: string;
  caseNumber: string;
  title: string;
  status: 'open' | 'completed' | 'declined' | 'cancelled';
  createdAt: string;
  overdue: boolean;
  done: number;
  total: number;
  /** e.g. 3/5 已签, 12/40 已确认, 阶段 2/5. */
  progress: string;
  people: string;
  /** Where HR opens it (a campaign's page, a process's case page); null: download from the archive. */
  href: string | null;
}

const STAGES = ['B', 'C', 'D', 'E', 'F', 'done'];
const BEIJING = "AT TIME ZONE 'Asia/Shanghai'";

/** The SQL of the matching rows (kind, id, created_at), with its parameters. */
function matching(f: HomeFilters, now: Date) {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const caseWhere = ['c.process_id IS NULL'];
  const procWhere: string[] = [];
  if (f.kind === 'signing') caseWhere.push("c.kind = 'form'");
  if (f.kind === 'campaign') caseWhere.push("c.kind = 'acknowledgment'");
  if (f.status) {
    const s = p(f.status);
    caseWhere.push(`c.status = ${s}`);
    procWhere.push(`pr.status = ${s}`);
  }
  if (f.from) {
    const d = p(f.from);
    caseWhere.push(`c.created_at >= (${d}::date::timestamp ${BEIJING})`);
    procWhere.push(`pr.created_at >= (${d}::date::timestamp ${BEIJING})`);
  }
  if (f.to) {
    const d = p(f.to);
    caseWhere.push(`c.created_at < ((${d}::date + 1)::timestamp ${BEIJING})`);
    procWhere.push(`pr.created_at < ((${d}::date + 1)::timestamp ${BEIJING})`);
  }
  if (f.q) {
    const like = p(`%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
    caseWhere.push(`(c.title ILIKE ${like} OR c.case_number ILIKE ${like} OR c.sender_name ILIKE ${like}
      OR EXISTS (SELECT 1 FROM parties sp WHERE sp.case_id = c.id AND (sp.name ILIKE ${like} OR sp.email ILIKE ${like})))`);
    procWhere.push(`(pr.case_number ILIKE ${like} OR pr.department ILIKE ${like}
      OR EXISTS (SELECT 1 FROM process_parties pp WHERE pp.process_id = pr.id AND (pp.name ILIKE ${like} OR pp.email ILIKE ${like})))`);
  }
  if (f.overdue !== undefined) {
    const at = p(now);
    const late = `(c.status = 'open' AND EXISTS (SELECT 1 FROM parties lp WHERE lp.case_id = c.id AND lp.status IN ('sent', 'viewed')
      AND (lp.token_expires_at < ${at} OR c.created_at < ${at}::timestamptz - make_interval(days => ${OVERDUE_DAYS}))))`;
    const procLate = `(pr.status = 'open' AND EXISTS (SELECT 1 FROM process_reminders r WHERE r.process_id = pr.id AND r.reminder LIKE 'overdue:%' AND r.sent_at > ${at}::timestamptz - interval '2 days'))`;
    caseWhere.push(f.overdue ? late : `NOT ${late}`);
    procWhere.push(f.overdue ? procLate : `NOT ${procLate}`);
  }
  const branches: string[] = [];
  if (f.kind !== 'process') {
    branches.push(`SELECT CASE WHEN c.kind = 'acknowledgment' THEN 'campaign' ELSE 'signing' END AS kind, c.id, c.created_at FROM cases c WHERE ${caseWhere.join(' AND ')}`);
  }
  if (!f.kind || f.kind === 'process') branches.push(`SELECT 'process' AS kind, pr.id, pr.created_at FROM processes pr${procWhere.length ? ` WHERE ${procWhere.join(' AND ')}` : ''}`);
  return { sql: branches.join(' UNION ALL '), params };
}

async function pageOf(sql: Sql, f: HomeFilters, now: Date, limit: number, offset: number): Promise<{ matches: number; items: HomeItem[] }> {
  const m = matching(f, now);
  const rows = await sql.query<{ kind: HomeKind; id: string; matches: number | string }>(
    `SELECT kind, id, created_at, count(*) OVER () AS matches FROM (${m.sql}) items ORDER BY created_at DESC, id DESC LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
    m.params,
  );
  const matches = rows.length ? Number(rows[0].matches) : offset > 0 ? Number((await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${m.sql}) items`, m.params))[0].n) : 0;
  const caseIds = rows.filter((r) => r.kind !== 'process').map((r) => r.id);
  const procIds = rows.filter((r) => r.kind === 'process').map((r) => r.id);
  const cases = caseIds.length
    ? await sql.query<{ id: string; kind: string; case_number: string; title: string; status: HomeItem['status']; created_at: Date; sender_name: string; done: number; total: number; names: string | null; overdue: boolean }>(
        `SELECT c.id, c.kind, c.case_number, c.title, c.status, c.created_at, c.sender_name,
                count(p.id) FILTER (WHERE p.status = 'signed')::int AS done, count(p.id)::int AS total,
                string_agg(p.name, '、' ORDER BY p.position) FILTER (WHERE p.position < 4) AS names,
                (c.status = 'open' AND bool_or(p.status IN ('sent', 'viewed') AND (p.token_expires_at < $2 OR c.created_at < $2::timestamptz - make_interval(days => ${OVERDUE_DAYS})))) AS overdue
           FROM cases c LEFT JOIN parties p ON p.case_id = c.id
          WHERE c.id = ANY($1::text[]) GROUP BY c.id`,
        [caseIds, now],
      )
    : [];
  const procs = procIds.length
    ? await sql.query<{ id: string; case_number: string; department: string; status: HomeItem['status']; stage: string; created_at: Date; employee: string | null; overdue: boolean }>(
        `SELECT pr.id, pr.case_number, pr.department, pr.status, pr.stage, pr.created_at,
                (SELECT e.name FROM process_parties e WHERE e.process_id = pr.id AND e.role = 'employee') AS employee,
                (pr.status = 'open' AND EXISTS (SELECT 1 FROM process_reminders r WHERE r.process_id = pr.id AND r.reminder LIKE 'overdue:%' AND r.sent_at > $2::timestamptz - interval '2 days')) AS overdue
           FROM processes pr WHERE pr.id = ANY($1::text[])`,
        [procIds, now],
      )
    : [];
  const byId = new Map<string, HomeItem>();
  for (const c of cases) {
    const campaign = c.kind === 'acknowledgment';
    const more = c.total > 4 ? ` 等 ${c.total} 人` : '';
    byId.set(c.id, {
      kind: campaign ? 'campaign' : 'signing', id: c.id, caseNumber: c.case_number, title: c.title, status: c.status, createdAt: new Date(c.created_at).toISOString(),
      overdue: !!c.overdue, done: Number(c.done), total: Number(c.total), progress: `${c.done}/${c.total} ${campaign ? '已确认' : '已签'}`,
      people: campaign ? `发起人 ${c.sender_name}；${c.names ?? ''}${more}` : `${c.names ?? ''}${more}`,
      href: campaign ? `/hr/campaign/?c=${encodeURIComponent(c.id)}` : null,
    });
  }
  for (const p of procs) {
    const step = Math.max(0, STAGES.indexOf(p.stage));
    byId.set(p.id, {
      kind: 'process', id: p.id, caseNumber: p.case_number, title: `客户交接：${p.employee ?? ''}（${p.department}）`, status: p.status, createdAt: new Date(p.created_at).toISOString(),
      overdue: !!p.overdue, done: step, total: 5, progress: `阶段 ${step}/5`, people: p.employee ?? '', href: `/case/?p=${encodeURIComponent(p.id)}`,
    });
  }
  return { matches, items: rows.map((r) => byId.get(r.id)).filter((x): x is HomeItem => !!x) };
}

export async function listHome(sql: Sql, f: HomeFilters, now = new Date()) {
  const { matches, items } = await pageOf(sql, f, now, HOME_PAGE_SIZE, (f.page - 1) * HOME_PAGE_SIZE);
  return { page: f.page, pageSize: HOME_PAGE_SIZE, matches, pages: Math.max(1, Math.ceil(matches / HOME_PAGE_SIZE)), items };
}
export type HomeListing = Awaited<ReturnType<typeof listHome>>;

/** The filtered list (all pages, up to HOME_EXPORT_MAX rows) as a table for CSV. */
export async function homeTable(sql: Sql, f: HomeFilters, now = new Date()): Promise<{ table: Table; truncated: boolean }> {
  const { matches, items } = await pageOf(sql, f, now, HOME_EXPORT_MAX, 0);
  return {
    truncated: matches > items.length,
    table: {
      header: ['类型', '编号', '标题', '状态', '进度', '相关人员', '逾期', '发起时间（北京时间）'],
      rows: items.map((i) => [KIND_LABEL[i.kind], i.caseNumber, i.title, HOME_STATUS_LABEL[i.kind][i.status], i.progress, i.people, i.overdue ? '是' : '', beijingTime(i.createdAt, false)]),
    },
  };
}
