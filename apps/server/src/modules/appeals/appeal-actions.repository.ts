import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import {
  appealAssignments,
  appeals,
  attachments,
  slaTimers,
  territories,
  units,
  workOrderEvents,
} from '../../db/schema.ts';

export type AppealRow = typeof appeals.$inferSelect;
export type AppealPatch = Partial<Omit<typeof appeals.$inferInsert, 'id' | 'version' | 'state'>>;

/** Loads an appeal row (no lock: transitions are guarded by the version). */
export async function findAppealRow(db: DbOrTx, id: string): Promise<AppealRow | null> {
  const rows = await db.select().from(appeals).where(eq(appeals.id, id)).limit(1);
  return rows[0] ?? null;
}

/** Loads an appeal row and holds it against changes until the transaction ends (FOR SHARE). */
export async function findAppealRowForShare(db: DbOrTx, id: string): Promise<AppealRow | null> {
  const rows = await db.select().from(appeals).where(eq(appeals.id, id)).limit(1).for('share');
  return rows[0] ?? null;
}

/** Finds the appeal whose review link has this SHA-256 hash. */
export async function findAppealRowByReviewTokenHash(db: DbOrTx, hash: string): Promise<AppealRow | null> {
  const rows = await db.select().from(appeals).where(eq(appeals.reviewTokenHash, hash)).limit(1);
  return rows[0] ?? null;
}

/**
 * Moves an appeal to its next state and writes the other changed columns, if nobody changed it since
 * it was read: the version must still be the one read. Returns false when another transaction got
 * there first (under READ COMMITTED the second UPDATE waits for the first to commit, then finds the
 * version changed and matches nothing).
 */
export async function claimAppealTransition(
  tx: DbOrTx,
  id: string,
  readVersion: number,
  state: string,
  at: Date,
  patch: AppealPatch = {},
): Promise<boolean> {
  const rows = await tx
    .update(appeals)
    .set({ ...patch, state, version: sql`${appeals.version} + 1`, updatedAt: at })
    .where(and(eq(appeals.id, id), eq(appeals.version, readVersion)))
    .returning({ id: appeals.id });
  return rows.length === 1;
}

/** Points every appeal merged into `fromParentId` at `toParentId` (a parent merged into another). */
export async function reparentMergedAppeals(tx: DbOrTx, fromParentId: string, toParentId: string) {
  await tx.update(appeals).set({ parentId: toParentId }).where(eq(appeals.parentId, fromParentId));
}

/** The appeals merged into a parent that still wait for its outcome. */
export async function listMergedChildren(tx: DbOrTx, parentId: string): Promise<AppealRow[]> {
  return tx
    .select()
    .from(appeals)
    .where(and(eq(appeals.parentId, parentId), eq(appeals.state, 'merged')))
    .orderBy(asc(appeals.receivedAt), asc(appeals.id));
}

/** An appeal's unit assignments with the unit names and types, oldest first. */
export async function listAssignmentRows(db: DbOrTx, appealId: string) {
  return db
    .select({
      id: appealAssignments.id,
      unitId: appealAssignments.unitId,
      unitName: units.name,
      unitType: units.type,
      role: appealAssignments.role,
      round: appealAssignments.round,
      active: appealAssignments.active,
    })
    .from(appealAssignments)
    .innerJoin(units, eq(units.id, appealAssignments.unitId))
    .where(eq(appealAssignments.appealId, appealId))
    .orderBy(asc(appealAssignments.createdAt), asc(appealAssignments.id));
}

export type AssignmentRow = Awaited<ReturnType<typeof listAssignmentRows>>[number];

/** Adds unit assignments to an appeal. */
export async function insertAssignments(
  tx: DbOrTx,
  rows: (typeof appealAssignments.$inferInsert)[],
): Promise<void> {
  if (rows.length > 0) await tx.insert(appealAssignments).values(rows);
}

/** Ends every active assignment of an appeal (re-dispatch, close, merge). */
export async function deactivateAssignments(tx: DbOrTx, appealId: string): Promise<void> {
  await tx
    .update(appealAssignments)
    .set({ active: false })
    .where(and(eq(appealAssignments.appealId, appealId), eq(appealAssignments.active, true)));
}

/** Units by id with their type and the path of the territory they serve. */
export async function listUnitRows(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: units.id, name: units.name, type: units.type, territoryPath: territories.path })
    .from(units)
    .innerJoin(territories, eq(territories.id, units.territoryId))
    .where(inArray(units.id, [...ids]));
}

export type UnitRow = Awaited<ReturnType<typeof listUnitRows>>[number];

/**
 * Links uploaded files to an appeal as the handler's evidence: only files not yet linked and uploaded
 * by the same person. Returns how many were linked.
 */
export async function linkEvidence(
  tx: DbOrTx,
  appealId: string,
  attachmentIds: readonly string[],
  uploadedBy: string,
): Promise<number> {
  if (attachmentIds.length === 0) return 0;
  const rows = await tx
    .update(attachments)
    .set({ appealId, purpose: 'evidence' })
    .where(
      and(
        inArray(attachments.id, [...attachmentIds]),
        isNull(attachments.appealId),
        eq(attachments.uploadedBy, uploadedBy),
      ),
    )
    .returning({ id: attachments.id });
  return rows.length;
}

/**
 * Writes a new appeal with its first event and its running reply clock in one statement (the demo
 * seed records many; a new appeal has no earlier event, so the event is number 1).
 */
export async function insertReceivedAppeal(
  tx: DbOrTx,
  row: typeof appeals.$inferInsert,
  event: { type: string; actorId: string | null; data: Record<string, unknown> },
  timer: { id: string; dueAt: Date; warnAt: Date },
): Promise<void> {
  const inserted = tx
    .$with('inserted')
    .as(tx.insert(appeals).values(row).returning({ id: appeals.id, receivedAt: appeals.receivedAt }));
  const withEvent = tx.$with('with_event').as(
    tx
      .insert(workOrderEvents)
      .values({
        orderKind: 'appeal',
        orderId: row.id,
        seq: 1,
        type: event.type,
        at: row.receivedAt,
        actorId: event.actorId,
        round: 1,
        fromState: null,
        toState: row.state,
        internal: false,
        data: event.data,
      })
      .returning({ id: workOrderEvents.id }),
  );
  await tx.with(inserted, withEvent).insert(slaTimers).values({
    id: timer.id,
    orderKind: 'appeal',
    orderId: row.id,
    clock: 'reply',
    round: 1,
    startedAt: row.receivedAt,
    dueAt: timer.dueAt,
    warnAt: timer.warnAt,
  });
}
