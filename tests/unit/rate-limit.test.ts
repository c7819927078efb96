import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/lib/rate-limit.js';

describe('RateLimiter', () => {
  it('allows `limit` requests per window per key, then says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit('1.2.3.4'))).toEqual([0, 0, 0]);
    expect(limiter.hit('1.2.3.4')).toBe(60);
    expect(limiter.hit('5.6.7.8')).toBe(0); // other clients unaffected
    now = 45_000;
    expect(limiter.hit('1.2.3.4')).toBe(15);
    now = 60_000;
    expect(limiter.hit('1.2.3.4')).toBe(0); // a new window
  });
});
