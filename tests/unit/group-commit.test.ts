import { describe, expect, it } from 'vitest';
import { groupCommit, type Outcome } from '../../src/lib/group-commit.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('groupCommit', () => {
  it('a call alone is written at once; a burst goes in batches while writers are busy', async () => {
    const batches: number[][] = [];
    const write = async (items: number[]): Promise<Outcome<number>[]> => {
      batches.push(items);
      await tick();
      return items.map((n) => ({ value: n * 2 }));
    };
    const double = groupCommit(write, { max: 10, atOnce: 2 });
    expect(await double(1)).toBe(2);
    expect(batches).toEqual([[1]]);
    batches.length = 0;
    const answers = await Promise.all(Array.from({ length: 35 }, (_, i) => double(i)));
    expect(answers).toEqual(Array.from({ length: 35 }, (_, i) => i * 2));
    // Two writers start with one call each; the rest wait and go ten at a time, in order.
    expect(batches.map((b) => b.length)).toEqual([1, 1, 10, 10, 10, 3]);
    expect(batches.flat()).toEqual(Array.from({ length: 35 }, (_, i) => i));
  });

  it('with `gather` (a database on this thread), calls of the same turn go together even when no write is running', async () => {
    const batches: number[][] = [];
    // A write that holds the thread, as PGlite's statements do: no call can arrive meanwhile.
    const write = async (items: number[]): Promise<Outcome<number>[]> => {
      batches.push(items);
      return items.map((n) => ({ value: n + 1 }));
    };
    const call = groupCommit(write, { max: 10, atOnce: 1, gather: true });
    expect(await call(0)).toBe(1);
    expect(await Promise.all(Array.from({ length: 25 }, (_, i) => call(i)))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(batches.map((b) => b.length)).toEqual([1, 10, 10, 5]);
    // Without it, the first of a burst goes alone at once.
    batches.length = 0;
    const eager = groupCommit(write, { max: 10, atOnce: 1 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => eager(i)));
    expect(batches.map((b) => b.length)).toEqual([1, 10, 10, 4]);
  });

  it('an item refused answers that caller only; a write that throws fails its own batch only', async () => {
    const write = async (items: number[]): Promise<Outcome<number>[]> => {
      await tick();
      if (items.includes(13)) throw new Error('batch failed');
      return items.map((n) => (n % 5 === 0 ? { error: new Error(`no ${n}`) } : { value: n }));
    };
    const call = groupCommit(write, { max: 4, atOnce: 1 });
    const settled = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => call(i + 1)));
    // Batches: [1], [2..5], [6..9], [10..12]: 5 and 10 refused on their own.
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const more = await Promise.allSettled([call(11), call(12), call(13), call(14), call(16)]);
    // [11] alone; then [12, 13, 14, 16] together, and 13 sinks that batch.
    expect(more.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected']);
  });
});
