import { and, asc, count, eq, ilike, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { territories } from '../../db/schema.ts';
import { escapeLike } from '../scope-sql.ts';

const territoryColumns = {
  id: territories.id,
  parentId: territories.parentId,
  level: territories.level,
  name: territories.name,
  code: territories.code,
  path: territories.path,
  hasGeometry: sql<boolean>`${territories.geometry} is not null`,
  // Qualified by hand: drizzle leaves columns unqualified in single-table selects.
  childCount: sql<number>`(select count(*)::int from territories c where c.parent_id = "territories"."id")`,
};

export interface TerritoryListFilter {
  scope: SQL;
  parentId?: string | undefined;
  level?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Lists territories matching the filter, in code order. */
export async function listTerritories(db: DbOrTx, filter: TerritoryListFilter) {
  const where = and(
    filter.scope,
    filter.parentId ? eq(territories.parentId, filter.parentId) : undefined,
    filter.level ? eq(territories.level, filter.level) : undefined,
    filter.q ? ilike(territories.name, `%${escapeLike(filter.q)}%`) : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select(territoryColumns)
      .from(territories)
      .where(where)
      .orderBy(asc(territories.code))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(territories).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function findTerritoryById(db: DbOrTx, id: string) {
  const rows = await db.select(territoryColumns).from(territories).where(eq(territories.id, id)).limit(1);
  return rows[0] ?? null;
}

export async function findTerritoriesByIds(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: territories.id, path: territories.path, level: territories.level })
    .from(territories)
    .where(sql`${territories.id} in ${ids}`);
}

export type TerritoryRow = NonNullable<Awaited<ReturnType<typeof findTerritoryById>>>;
