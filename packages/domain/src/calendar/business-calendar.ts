/**
 * The working-day calendar (工作日 / 调休) that time limits are counted on.
 * Invariants: a date is a working day when an admin says so (calendar_days), else when the shipped
 * State Council data says so (a 调休 weekend day is working, a holiday is not), else when it is Monday
 * to Friday. Dates are local dates in the calendar's time zone, which is a fixed UTC offset
 * (Asia/Shanghai = +08:00, no daylight saving). A year with neither shipped data nor admin entries
 * falls back to plain Monday–Friday and is reported as not covered: intake never stops in late
 * December before the next year's notice is out, and deadlines reaching into such a year are marked
 * provisional instead.
 */
import { AppError } from '../errors.ts';
import { CN_HOLIDAYS, describeNotices, type HolidayNotice, type HolidayYear } from './cn-holidays.ts';

/** The time zone deadlines are counted in unless configured otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** The UTC offset of the default time zone. */
export const DEFAULT_UTC_OFFSET = '+08:00';

/** A working day, a weekend day, a holiday (day off), or a weekend day made a working day (调休上班). */
export type CalendarDayKind = 'workday' | 'weekend' | 'holiday' | 'makeupWorkday';

/** An admin's entry for one date, on top of the shipped data. */
export interface CalendarOverride {
  date: string;
  working: boolean;
  name?: string | null;
  source?: string | null;
}

/** What the calendar knows about a date beyond its weekday. */
export interface CalendarEntry {
  working: boolean;
  name: string | null;
  source: string | null;
  overridden: boolean;
}

/** A working-day calendar: the shipped data, an admin's entries and the time zone. */
export interface BusinessCalendar {
  timeZone: string;
  /** Minutes east of UTC (480 for +08:00). */
  utcOffsetMinutes: number;
  entries: ReadonlyMap<string, CalendarEntry>;
  /** Years of the shipped data, with their notices. */
  shippedYears: ReadonlyMap<number, readonly HolidayNotice[]>;
  /** Years with at least one admin entry. */
  overrideYears: ReadonlySet<number>;
}

/** One date as the calendar sees it. */
export interface CalendarDay {
  date: string;
  working: boolean;
  kind: CalendarDayKind;
  name: string | null;
  source: string | null;
  /** True when an admin's entry decides this date (not the shipped data). */
  overridden: boolean;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Returns true for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function utcMidnight(date: string): number {
  if (!isIsoDate(date)) throw new AppError('VALIDATION_FAILED', `Not a date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** Returns the date `days` days after (or before, when negative) a YYYY-MM-DD date. */
export function shiftIsoDate(date: string, days: number): string {
  return new Date(utcMidnight(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Returns the weekday of a date, 0 for Sunday to 6 for Saturday. */
export function weekdayOf(date: string): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

/** Returns true for a Saturday or Sunday. */
export function isWeekend(date: string): boolean {
  const day = weekdayOf(date);
  return day === 0 || day === 6;
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = shiftIsoDate(date, 1)) dates.push(date);
  return dates;
}

/** Parses a UTC offset such as +08:00, -05:30 or Z into minutes east of UTC. */
export function parseUtcOffset(offset: string): number {
  if (offset === 'Z') return 0;
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!match || Number(match[2]) > 14 || Number(match[3]) > 59) {
    throw new AppError('VALIDATION_FAILED', `Not a UTC offset: ${offset}`);
  }
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * Finds a time zone's fixed UTC offset: an offset written as such (+08:00), or a name in the table the
 * caller passes (IANA name → offset); zones with daylight saving are not supported.
 */
export function resolveUtcOffset(timeZone: string, offsets: Readonly<Record<string, string>>): number {
  if (/^[+-]\d{2}:\d{2}$|^Z$/.test(timeZone)) return parseUtcOffset(timeZone);
  const offset = offsets[timeZone];
  if (offset === undefined) {
    throw new AppError('VALIDATION_FAILED', `Unknown or unsupported time zone: ${timeZone}`);
  }
  return parseUtcOffset(offset);
}

/** Builds a calendar from the shipped holiday data and an admin's entries (which win). */
export function buildBusinessCalendar(
  options: {
    timeZone?: string;
    utcOffsetMinutes?: number;
    overrides?: readonly CalendarOverride[];
    holidays?: readonly HolidayYear[];
  } = {},
): BusinessCalendar {
  const entries = new Map<string, CalendarEntry>();
  const shippedYears = new Map<number, readonly HolidayNotice[]>();
  for (const year of options.holidays ?? CN_HOLIDAYS) {
    shippedYears.set(year.year, year.notices);
    const source = describeNotices(year.notices);
    for (const block of year.blocks) {
      for (const date of datesBetween(block.from, block.to))
        entries.set(date, { working: false, name: block.name, source, overridden: false });
      for (const date of block.makeupWorkdays)
        entries.set(date, { working: true, name: block.name, source, overridden: false });
    }
  }
  const overrideYears = new Set<number>();
  for (const override of options.overrides ?? []) {
    utcMidnight(override.date);
    entries.set(override.date, {
      working: override.working,
      name: override.name ?? null,
      source: override.source ?? null,
      overridden: true,
    });
    overrideYears.add(Number(override.date.slice(0, 4)));
  }
  return {
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
    utcOffsetMinutes: options.utcOffsetMinutes ?? parseUtcOffset(DEFAULT_UTC_OFFSET),
    entries,
    shippedYears,
    overrideYears,
  };
}

/** Returns the local date (YYYY-MM-DD) of an instant in the calendar's time zone. */
export function localDateOf(cal: BusinessCalendar, instant: Date): string {
  return new Date(instant.getTime() + cal.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Returns the instant a local date begins (00:00 local time). */
export function startOfLocalDay(cal: BusinessCalendar, date: string): Date {
  return new Date(utcMidnight(date) - cal.utcOffsetMinutes * 60_000);
}

/** Returns true when people work on that local date: weekends are off unless made working, holidays are off. */
export function isWorkingDay(cal: BusinessCalendar, date: string): boolean {
  const entry = cal.entries.get(date);
  return entry ? entry.working : !isWeekend(date);
}

/** Returns true when the year's working days are known (shipped data or an admin's entries), not guessed. */
export function isCovered(cal: BusinessCalendar, year: number): boolean {
  return cal.shippedYears.has(year) || cal.overrideYears.has(year);
}

/** Describes where a year's data comes from: the shipped notices, or null when only admins entered it. */
export function calendarSourceOf(cal: BusinessCalendar, year: number): string | null {
  const notices = cal.shippedYears.get(year);
  return notices ? describeNotices(notices) : null;
}

/** Describes one local date: working or not, and why. */
export function calendarDayOf(cal: BusinessCalendar, date: string): CalendarDay {
  const entry = cal.entries.get(date);
  const weekend = isWeekend(date);
  if (!entry) {
    return {
      date,
      working: !weekend,
      kind: weekend ? 'weekend' : 'workday',
      name: null,
      source: null,
      overridden: false,
    };
  }
  const kind: CalendarDayKind = !entry.working ? 'holiday' : weekend ? 'makeupWorkday' : 'workday';
  return {
    date,
    working: entry.working,
    kind,
    name: entry.name,
    source: entry.source,
    overridden: entry.overridden,
  };
}

/** Lists every date of a year with whether it is a working day, its kind and its festival's name. */
export function calendarDays(cal: BusinessCalendar, year: number): CalendarDay[] {
  return datesBetween(`${year}-01-01`, `${year}-12-31`).map((date) => calendarDayOf(cal, date));
}
