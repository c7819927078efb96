/** Issue 12: PDF rendering is capped in concurrency; beyond a bounded queue, a clear 503. */
import { describe, expect, it } from 'vitest';
import { RenderLimit } from '../../src/lib/pdf/render-limit.js';

const gate = () => {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
};

describe('render limit', () => {
  it('runs at most N renders at once, queues a bounded number, and refuses the rest with Retry-After', async () => {
    const limit = new RenderLimit(2, 3, 7);
    const gates = Array.from({ length: 5 }, gate);
    let active = 0;
    let peak = 0;
    const jobs = gates.map((g, i) =>
      limit.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await g.p;
        active--;
        return i;
      }),
    );
    await Promise.resolve();
    expect(limit.running).toBe(2);
    expect(limit.queued).toBe(3);
    await expect(limit.run(async () => 99)).rejects.toMatchObject({ code: 'busy', status: 503, retryAfter: 7, message: expect.stringMatching(/[\u4e00-\u9fff]/) });
    gates.forEach((g) => g.open());
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limit.running + limit.queued).toBe(0);
  });

  it('frees the slot when a render fails', async () => {
    const limit = new RenderLimit(1, 1);
    await expect(limit.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await limit.run(async () => 'ok')).toBe('ok');
    expect(limit.running).toBe(0);
  });
});
