import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { appealAssignments, appeals, attachments } from '../../db/schema.ts';

export type AttachmentRow = typeof attachments.$inferSelect;

/** Inserts an attachment's metadata. */
export async function insertAttachment(db: DbOrTx, row: typeof attachments.$inferInsert): Promise<void> {
  await db.insert(attachments).values(row);
}

/** Loads an attachment's metadata by id. */
export async function findAttachment(db: DbOrTx, id: string): Promise<AttachmentRow | null> {
  const rows = await db.select().from(attachments).where(eq(attachments.id, id)).limit(1);
  return rows[0] ?? null;
}

/** The attachments of an appeal, oldest first. */
export async function listAppealAttachments(db: DbOrTx, appealId: string): Promise<AttachmentRow[]> {
  return db
    .select()
    .from(attachments)
    .where(eq(attachments.appealId, appealId))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
}

/**
 * Ties uploaded attachments to an appeal: only rows not yet tied to one and uploaded by `uploadedBy`.
 * Returns the ids it tied, so the caller can refuse ids that were not theirs or are used already.
 */
export async function linkAttachmentsToAppeal(
  tx: DbOrTx,
  input: { attachmentIds: readonly string[]; uploadedBy: string; appealId: string },
): Promise<string[]> {
  if (input.attachmentIds.length === 0) return [];
  const rows = await tx
    .update(attachments)
    .set({ appealId: input.appealId })
    .where(
      and(
        inArray(attachments.id, [...input.attachmentIds]),
        eq(attachments.uploadedBy, input.uploadedBy),
        isNull(attachments.appealId),
      ),
    )
    .returning({ id: attachments.id });
  return rows.map((r) => r.id);
}

/** What access to an appeal depends on: where it is, who raised it, and every unit ever assigned to it. */
export async function findAppealAccess(
  db: DbOrTx,
  appealId: string,
): Promise<{ territoryPath: string; appellantUserId: string | null; unitIds: string[] } | null> {
  const rows = await db
    .select({ territoryPath: appeals.territoryPath, appellantUserId: appeals.appellantUserId })
    .from(appeals)
    .where(eq(appeals.id, appealId))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const units = await db
    .selectDistinct({ unitId: appealAssignments.unitId })
    .from(appealAssignments)
    .where(eq(appealAssignments.appealId, appealId));
  return { ...row, unitIds: units.map((u) => u.unitId) };
}
