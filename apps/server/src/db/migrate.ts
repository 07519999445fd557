import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any fixed number: instances starting together take turns applying migrations.
const MIGRATION_LOCK_ID = 7_243_001;

/** The number of migrations shipped with this build (from drizzle's journal). */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** Applies pending migrations under an advisory lock, so several instances can start at once. */
export async function runMigrations(pool: pg.Pool): Promise<void> {
  // A session-level lock needs one connection for lock, migrations and unlock.
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    client.release();
  }
}

/** Returns how many migrations the database has applied (0 when none). */
export async function appliedMigrationCount(
  queryable: Pick<pg.Pool, 'query'> | pg.PoolClient,
): Promise<number> {
  // Inside another transaction on PGlite, pass that transaction's client: PGlite serves one at a time.
  const result = await queryable.query<{ count: number }>(
    `select count(*)::int as count from drizzle.__drizzle_migrations`,
  );
  return result.rows[0]?.count ?? 0;
}
