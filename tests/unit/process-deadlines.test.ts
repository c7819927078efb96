import { describe, expect, it } from 'vitest';
import { CN_CALENDAR_2026 } from '../../src/lib/process/calendar';
import { processDeadlines, reminderKey } from '../../src/lib/process/deadlines';
import { DEFAULT_SETTINGS, settingsFromPolicy } from '../../src/lib/process/settings';
import { emptyState } from '../../src/lib/process/state';

const input = (stage: 'B' | 'C' | 'D' | 'E' | 'F' | 'done' = 'B') => ({
  openedOn: '2026-09-29', lastWorkingDay: '2026-09-30', settings: DEFAULT_SETTINGS, stage, state: emptyState({}),
});

describe('process deadlines', () => {
  it('count working days over National Day and roll calendar periods off holidays', () => {
    const d = Object.fromEntries(processDeadlines(input(), CN_CALENDAR_2026, '2026-09-29').map((x) => [x.key, x]));
    expect(d.plan.due).toBe('2026-10-09'); // 09-30, then 10-01…07 off, 10-08, 10-09
    expect(d.accounts.due).toBe('2026-10-08'); // 1 working day after the last day
    expect(d.firstContact.due).toBe('2026-10-08'); // 7 days → 10-07 (holiday) → next working day
    expect(d.visits.due).toBe('2026-10-30');
    expect(d.spotCheck.due).toBe('2026-11-06');
  });

  it('marks stages passed as done and reminds 7, 2 days before and daily when overdue', () => {
    const done = processDeadlines(input('D'), CN_CALENDAR_2026, '2026-10-01');
    expect(done.find((x) => x.key === 'plan')!.done).toBe(true);
    const at = (today: string) => reminderKey(processDeadlines(input(), CN_CALENDAR_2026, today).find((x) => x.key === 'visits')!, today);
    expect(at('2026-10-20')).toBeNull();
    expect(at('2026-10-23')).toBe('d7');
    expect(at('2026-10-28')).toBe('d2');
    expect(at('2026-10-30')).toBe('d2');
    expect(at('2026-11-02')).toBe('overdue:2026-11-02');
  });

  it('takes periods and the sampling share from policy variables', () => {
    const s = settingsFromPolicy({ planDeadline: '5 个工作日', firstContactDeadline: '10 日', spotCheckRatio: '30%', accountRevocationDeadline: '1 个工作日' });
    expect(s).toMatchObject({ planDays: 5, firstContactDays: 10, sampleShare: 0.3, accountDays: 1, visitDays: 30 });
  });
});
