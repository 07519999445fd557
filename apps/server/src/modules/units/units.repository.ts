import { and, asc, count, eq, ilike, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { territories, units } from '../../db/schema.ts';
import { escapeLike } from '../scope-sql.ts';

const unitColumns = {
  id: units.id,
  name: units.name,
  code: units.code,
  type: units.type,
  territoryId: units.territoryId,
  territoryName: territories.name,
  territoryPath: territories.path,
};

export interface UnitListFilter {
  scope: SQL;
  type?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Lists units with the territory they serve. */
export async function listUnits(db: DbOrTx, filter: UnitListFilter) {
  const where = and(
    filter.scope,
    filter.type ? eq(units.type, filter.type) : undefined,
    filter.q ? ilike(units.name, `%${escapeLike(filter.q)}%`) : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select(unitColumns)
      .from(units)
      .innerJoin(territories, eq(territories.id, units.territoryId))
      .where(where)
      .orderBy(asc(units.code))
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ total: count() })
      .from(units)
      .innerJoin(territories, eq(territories.id, units.territoryId))
      .where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export async function findUnitById(db: DbOrTx, id: string) {
  const rows = await db
    .select(unitColumns)
    .from(units)
    .innerJoin(territories, eq(territories.id, units.territoryId))
    .where(eq(units.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export type UnitRow = NonNullable<Awaited<ReturnType<typeof findUnitById>>>;
