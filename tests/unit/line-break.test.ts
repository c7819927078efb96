import { describe, expect, it } from 'vitest';
import { NO_LINE_END, NO_LINE_START, atomicUnits, breakUnits, wrapText } from '../../src/lib/pdf/line-break.js';

// Monospace measure: CJK and full-width count 2, everything else 1.
const measure = (s: string) => Array.from(s).reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);

describe('breakUnits', () => {
  it('breaks between CJK characters and keeps Latin words and numbers whole', () => {
    expect(breakUnits('客户ABC公司2026年')).toEqual(['客', '户', 'ABC', '公', '司', '2026', '年']);
    expect(breakUnits('邮箱 wang@example.com 已确认')).toEqual(['邮', '箱 ', 'wang@example.com ', '已', '确', '认']);
  });

  it('keeps amounts whole: thousands separators and the currency sign belong to the number', () => {
    expect(breakUnits('待回款 ¥12,800.00，合同 HT-2026-0145')).toEqual(['待', '回', '款 ', '¥12,800.00，', '合', '同 ', 'HT-2026-0145']);
    // A comma between words is still a break.
    expect(breakUnits('A,B')).toEqual(['A,', 'B']);
  });

  it('lets a phone number break only before its extension', () => {
    expect(atomicUnits('0755-86001002转8021')).toEqual(['0755-86001002', '转8021']);
    expect(atomicUnits('010-12345678 ext. 12')).toEqual(['010-12345678 ', 'ext. 12']);
    expect(atomicUnits('c145@example.com')).toEqual(['c145@example.com']);
    expect(wrapText('0755-86001002转8021', 14, measure, atomicUnits)).toEqual(['0755-86001002', '转8021']);
  });

  it('attaches closing punctuation to the preceding unit and opening brackets to the next', () => {
    const units = breakUnits('交接。（附件）完成！');
    for (const u of units) {
      expect(NO_LINE_START.has(u[0]), u).toBe(false);
      expect(NO_LINE_END.has(Array.from(u).at(-1)!), u).toBe(false);
    }
    expect(units).toContain('接。');
    expect(units).toContain('（附');
    expect(units).toContain('件）');
  });
});

describe('wrapText', () => {
  it('never starts a line with closing punctuation nor ends one with an opening bracket', () => {
    const text = '移交人应于离职前完成交接，并在《工作交接清单》上签字；接收人逐项核对（含电子资料），确认无误后签收。监交人全程监督！';
    for (let width = 6; width <= 40; width++) {
      const lines = wrapText(text, width, measure);
      expect(lines.join('')).toBe(text);
      lines.forEach((line, i) => {
        if (i > 0) expect(NO_LINE_START.has(line[0]), `width ${width}: «${line}»`).toBe(false);
        expect(NO_LINE_END.has(Array.from(line).at(-1)!), `width ${width}: «${line}»`).toBe(false);
      });
    }
  });

  it('keeps lines within the width and explicit newlines', () => {
    const lines = wrapText('第一行\n第二行很长很长很长很长很长', 10, measure);
    expect(lines[0]).toBe('第一行');
    for (const l of lines) expect(measure(l)).toBeLessThanOrEqual(10);
    expect(lines.join('')).toBe('第一行第二行很长很长很长很长很长');
  });

  it('does not split Latin words unless a word is wider than the line', () => {
    expect(wrapText('contract HT-2026-001 signed', 12, measure)).toEqual(['contract', 'HT-2026-001', 'signed']);
    const long = wrapText('https://example.com/a/very/long/path', 10, measure);
    expect(long.join('')).toBe('https://example.com/a/very/long/path');
    for (const l of long) expect(measure(l)).toBeLessThanOrEqual(10);
  });

  it('returns one empty line for empty text', () => {
    expect(wrapText('', 10, measure)).toEqual(['']);
  });
});
