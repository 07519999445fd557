/**
 * Queries of whistles (吹哨报到): the whistle rows, their summonses, their events, the check-in limits
 * and the assessment counts. Plain records in, plain records out; no access decisions here.
 */
import { and, asc, desc, eq, inArray, isNull, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ScopeFilter } from '@huizhi/domain';
import { listEventsWithNames } from '../work-orders/work-order-events.repository.ts';
import type { DbOrTx } from '../../context.ts';
import {
  appeals,
  slaTimers,
  territories,
  units,
  users,
  whistleCheckInLimits,
  whistleSummons,
  whistles,
  workOrderEvents,
} from '../../db/schema.ts';
import { pathWithinScope } from '../scope-sql.ts';

export type WhistleRow = typeof whistles.$inferSelect;
export type WhistlePatch = Partial<Omit<typeof whistles.$inferInsert, 'id' | 'version' | 'state'>>;
export type SummonsInsert = typeof whistleSummons.$inferInsert;
export type SummonsPatch = Partial<Omit<SummonsInsert, 'id' | 'whistleId' | 'unitId'>>;

/** The digits of a whistle number after the date: 8, more only once the sequence outgrows them. */
const NUMBER_DIGITS = 8;

/** The next whistle number: 'W', the local date (yyyymmdd) and the sequence's next value. */
export async function nextWhistleNumber(tx: DbOrTx, datePart: string): Promise<string> {
  const result = await tx.execute<{ number: string }>(
    sql`select ${`W${datePart}`} || lpad(v, greatest(${NUMBER_DIGITS}, length(v)), '0') as number
        from (select nextval('whistle_number_seq')::text as v) n`,
  );
  return result.rows[0]!.number;
}

/** Writes a new whistle row. */
export async function insertWhistle(tx: DbOrTx, row: typeof whistles.$inferInsert): Promise<void> {
  await tx.insert(whistles).values(row);
}

/** Writes summons rows. */
export async function insertSummons(tx: DbOrTx, rows: readonly SummonsInsert[]): Promise<void> {
  if (rows.length > 0) await tx.insert(whistleSummons).values([...rows]);
}

/** Loads a whistle row and locks it until the transaction ends (every change of a whistle takes this lock). */
export async function lockWhistleRow(tx: DbOrTx, id: string): Promise<WhistleRow | null> {
  const rows = await tx.select().from(whistles).where(eq(whistles.id, id)).limit(1).for('update');
  return rows[0] ?? null;
}

/** Locks the whistles, skipping those another transaction holds (the sweeper never waits on people). */
export async function lockWhistleRowsSkipLocked(tx: DbOrTx, ids: readonly string[]): Promise<WhistleRow[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(whistles)
    .where(inArray(whistles.id, [...ids]))
    .orderBy(asc(whistles.id))
    .for('update', { skipLocked: true });
}

/**
 * Moves a whistle to its next state with the other changed columns, bumping the version, if the
 * version is still the one read (the row is locked, so this is the last guard, not the only one).
 */
export async function claimWhistleTransition(
  tx: DbOrTx,
  id: string,
  readVersion: number,
  state: string,
  at: Date,
  patch: WhistlePatch = {},
): Promise<boolean> {
  const rows = await tx
    .update(whistles)
    .set({ ...patch, state, version: sql`${whistles.version} + 1`, updatedAt: at })
    .where(and(eq(whistles.id, id), eq(whistles.version, readVersion)))
    .returning({ id: whistles.id });
  return rows.length === 1;
}

/** Changes one summons. */
export async function updateSummons(tx: DbOrTx, id: string, patch: SummonsPatch): Promise<void> {
  await tx.update(whistleSummons).set(patch).where(eq(whistleSummons.id, id));
}

const summonsColumns = {
  id: whistleSummons.id,
  whistleId: whistleSummons.whistleId,
  unitId: whistleSummons.unitId,
  unitName: units.name,
  unitType: units.type,
  role: whistleSummons.role,
  state: whistleSummons.state,
  summonedAt: whistleSummons.summonedAt,
  checkInDueAt: whistleSummons.checkInDueAt,
  checkedInAt: whistleSummons.checkedInAt,
  checkedInBy: whistleSummons.checkedInBy,
  late: whistleSummons.late,
  missedAt: whistleSummons.missedAt,
  responsibleName: whistleSummons.responsibleName,
  responsiblePhone: whistleSummons.responsiblePhone,
  part: whistleSummons.part,
  partAt: whistleSummons.partAt,
  withdrawnAt: whistleSummons.withdrawnAt,
  withdrawReason: whistleSummons.withdrawReason,
};

/** The summonses of some whistles with their units' names, in the order they were summoned (lead first). */
export async function listSummonsRows(db: DbOrTx, whistleIds: readonly string[]) {
  if (whistleIds.length === 0) return [];
  return db
    .select(summonsColumns)
    .from(whistleSummons)
    .innerJoin(units, eq(units.id, whistleSummons.unitId))
    .where(inArray(whistleSummons.whistleId, [...whistleIds]))
    .orderBy(
      asc(whistleSummons.summonedAt),
      sql`case when ${whistleSummons.role} = 'lead' then 0 else 1 end`,
      asc(units.name),
      asc(whistleSummons.id),
    );
}

export type SummonsRecord = Awaited<ReturnType<typeof listSummonsRows>>[number];

const responsibleTerritories = alias(territories, 'responsible_territories');
const leadUnits = alias(units, 'lead_units');
const blowerUnits = alias(units, 'blower_units');

/** A whistle with the names its page shows, or null. */
export async function findWhistleWithNames(db: DbOrTx, id: string) {
  const rows = await db
    .select({
      whistle: whistles,
      territoryName: territories.name,
      territoryLevel: territories.level,
      responsibleName: responsibleTerritories.name,
      responsibleLevel: responsibleTerritories.level,
      leadUnitName: leadUnits.name,
      appealNumber: appeals.number,
      blownByName: users.displayName,
      blowerUnitName: blowerUnits.name,
    })
    .from(whistles)
    .innerJoin(territories, eq(territories.id, whistles.territoryId))
    .innerJoin(responsibleTerritories, eq(responsibleTerritories.id, whistles.responsibleTerritoryId))
    .innerJoin(leadUnits, eq(leadUnits.id, whistles.leadUnitId))
    .innerJoin(users, eq(users.id, whistles.blownBy))
    .leftJoin(appeals, eq(appeals.id, whistles.appealId))
    .leftJoin(blowerUnits, eq(blowerUnits.id, whistles.blowerUnitId))
    .where(eq(whistles.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export type WhistleWithNames = NonNullable<Awaited<ReturnType<typeof findWhistleWithNames>>>;

/** A whistle's events with the names of who acted and for which unit, in order. */
export async function listWhistleEvents(db: DbOrTx, whistleId: string) {
  return listEventsWithNames(db, 'whistle', whistleId);
}

export type WhistleEventRecord = Awaited<ReturnType<typeof listWhistleEvents>>[number];

/** Territories by id (id, name, level, path). */
export async function listTerritoryRows(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: territories.id, name: territories.name, level: territories.level, path: territories.path })
    .from(territories)
    .where(inArray(territories.id, [...ids]));
}

export type TerritoryRecord = Awaited<ReturnType<typeof listTerritoryRows>>[number];

/** Units by id with their type and the path of the territory they serve. */
export async function listUnitRecords(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: units.id, name: units.name, type: units.type, territoryPath: territories.path })
    .from(units)
    .innerJoin(territories, eq(territories.id, units.territoryId))
    .where(inArray(units.id, [...ids]));
}

/** An appeal's place, for a whistle blown from it. */
export async function findAppealPlace(db: DbOrTx, id: string) {
  const rows = await db
    .select({
      id: appeals.id,
      number: appeals.number,
      territoryId: appeals.territoryId,
      territoryPath: appeals.territoryPath,
      appellantUserId: appeals.appellantUserId,
      address: appeals.address,
      lng: appeals.lng,
      lat: appeals.lat,
    })
    .from(appeals)
    .where(eq(appeals.id, id))
    .limit(1);
  return rows[0] ?? null;
}

// ---- Lists ----

export interface WhistleListFilter {
  view: 'board' | 'inbox';
  /** The reader's whistle.read scope. */
  scope: ScopeFilter;
  open: boolean;
  appealId?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** Rows a board shows: whistles inside the reader's territories, or blown through the reader's units. */
function boardCondition(scope: ScopeFilter): SQL {
  const conditions: SQL[] = [pathWithinScope(whistles.territoryPath, scope)];
  if (scope.unitIds.length > 0) conditions.push(inArray(whistles.blowerUnitId, scope.unitIds));
  return or(...conditions) ?? sql`false`;
}

/** Rows an inbox shows: whistles with a live (not withdrawn) summons to one of the reader's units. */
function inboxCondition(scope: ScopeFilter): SQL {
  if (scope.unitIds.length === 0) return sql`false`;
  return sql`exists (select 1 from ${whistleSummons} s where s.whistle_id = ${whistles.id}
    and s.unit_id in ${scope.unitIds} and s.state <> 'withdrawn')`;
}

/**
 * Rows a reader may read at all: inside their territories, blown through their units, or summoning
 * one of their units (withdrawn summonses included, like the access policy).
 */
export function readableCondition(scope: ScopeFilter): SQL {
  const conditions: SQL[] = [pathWithinScope(whistles.territoryPath, scope)];
  if (scope.unitIds.length > 0) {
    conditions.push(inArray(whistles.blowerUnitId, scope.unitIds));
    conditions.push(sql`exists (select 1 from ${whistleSummons} s where s.whistle_id = ${whistles.id}
      and s.unit_id in ${scope.unitIds})`);
  }
  return or(...conditions) ?? sql`false`;
}

/** A page of whistles for a board or an inbox, newest first (keyset on created_at, id). */
export async function listWhistleSummaries(db: DbOrTx, filter: WhistleListFilter) {
  const conditions: (SQL | undefined)[] = [
    filter.view === 'inbox' ? inboxCondition(filter.scope) : boardCondition(filter.scope),
    filter.open ? notInArray(whistles.state, ['closed', 'cancelled']) : undefined,
    filter.appealId !== undefined ? eq(whistles.appealId, filter.appealId) : undefined,
    filter.after
      ? sql`(${whistles.createdAt}, ${whistles.id}) < (${filter.after.createdAt}, ${filter.after.id})`
      : undefined,
  ];
  return db
    .select({
      whistle: whistles,
      territoryName: territories.name,
      territoryLevel: territories.level,
      leadUnitName: leadUnits.name,
      appealNumber: appeals.number,
    })
    .from(whistles)
    .innerJoin(territories, eq(territories.id, whistles.territoryId))
    .innerJoin(leadUnits, eq(leadUnits.id, whistles.leadUnitId))
    .leftJoin(appeals, eq(appeals.id, whistles.appealId))
    .where(and(...conditions))
    .orderBy(desc(whistles.createdAt), desc(whistles.id))
    .limit(filter.limit);
}

export type WhistleSummaryRecord = Awaited<ReturnType<typeof listWhistleSummaries>>[number];

// ---- Clocks ----

/** Claims check-in clocks past their deadline, not yet marked and not claimed by another sweep (SKIP LOCKED). */
export async function claimOverdueCheckInTimers(
  tx: DbOrTx,
  now: Date,
  limit: number,
  skip: readonly string[],
) {
  return tx
    .select()
    .from(slaTimers)
    .where(
      and(
        eq(slaTimers.orderKind, 'whistleSummons'),
        eq(slaTimers.clock, 'checkIn'),
        isNull(slaTimers.stoppedAt),
        isNull(slaTimers.overdueAt),
        // A check-in exactly at the deadline is on time (isLateCheckIn): only later is it missed.
        lt(slaTimers.dueAt, now),
        skip.length > 0 ? notInArray(slaTimers.id, [...skip]) : undefined,
      ),
    )
    .orderBy(asc(slaTimers.dueAt), asc(slaTimers.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Marks a clock overdue (and warned, when it was not: a clock found past due is not warned afterwards). */
export async function markTimerOverdue(tx: DbOrTx, timerId: string, at: Date): Promise<void> {
  await tx
    .update(slaTimers)
    .set({ overdueAt: at, warnedAt: sql`coalesce(${slaTimers.warnedAt}, ${at})` })
    .where(eq(slaTimers.id, timerId));
}

/** Stops the running check-in clocks of summonses. */
export async function stopCheckInTimers(tx: DbOrTx, summonsIds: readonly string[], at: Date): Promise<void> {
  if (summonsIds.length === 0) return;
  await tx
    .update(slaTimers)
    .set({ stoppedAt: at })
    .where(
      and(
        eq(slaTimers.orderKind, 'whistleSummons'),
        inArray(slaTimers.orderId, [...summonsIds]),
        isNull(slaTimers.stoppedAt),
      ),
    );
}

/** The summons rows (bare) of some ids. */
export async function findSummonsRows(tx: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(whistleSummons)
    .where(inArray(whistleSummons.id, [...ids]));
}

// ---- Who to tell ----

/** The units of the given types serving exactly a territory (its street office, its district government). */
export async function listUnitIdsOnTerritory(
  db: DbOrTx,
  territoryId: string,
  types: readonly string[],
): Promise<string[]> {
  const rows = await db
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.territoryId, territoryId), inArray(units.type, [...types])));
  return rows.map((r) => r.id);
}

// ---- Check-in limits ----

/** The check-in limits (minutes per urgency) as stored. */
export async function listCheckInLimitRows(db: DbOrTx) {
  return db.select().from(whistleCheckInLimits).orderBy(asc(whistleCheckInLimits.urgency));
}

/** Inserts the limits that are missing; an existing row (an admin's choice) is kept. */
export async function insertMissingCheckInLimits(
  db: DbOrTx,
  rows: (typeof whistleCheckInLimits.$inferInsert)[],
): Promise<void> {
  if (rows.length > 0) await db.insert(whistleCheckInLimits).values(rows).onConflictDoNothing();
}

/** Writes the limits, replacing the stored ones of the same urgencies. */
export async function upsertCheckInLimits(
  tx: DbOrTx,
  rows: (typeof whistleCheckInLimits.$inferInsert)[],
): Promise<void> {
  for (const row of rows) {
    await tx
      .insert(whistleCheckInLimits)
      .values(row)
      .onConflictDoUpdate({
        target: whistleCheckInLimits.urgency,
        set: { minutes: row.minutes, updatedAt: row.updatedAt, updatedBy: row.updatedBy ?? null },
      });
  }
}

// ---- Assessment inputs (双考核) ----

export interface UnitCountRow extends Record<string, unknown> {
  unit_id: string;
  unit_name: string;
  summons_received: number;
  checked_in_on_time: number;
  checked_in_late: number;
  missed: number;
  parts_delivered: number;
  parts_on_time: number;
  outcomes_confirmed: number;
}

export interface StreetCountRow extends Record<string, unknown> {
  street_id: string;
  street_name: string;
  whistles_blown: number;
  whistles_resolved: number;
}

/** The whistle events in [from, to) of whistles the scope may read, as a CTE body. */
function scopedEvents(from: Date, to: Date, scope: ScopeFilter): SQL {
  return sql`select e.type, e.data, ${whistles.territoryPath} as territory_path
    from ${workOrderEvents} e join ${whistles} on ${whistles.id} = e.order_id
    where e.order_kind = 'whistle' and e.at >= ${from} and e.at < ${to} and ${readableCondition(scope)}`;
}

/**
 * Per summoned unit, counted from the events alone: summonses received (blown and summonMore),
 * check-ins on time and late, missed check-ins, parts delivered (reportPart and reportResult) and on
 * time, outcomes confirmed (the units of confirm events).
 */
export async function countUnitStats(
  db: DbOrTx,
  from: Date,
  to: Date,
  scope: ScopeFilter,
): Promise<UnitCountRow[]> {
  const result = await db.execute<UnitCountRow>(sql`
    with ev as (${scopedEvents(from, to, scope)}),
    facts as (
      select jsonb_array_elements_text(data->'unitIds') as unit_id, 'received' as fact from ev
        where type in ('blown', 'summonMore')
      union all
      select data->>'unitId', case when (data->>'late')::boolean then 'late' else 'onTime' end from ev
        where type = 'checkIn'
      union all
      select data->>'unitId', 'missed' from ev where type = 'markMissed'
      union all
      select data->>'unitId', case when (data->>'onTime')::boolean then 'partOnTime' else 'part' end from ev
        where type in ('reportPart', 'reportResult')
      union all
      select jsonb_array_elements_text(data->'unitIds'), 'confirmed' from ev where type = 'confirm'
    )
    select u.id as unit_id, u.name as unit_name,
      count(*) filter (where f.fact = 'received')::int as summons_received,
      count(*) filter (where f.fact = 'onTime')::int as checked_in_on_time,
      count(*) filter (where f.fact = 'late')::int as checked_in_late,
      count(*) filter (where f.fact = 'missed')::int as missed,
      count(*) filter (where f.fact in ('part', 'partOnTime'))::int as parts_delivered,
      count(*) filter (where f.fact = 'partOnTime')::int as parts_on_time,
      count(*) filter (where f.fact = 'confirmed')::int as outcomes_confirmed
    from facts f join ${units} u on u.id::text = f.unit_id
    group by u.id, u.name
    order by u.name, u.id`);
  return result.rows;
}

/** Per street (the third id of the whistle's path): whistles blown and resolved (confirmed) in the period. */
export async function countStreetStats(
  db: DbOrTx,
  from: Date,
  to: Date,
  scope: ScopeFilter,
): Promise<StreetCountRow[]> {
  const result = await db.execute<StreetCountRow>(sql`
    with ev as (${scopedEvents(from, to, scope)}),
    facts as (
      select split_part(territory_path, '/', 4) as street_id, type from ev
        where type in ('blown', 'confirm') and split_part(territory_path, '/', 4) <> ''
    )
    select t.id as street_id, t.name as street_name,
      count(*) filter (where f.type = 'blown')::int as whistles_blown,
      count(*) filter (where f.type = 'confirm')::int as whistles_resolved
    from facts f join ${territories} t on t.id::text = f.street_id
    group by t.id, t.name
    order by t.name, t.id`);
  return result.rows;
}
