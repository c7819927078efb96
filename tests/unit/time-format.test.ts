import { describe, expect, it } from 'vitest';
import { beijingDate, beijingTime, labelledTime } from '../../src/lib/time-format.js';

describe('record times', () => {
  it('are Beijing time and say so, whatever the zone of the machine', () => {
    // 23:30 UTC is already the next day in Beijing.
    expect(beijingTime('2026-12-31T23:30:05Z')).toBe('2027-01-01 07:30:05');
    expect(labelledTime('2026-12-31T23:30:05Z')).toBe('2027-01-01 07:30（北京时间）');
    expect(beijingDate('2026-12-31T23:30:05Z')).toBe('2027-01-01');
    expect(labelledTime(null)).toBe('—');
  });
  it('midnight is 00, not 24', () => {
    expect(beijingTime('2026-11-28T16:00:00Z')).toBe('2026-11-29 00:00:00');
  });
});
