import {
  AppError,
  buildBusinessCalendar,
  calendarDayOf,
  calendarDays,
  calendarSourceOf,
  isCovered,
  pathIds,
  resolveUtcOffset,
  scopeFilter,
  type Actor,
  type BusinessCalendar,
} from '@huizhi/domain';
import {
  CALENDAR_YEAR_MAX,
  CALENDAR_YEAR_MIN,
  type TCalendarDay,
  type TCalendarYear,
  type TSetCalendarDay,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import type { Database } from '../../db/connect.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { readChangeCounter } from '../routing/locate.repository.ts';
import { bumpChangeCounter } from '../territories/territory-import.repository.ts';
import {
  CALENDAR_COUNTER,
  deleteCalendarDay,
  findCalendarDay,
  listCalendarDays,
  upsertCalendarDay,
} from './calendar.repository.ts';

/**
 * The time zones the server accepts (HUIZHI_TIME_ZONE) with their fixed UTC offsets; the calendar
 * counts on a fixed offset, so zones with daylight saving are not offered. An offset such as +08:00
 * is accepted as it is.
 */
export const TIME_ZONE_OFFSETS: Readonly<Record<string, string>> = {
  'Asia/Shanghai': '+08:00',
  'Asia/Chongqing': '+08:00',
  'Asia/Harbin': '+08:00',
  'Asia/Urumqi': '+06:00',
  'Asia/Hong_Kong': '+08:00',
  'Asia/Macau': '+08:00',
  'Asia/Taipei': '+08:00',
  PRC: '+08:00',
  UTC: '+00:00',
  'Etc/UTC': '+00:00',
};

/** How often (ms) a server checks whether another instance changed the calendar. */
export const CALENDAR_CHECK_INTERVAL_MS = 1000;

interface CalendarState {
  loaded: { version: number; calendar: BusinessCalendar } | null;
  /** Monotonic time (performance.now) of the last version check. */
  checkedAt: number;
  pending: Promise<BusinessCalendar> | null;
}

// One calendar per process and database; a WeakMap so a closed database's copy goes with it.
const states = new WeakMap<Database, CalendarState>();

function stateOf(database: Database): CalendarState {
  let state = states.get(database);
  if (!state) {
    state = { loaded: null, checkedAt: -Infinity, pending: null };
    states.set(database, state);
  }
  return state;
}

/** The configured time zone's offset in minutes; a configuration error when the zone is not supported. */
function utcOffsetMinutesOf(timeZone: string): number {
  try {
    return resolveUtcOffset(timeZone, TIME_ZONE_OFFSETS);
  } catch {
    throw new Error(
      `HUIZHI_TIME_ZONE=${timeZone} is not supported: use one of ${Object.keys(TIME_ZONE_OFFSETS).join(', ')} or an offset such as +08:00`,
    );
  }
}

async function readCalendar(deps: Pick<Deps, 'config'>, db: DbOrTx, state: CalendarState) {
  const version = await readChangeCounter(db, CALENDAR_COUNTER);
  state.checkedAt = performance.now();
  if (state.loaded && state.loaded.version === version) return state.loaded.calendar;
  const rows = await listCalendarDays(db);
  const calendar = buildBusinessCalendar({
    timeZone: deps.config.timeZone,
    utcOffsetMinutes: utcOffsetMinutesOf(deps.config.timeZone),
    overrides: rows.map((row) => ({
      date: row.date,
      working: row.working,
      name: row.name,
      source: row.source,
    })),
  });
  state.loaded = { version, calendar };
  return calendar;
}

/**
 * Returns the working-day calendar: the shipped holiday data plus the admins' calendar_days, in the
 * configured time zone. Kept in memory and reloaded when the 'calendar' change counter moved (read at
 * most once a second). Pass the transaction when calling inside one (PGlite has a single connection).
 */
export async function loadBusinessCalendar(
  deps: Pick<Deps, 'config' | 'database'>,
  db: DbOrTx = deps.database.db,
): Promise<BusinessCalendar> {
  const state = stateOf(deps.database);
  if (state.loaded && performance.now() - state.checkedAt < CALENDAR_CHECK_INTERVAL_MS) {
    return state.loaded.calendar;
  }
  // Inside a transaction read through it; only reads on the pool itself are shared.
  if (db !== deps.database.db) return readCalendar(deps, db, state);
  if (state.pending) return state.pending;
  state.pending = readCalendar(deps, db, state).finally(() => {
    state.pending = null;
  });
  return state.pending;
}

/** Makes the next lookup check the change counter at once (after a change made by this process). */
export function invalidateBusinessCalendar(database: Database): void {
  stateOf(database).checkedAt = -Infinity;
}

/**
 * Refuses anyone but an admin of the whole territory tree: the calendar and the time limits apply
 * everywhere, so a district's admin may not change them.
 */
export function assertMayManageCalendar(actor: Actor): void {
  const paths = scopeFilter(actor, 'calendar.manage').territoryPaths;
  if (!paths.some((path) => pathIds(path).length === 1)) {
    throw new AppError('FORBIDDEN', 'Only administrators of the whole city may change the calendar.');
  }
}

/** Lists a year's dates with whether each is a working day, for other systems and the admin page. */
export async function calendarYearFor(deps: Deps, year: number): Promise<TCalendarYear> {
  const calendar = await loadBusinessCalendar(deps);
  return {
    year,
    timeZone: calendar.timeZone,
    covered: isCovered(calendar, year),
    source: calendarSourceOf(calendar, year),
    days: calendarDays(calendar, year),
  };
}

function checkYear(date: string): void {
  const year = Number(date.slice(0, 4));
  if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX) {
    throw new AppError(
      'VALIDATION_FAILED',
      `The calendar covers ${CALENDAR_YEAR_MIN}–${CALENDAR_YEAR_MAX}.`,
      {
        path: '/date',
      },
    );
  }
}

/** Sets one date working or off (an admin's entry wins over the shipped data); every instance reloads. */
export async function setCalendarDay(
  deps: Deps,
  actor: ActorContext,
  date: string,
  input: TSetCalendarDay,
  request: RequestInfo,
): Promise<TCalendarDay> {
  assertMayManageCalendar(actor);
  checkYear(date);
  await deps.database.db.transaction(async (tx) => {
    const before = await findCalendarDay(tx, date);
    const now = deps.clock.now();
    const row = {
      date,
      working: input.working,
      name: input.name || null,
      source: input.source || null,
      updatedBy: actor.userId,
      updatedAt: now,
    };
    await upsertCalendarDay(tx, row);
    await bumpChangeCounter(tx, CALENDAR_COUNTER, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'calendar.setDay',
      entityType: 'calendarDay',
      entityId: date,
      details: {
        working: row.working,
        name: row.name,
        source: row.source,
        before: before ? { working: before.working, name: before.name, source: before.source } : null,
      },
    });
  });
  invalidateBusinessCalendar(deps.database);
  return calendarDayOf(await loadBusinessCalendar(deps), date);
}

/** Removes an admin's entry for a date, so the shipped data (or the weekday) decides again. */
export async function resetCalendarDay(
  deps: Deps,
  actor: ActorContext,
  date: string,
  request: RequestInfo,
): Promise<TCalendarDay> {
  assertMayManageCalendar(actor);
  await deps.database.db.transaction(async (tx) => {
    const removed = await deleteCalendarDay(tx, date);
    if (!removed) throw new AppError('NOT_FOUND', 'No admin entry for this date.');
    await bumpChangeCounter(tx, CALENDAR_COUNTER, deps.clock.now());
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'calendar.resetDay',
      entityType: 'calendarDay',
      entityId: date,
      details: { before: { working: removed.working, name: removed.name, source: removed.source } },
    });
  });
  invalidateBusinessCalendar(deps.database);
  return calendarDayOf(await loadBusinessCalendar(deps), date);
}
