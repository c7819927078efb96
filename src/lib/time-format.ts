/**
 * Times in records are shown in Beijing time and say so, wherever the reader's device is:
 * a signer abroad and the HR office must read the same time off the same record.
 * (Draft save times are the reader's own device events and stay local.)
 */
const ZONE = 'Asia/Shanghai';
export const ZONE_LABEL = '北京时间';

// Built once: a new Intl.DateTimeFormat costs more than a tenth of a millisecond, and a
// campaign's mails or a case page's timeline format thousands of times.
const formats = [false, true].map(
  (withSeconds) =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23',
    }),
);
const parts = (d: Date, withSeconds: boolean) => Object.fromEntries(formats[withSeconds ? 1 : 0].formatToParts(d).map((p) => [p.type, p.value]));

/** 2026-11-29 14:03:05 in Beijing time, without the label (for PDFs that label it once). */
export function beijingTime(when: Date | string, withSeconds = true): string {
  const p = parts(new Date(when), withSeconds);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}

/** 2026-11-29 14:03（北京时间）: a record's time on a page. */
export function labelledTime(when: Date | string | null | undefined, withSeconds = false): string {
  return when ? `${beijingTime(when, withSeconds)}（${ZONE_LABEL}）` : '—';
}

/** The calendar day in Beijing, 2026-11-29. */
export function beijingDate(when: Date | string): string {
  return beijingTime(when, false).slice(0, 10);
}
