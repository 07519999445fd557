import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../context.ts';
import { loginAttempts, roleAssignments, sessions, territories, units, users } from '../../db/schema.ts';

/** Finds a user by username, ignoring case. */
export async function findUserByUsername(db: DbOrTx, username: string) {
  const rows = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`)
    .limit(1);
  return rows[0] ?? null;
}

export async function findUserById(db: DbOrTx, id: string) {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}

const unitTerritories = alias(territories, 'unit_territories');

/** Loads a user's role assignments with the path and name of what each one covers. */
export async function findAssignmentsOfUsers(db: DbOrTx, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db
    .select({
      userId: roleAssignments.userId,
      role: roleAssignments.role,
      territoryId: roleAssignments.territoryId,
      territoryPath: territories.path,
      territoryName: territories.name,
      unitId: roleAssignments.unitId,
      unitName: units.name,
      unitTerritoryPath: unitTerritories.path,
    })
    .from(roleAssignments)
    .leftJoin(territories, eq(territories.id, roleAssignments.territoryId))
    .leftJoin(units, eq(units.id, roleAssignments.unitId))
    .leftJoin(unitTerritories, eq(unitTerritories.id, units.territoryId))
    .where(sql`${roleAssignments.userId} in ${userIds}`)
    .orderBy(roleAssignments.createdAt, roleAssignments.id);
}

export type AssignmentRow = Awaited<ReturnType<typeof findAssignmentsOfUsers>>[number];

export async function insertSession(db: DbOrTx, session: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(session);
}

/** Finds a live session (not revoked, not expired) with its user. */
export async function findLiveSession(db: DbOrTx, tokenHash: string, now: Date) {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  return rows[0] ?? null;
}

export async function revokeSession(db: DbOrTx, tokenHash: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

export async function updateUserLocale(db: DbOrTx, userId: string, locale: string): Promise<void> {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

export async function insertLoginAttempt(
  db: DbOrTx,
  attempt: typeof loginAttempts.$inferInsert,
): Promise<void> {
  await db.insert(loginAttempts).values(attempt);
}

/** Failed sign-ins for a username since `since` and after its last successful one. */
export async function countRecentFailuresForUsername(
  db: DbOrTx,
  username: string,
  since: Date,
): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(
      and(
        sql`lower(${loginAttempts.username}) = lower(${username})`,
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, since),
        sql`${loginAttempts.at} > coalesce((select max(la.at) from login_attempts la
              where lower(la.username) = lower(${username}) and la.succeeded), '-infinity'::timestamptz)`,
      ),
    );
  return rows[0]?.n ?? 0;
}

/** Failed sign-ins from one address since `since`. */
export async function countRecentFailuresForIp(db: DbOrTx, ip: string, since: Date): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  return rows[0]?.n ?? 0;
}
