import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  builtInCalendar,
  calendarCovers,
  calendarDeadline,
  daysBetween,
  isValidDate,
  isWorkingDay,
  loadCalendar,
  mergeCalendars,
  nextWorkingDay,
  parseCalendar,
  parseDuration,
  parsePercent,
  shanghaiDate,
  uncoveredYears,
} from '../../src/lib/process/calendar.js';

const cal = builtInCalendar();
const yearOf = (c: { holidays: string[]; workdays: string[] }, y: number) => ({
  holidays: c.holidays.filter((d) => d.startsWith(`${y}-`)),
  workdays: c.workdays.filter((d) => d.startsWith(`${y}-`)),
});
const days = (from: string, to: string) => Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => addCalendarDays(from, i));

describe('the built-in calendar (chinese-days)', () => {
  it('passes its own validation: real dates, make-up days all on weekends and not holidays', () => {
    expect(parseCalendar(cal)).toEqual(cal);
  });

  it('covers every year from 2004 to 2026', () => {
    expect(cal.years).toEqual(Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i));
  });

  it('has 2026 exactly as in the State Council notice', () => {
    expect(yearOf(cal, 2026)).toEqual({
      holidays: [
        ...days('2026-01-01', '2026-01-03'), // 元旦
        ...days('2026-02-15', '2026-02-23'), // 春节
        ...days('2026-04-04', '2026-04-06'), // 清明节
        ...days('2026-05-01', '2026-05-05'), // 劳动节
        ...days('2026-06-19', '2026-06-21'), // 端午节
        ...days('2026-09-25', '2026-09-27'), // 中秋节
        ...days('2026-10-01', '2026-10-07'), // 国庆节
      ],
      workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    });
  });

  it('has 2025 春节 and 国庆 as in the State Council notice (国办发明电〔2024〕12号)', () => {
    // 春节 1月28日–2月4日, 1月26日（周日）、2月8日（周六）上班
    expect(addWorkingDays('2025-01-24', 1, cal)).toBe('2025-01-26'); // Friday → make-up Sunday
    expect(addWorkingDays('2025-01-27', 1, cal)).toBe('2025-02-05'); // over the whole 8-day block
    expect(addWorkingDays('2025-01-24', 5, cal)).toBe('2025-02-07'); // 01-26, 01-27, 02-05, 02-06, 02-07
    expect(addWorkingDays('2025-01-24', 6, cal)).toBe('2025-02-08'); // make-up Saturday
    // 国庆节、中秋节 10月1日–8日, 9月28日（周日）、10月11日（周六）上班
    expect(addWorkingDays('2025-09-26', 1, cal)).toBe('2025-09-28');
    expect(addWorkingDays('2025-09-30', 1, cal)).toBe('2025-10-09');
    expect(addWorkingDays('2025-09-30', 3, cal)).toBe('2025-10-11'); // 10-09, 10-10, make-up 10-11
    expect(addWorkingDays('2025-09-30', 4, cal)).toBe('2025-10-13');
  });

  it('knows the holidays, the make-up working days and ordinary weekends', () => {
    expect(isWorkingDay('2026-10-01', cal)).toBe(false); // 国庆
    expect(isWorkingDay('2026-10-07', cal)).toBe(false);
    expect(isWorkingDay('2026-10-08', cal)).toBe(true);
    expect(isWorkingDay('2026-02-16', cal)).toBe(false); // 春节, a Monday
    expect(isWorkingDay('2026-02-14', cal)).toBe(true); // make-up Saturday
    expect(isWorkingDay('2026-01-04', cal)).toBe(true); // make-up Sunday
    expect(isWorkingDay('2026-03-07', cal)).toBe(false); // an ordinary Saturday
    expect(isWorkingDay('2026-03-09', cal)).toBe(true); // an ordinary Monday
  });

  it('cannot be changed in place (its lookups are cached)', () => {
    expect(() => cal.holidays.push('2026-03-10')).toThrow();
  });
});

describe('addWorkingDays', () => {
  it('skips National Day and counts make-up Saturdays', () => {
    expect(addWorkingDays('2026-09-30', 1, cal)).toBe('2026-10-08');
    expect(addWorkingDays('2026-10-09', 1, cal)).toBe('2026-10-10'); // Friday → make-up Saturday
    expect(addWorkingDays('2026-10-09', 2, cal)).toBe('2026-10-12'); // Sunday 10-11 is off again
    expect(addWorkingDays('2026-02-13', 1, cal)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-14', 1, cal)).toBe('2026-02-24'); // across 春节
    expect(addWorkingDays('2026-03-06', 5, cal)).toBe('2026-03-13'); // an ordinary week
  });

  it('with 0 keeps a working day and moves a day off forward', () => {
    expect(addWorkingDays('2026-03-10', 0, cal)).toBe('2026-03-10');
    expect(addWorkingDays('2026-10-03', 0, cal)).toBe('2026-10-08');
    expect(nextWorkingDay('2026-03-07', cal)).toBe('2026-03-09');
    expect(nextWorkingDay('2026-09-20', cal)).toBe('2026-09-20'); // make-up Sunday
  });

  it('counts backwards for negative n', () => {
    expect(addWorkingDays('2026-10-08', -1, cal)).toBe('2026-09-30');
    expect(addWorkingDays('2026-03-09', -1, cal)).toBe('2026-03-06'); // Monday → Friday
    expect(addWorkingDays('2026-10-12', -2, cal)).toBe('2026-10-09'); // via make-up 10-10
    expect(addWorkingDays('2026-05-06', -3, cal)).toBe('2026-04-28'); // 05-01..05 off
  });

  it('crosses years, where days outside the calendar count weekends only', () => {
    expect(addWorkingDays('2025-12-31', 1, cal)).toBe('2026-01-04'); // Jan 1–3 off, Sunday Jan 4 is a make-up day
    expect(addWorkingDays('2030-12-31', 1, cal)).toBe('2031-01-01'); // 2031 not covered: 元旦 counts as a plain Wednesday
    expect(calendarCovers(cal, '2026-12-31')).toBe(true);
    expect(calendarCovers(cal, '2031-01-01')).toBe(false);
  });

  it('names the years it does not cover', () => {
    expect(uncoveredYears(cal, ['2026-10-08', '2031-01-01', '2029-05-06', '2031-02-03'])).toEqual([2029, 2031]);
    expect(uncoveredYears(cal, ['2025-10-09', '2026-10-08'])).toEqual([]);
  });

  it('rejects bad input with a Chinese message', () => {
    expect(() => addWorkingDays('2026-02-30', 1, cal)).toThrow(/日期不正确.*2026-02-30/);
    expect(() => addWorkingDays('2026-03-09', 1.5, cal)).toThrow(/整数/);
    expect(() => addWorkingDays('2026/03/09', 1, cal)).toThrow(/日期不正确/);
  });

  it('gives up on a calendar with no working day in sight instead of looping forever', () => {
    const allOff = { holidays: Array.from({ length: 400 }, (_, i) => addCalendarDays('2030-01-01', i)), workdays: [], years: [2030] };
    expect(() => addWorkingDays('2030-01-01', 1, allOff)).toThrow(/没有工作日/);
  });
});

describe('calendarDeadline', () => {
  it('keeps a period that ends on a working day', () => {
    expect(calendarDeadline('2026-03-02', 7, cal)).toBe('2026-03-09');
  });

  it('rolls a period ending on a Sunday to Monday', () => {
    expect(calendarDeadline('2026-03-01', 7, cal)).toBe('2026-03-09'); // 03-08 is a Sunday
  });

  it('rolls a period ending inside 国庆 to the first working day after it', () => {
    expect(calendarDeadline('2026-09-02', 30, cal)).toBe('2026-10-08'); // 10-02 is a holiday
    expect(calendarDeadline('2026-09-13', 7, cal)).toBe('2026-09-20'); // a make-up Sunday is a working day
  });

  it('for a period before a date, moves back to the working day before', () => {
    expect(calendarDeadline('2026-10-10', -3, cal)).toBe('2026-09-30'); // 10-07 is off
  });
});

describe('a configurable holiday calendar', () => {
  it('changes the result when a company adds its own day off', () => {
    const company = parseCalendar({ holidays: ['2026-03-09'], workdays: [] });
    expect(company.years).toEqual([2026]);
    const merged = mergeCalendars(cal, company);
    expect(addWorkingDays('2026-03-06', 1, cal)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-06', 1, merged)).toBe('2026-03-10');
    expect(merged.holidays).toContain('2026-10-01');
    expect(merged.years).toEqual(cal.years);
  });

  it('covers a new year from JSON', () => {
    const y2031 = parseCalendar({ holidays: ['2031-01-01'], workdays: ['2031-01-04'], years: [2031] });
    expect(isWorkingDay('2031-01-01', y2031)).toBe(false); // a Wednesday off
    expect(isWorkingDay('2031-01-04', y2031)).toBe(true); // a Saturday at work
    expect(calendarCovers(mergeCalendars(cal, y2031), '2031-06-02')).toBe(true);
  });

  it('rejects bad dates and contradictions, naming the date', () => {
    expect(() => parseCalendar({ holidays: ['2026-02-30'], workdays: [] })).toThrow(/holidays\[0\].*不是有效日期：2026-02-30/);
    expect(() => parseCalendar({ holidays: [], workdays: ['2026-3-1'] })).toThrow(/2026-3-1/);
    expect(() => parseCalendar({ holidays: [], workdays: ['2026-03-09'] })).toThrow(/调休上班日应为周六或周日：2026-03-09/);
    expect(() => parseCalendar({ holidays: ['2026-03-07'], workdays: ['2026-03-07'] })).toThrow(/既是假日又是调休上班日/);
    expect(() => parseCalendar({ holidays: '2026-01-01' })).toThrow(/节假日日历有误/);
  });
});

describe('loadCalendar (built in + HOLIDAYS_FILE)', () => {
  it('is the built-in calendar when there is no file', () => {
    expect(loadCalendar()).toBe(builtInCalendar());
  });

  it('adds a year the package does not have yet', () => {
    const c = loadCalendar({ holidays: ['2031-01-01'], workdays: [], years: [2031] });
    expect(c.years).toContain(2031);
    expect(c.years).toContain(2026);
    expect(addWorkingDays('2030-12-31', 1, c)).toBe('2031-01-02');
    expect(uncoveredYears(c, ['2031-01-02'])).toEqual([]);
  });

  it('adds company days off and working weekends to a built-in year, keeping the rest', () => {
    const c = loadCalendar({ holidays: ['2026-03-09'], workdays: ['2026-03-14'] });
    expect(addWorkingDays('2026-03-06', 1, c)).toBe('2026-03-10');
    expect(isWorkingDay('2026-03-14', c)).toBe(true); // a Saturday
    expect(isWorkingDay('2026-10-01', c)).toBe(false);
    expect(addWorkingDays('2025-01-27', 1, c)).toBe('2025-02-05');
  });

  it('rejects a broken file with the reason', () => {
    expect(() => loadCalendar({ holidays: ['2031-02-30'], workdays: [] })).toThrow(/节假日日历有误.*2031-02-30/);
  });
});

describe('dates', () => {
  it('validates real dates only', () => {
    expect(isValidDate('2026-02-28')).toBe(true);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2026-13-01')).toBe(false);
    expect(isValidDate('2026-1-01')).toBe(false);
    expect(isValidDate('2026-01-01T00:00')).toBe(false);
    expect(isValidDate('')).toBe(false);
  });

  it('adds calendar days and counts days between', () => {
    expect(addCalendarDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-09-30', '2026-10-08')).toBe(8);
    expect(daysBetween('2026-10-08', '2026-09-30')).toBe(-8);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it("gives today's date in Shanghai", () => {
    expect(shanghaiDate(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(shanghaiDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
  });
});

describe('parseDuration', () => {
  it('reads the number and whether the days are working days', () => {
    expect(parseDuration('7 日')).toEqual({ days: 7, unit: 'calendar' });
    expect(parseDuration('2 个工作日')).toEqual({ days: 2, unit: 'working' });
    expect(parseDuration('30天')).toEqual({ days: 30, unit: 'calendar' });
    expect(parseDuration('离职后 10 个工作日')).toEqual({ days: 10, unit: 'working' });
    expect(parseDuration('5 个营业日')).toEqual({ days: 5, unit: 'working' });
    expect(parseDuration('３０日')).toEqual({ days: 30, unit: 'calendar' }); // full-width digits
  });

  it('takes the unit after the number, not an earlier 工作日', () => {
    expect(parseDuration('最后工作日前 2 日')).toEqual({ days: 2, unit: 'calendar' });
    expect(parseDuration('最后工作日前 3 个工作日')).toEqual({ days: 3, unit: 'working' });
  });

  it('turns weeks into days and will not guess months', () => {
    expect(parseDuration('2 周')).toEqual({ days: 14, unit: 'calendar' });
    expect(parseDuration('1 个月')).toBeNull();
    expect(parseDuration('两周')).toBeNull(); // no digits
    expect(parseDuration('最后工作日下班前')).toBeNull();
  });
});

describe('parsePercent', () => {
  it('reads percentages as a share', () => {
    expect(parsePercent('30%')).toBe(0.3);
    expect(parsePercent('20 %')).toBe(0.2);
    expect(parsePercent('抽查 12.5％')).toBe(0.125);
    expect(parsePercent('百分之20')).toBe(0.2);
    expect(parsePercent('100%')).toBe(1);
  });

  it('returns null when there is no usable percentage', () => {
    expect(parsePercent('百分之二十')).toBeNull();
    expect(parsePercent('30')).toBeNull();
    expect(parsePercent('150%')).toBeNull();
  });
});
