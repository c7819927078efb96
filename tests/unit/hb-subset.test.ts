/**
 * A HarfBuzz face reads only the bytes its subsets need (hb-subset.ts): the tables, then the
 * outlines each subset keeps. The subsets must be the bytes a face of the whole file makes —
 * for the documents' text, for characters with variation-selector variants or a bidi mirror
 * (which HarfBuzz keeps too), for random picks across the font, one subset after another on
 * the same face.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FONT_FILES } from '../../src/lib/pdf/fonts.js';
import { subsetFace } from '../../src/lib/pdf/hb-subset.js';
import { SfntFont } from '../../src/lib/pdf/sfnt.js';

const TEXT = '工作交接清单：客户名称 上海某某科技有限公司（第12分公司），金额 ¥12,800.00，邮箱 client12@example.com。□第页共/';

/** A seeded pick of `n` code points from `from`. */
function pick(from: number[], n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(from[x % from.length]);
  }
  return out;
}

describe('a face that reads only what its subsets need', () => {
  it('cuts the same subsets as a face of the whole file, one after another', async () => {
    for (const name of ['regular', 'bold'] as const) {
      const file = FONT_FILES[name];
      const [sparse, whole] = [await subsetFace(file), await subsetFace(file, { readAll: true })];
      const all = new SfntFont(readFileSync(file)).characterSet.filter((cp) => cp >= 0x20);
      const sets: number[][] = [
        [...TEXT].map((c) => c.codePointAt(0)!),
        // Characters with variation-selector variants (葛, 辻, 邉… in a format 14 cmap) and ones without any glyph.
        [...'葛辻邉逢祇𠮷😀\u{10FFFF}'].map((c) => c.codePointAt(0)!),
        // Brackets whose mirror HarfBuzz keeps as well (＜ brings ＞), alone in a subset.
        [0xff1c],
        [...'《「（'].map((c) => c.codePointAt(0)!),
        ...Array.from({ length: 12 }, (_, i) => pick(all, 300, i + 1)),
      ];
      for (const [i, set] of sets.entries()) {
        const ours = Buffer.from(sparse.subset(set, { layout: false }));
        expect(ours.equals(Buffer.from(whole.subset(set, { layout: false }))), `${name}, set ${i}`).toBe(true);
      }
      // With layout rules the whole glyf table is read, and the subsets still agree.
      for (const set of sets.slice(0, 3)) expect(Buffer.from(sparse.subset(set)).equals(Buffer.from(whole.subset(set))), `${name} with layout`).toBe(true);
    }
  }, 120_000);
});
