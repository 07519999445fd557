import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { gridCards, gridStaff, territories, territoryRiskChanges, users } from '../../db/schema.ts';

const placeColumns = {
  id: territories.id,
  parentId: territories.parentId,
  level: territories.level,
  name: territories.name,
  code: territories.code,
  path: territories.path,
  households: territories.households,
  population: territories.population,
  riskColor: territories.riskColor,
};

/** Loads a territory with the published figures of its card (no geometry). */
export async function findPlace(db: DbOrTx, id: string) {
  const rows = await db.select(placeColumns).from(territories).where(eq(territories.id, id)).limit(1);
  return rows[0] ?? null;
}
export type PlaceRow = NonNullable<Awaited<ReturnType<typeof findPlace>>>;

/** Loads a territory and locks its row until the transaction ends (serialises colour changes). */
export async function findPlaceForUpdate(tx: DbOrTx, id: string) {
  const rows = await tx
    .select(placeColumns)
    .from(territories)
    .where(eq(territories.id, id))
    .limit(1)
    .for('update');
  return rows[0] ?? null;
}

/** Loads a territory's stored GeoJSON geometry. */
export async function findGeometry(db: DbOrTx, id: string): Promise<unknown> {
  const rows = await db
    .select({ geometry: territories.geometry })
    .from(territories)
    .where(eq(territories.id, id))
    .limit(1);
  return rows[0]?.geometry ?? null;
}

/** Names and levels of the given territories. */
export async function findNames(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: territories.id, name: territories.name, level: territories.level })
    .from(territories)
    .where(inArray(territories.id, ids));
}

const staffColumns = {
  id: gridStaff.id,
  gridId: gridStaff.gridId,
  userId: gridStaff.userId,
  name: gridStaff.name,
  phone: gridStaff.phone,
  position: gridStaff.position,
  startsOn: gridStaff.startsOn,
  endsOn: gridStaff.endsOn,
};

/** Every staff period of a grid, the latest start first. */
export async function listStaff(db: DbOrTx, gridId: string) {
  return db
    .select(staffColumns)
    .from(gridStaff)
    .where(eq(gridStaff.gridId, gridId))
    .orderBy(desc(gridStaff.startsOn), asc(gridStaff.name));
}
export type StaffRow = Awaited<ReturnType<typeof listStaff>>[number];

export async function findStaff(db: DbOrTx, gridId: string, staffId: string) {
  const rows = await db
    .select(staffColumns)
    .from(gridStaff)
    .where(and(eq(gridStaff.id, staffId), eq(gridStaff.gridId, gridId)))
    .limit(1)
    .for('update');
  return rows[0] ?? null;
}

export async function insertStaff(tx: DbOrTx, row: typeof gridStaff.$inferInsert) {
  const rows = await tx.insert(gridStaff).values(row).returning(staffColumns);
  return rows[0]!;
}

export async function updateStaffEnd(tx: DbOrTx, staffId: string, endsOn: string) {
  const rows = await tx
    .update(gridStaff)
    .set({ endsOn })
    .where(eq(gridStaff.id, staffId))
    .returning(staffColumns);
  return rows[0]!;
}

export async function userExists(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1);
  return rows.length > 0;
}

export async function findCard(db: DbOrTx, gridId: string) {
  const rows = await db.select().from(gridCards).where(eq(gridCards.territoryId, gridId)).limit(1);
  return rows[0] ?? null;
}
export type CardRow = NonNullable<Awaited<ReturnType<typeof findCard>>>;

export async function upsertCard(tx: DbOrTx, row: typeof gridCards.$inferInsert) {
  const rows = await tx
    .insert(gridCards)
    .values(row)
    .onConflictDoUpdate({
      target: gridCards.territoryId,
      set: { supervisionPhone: row.supervisionPhone, duties: row.duties, updatedAt: row.updatedAt },
    })
    .returning();
  return rows[0]!;
}

export async function setRiskColor(tx: DbOrTx, id: string, color: string, at: Date) {
  await tx.update(territories).set({ riskColor: color, updatedAt: at }).where(eq(territories.id, id));
}

const riskColumns = {
  id: territoryRiskChanges.id,
  territoryId: territoryRiskChanges.territoryId,
  color: territoryRiskChanges.color,
  previousColor: territoryRiskChanges.previousColor,
  reason: territoryRiskChanges.reason,
  actorId: territoryRiskChanges.actorId,
  actorName: users.displayName,
  at: territoryRiskChanges.at,
};

export async function insertRiskChange(tx: DbOrTx, row: typeof territoryRiskChanges.$inferInsert) {
  await tx.insert(territoryRiskChanges).values(row);
}

/** The risk colour changes of a territory, newest first. */
export async function listRiskChanges(db: DbOrTx, territoryId: string, ids?: string[]) {
  return db
    .select(riskColumns)
    .from(territoryRiskChanges)
    .leftJoin(users, eq(users.id, territoryRiskChanges.actorId))
    .where(
      and(
        eq(territoryRiskChanges.territoryId, territoryId),
        ids ? inArray(territoryRiskChanges.id, ids) : undefined,
      ),
    )
    .orderBy(desc(territoryRiskChanges.at));
}
export type RiskChangeRow = Awaited<ReturnType<typeof listRiskChanges>>[number];
