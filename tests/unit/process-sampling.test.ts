import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_RULE, drawSample, type SampleCandidate } from '../../src/lib/process/sampling.js';

/** `count` customers c1… with the given grade, ids offset by `from`. */
const customers = (count: number, grade: string, from = 0): SampleCandidate[] =>
  Array.from({ length: count }, (_, i) => ({ id: `c${from + i + 1}`, grade }));

const countReasons = (reasons: Record<string, string>) =>
  Object.values(reasons).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});

describe('drawSample', () => {
  it('defaults to 20% and at least 3', () => {
    expect(DEFAULT_SAMPLE_RULE).toEqual({ share: 0.2, min: 3 });
  });

  it('takes every A customer plus the share of the rest', () => {
    const list = [...customers(10, 'A'), ...customers(45, 'B', 10), ...customers(45, 'C', 55)];
    const s = drawSample(list, DEFAULT_SAMPLE_RULE, 'proc-1');
    expect(s.ids).toHaveLength(10 + 18); // ceil(0.2 × 90)
    for (const c of list.filter((c) => c.grade === 'A')) expect(s.reasons[c.id]).toBe('grade-a');
    expect(countReasons(s.reasons)).toEqual({ 'grade-a': 10, random: 18 });
    expect(s.seed).toBe('proc-1');
    expect(s.rule).toEqual(DEFAULT_SAMPLE_RULE);
  });

  it('rounds the share up, without float noise adding one', () => {
    expect(drawSample(customers(11, 'B'), { share: 0.2, min: 0 }, 's').ids).toHaveLength(3); // 2.2 → 3
    expect(drawSample(customers(10, 'B'), { share: 0.7, min: 0 }, 's').ids).toHaveLength(7); // 0.7 × 10 is 7.000…1 in floats
    expect(drawSample(customers(30, 'B'), { share: 0.1, min: 0 }, 's').ids).toHaveLength(3);
  });

  it('honours the minimum on small lists', () => {
    expect(drawSample(customers(5, 'C'), DEFAULT_SAMPLE_RULE, 's').ids).toHaveLength(3);
    // One A already counts towards the minimum: 1 + 2 random.
    const s = drawSample([...customers(1, 'A'), ...customers(4, 'C', 1)], DEFAULT_SAMPLE_RULE, 's');
    expect(countReasons(s.reasons)).toEqual({ 'grade-a': 1, random: 2 });
  });

  it('never draws more than there are', () => {
    expect(drawSample(customers(2, 'B'), { share: 0.2, min: 5 }, 's').ids).toEqual(['c1', 'c2']);
    expect(drawSample(customers(4, 'B'), { share: 1, min: 0 }, 's').ids).toHaveLength(4);
    expect(drawSample([], DEFAULT_SAMPLE_RULE, 's').ids).toEqual([]);
    // Five A customers already exceed the minimum; no random draw from zero others.
    expect(countReasons(drawSample(customers(5, 'A'), DEFAULT_SAMPLE_RULE, 's').reasons)).toEqual({ 'grade-a': 5 });
  });

  it('includes forced customers, and an A customer stays "grade-a" even if forced', () => {
    const list: SampleCandidate[] = [
      { id: 'a1', grade: 'A', forced: true },
      { id: 'b1', grade: 'B', forced: true },
      { id: 'c1', grade: 'C', forced: true },
      ...customers(20, 'C', 100),
    ];
    const s = drawSample(list, DEFAULT_SAMPLE_RULE, 'seed');
    expect(s.reasons.a1).toBe('grade-a');
    expect(s.reasons.b1).toBe('forced');
    expect(s.reasons.c1).toBe('forced');
    expect(countReasons(s.reasons)).toEqual({ 'grade-a': 1, forced: 2, random: 4 }); // ceil(0.2 × 20)
  });

  it('gives the same sample for the same seed, whatever the input order, listed in input order', () => {
    const list = [...customers(3, 'A'), ...customers(40, 'B', 3)];
    const reversed = list.slice().reverse();
    const a = drawSample(list, DEFAULT_SAMPLE_RULE, 'process-42');
    const b = drawSample(reversed, DEFAULT_SAMPLE_RULE, 'process-42');
    expect(b.ids.slice().sort()).toEqual(a.ids.slice().sort());
    expect(b.reasons).toEqual(a.reasons);
    expect(a.ids).toEqual(list.map((c) => c.id).filter((id) => a.ids.includes(id)));
    expect(b.ids).toEqual(reversed.map((c) => c.id).filter((id) => b.ids.includes(id)));
  });

  it('usually gives a different sample for a different seed', () => {
    const list = customers(50, 'B');
    const samples = new Set(Array.from({ length: 10 }, (_, i) => drawSample(list, DEFAULT_SAMPLE_RULE, `seed-${i}`).ids.join(',')));
    expect(samples.size).toBeGreaterThanOrEqual(9);
  });

  it('spreads the draw over everyone rather than favouring the first ids', () => {
    const list = customers(10, 'B');
    const hits = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const id of drawSample(list, { share: 0.3, min: 0 }, `s${i}`).ids) hits.set(id, (hits.get(id) ?? 0) + 1);
    // Each customer expects 600 of 6000 picks.
    for (const c of list) expect(hits.get(c.id)).toBeGreaterThan(480);
    for (const c of list) expect(hits.get(c.id)).toBeLessThan(720);
  });

  it('rejects an impossible rule or duplicate ids', () => {
    expect(() => drawSample(customers(3, 'B'), { share: 1.2, min: 3 }, 's')).toThrow(/抽查比例/);
    expect(() => drawSample(customers(3, 'B'), { share: -0.1, min: 3 }, 's')).toThrow(/抽查比例/);
    expect(() => drawSample(customers(3, 'B'), { share: 0.2, min: -1 }, 's')).toThrow(/最少抽查数/);
    expect(() => drawSample([...customers(2, 'B'), { id: 'c1', grade: 'C' }], DEFAULT_SAMPLE_RULE, 's')).toThrow(/客户编号重复：c1/);
  });
});
