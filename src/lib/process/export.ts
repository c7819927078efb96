import { crc32 } from 'node:zlib';
import { zipSync, strToU8, type ZipOptions } from 'fflate';
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

/** Info-ZIP Unicode Path extra field (APPNOTE 4.6.9) and extended timestamp (0x5455). */
const UNICODE_PATH = 0x7075;
const EXTENDED_TIME = 0x5455;

/**
 * Extra fields of one entry. fflate already writes names as UTF-8 with flag bit 11, which
 * macOS and recent Windows honour; older Windows Explorer (zipfldr) and some Info-ZIP builds
 * ignore the flag and read the bytes in the local code page (mojibake in GBK), but take the
 * name from the Unicode Path field when its CRC matches the header name. The timestamp field
 * carries the true UTC time, which unzip restores on extraction.
 */
export function entryExtras(name: string, mtime: Date): Record<number, Uint8Array> {
  const time = new Uint8Array(5);
  time[0] = 1; // flags: modification time present
  new DataView(time.buffer).setUint32(1, Math.floor(mtime.getTime() / 1000), true);
  const extra: Record<number, Uint8Array> = { [EXTENDED_TIME]: time };
  // ASCII names need no help (the field would only repeat them).
  if (/^[\x20-\x7e]*$/.test(name)) return extra;
  const utf8 = strToU8(name);
  const field = new Uint8Array(5 + utf8.length);
  field[0] = 1; // version
  new DataView(field.buffer).setUint32(1, crc32(utf8), true); // CRC-32 of the header's name bytes (UTF-8 here)
  field.set(utf8, 5);
  return { ...extra, [UNICODE_PATH]: field };
}

/**
 * The DOS date/time in a ZIP header has no time zone and fflate fills it from the server's
 * local clock (UTC on Vercel); the readers are in China, so it is written as Shanghai wall
 * time — a Date whose local fields read as Shanghai's.
 */
function shanghaiWallClock(d: Date): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
      .formatToParts(d)
      .map((p) => [p.type, Number(p.value)]),
  );
  return new Date(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
}

/**
 * A ZIP whose Chinese file names read right in Windows Explorer, macOS Archive Utility,
 * Info-ZIP unzip and Python's zipfile. `stored` entries (already compressed, like PDFs) are
 * not deflated again.
 */
export function zipWithNames(files: Array<{ name: string; data: Uint8Array; stored?: boolean }>, mtime: Date): Uint8Array {
  const wall = shanghaiWallClock(mtime);
  const entries: Record<string, [Uint8Array, ZipOptions & { extra: Record<number, Uint8Array> }]> = {};
  for (const f of files) entries[f.name] = [f.data, { level: f.stored ? 0 : 6, mtime: wall, extra: entryExtras(f.name, mtime) }];
  return zipSync(entries);
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
  const files: Array<{ name: string; data: Uint8Array; stored?: boolean }> = [];
  for (const c of cases) {
    if (!c.final_pdf?.length) continue;
    files.push({ name: `${c.process_stage}-${STAGE_INFO[c.process_stage as Stage].title}-${c.case_number}.pdf`, data: c.final_pdf, stored: true });
  }
  files.push({ name: '客户交接状态.csv', data: strToU8(customersCsv(p)) });
  return zipWithNames(files, new Date(p.completed_at ?? Date.now()));
}
