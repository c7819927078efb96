import { describe, expect, it } from 'vitest';
import { readSheet } from 'read-excel-file/node';
import { toCsv, toXlsx } from '../../src/lib/campaigns/sheets.js';
import { policyHtml } from '../../src/lib/campaigns/policy-html.js';
import { parseStaff, staffText } from '../../src/lib/staff-list.js';

describe('roster sheets', () => {
  const table = { header: ['姓名', '部门'], rows: [['=HYPERLINK("x")', '销售部, 华东'], ['张"三', '运营\n二组'], ['<李&四>', '']] };

  it('CSV: BOM, CRLF, quoted where needed, formulas shown as text', () => {
    const bytes = toCsv(table);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
      '\ufeff姓名,部门\r\n"\'=HYPERLINK(""x"")","销售部, 华东"\r\n"张""三","运营\n二组"\r\n<李&四>,\r\n',
    );
  });

  it('XLSX: text cells read back as written, XML characters included', async () => {
    const rows = await readSheet(Buffer.from(toXlsx(table, '确认名单')));
    expect(rows).toEqual([['姓名', '部门'], ['=HYPERLINK("x")', '销售部, 华东'], ['张"三', '运营\n二组'], ['<李&四>', null]]);
  });
});

describe('the policy as staff read it', () => {
  it('renders Markdown; raw HTML, scripts and javascript: links do nothing', () => {
    const html = policyHtml('## 目的\n\n<img src=x onerror=alert(1)> 正文 [链接](javascript:alert(1)) [官网](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(html).toContain('<h2>目的</h2>');
    expect(html).not.toMatch(/<img|<a href="javascript/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer" target="_blank">官网</a>');
    expect(html).toContain('<div class="table-box"><table>');
  });
});

describe('staff list', () => {
  it('uses the shared email check and comes back as the text HR pastes', () => {
    const { staff, problems } = parseStaff('姓名\t邮箱\t部门\n赵一\tZhao@Ex.com\t销售部\n钱二\tqian@ex\t运营部\n孙三\tsun@ex.com');
    expect(staff).toEqual([{ name: '赵一', email: 'zhao@ex.com', department: '销售部' }, { name: '孙三', email: 'sun@ex.com', department: undefined }]);
    expect(problems).toEqual(['第 3 行没有有效的邮箱：钱二 qian@ex 运营部']);
    expect(parseStaff(staffText(staff)).staff).toEqual(staff);
  });
});
