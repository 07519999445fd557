import { describe, expect, it } from 'vitest';
import { localDateKey, parseImportTime, utcOffsetMinutes } from './import-time.ts';

const SHANGHAI = 'Asia/Shanghai';

describe('parseImportTime', () => {
  it.each([
    ['2025-03-01 08:30', '2025-03-01T08:30:00+08:00'],
    ['2025-03-01 08:30:15', '2025-03-01T08:30:15+08:00'],
    ['2025/3/1 8:30', '2025-03-01T08:30:00+08:00'],
    ['2025/03/01 8:05:09', '2025-03-01T08:05:09+08:00'],
    ['2025.3.1 23:59', '2025-03-01T23:59:00+08:00'],
    ['2025年3月1日 8:30', '2025-03-01T08:30:00+08:00'],
    ['2025-03-01', '2025-03-01T00:00:00+08:00'],
    ['2025-03-01T08:30', '2025-03-01T08:30:00+08:00'],
    ['2025-03-01T08:30:00Z', '2025-03-01T08:30:00Z'],
    ['2025-03-01T08:30:00+0900', '2025-03-01T08:30:00+09:00'],
    ['2024-02-29 12:00', '2024-02-29T12:00:00+08:00'],
    // Excel serials: whole days since 1899-12-30, the fraction the time of day.
    ['45717', '2025-03-01T00:00:00+08:00'],
    ['45717.354166667', '2025-03-01T08:30:00+08:00'],
  ])('%s', (text, expected) => {
    expect(parseImportTime(text, SHANGHAI)).toEqual(new Date(expected));
  });

  it('reads Excel numbers and XLSX date cells (wall time in the UTC fields)', () => {
    expect(parseImportTime(45717.5, SHANGHAI)).toEqual(new Date('2025-03-01T12:00:00+08:00'));
    expect(parseImportTime(new Date(Date.UTC(2025, 2, 1, 8, 30)), SHANGHAI)).toEqual(
      new Date('2025-03-01T08:30:00+08:00'),
    );
  });

  it.each([
    ['2025-02-30 10:00', /not a real date/],
    ['2025-02-29 10:00', /not a real date/],
    ['2025-03-01 24:00', /not a real date/],
    ['2025-03-01 08:60', /not a real date/],
    ['01/03/2025 08:30', /is not a time such as/],
    ['昨天下午', /is not a time such as/],
    ['2025-13-01', /not a real date/],
  ])('refuses %s', (text, message) => {
    expect(parseImportTime(text, SHANGHAI)).toMatch(message);
  });

  it('refuses numbers that are no Excel date', () => {
    expect(parseImportTime(-3, SHANGHAI)).toMatch(/not an Excel date/);
    expect(parseImportTime(new Date(Number.NaN), SHANGHAI)).toMatch(/Not a valid date/);
  });

  it('follows daylight saving time in zones that have it', () => {
    // New York: EST (−5) in January, EDT (−4) in July.
    expect(parseImportTime('2025-01-15 12:00', 'America/New_York')).toEqual(new Date('2025-01-15T17:00:00Z'));
    expect(parseImportTime('2025-07-15 12:00', 'America/New_York')).toEqual(new Date('2025-07-15T16:00:00Z'));
    expect(parseImportTime('2025-07-15 12:00', '+05:30')).toEqual(new Date('2025-07-15T06:30:00Z'));
  });
});

describe('local dates', () => {
  it('gives the local date of an instant for appeal numbers', () => {
    expect(localDateKey(new Date('2025-02-28T16:30:00Z'), SHANGHAI)).toBe('20250301');
    expect(localDateKey(new Date('2025-02-28T15:59:59Z'), SHANGHAI)).toBe('20250228');
    expect(utcOffsetMinutes(SHANGHAI, Date.UTC(2025, 0, 1))).toBe(480);
  });
});
