import { describe, expect, it } from 'vitest';
import { textLines } from '../../src/islands/signing/text-lines.js';

/** A PDF.js text item: a run of text at (x, y) in page points, `w` wide, `h` high. */
const run = (str: string, x: number, y: number, w: number, h = 10) => ({ str, transform: [h, 0, 0, h, x, y], width: w, height: h, dir: 'ltr', fontName: 'f', hasEOL: false });

describe('textLines: a PDF page as paragraphs a phone can wrap', () => {
  it('joins a clause the page broke at its right margin, and starts anew after closing punctuation', () => {
    const items = [
      run('第1条 交接人应当在离岗前将所负责的文件、账目整理成册，经接收人逐项核对无误后', 50, 700, 495),
      run('签字确认。', 50, 686, 50),
      run('第2条 交接期一般为十五日。', 50, 660, 140),
    ];
    expect(textLines(items)).toEqual(['第1条 交接人应当在离岗前将所负责的文件、账目整理成册，经接收人逐项核对无误后签字确认。', '第2条 交接期一般为十五日。']);
  });

  it('keeps table rows apart, columns separated by a wide space, read left to right whatever the order of the runs', () => {
    const items = [
      run('未交接', 520, 600, 30),
      run('上海某某科技有限公司', 80, 600, 100),
      run('1', 50, 600, 5),
      run('2', 50, 585, 5),
      run('杭州某某贸易有限公司', 80, 585, 100),
      run('未交接', 520, 585, 30),
    ];
    expect(textLines(items)).toEqual(['1　上海某某科技有限公司　未交接', '2　杭州某某贸易有限公司　未交接']);
  });

  it('drops empty runs and marked-content markers', () => {
    expect(textLines([{ type: 'beginMarkedContent' }, run('  ', 50, 700, 10), run('交接', 50, 690, 20)])).toEqual(['交接']);
  });
});
