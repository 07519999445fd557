import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { territories } from '../../db/schema.ts';

const featureColumns = {
  id: territories.id,
  name: territories.name,
  level: territories.level,
  code: territories.code,
  path: territories.path,
  geometry: territories.geometry,
  riskColor: territories.riskColor,
  households: territories.households,
  population: territories.population,
  // Qualified by hand: drizzle leaves columns unqualified in single-table selects.
  childCount: sql<number>`(select count(*)::int from territories c where c.parent_id = "territories"."id")`,
};

/** One territory with what a map feature shows. */
export async function findFeatureRow(db: DbOrTx, id: string) {
  const rows = await db.select(featureColumns).from(territories).where(eq(territories.id, id)).limit(1);
  return rows[0] ?? null;
}

/** The children of a territory with what a map feature shows, in code order. */
export async function listChildFeatureRows(db: DbOrTx, parentId: string) {
  return db
    .select(featureColumns)
    .from(territories)
    .where(eq(territories.parentId, parentId))
    .orderBy(asc(territories.code));
}

export type FeatureRow = NonNullable<Awaited<ReturnType<typeof findFeatureRow>>>;
