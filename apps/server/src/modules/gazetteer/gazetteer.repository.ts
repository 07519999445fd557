import { and, asc, count, eq, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { changeCounters, gazetteerEntries, territories } from '../../db/schema.ts';
import { escapeLike } from '../scope-sql.ts';

/** The change counter bumped with every gazetteer change, so each server instance reloads its copy. */
export const GAZETTEER_COUNTER = 'gazetteer';
/** The counter the territory import bumps when names or the tree change (the gazetteer shows both). */
export const TERRITORY_COUNTER = 'spatial';

const entryColumns = {
  id: gazetteerEntries.id,
  territoryId: gazetteerEntries.territoryId,
  territoryName: territories.name,
  territoryPath: territories.path,
  kind: gazetteerEntries.kind,
  name: gazetteerEntries.name,
  aliases: gazetteerEntries.aliases,
  point: gazetteerEntries.point,
};

export interface GazetteerListFilter {
  scope: SQL;
  territoryId?: string | undefined;
  kind?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Lists gazetteer entries matching the filter (name or alias contains q), by name. */
export async function listGazetteerEntries(db: DbOrTx, filter: GazetteerListFilter) {
  const pattern = filter.q ? `%${escapeLike(filter.q)}%` : null;
  const where = and(
    filter.scope,
    filter.territoryId ? eq(gazetteerEntries.territoryId, filter.territoryId) : undefined,
    filter.kind ? eq(gazetteerEntries.kind, filter.kind) : undefined,
    pattern
      ? or(
          sql`${gazetteerEntries.name} like ${pattern}`,
          sql`${gazetteerEntries.aliases}::text like ${pattern}`,
        )
      : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select(entryColumns)
      .from(gazetteerEntries)
      .innerJoin(territories, eq(territories.id, gazetteerEntries.territoryId))
      .where(where)
      .orderBy(asc(gazetteerEntries.name), asc(gazetteerEntries.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ total: count() })
      .from(gazetteerEntries)
      .innerJoin(territories, eq(territories.id, gazetteerEntries.territoryId))
      .where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export type GazetteerEntryRow = Awaited<ReturnType<typeof listGazetteerEntries>>['rows'][number];

export async function findGazetteerEntryById(db: DbOrTx, id: string): Promise<GazetteerEntryRow | null> {
  const rows = await db
    .select(entryColumns)
    .from(gazetteerEntries)
    .innerJoin(territories, eq(territories.id, gazetteerEntries.territoryId))
    .where(eq(gazetteerEntries.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export async function insertGazetteerEntry(
  db: DbOrTx,
  row: typeof gazetteerEntries.$inferInsert,
): Promise<void> {
  await db.insert(gazetteerEntries).values(row);
}

/** Every entry with its territory path, for the in-memory matcher. */
export async function listAllGazetteerEntries(db: DbOrTx) {
  return db
    .select({
      id: gazetteerEntries.id,
      kind: gazetteerEntries.kind,
      name: gazetteerEntries.name,
      aliases: gazetteerEntries.aliases,
      territoryPath: territories.path,
    })
    .from(gazetteerEntries)
    .innerJoin(territories, eq(territories.id, gazetteerEntries.territoryId));
}

/** Every territory above the building level: the places a text may name and the paths shown. */
export async function listNamedTerritories(db: DbOrTx) {
  return db
    .select({
      id: territories.id,
      name: territories.name,
      level: territories.level,
      code: territories.code,
      path: territories.path,
    })
    .from(territories)
    .where(ne(territories.level, 'building'));
}

/** The versions of the counters the gazetteer depends on, as one key (0 for a counter never bumped). */
export async function readGazetteerVersion(db: DbOrTx): Promise<string> {
  const rows = await db
    .select({ name: changeCounters.name, version: changeCounters.version })
    .from(changeCounters)
    .where(sql`${changeCounters.name} in (${GAZETTEER_COUNTER}, ${TERRITORY_COUNTER})`);
  const versionOf = (name: string) => rows.find((r) => r.name === name)?.version ?? 0;
  return `${versionOf(GAZETTEER_COUNTER)}:${versionOf(TERRITORY_COUNTER)}`;
}

/** Bumps the gazetteer counter (creating it at 1) in the caller's transaction. */
export async function bumpGazetteerCounter(db: DbOrTx, at: Date): Promise<void> {
  await db
    .insert(changeCounters)
    .values({ name: GAZETTEER_COUNTER, version: 1, changedAt: at })
    .onConflictDoUpdate({
      target: changeCounters.name,
      set: { version: sql`${changeCounters.version} + 1`, changedAt: at },
    });
}
