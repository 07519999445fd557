import { and, asc, count, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { roleAssignments, users } from '../../db/schema.ts';
import { escapeLike } from '../scope-sql.ts';

export interface UserListFilter {
  /** Paths of the subtrees whose people the reader may see. */
  territoryPaths: string[];
  /** Whether the reader also sees people tied to no territory. */
  includeUnplaced: boolean;
  q?: string | undefined;
  limit: number;
  offset: number;
}

// The territory paths a user is tied to: their assignments' territories and their units' territories.
const placedPaths = sql`(select coalesce(t.path, ut.path) from role_assignments ra
  left join territories t on t.id = ra.territory_id
  left join units u on u.id = ra.unit_id
  left join territories ut on ut.id = u.territory_id
  where ra.user_id = ${users.id})`;

function scopeCondition(filter: UserListFilter): SQL {
  const conditions: SQL[] = filter.territoryPaths.map(
    (path) =>
      sql`exists (select 1 from ${placedPaths} as p(path) where p.path like ${`${escapeLike(path)}%`})`,
  );
  if (filter.includeUnplaced)
    conditions.push(sql`not exists (select 1 from ${placedPaths} as p(path) where p.path is not null)`);
  return conditions.length > 0 ? (or(...conditions) ?? sql`false`) : sql`false`;
}

/** Lists users inside the reader's scope, by username. */
export async function listUsers(db: DbOrTx, filter: UserListFilter) {
  const where = and(
    scopeCondition(filter),
    filter.q
      ? or(
          ilike(users.username, `%${escapeLike(filter.q)}%`),
          ilike(users.displayName, `%${escapeLike(filter.q)}%`),
        )
      : undefined,
  );
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.username))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export type UserRow = typeof users.$inferSelect;

export async function insertUser(db: DbOrTx, user: typeof users.$inferInsert): Promise<UserRow> {
  const rows = await db.insert(users).values(user).returning();
  return rows[0]!;
}

export async function insertAssignments(
  db: DbOrTx,
  rows: (typeof roleAssignments.$inferInsert)[],
): Promise<void> {
  if (rows.length > 0) await db.insert(roleAssignments).values(rows);
}

export async function usernameExists(db: DbOrTx, username: string): Promise<boolean> {
  const rows = await db
    .select({ n: count() })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return (rows[0]?.n ?? 0) > 0;
}
