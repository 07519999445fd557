import { and, asc, count, eq, ilike, like, or, sql, type SQL } from 'drizzle-orm';
import { RESIDENT_TAGS, type ResidentTag } from '@huizhi/domain';
import type { DbOrTx } from '../../context.ts';
import { households, residents, territories } from '../../db/schema.ts';
import { escapeLike } from '../scope-sql.ts';

const tagsOfHousehold = sql<string[]>`coalesce((
  select jsonb_agg(distinct t.tag) from residents r
  cross join lateral jsonb_array_elements_text(r.tags) as t(tag)
  where r.household_id = ${households.id}), '[]'::jsonb)`;

const householdColumns = {
  id: households.id,
  territoryId: households.territoryId,
  territoryName: territories.name,
  territoryPath: territories.path,
  address: households.address,
  updatedAt: households.updatedAt,
  residentCount: sql<number>`(select count(*)::int from residents r where r.household_id = ${households.id})`,
  tags: tagsOfHousehold,
};

export interface HouseholdListFilter {
  /** Households whose territory lies inside the actor's scope. */
  scope: SQL;
  /** Only households inside this subtree. */
  withinPath?: string | undefined;
  q?: string | undefined;
  tag?: ResidentTag | undefined;
  limit: number;
  offset: number;
}

/** Lists households matching the filter, in address order. */
export async function listHouseholds(db: DbOrTx, filter: HouseholdListFilter) {
  const pattern = filter.q ? `%${escapeLike(filter.q)}%` : undefined;
  const where = and(
    filter.scope,
    filter.withinPath ? like(territories.path, `${escapeLike(filter.withinPath)}%`) : undefined,
    pattern
      ? or(
          ilike(households.address, pattern),
          sql`exists (select 1 from residents r where r.household_id = ${households.id} and r.name ilike ${pattern})`,
        )
      : undefined,
    filter.tag
      ? sql`exists (select 1 from residents r where r.household_id = ${households.id} and r.tags @> ${JSON.stringify([filter.tag])}::jsonb)`
      : undefined,
  );
  const rows = await db
    .select(householdColumns)
    .from(households)
    .innerJoin(territories, eq(territories.id, households.territoryId))
    .where(where)
    .orderBy(asc(households.address), asc(households.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const totals = await db
    .select({ total: count() })
    .from(households)
    .innerJoin(territories, eq(territories.id, households.territoryId))
    .where(where);
  return { rows, total: totals[0]?.total ?? 0 };
}
export type HouseholdRow = Awaited<ReturnType<typeof listHouseholds>>['rows'][number];

export async function findHousehold(db: DbOrTx, id: string): Promise<HouseholdRow | null> {
  const rows = await db
    .select(householdColumns)
    .from(households)
    .innerJoin(territories, eq(territories.id, households.territoryId))
    .where(eq(households.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export async function insertHousehold(tx: DbOrTx, row: typeof households.$inferInsert) {
  await tx.insert(households).values(row);
}

export async function touchHousehold(tx: DbOrTx, id: string, at: Date) {
  await tx.update(households).set({ updatedAt: at }).where(eq(households.id, id));
}

const residentColumns = {
  id: residents.id,
  householdId: residents.householdId,
  territoryId: households.territoryId,
  territoryPath: territories.path,
  name: residents.name,
  gender: residents.gender,
  birthYear: residents.birthYear,
  idNumber: residents.idNumber,
  phone: residents.phone,
  relation: residents.relation,
  tags: sql<string[]>`${residents.tags}`,
};

function residentQuery(db: DbOrTx) {
  return db
    .select(residentColumns)
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .innerJoin(territories, eq(territories.id, households.territoryId));
}

/** The residents of a household, in the order they were recorded. */
export async function listResidentsOfHousehold(db: DbOrTx, householdId: string) {
  return residentQuery(db)
    .where(eq(residents.householdId, householdId))
    .orderBy(asc(residents.createdAt), asc(residents.id));
}
export type ResidentRow = Awaited<ReturnType<typeof listResidentsOfHousehold>>[number];

export async function findResident(db: DbOrTx, id: string): Promise<ResidentRow | null> {
  const rows = await residentQuery(db).where(eq(residents.id, id)).limit(1);
  return rows[0] ?? null;
}

export async function insertResident(tx: DbOrTx, row: typeof residents.$inferInsert) {
  await tx.insert(residents).values(row);
}

export async function updateResident(
  tx: DbOrTx,
  id: string,
  changes: Partial<typeof residents.$inferInsert>,
) {
  await tx.update(residents).set(changes).where(eq(residents.id, id));
}

export type TagCounts = Record<ResidentTag, number>;

/**
 * Counts households, residents and residents per tag inside `withinPath`, grouped by the territory id
 * at 1-based position `keyPosition` of the households' paths (one grouped query for all groups).
 */
export async function summarizeLedger(
  db: DbOrTx,
  options: { withinPath: string; keyPosition: number; scope: SQL },
): Promise<({ territoryId: string; households: number; residents: number } & TagCounts)[]> {
  const key = sql<string>`split_part(${territories.path}, '/', ${sql.raw(String(Math.trunc(options.keyPosition)))})`;
  const tagCounts = Object.fromEntries(
    RESIDENT_TAGS.map((tag) => [
      tag,
      sql<number>`(count(${residents.id}) filter (where ${residents.tags} @> ${JSON.stringify([tag])}::jsonb))::int`,
    ]),
  ) as Record<ResidentTag, SQL<number>>;
  const rows = await db
    .select({
      territoryId: key,
      households: sql<number>`count(distinct ${households.id})::int`,
      residents: sql<number>`count(${residents.id})::int`,
      ...tagCounts,
    })
    .from(households)
    .innerJoin(territories, eq(territories.id, households.territoryId))
    .leftJoin(residents, eq(residents.householdId, households.id))
    .where(and(like(territories.path, `${escapeLike(options.withinPath)}%`), options.scope))
    .groupBy(sql`1`);
  return rows.filter((row) => row.territoryId !== '');
}

/** The direct children of a territory whose path lies inside the scope, in code order. */
export async function listChildrenInScope(db: DbOrTx, parentId: string, scope: SQL) {
  return db
    .select({ id: territories.id, path: territories.path, name: territories.name })
    .from(territories)
    .where(and(eq(territories.parentId, parentId), scope))
    .orderBy(asc(territories.code));
}
