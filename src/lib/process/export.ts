import { zipSync, strToU8 } from 'fflate';
import type { Sql } from '../store/sql.js';
import { gridToCsv } from '../table-import.js';
import { customerProgress } from './customers.js';
import { STAGE_INFO, type Stage } from './roles.js';
import type { ProcessRow } from '../store/process-repo.js';

const MATERIALS = { none: '无资料', pending: '待点收', returned: '接收人退回待补正', confirmed: '已点收' } as const;
const SPOT = { 'not-sampled': '未抽中', pending: '待回访', passed: '回访确认', failed: '回访未确认' } as const;
const NOTICE = { none: '未发送', sent: '已发送待回复', confirmed: '客户已确认', concern: '客户有疑问' } as const;

/** The per-customer status table, as CSV (UTF-8 with BOM so Excel opens it in Chinese). */
export function customersCsv(p: ProcessRow): string {
  const byId = new Map(p.state.customers.map((c) => [c.id, c]));
  const header = ['客户名称', '等级', '联系人', '电话', '合同/订单号', '金额（元）', '交接计划', '资料移交', '陪同拜访', '电话抽查', '客户确认', '客户反馈'];
  const rows = customerProgress(p.state).map((s) => {
    const c = byId.get(s.id)!;
    return [c.name, c.grade, c.contact, c.phone, c.contractNo, c.amount, '已列入', MATERIALS[s.materials], s.revisit ? '待重新拜访' : s.visited ? '已拜访' : '未拜访', SPOT[s.spot], NOTICE[s.notice], s.noticeComment];
  });
  return gridToCsv(header, rows);
}

/**
 * The whole case as one ZIP: every signed stage PDF (final, sealed) plus the customer CSV.
 * PDFs are already compressed, so they are stored, not deflated again.
 */
export async function exportProcessZip(sql: Sql, p: ProcessRow): Promise<Uint8Array> {
  const cases = await sql.query<{ case_number: string; process_stage: string; final_pdf: Uint8Array | null; status: string }>(
    "SELECT case_number, process_stage, final_pdf, status FROM cases WHERE process_id = $1 AND status = 'completed' ORDER BY created_at",
    [p.id],
  );
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {};
  for (const c of cases) {
    if (!c.final_pdf?.length) continue;
    files[`${c.process_stage}-${STAGE_INFO[c.process_stage as Stage].title}-${c.case_number}.pdf`] = [c.final_pdf, { level: 0 }];
  }
  files['客户交接状态.csv'] = strToU8(customersCsv(p));
  return zipSync(files, { level: 6, mtime: new Date(p.completed_at ?? Date.now()) });
}
