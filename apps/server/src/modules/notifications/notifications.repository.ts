import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { notifications, roleAssignments, territories, users } from '../../db/schema.ts';

export type NotificationRow = typeof notifications.$inferSelect;

/** Inserts notifications (one row per recipient). */
export async function insertNotifications(db: DbOrTx, rows: NotificationRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(notifications).values(rows);
}

/** Enabled users holding one of the roles on one of the units (role_assignments.unit_id). */
export async function listUserIdsOnUnits(
  db: DbOrTx,
  unitIds: readonly string[],
  roles: readonly string[],
): Promise<string[]> {
  if (unitIds.length === 0 || roles.length === 0) return [];
  const rows = await db
    .selectDistinct({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        inArray(roleAssignments.unitId, [...unitIds]),
        inArray(roleAssignments.role, [...roles]),
        isNull(users.disabledAt),
      ),
    );
  return rows.map((r) => r.userId);
}

/** Enabled users holding one of the roles over a territory whose subtree contains the path. */
export async function listUserIdsCoveringPath(
  db: DbOrTx,
  territoryPath: string,
  roles: readonly string[],
): Promise<string[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .selectDistinct({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .innerJoin(territories, eq(territories.id, roleAssignments.territoryId))
    .where(
      and(
        inArray(roleAssignments.role, [...roles]),
        isNull(users.disabledAt),
        // The territory's path is a prefix of the record's path (its subtree contains it).
        sql`left(${territoryPath}, length(${territories.path})) = ${territories.path}`,
      ),
    );
  return rows.map((r) => r.userId);
}

/** A user's notifications, newest first. */
export async function listNotificationRows(
  db: DbOrTx,
  userId: string,
  options: { unreadOnly: boolean; limit: number },
): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(eq(notifications.userId, userId), options.unreadOnly ? isNull(notifications.readAt) : undefined),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit);
}

/** How many of a user's notifications are unread. */
export async function countUnreadNotifications(db: DbOrTx, userId: string): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return rows[0]?.n ?? 0;
}

/** Marks one of the user's notifications read (keeping the first read time); null when it is not theirs. */
export async function markNotificationRead(
  db: DbOrTx,
  id: string,
  userId: string,
  at: Date,
): Promise<NotificationRow | null> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${at})` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  return rows[0] ?? null;
}

/** Marks every unread notification of the user read; returns how many. */
export async function markAllNotificationsRead(db: DbOrTx, userId: string, at: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
