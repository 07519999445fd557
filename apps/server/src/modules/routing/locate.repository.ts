import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { changeCounters, territories } from '../../db/schema.ts';

/** The counter bumped by every change to territory geometry or the tree. */
export const SPATIAL_COUNTER = 'spatial';

/** The current version of a change counter (0 when it was never bumped). */
export async function readChangeCounter(db: DbOrTx, name: string): Promise<number> {
  const rows = await db
    .select({ version: changeCounters.version })
    .from(changeCounters)
    .where(eq(changeCounters.name, name))
    .limit(1);
  return rows[0]?.version ?? 0;
}

/** Grids with a geometry, for the spatial index. */
export async function listGridGeometries(db: DbOrTx) {
  return db
    .select({
      id: territories.id,
      code: territories.code,
      name: territories.name,
      path: territories.path,
      geometry: territories.geometry,
      bbox: territories.bbox,
    })
    .from(territories)
    .where(and(eq(territories.level, 'grid'), isNotNull(territories.geometry)));
}

/** Every node above the grid level (the ancestors a located grid's path names). */
export async function listAncestorNodes(db: DbOrTx) {
  return db
    .select({ id: territories.id, code: territories.code, name: territories.name, level: territories.level })
    .from(territories)
    .where(inArray(territories.level, ['city', 'district', 'street', 'community']));
}
