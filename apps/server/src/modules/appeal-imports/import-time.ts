/**
 * Times in 12345 exports are wall-clock times of the city (HUIZHI_TIME_ZONE), written as
 * `2025-03-01 08:30`, `2025/3/1 8:30`, `2025年3月1日 8:30`, ISO 8601 with an offset, or Excel date
 * serials (a number of days since 1899-12-30; XLSX date cells arrive as dates whose UTC fields are
 * the wall time).
 */
import type { Cell } from './appeal-import.parser.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// Offsets change only at transitions on a quarter hour, so one lookup per zone and quarter hour will do
// (an import of ten thousand rows asks for tens of thousands of offsets, and Intl is slow).
const QUARTER_HOUR = 15 * 60 * 1000;
const offsetCache = new Map<string, number>();

/** Minutes east of UTC of a zone at an instant; zones may also be written as fixed offsets (+08:00). */
export function utcOffsetMinutes(timeZone: string, at: number): number {
  const key = `${timeZone}|${Math.floor(at / QUARTER_HOUR)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  if (offsetCache.size > 100_000) offsetCache.clear();
  const offset = lookUpOffset(timeZone, Math.floor(at / QUARTER_HOUR) * QUARTER_HOUR);
  offsetCache.set(key, offset);
  return offset;
}

function lookUpOffset(timeZone: string, at: number): number {
  const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  if (timeZone === 'Z' || timeZone === 'UTC') return 0;
  const parts = Object.fromEntries(
    formatterOf(timeZone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60000);
}

/** The instant of a wall-clock time in a zone. */
export function instantOfWallTime(wall: number, timeZone: string): Date {
  const first = wall - utcOffsetMinutes(timeZone, wall) * 60000;
  const second = wall - utcOffsetMinutes(timeZone, first) * 60000;
  return new Date(second);
}

/** The local calendar date of an instant as YYYYMMDD (for appeal numbers). */
export function localDateKey(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + utcOffsetMinutes(timeZone, instant.getTime()) * 60000);
  return shifted.toISOString().slice(0, 10).replace(/-/g, '');
}

const WALL_TIME =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d{1,6})?)?秒?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** The wall time of an Excel serial (days since 1899-12-30, the fraction being the time of day). */
function wallOfExcelSerial(serial: number): number | null {
  if (!(serial >= 1 && serial < 2958466)) return null;
  // Rounded to the second: Excel's binary fractions do not land on whole seconds.
  return EXCEL_EPOCH + Math.round(serial * 86400) * 1000;
}

/** Parses a time cell; returns the instant, or a message saying what is wrong. */
export function parseImportTime(cell: Exclude<Cell, null>, timeZone: string): Date | string {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return 'Not a valid date.';
    return instantOfWallTime(cell.getTime(), timeZone);
  }
  if (typeof cell === 'number') {
    const wall = wallOfExcelSerial(cell);
    return wall === null ? `${cell} is not an Excel date.` : instantOfWallTime(wall, timeZone);
  }
  const text = cell.trim();
  if (WITH_OFFSET.test(text)) {
    const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? `"${text}" is not a valid time.` : new Date(ms);
  }
  if (EXCEL_SERIAL.test(text)) {
    const wall = wallOfExcelSerial(Number(text));
    if (wall !== null) return instantOfWallTime(wall, timeZone);
  }
  const match = WALL_TIME.exec(text);
  if (!match) return `"${text}" is not a time such as 2025-03-01 08:30 or 2025/3/1 8:30.`;
  const [year, month, day, hour, minute, second] = match
    .slice(1)
    .map((v) => (v === undefined ? 0 : Number(v)));
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  const check = new Date(wall);
  const isReal =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month! - 1 &&
    check.getUTCDate() === day &&
    hour! < 24 &&
    minute! < 60 &&
    second! < 60;
  if (!isReal) return `"${text}" is not a real date and time.`;
  return instantOfWallTime(wall, timeZone);
}
