import { z } from 'zod';
import { formatZodIssues } from '../zod-messages.js';
// Only the package's plain data file: its date library (lunar calendar, solar terms) is not needed here.
import cnDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/**
 * Deadline arithmetic on plain calendar dates ('YYYY-MM-DD') for mainland China, where
 * holidays move working days onto weekends (调休). Dates are handled as whole-day numbers
 * since 1970-01-01 in UTC, so no time zone or DST can shift a day.
 */
export interface HolidayCalendar {
  /** Public holidays (days off) 'YYYY-MM-DD'. */
  holidays: string[];
  /** Make-up working days (调休上班) that fall on a Saturday/Sunday. */
  workdays: string[];
  /** Years the lists are known to cover, e.g. [2026]. */
  years: number[];
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whole days since 1970-01-01, or null for anything that is not a real date. */
function dayNumberOf(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it maps years 0–99 to 1900–1999
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? t.getTime() / DAY_MS : null;
}

function toDayNumber(s: string): number {
  const n = dayNumberOf(s);
  if (n === null) throw new Error(`日期不正确：${JSON.stringify(s)}（应为 YYYY-MM-DD 格式的真实日期）`);
  return n;
}

function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function isValidDate(s: string): boolean {
  return typeof s === 'string' && dayNumberOf(s) !== null;
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

export function mergeCalendars(...cals: HolidayCalendar[]): HolidayCalendar {
  return {
    holidays: sorted(cals.flatMap((c) => c.holidays)),
    workdays: sorted(cals.flatMap((c) => c.workdays)),
    years: [...new Set(cals.flatMap((c) => c.years))].sort((a, b) => a - b),
  };
}

const weekday = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
const isWeekend = (dayNumber: number) => weekday(dayNumber) === 0 || weekday(dayNumber) === 6;

const dateString = z.string().refine(isValidDate, (s) => ({ message: `不是有效日期：${s}` }));
const calendarSchema = z
  .object({
    holidays: z.array(dateString),
    workdays: z.array(dateString),
    /** Optional: by default the years the dates fall in. */
    years: z.array(z.number().int().min(1000).max(9999)).optional(),
  })
  .superRefine((c, ctx) => {
    const holidays = new Set(c.holidays);
    c.workdays.forEach((d, i) => {
      if (!isValidDate(d)) return;
      // A make-up day on a weekday or on a holiday is almost surely a typo in the list.
      if (!isWeekend(toDayNumber(d))) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['workdays', i], message: `调休上班日应为周六或周日：${d}` });
      if (holidays.has(d)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['workdays', i], message: `同一天既是假日又是调休上班日：${d}` });
    });
  });

/** A holiday calendar from configuration (e.g. JSON for a year not built in). */
export function parseCalendar(json: unknown): HolidayCalendar {
  const r = calendarSchema.safeParse(json);
  if (!r.success) throw new Error(`节假日日历有误：${formatZodIssues(r.error, json).join('；')}`);
  const { holidays, workdays, years } = r.data;
  const yearsOf = (ds: string[]) => ds.map((d) => Number(d.slice(0, 4)));
  return {
    holidays: sorted(holidays),
    workdays: sorted(workdays),
    years: [...new Set(years ?? [...yearsOf(holidays), ...yearsOf(workdays)])].sort((a, b) => a - b),
  };
}

/**
 * Mainland China's public holidays and make-up working days for every year the State
 * Council's notice is in `chinese-days`. A year published later comes with `npm update
 * chinese-days`; until then HOLIDAYS_FILE can supply it. Checked like a HOLIDAYS_FILE, so a
 * broken data update fails loudly; frozen, because lookups are cached per calendar object.
 */
let builtIn: HolidayCalendar | undefined;
export function builtInCalendar(): HolidayCalendar {
  if (!builtIn) {
    const c = parseCalendar({ holidays: Object.keys(cnDays.holidays), workdays: Object.keys(cnDays.workdays) });
    builtIn = Object.freeze({ holidays: Object.freeze(c.holidays), workdays: Object.freeze(c.workdays), years: Object.freeze(c.years) }) as HolidayCalendar;
  }
  return builtIn;
}

/** The built-in calendar, plus the parsed JSON of a HOLIDAYS_FILE (more years, or company days off) when given. */
export function loadCalendar(overrideJson?: unknown): HolidayCalendar {
  return overrideJson === undefined ? builtInCalendar() : mergeCalendars(builtInCalendar(), parseCalendar(overrideJson));
}

/** Sets per calendar object (calendars are treated as immutable), so day-by-day walks don't scan the lists each step. */
const lookup = new WeakMap<HolidayCalendar, { holidays: Set<string>; workdays: Set<string> }>();
function setsOf(cal: HolidayCalendar) {
  let s = lookup.get(cal);
  if (!s) lookup.set(cal, (s = { holidays: new Set(cal.holidays), workdays: new Set(cal.workdays) }));
  return s;
}

function isWorkingDayNumber(n: number, cal: HolidayCalendar): boolean {
  const s = setsOf(cal);
  const date = fromDayNumber(n);
  if (s.workdays.has(date)) return true;
  if (s.holidays.has(date)) return false;
  return !isWeekend(n);
}

export function isWorkingDay(date: string, cal: HolidayCalendar): boolean {
  return isWorkingDayNumber(toDayNumber(date), cal);
}

export function addCalendarDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`天数应为整数：${n}`);
  return fromDayNumber(toDayNumber(date) + n);
}

/** Longest run of days off we accept before calling the calendar broken (no real one comes close). */
const MAX_DAYS_OFF_IN_A_ROW = 60;

/** The first working day from `start` stepping by `step` (±1), `start` included. */
function firstWorkingDay(start: number, step: 1 | -1, cal: HolidayCalendar): number {
  let d = start;
  for (let i = 0; !isWorkingDayNumber(d, cal); i++, d += step) {
    if (i > MAX_DAYS_OFF_IN_A_ROW) throw new Error(`节假日日历有误：${fromDayNumber(start)} 前后连续 ${MAX_DAYS_OFF_IN_A_ROW} 天都没有工作日`);
  }
  return d;
}

/** n > 0: the n-th working day after date; 0: date itself if working, else the next working day; n < 0: the |n|-th working day before. */
export function addWorkingDays(date: string, n: number, cal: HolidayCalendar): string {
  if (!Number.isInteger(n)) throw new Error(`工作日天数应为整数：${n}`);
  let d = toDayNumber(date);
  if (n === 0) return fromDayNumber(firstWorkingDay(d, 1, cal));
  const step = n > 0 ? 1 : -1;
  for (let left = Math.abs(n); left > 0; left--) d = firstWorkingDay(d + step, step, cal);
  return fromDayNumber(d);
}

/** The date itself if it is a working day, else the next one. */
export function nextWorkingDay(date: string, cal: HolidayCalendar): string {
  return addWorkingDays(date, 0, cal);
}

/**
 * A calendar-day period whose last day is not a working day ends on the next working day
 * (the usual rule for statutory periods). A negative period ("3 日前") that lands on a day
 * off moves back instead, so the deadline never drifts past what was asked.
 */
export function calendarDeadline(date: string, days: number, cal: HolidayCalendar): string {
  const end = toDayNumber(addCalendarDays(date, days));
  return fromDayNumber(firstWorkingDay(end, days < 0 ? -1 : 1, cal));
}

/** to − from in whole days (negative if `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Whether the calendar's lists are known to cover the date's year (outside them only weekends count as days off). */
export function calendarCovers(cal: HolidayCalendar, date: string): boolean {
  toDayNumber(date); // rejects a malformed date rather than answering for it
  return cal.years.includes(Number(date.slice(0, 4)));
}

/** The years of `dates` the calendar does not cover, ascending: deadlines there counted weekends only, which users must be told. */
export function uncoveredYears(cal: HolidayCalendar, dates: string[]): number[] {
  const years = dates.filter((d) => !calendarCovers(cal, d)).map((d) => Number(d.slice(0, 4)));
  return [...new Set(years)].sort((a, b) => a - b);
}

/**
 * Parses policy duration text like "7 日", "2 个工作日", "30天", "离职后 10 个工作日" into a
 * number and unit; null when no number. The unit is read after the number, so "最后工作日前
 * 2 日" is 2 calendar days. Weeks count as 7 days; months, years and hours have no fixed
 * length in days and give null rather than a guess.
 */
export function parseDuration(text: string): { days: number; unit: 'working' | 'calendar' } | null {
  const m = /(\d+)\s*(?:个\s*)?(工作日|工作天|营业日|周|星期|礼拜|月|年|小时|分钟|日|天)?/.exec(text.normalize('NFKC'));
  if (!m) return null;
  const n = Number(m[1]);
  switch (m[2]) {
    case '工作日':
    case '工作天':
    case '营业日':
      return { days: n, unit: 'working' };
    case '周':
    case '星期':
    case '礼拜':
      return { days: n * 7, unit: 'calendar' };
    case '月':
    case '年':
    case '小时':
    case '分钟':
      return null;
    default:
      return { days: n, unit: 'calendar' };
  }
}

/** Parses "30%", "20 %", "百分之20" into a share 0..1; null when there is none (Chinese numerals are not read). */
export function parsePercent(text: string): number | null {
  const s = text.normalize('NFKC'); // full-width digits and ％
  const m = /(\d+(?:\.\d+)?)\s*%/.exec(s) ?? /百分之\s*(\d+(?:\.\d+)?)/.exec(s);
  if (!m) return null;
  const pct = Number(m[1]);
  return pct <= 100 ? pct / 100 : null;
}

/** Today's date in Asia/Shanghai for an instant (UTC+8 all year: China has had no DST since 1991). */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
