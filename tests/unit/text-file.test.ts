import { describe, expect, it } from 'vitest';
import { decodeTextFile, gridFormatOf } from '../../src/lib/text-file.js';
import { parseStaff } from '../../src/lib/staff-list.js';

const TEXT = '客户名称,联系电话\n华东贸易有限公司,13812345678\n';
// The same text as Excel on Chinese Windows saves "CSV": GBK bytes (客户名称 = BF CD BB A7 C3 FB B3 C6 …).
const GBK = Uint8Array.from(Buffer.from('bfcdbba7c3fbb3c62cc1aacfb5b5e7bbb00abbaab6abc3b3d2d7d3d0cfdeb9abcbbe2c31333831323334353637380a', 'hex'));
const utf16 = (le: boolean) => {
  const body = Buffer.from(TEXT, 'utf16le');
  if (!le) body.swap16();
  return Uint8Array.from(Buffer.concat([Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]), body]));
};

describe('decoding uploaded text files', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeTextFile(new TextEncoder().encode(TEXT))).toEqual({ text: TEXT, encoding: 'utf-8' });
    expect(decodeTextFile(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(TEXT)]))).toEqual({ text: TEXT, encoding: 'utf-8' });
  });

  it('reads Excel CSV saved on Chinese Windows (GBK) instead of showing mojibake', () => {
    expect(decodeTextFile(GBK)).toEqual({ text: TEXT, encoding: 'gb18030' });
  });

  it('reads UTF-16 with a BOM, little and big endian (Excel "Unicode 文本")', () => {
    expect(decodeTextFile(utf16(true))).toEqual({ text: TEXT, encoding: 'utf-16le' });
    expect(decodeTextFile(utf16(false))).toEqual({ text: TEXT, encoding: 'utf-16be' });
  });

  it('tells tab-separated from comma-separated by the first line', () => {
    expect(gridFormatOf('姓名\t邮箱\n张三\tz@x.cn')).toBe('tsv');
    expect(gridFormatOf('姓名,邮箱\n张三,"a\tb"')).toBe('csv');
    expect(gridFormatOf('')).toBe('csv');
  });
});

describe('staff list', () => {
  it('finds the email column in any position, skips a header, and reports rows without an email', () => {
    const { staff, problems } = parseStaff('姓名,邮箱,部门\n张三,ZhangSan@Example.com,销售部\nlisi@example.com,李四\n王五,没有邮箱,运营部\n');
    expect(staff).toEqual([
      { name: '张三', email: 'zhangsan@example.com', department: '销售部' },
      { name: '李四', email: 'lisi@example.com', department: undefined },
    ]);
    expect(problems).toEqual(['第 4 行没有有效的邮箱：王五 没有邮箱 运营部']);
  });

  it('reads a tab-separated paste from Excel and names a person by the mailbox when no name is given', () => {
    expect(parseStaff('zhao@example.com\t\t\n钱二\tqian@example.com\t财务部').staff).toEqual([
      { name: 'zhao', email: 'zhao@example.com', department: undefined },
      { name: '钱二', email: 'qian@example.com', department: '财务部' },
    ]);
  });
});
