import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { calendarDays } from '../../db/schema.ts';

/** The counter bumped with every change to calendar_days, so each server instance reloads its calendar. */
export const CALENDAR_COUNTER = 'calendar';

/** Every admin entry of the working-day calendar, in date order. */
export async function listCalendarDays(db: DbOrTx) {
  return db.select().from(calendarDays).orderBy(asc(calendarDays.date));
}

export type CalendarDayRow = Awaited<ReturnType<typeof listCalendarDays>>[number];

export async function findCalendarDay(db: DbOrTx, date: string): Promise<CalendarDayRow | null> {
  const rows = await db.select().from(calendarDays).where(eq(calendarDays.date, date)).limit(1);
  return rows[0] ?? null;
}

/** Inserts or replaces the admin entry of one date. */
export async function upsertCalendarDay(db: DbOrTx, row: CalendarDayRow): Promise<void> {
  const { date: _date, ...changes } = row;
  await db.insert(calendarDays).values(row).onConflictDoUpdate({ target: calendarDays.date, set: changes });
}

/** Removes the admin entry of one date; returns the removed row, or null when there was none. */
export async function deleteCalendarDay(db: DbOrTx, date: string): Promise<CalendarDayRow | null> {
  const rows = await db.delete(calendarDays).where(eq(calendarDays.date, date)).returning();
  return rows[0] ?? null;
}
