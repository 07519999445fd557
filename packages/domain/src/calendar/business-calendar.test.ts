import { describe, expect, it } from 'vitest';
import {
  buildBusinessCalendar,
  calendarDayOf,
  calendarDays,
  calendarSourceOf,
  datesBetween,
  isCovered,
  isIsoDate,
  isWeekend,
  isWorkingDay,
  localDateOf,
  parseUtcOffset,
  resolveUtcOffset,
  startOfLocalDay,
} from './business-calendar.ts';
import { CN_HOLIDAYS } from './cn-holidays.ts';

const cal = buildBusinessCalendar();

describe('the shipped holiday data', () => {
  it('has every year from 2020 to 2026 with a State Council notice as its source', () => {
    expect(CN_HOLIDAYS.map((y) => y.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    for (const year of CN_HOLIDAYS) {
      expect(year.notices.length).toBeGreaterThan(0);
      for (const notice of year.notices) {
        expect(notice.title).toMatch(/^国务院办公厅关于.*通知$/);
        expect(notice.number).toMatch(/^国办发明电〔\d{4}〕\d+号$/);
        expect(notice.url).toMatch(/^https?:\/\/www\.gov\.cn\//);
        expect(isIsoDate(notice.issued)).toBe(true);
      }
      expect(year.notices[0]!.title).toContain(`${year.year}年部分节假日安排`);
    }
  });

  it('gives each holiday block as many days as the notice announces, inside its year', () => {
    for (const year of CN_HOLIDAYS) {
      for (const block of year.blocks) {
        expect(isIsoDate(block.from) && isIsoDate(block.to), `${block.name} ${block.from}`).toBe(true);
        expect(datesBetween(block.from, block.to), `${year.year} ${block.name}`).toHaveLength(
          block.announcedDays,
        );
        expect(Number(block.to.slice(0, 4))).toBe(year.year);
      }
    }
  });

  it('makes only Saturdays and Sundays working days, and never a day that is also off', () => {
    const off = new Set<string>();
    const working = new Set<string>();
    for (const year of CN_HOLIDAYS) {
      for (const block of year.blocks) {
        for (const date of datesBetween(block.from, block.to)) {
          expect(off.has(date), `${date} listed twice`).toBe(false);
          off.add(date);
        }
        for (const date of block.makeupWorkdays) {
          expect(isWeekend(date), `${date} (${block.name}) is not a weekend day`).toBe(true);
          working.add(date);
        }
      }
    }
    expect([...working].filter((date) => off.has(date))).toEqual([]);
  });

  it('gives every year its seven festivals (two merged in 2020, 2023 and 2025)', () => {
    const counts = Object.fromEntries(CN_HOLIDAYS.map((y) => [y.year, y.blocks.length]));
    expect(counts).toEqual({ 2020: 6, 2021: 7, 2022: 7, 2023: 6, 2024: 7, 2025: 6, 2026: 7 });
  });

  it.each([
    // 2020: the Spring Festival was extended to 2.2, so Saturday 2.1 was no longer worked.
    ['2020-01-19', true, 'makeupWorkday', '春节'],
    ['2020-01-31', false, 'holiday', '春节'],
    ['2020-02-01', false, 'holiday', '春节'],
    ['2020-02-02', false, 'holiday', '春节'],
    ['2020-02-03', true, 'workday', null],
    // 2023's New Year's Day began on the last day of 2022.
    ['2022-12-31', false, 'holiday', '元旦'],
    ['2023-01-02', false, 'holiday', '元旦'],
    // 2024: New Year's Eve (2.9) was a working day; only paid leave was recommended.
    ['2024-02-09', true, 'workday', null],
    ['2024-02-18', true, 'makeupWorkday', '春节'],
    // 2025: the Spring Festival from New Year's Eve, eight days.
    ['2025-01-28', false, 'holiday', '春节'],
    ['2025-02-04', false, 'holiday', '春节'],
    ['2025-02-08', true, 'makeupWorkday', '春节'],
    ['2025-09-28', true, 'makeupWorkday', '国庆节、中秋节'],
    ['2025-10-08', false, 'holiday', '国庆节、中秋节'],
    // 2026.
    ['2026-01-04', true, 'makeupWorkday', '元旦'],
    ['2026-02-14', true, 'makeupWorkday', '春节'],
    ['2026-02-16', false, 'holiday', '春节'],
    ['2026-02-23', false, 'holiday', '春节'],
    ['2026-02-28', true, 'makeupWorkday', '春节'],
    ['2026-05-09', true, 'makeupWorkday', '劳动节'],
    ['2026-09-20', true, 'makeupWorkday', '国庆节'],
    ['2026-10-10', true, 'makeupWorkday', '国庆节'],
    ['2026-03-07', false, 'weekend', null],
    ['2026-03-02', true, 'workday', null],
  ] as const)('%s is working=%s (%s, %s)', (date, working, kind, name) => {
    expect(isWorkingDay(cal, date)).toBe(working);
    expect(calendarDayOf(cal, date)).toMatchObject({ date, working, kind, name, overridden: false });
  });
});

describe('a business calendar', () => {
  it('covers the shipped years only, and falls back to Monday–Friday elsewhere', () => {
    expect([2019, 2020, 2026, 2027].map((y) => isCovered(cal, y))).toEqual([false, true, true, false]);
    // 2027-01-01 is a Friday: without data it is an ordinary working day.
    expect(calendarDayOf(cal, '2027-01-01')).toMatchObject({ working: true, kind: 'workday', name: null });
    expect(calendarDayOf(cal, '2027-01-02')).toMatchObject({ working: false, kind: 'weekend' });
    expect(calendarSourceOf(cal, 2027)).toBeNull();
    expect(calendarSourceOf(cal, 2026)).toContain('国办发明电〔2025〕7号');
    expect(calendarSourceOf(cal, 2020)).toContain('国办发明电〔2020〕1号');
  });

  it('lists a whole year with 33 holidays and 6 working weekend days in 2026', () => {
    const days = calendarDays(cal, 2026);
    expect(days).toHaveLength(365);
    expect(days[0]!.date).toBe('2026-01-01');
    expect(days.at(-1)!.date).toBe('2026-12-31');
    const count = (kind: string) => days.filter((d) => d.kind === kind).length;
    expect(count('holiday')).toBe(33);
    expect(count('makeupWorkday')).toBe(6);
    // 104 weekend days in 2026, of which 6 are worked and 14 fall inside holidays.
    expect(count('weekend')).toBe(104 - 6 - 14);
    expect(days.filter((d) => d.working)).toHaveLength(365 - 33 - (104 - 6 - 14));
    expect(calendarDays(cal, 2024)).toHaveLength(366);
  });

  it("lets an admin's entries win over the shipped data and cover a new year", () => {
    const edited = buildBusinessCalendar({
      overrides: [
        { date: '2026-02-14', working: false, name: '春节', source: 'correction' },
        { date: '2026-03-02', working: false, name: '停工', source: null },
        { date: '2027-02-06', working: true, name: '春节', source: '国办发明电〔2026〕x号' },
      ],
    });
    expect(calendarDayOf(edited, '2026-02-14')).toMatchObject({
      working: false,
      kind: 'holiday',
      source: 'correction',
      overridden: true,
    });
    expect(isWorkingDay(edited, '2026-03-02')).toBe(false);
    expect(calendarDayOf(edited, '2027-02-06')).toMatchObject({ working: true, kind: 'makeupWorkday' });
    expect(isCovered(edited, 2027)).toBe(true);
    expect(isCovered(edited, 2028)).toBe(false);
    // The shipped calendar is left alone.
    expect(isWorkingDay(cal, '2026-02-14')).toBe(true);
  });

  it.each([
    ['2026-03-01T15:59:59.999Z', '2026-03-01'],
    ['2026-03-01T16:00:00.000Z', '2026-03-02'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01'],
    ['2026-03-02T23:59:59.999+08:00', '2026-03-02'],
  ])('puts the instant %s on local date %s (+08:00)', (instant, date) => {
    expect(localDateOf(cal, new Date(instant))).toBe(date);
  });

  it('starts a local day at 00:00 local time', () => {
    expect(startOfLocalDay(cal, '2026-01-01').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    const utc = buildBusinessCalendar({ timeZone: 'UTC', utcOffsetMinutes: 0 });
    expect(startOfLocalDay(utc, '2026-01-01').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(localDateOf(utc, new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-01');
  });

  it('reads UTC offsets and time-zone names from a table', () => {
    expect(parseUtcOffset('+08:00')).toBe(480);
    expect(parseUtcOffset('-05:30')).toBe(-330);
    expect(parseUtcOffset('Z')).toBe(0);
    expect(() => parseUtcOffset('+8')).toThrow();
    expect(() => parseUtcOffset('+15:00')).toThrow();
    expect(resolveUtcOffset('Asia/Shanghai', { 'Asia/Shanghai': '+08:00' })).toBe(480);
    expect(resolveUtcOffset('+06:00', {})).toBe(360);
    expect(() => resolveUtcOffset('America/New_York', { 'Asia/Shanghai': '+08:00' })).toThrow(/time zone/);
  });

  it('refuses dates that do not exist', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(() => isWorkingDay(cal, '2026-02-30')).toThrow();
    expect(() => buildBusinessCalendar({ overrides: [{ date: 'tomorrow', working: true }] })).toThrow();
  });
});
