/**
 * Portable backup and restore: every table as JSON rows (one JSON document a line), restorable into
 * PGlite or PostgreSQL. Rows are read with to_jsonb and written back with jsonb_populate_recordset,
 * so every column keeps its exact type on both databases.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { getTableName } from 'drizzle-orm';
import type pg from 'pg';
import { ALL_TABLES } from './db/schema.ts';
import { appliedMigrationCount } from './db/migrate.ts';
import type { Database } from './db/connect.ts';

export const BACKUP_FORMAT = 'huizhi-backup';
const CHUNK = 1000;

/** Table names in foreign-key order (parents first). */
export const BACKUP_TABLES: string[] = Object.values(ALL_TABLES).map((table) => getTableName(table));

// Order inside a table where rows refer to rows of the same table (parents before children).
const ROW_ORDER: Record<string, string> = {
  territories: 'length(path), path',
  categories: 'level, code',
  appeals: '(parent_id is not null), id',
};

interface Header {
  format: typeof BACKUP_FORMAT;
  version: 1;
  migrations: number;
  createdAt: string;
  tables: string[];
}

/** Writes a backup of every table to `file` (gzip-compressed when the name ends in .gz). */
export async function backupDatabase(
  database: Database,
  file: string,
  now: Date,
): Promise<Record<string, number>> {
  const output = createWriteStream(file);
  const gzip = file.endsWith('.gz') ? createGzip() : null;
  if (gzip) gzip.pipe(output);
  const sink = gzip ?? output;
  const write = async (value: unknown) => {
    if (!sink.write(`${JSON.stringify(value)}\n`)) await once(sink, 'drain');
  };
  const counts: Record<string, number> = {};
  const client = await database.pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const header: Header = {
      format: BACKUP_FORMAT,
      version: 1,
      migrations: await appliedMigrationCount(client),
      createdAt: now.toISOString(),
      tables: BACKUP_TABLES,
    };
    await write(header);
    for (const table of BACKUP_TABLES) {
      counts[table] = 0;
      const order = ROW_ORDER[table] ?? '1';
      for (let offset = 0; ; offset += CHUNK) {
        const { rows } = await client.query<{ row: unknown }>(
          `select to_jsonb(t) as row from "${table}" t order by ${order} limit ${CHUNK} offset ${offset}`,
        );
        if (rows.length === 0) break;
        await write({ table, rows: rows.map((r) => r.row) });
        counts[table] += rows.length;
        if (rows.length < CHUNK) break;
      }
    }
    await client.query('commit');
  } finally {
    client.release();
  }
  sink.end();
  await once(output, 'finish');
  return counts;
}

/** Replaces every table's contents with the backup's, in one transaction. */
export async function restoreDatabase(database: Database, file: string): Promise<Record<string, number>> {
  const client: pg.PoolClient = await database.pool.connect();
  const counts: Record<string, number> = {};
  let header: Header | undefined;
  try {
    await client.query('begin');
    // Open the file only now: readline starts reading at once and would drop lines read before the loop.
    const input = createReadStream(file);
    const lines = createInterface({
      input: file.endsWith('.gz') ? input.pipe(createGunzip()) : input,
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as Header | { table: string; rows: unknown[] };
      if (!header) {
        header = record as Header;
        if (header.format !== BACKUP_FORMAT) throw new Error(`${file} is not a Huizhi backup.`);
        const applied = await appliedMigrationCount(client);
        if (header.migrations !== applied) {
          throw new Error(
            `The backup was made at schema version ${header.migrations}; this database is at ${applied}.`,
          );
        }
        const unknown = header.tables.filter((t) => !BACKUP_TABLES.includes(t));
        if (unknown.length > 0)
          throw new Error(`The backup has tables this version does not know: ${unknown.join(', ')}`);
        await client.query(
          `truncate ${BACKUP_TABLES.map((t) => `"${t}"`).join(', ')} restart identity cascade`,
        );
        continue;
      }
      const { table, rows } = record as { table: string; rows: unknown[] };
      if (!BACKUP_TABLES.includes(table)) throw new Error(`Unknown table ${table} in backup.`);
      await client.query(
        `insert into "${table}" select * from jsonb_populate_recordset(null::"${table}", $1::jsonb)`,
        [JSON.stringify(rows)],
      );
      counts[table] = (counts[table] ?? 0) + rows.length;
    }
    if (!header) throw new Error(`${file} is empty.`);
    // bigserial sequences continue after the restored ids.
    for (const table of ['login_attempts', 'audit_log', 'work_order_events']) {
      await client.query(
        `select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from "${table}"), 0) + 1, false)`,
      );
    }
    // Appeal numbers are a date (with 'I' for imports) and this sequence's value: continue after the
    // largest restored one, so no new number repeats a restored one.
    await client.query(
      `select setval('appeal_number_seq',
         coalesce((select max(substring(number from '^I?[0-9]{8}([0-9]+)$')::bigint) from appeals), 0) + 1, false)`,
    );
    // Whistle numbers are 'W', a date and this sequence's value: the same rule.
    await client.query(
      `select setval('whistle_number_seq',
         coalesce((select max(substring(number from '^W[0-9]{8}([0-9]+)$')::bigint) from whistles), 0) + 1, false)`,
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  return counts;
}
