import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../context.ts';
import { categories, dispatchRules, territories, units } from '../../db/schema.ts';

const targetUnits = alias(units, 'target_units');
const copyUnits = alias(units, 'copy_units');

const ruleColumns = {
  id: dispatchRules.id,
  categoryCode: dispatchRules.categoryCode,
  categoryNameZh: categories.nameZh,
  categoryNameEn: categories.nameEn,
  territoryId: dispatchRules.territoryId,
  territoryName: territories.name,
  territoryPath: territories.path,
  unitId: dispatchRules.unitId,
  unitName: targetUnits.name,
  unitTypeOfUnit: targetUnits.type,
  unitType: dispatchRules.unitType,
  copyToUnitId: dispatchRules.copyToUnitId,
  copyToName: copyUnits.name,
  copyToType: copyUnits.type,
  priority: dispatchRules.priority,
  note: dispatchRules.note,
  active: dispatchRules.active,
  createdAt: dispatchRules.createdAt,
  updatedAt: dispatchRules.updatedAt,
};

/** Rules with their territory, category and units, filtered by `where`. */
function selectRules(db: DbOrTx, where: SQL | undefined) {
  return db
    .select(ruleColumns)
    .from(dispatchRules)
    .innerJoin(territories, eq(territories.id, dispatchRules.territoryId))
    .leftJoin(categories, eq(categories.code, dispatchRules.categoryCode))
    .leftJoin(targetUnits, eq(targetUnits.id, dispatchRules.unitId))
    .leftJoin(copyUnits, eq(copyUnits.id, dispatchRules.copyToUnitId))
    .where(where);
}

export type DispatchRuleRow = Awaited<ReturnType<typeof selectRules>>[number];

export interface DispatchRuleListFilter {
  scope: SQL;
  territoryId?: string | undefined;
  categoryCode?: string | undefined;
  active?: boolean | undefined;
  limit: number;
  offset: number;
}

/** Lists rules matching the filter: shallow territories first, then by category and priority. */
export async function listDispatchRules(db: DbOrTx, filter: DispatchRuleListFilter) {
  const where = and(
    filter.scope,
    filter.territoryId ? eq(dispatchRules.territoryId, filter.territoryId) : undefined,
    filter.categoryCode ? eq(dispatchRules.categoryCode, filter.categoryCode) : undefined,
    filter.active === undefined ? undefined : eq(dispatchRules.active, filter.active),
  );
  const [rows, totals] = await Promise.all([
    selectRules(db, where)
      .orderBy(
        asc(sql`length(${territories.path})`),
        asc(territories.code),
        asc(sql`coalesce(${dispatchRules.categoryCode}, '')`),
        desc(dispatchRules.priority),
        asc(dispatchRules.id),
      )
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ total: count() })
      .from(dispatchRules)
      .innerJoin(territories, eq(territories.id, dispatchRules.territoryId))
      .where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function findDispatchRuleById(db: DbOrTx, id: string): Promise<DispatchRuleRow | null> {
  const rows = await selectRules(db, eq(dispatchRules.id, id)).limit(1);
  return rows[0] ?? null;
}

/** Locks one rule row for an update in the caller's transaction; null when it does not exist. */
export async function lockDispatchRule(db: DbOrTx, id: string) {
  const rows = await db.select().from(dispatchRules).where(eq(dispatchRules.id, id)).for('update');
  return rows[0] ?? null;
}

export type DispatchRuleRecord = NonNullable<Awaited<ReturnType<typeof lockDispatchRule>>>;

export async function insertDispatchRule(db: DbOrTx, row: typeof dispatchRules.$inferInsert): Promise<void> {
  await db.insert(dispatchRules).values(row);
}

export async function updateDispatchRule(
  db: DbOrTx,
  id: string,
  values: Partial<typeof dispatchRules.$inferInsert>,
): Promise<void> {
  await db.update(dispatchRules).set(values).where(eq(dispatchRules.id, id));
}

export async function deleteDispatchRule(db: DbOrTx, id: string): Promise<void> {
  await db.delete(dispatchRules).where(eq(dispatchRules.id, id));
}

/** The rules set on any of the territories (a location's path), with names for summaries. */
export async function listRulesOnTerritories(db: DbOrTx, territoryIds: string[]): Promise<DispatchRuleRow[]> {
  if (territoryIds.length === 0) return [];
  return selectRules(db, inArray(dispatchRules.territoryId, territoryIds));
}

const unitColumns = { id: units.id, name: units.name, type: units.type, territoryPath: territories.path };

/** Units serving one of the territories (those on a location's path). */
export async function listUnitsOnTerritories(db: DbOrTx, territoryIds: string[]) {
  if (territoryIds.length === 0) return [];
  return db
    .select(unitColumns)
    .from(units)
    .innerJoin(territories, eq(territories.id, units.territoryId))
    .where(inArray(units.territoryId, territoryIds));
}

/** Units by id, with the path of the territory each serves. */
export async function listUnitsByIds(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select(unitColumns)
    .from(units)
    .innerJoin(territories, eq(territories.id, units.territoryId))
    .where(inArray(units.id, ids));
}

export type RoutingUnitRow = Awaited<ReturnType<typeof listUnitsByIds>>[number];

/** Territories by id with their names, for a location's path. */
export async function listTerritoryNames(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: territories.id, name: territories.name, level: territories.level, code: territories.code })
    .from(territories)
    .where(inArray(territories.id, ids));
}
