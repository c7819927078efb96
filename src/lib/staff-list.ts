import { parseGrid } from './table-import.js';
import { gridFormatOf } from './text-file.js';
import { email } from './schema-parts.js';

/** One person to send a policy to for 已阅读并同意. */
export interface StaffMember {
  name: string;
  email: string;
  department?: string;
}

/** The one email check of every request schema: a list the server would refuse is caught while pasting. */
const isEmail = (cell: string) => email.safeParse(cell).success;

/**
 * A staff list as HR pastes or uploads it — name, email, department in any column order,
 * with or without a header row: the email column is found by its shape, the first other
 * cell is the name, the second the department. Rows without an email are reported.
 */
export function parseStaff(text: string): { staff: StaffMember[]; problems: string[] } {
  const rows = parseGrid(text, gridFormatOf(text)).filter((r) => r.some((c) => c.trim()));
  const problems: string[] = [];
  const staff: StaffMember[] = [];
  rows.forEach((r, i) => {
    const cells = r.map((c) => c.trim());
    const emailAt = cells.findIndex(isEmail);
    if (emailAt < 0) {
      if (i > 0 || !/邮箱|email/i.test(cells.join(''))) problems.push(`第 ${i + 1} 行没有有效的邮箱：${cells.join(' ')}`);
      return;
    }
    const others = cells.filter((_, j) => j !== emailAt && cells[j]);
    staff.push({ name: others[0] ?? cells[emailAt].split('@')[0], email: email.parse(cells[emailAt]), department: others[1] });
  });
  return { staff, problems };
}

/** A staff list back as the tab-separated text HR would paste (复用上次名单 fills the box with it). */
export function staffText(staff: StaffMember[]): string {
  return staff.map((s) => [s.name, s.email, s.department ?? ''].join('\t').trimEnd()).join('\n');
}
