import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { changeCounters, territories, territoryImports } from '../../db/schema.ts';

/** Every territory's place in the tree (no geometry): the import checks parents, levels and cycles on it. */
export async function listTreeNodes(db: DbOrTx) {
  return db
    .select({
      id: territories.id,
      parentId: territories.parentId,
      code: territories.code,
      name: territories.name,
      level: territories.level,
      path: territories.path,
    })
    .from(territories);
}
export type TreeNode = Awaited<ReturnType<typeof listTreeNodes>>[number];

const CHUNK = 2000;

/** The stored geometry of the territories with these ids. */
export async function findGeometries(db: DbOrTx, ids: string[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .select({ id: territories.id, geometry: territories.geometry })
      .from(territories)
      .where(inArray(territories.id, ids.slice(i, i + CHUNK)));
    for (const row of rows) found.set(row.id, row.geometry);
  }
  return found;
}

/** Grid children (with geometry) of these parents, for the sibling-overlap check. */
export async function findGridChildrenGeometries(db: DbOrTx, parentIds: string[]) {
  const rows: { id: string; code: string; parentId: string | null; geometry: unknown }[] = [];
  for (let i = 0; i < parentIds.length; i += CHUNK) {
    rows.push(
      ...(await db
        .select({
          id: territories.id,
          code: territories.code,
          parentId: territories.parentId,
          geometry: territories.geometry,
        })
        .from(territories)
        .where(
          and(
            inArray(territories.parentId, parentIds.slice(i, i + CHUNK)),
            eq(territories.level, 'grid'),
            isNotNull(territories.geometry),
          ),
        )),
    );
  }
  return rows;
}

export type NewTerritoryRow = typeof territories.$inferInsert;

/** Inserts territories in multi-row statements (parents must come before children). */
export async function insertTerritories(db: DbOrTx, rows: NewTerritoryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(territories).values(rows.slice(i, i + 500));
}

/** Updates one territory's tree place, name and (when given) geometry. */
export async function updateTerritory(
  db: DbOrTx,
  id: string,
  values: Partial<
    Pick<NewTerritoryRow, 'name' | 'level' | 'parentId' | 'path' | 'geometry' | 'bbox' | 'updatedAt'>
  >,
): Promise<void> {
  await db.update(territories).set(values).where(eq(territories.id, id));
}

/**
 * Recomputes the materialised paths below the given nodes (whose own paths are already right) from the
 * parent links, so moved subtrees follow their root. Paths end in their own id, so no two rows ever collide.
 */
export async function recomputeSubtreePaths(db: DbOrTx, rootIds: string[]): Promise<void> {
  if (rootIds.length === 0) return;
  await db.execute(sql`
    with recursive sub(id, path) as (
      select id, path from territories where id in ${rootIds}
      union all
      select c.id, sub.path || c.id::text || '/' from territories c join sub on c.parent_id = sub.id
    )
    update territories set path = sub.path from sub
    where territories.id = sub.id and territories.path <> sub.path`);
}

/** Bumps a change counter (creating it at 1) in the caller's transaction. */
export async function bumpChangeCounter(db: DbOrTx, name: string, at: Date): Promise<void> {
  await db
    .insert(changeCounters)
    .values({ name, version: 1, changedAt: at })
    .onConflictDoUpdate({
      target: changeCounters.name,
      set: { version: sql`${changeCounters.version} + 1`, changedAt: at },
    });
}

export async function insertTerritoryImport(
  db: DbOrTx,
  row: typeof territoryImports.$inferInsert,
): Promise<void> {
  await db.insert(territoryImports).values(row);
}
