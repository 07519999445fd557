import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, loginAs, type TestContext } from '../test/harness.ts';
import { BACKUP_TABLES, backupDatabase, restoreDatabase } from './backup.ts';
import { openDatabase, type Database } from './db/connect.ts';
import { runMigrations } from './db/migrate.ts';

let t: TestContext;
const dir = mkdtempSync(join(tmpdir(), 'huizhi-backup-'));

beforeAll(async () => {
  t = await createTestApp();
  const admin = await loginAs(t.app, 'admin');
  const created = await call(t.app, admin, 'POST', '/api/v1/users', {
    username: 'backup.me',
    displayName: '备份测试',
    password: 'a-long-enough-password',
    phone: '13700001111',
    assignments: [{ role: 'resident' }],
  });
  expect(created.statusCode).toBe(201);
});
afterAll(async () => t.close());

/** A fingerprint of every table's contents that is independent of the database and its time zone. */
async function fingerprint(database: Database): Promise<Record<string, string>> {
  const client = await database.pool.connect();
  try {
    await client.query(`set timezone = 'UTC'`);
    const result: Record<string, string> = {};
    for (const table of BACKUP_TABLES) {
      const { rows } = await client.query<{ n: number; digest: string | null }>(
        `select count(*)::int as n, md5(string_agg(to_jsonb(t)::text, '|' order by to_jsonb(t)::text)) as digest from "${table}" t`,
      );
      result[table] = `${rows[0]?.n}:${rows[0]?.digest}`;
    }
    return result;
  } finally {
    client.release();
  }
}

describe('backup and restore', () => {
  it('round-trips every table into a fresh embedded database, identical to the byte', async () => {
    const file = join(dir, 'all.jsonl.gz');
    const counts = await backupDatabase(t.deps.database, file, t.clock.now());
    expect(counts.territories).toBe(129);
    // The demo's 11 logins and the one made above.
    expect(counts.users).toBe(12);

    const fresh = await openDatabase({ pgliteDir: 'memory://' });
    try {
      await runMigrations(fresh.pool);
      const restored = await restoreDatabase(fresh, file);
      expect(restored).toEqual(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)));
      expect(await fingerprint(fresh)).toEqual(await fingerprint(t.deps.database));
      // Sequences continue after the restored ids and appeal numbers.
      await fresh.pool.query(
        `insert into audit_log (at, action, entity_type) values (now(), 'test', 'test')`,
      );
      const { rows } = await fresh.pool.query<{ next: string; largest: string }>(
        `select nextval('appeal_number_seq')::text as next,
                (select max(substring(number from '^I?[0-9]{8}([0-9]+)$')::bigint) from appeals)::text as largest`,
      );
      expect(counts.appeals).toBeGreaterThan(0);
      expect(BigInt(rows[0]!.next)).toBeGreaterThan(BigInt(rows[0]!.largest));
      const { rows: events } = await fresh.pool.query<{ fresh: boolean }>(
        `select nextval(pg_get_serial_sequence('work_order_events', 'id')) > (select max(id) from work_order_events) as fresh`,
      );
      expect(events[0]!.fresh).toBe(true);
      // Whistle numbers continue after the restored ones too.
      const { rows: whistleNumbers } = await fresh.pool.query<{ next: string; largest: string }>(
        `select nextval('whistle_number_seq')::text as next,
                (select max(substring(number from '^W[0-9]{8}([0-9]+)$')::bigint) from whistles)::text as largest`,
      );
      expect(counts.whistles).toBeGreaterThan(0);
      expect(BigInt(whistleNumbers[0]!.next)).toBeGreaterThan(BigInt(whistleNumbers[0]!.largest));
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('restores over existing data, replacing it', async () => {
    const file = join(dir, 'before.jsonl');
    await backupDatabase(t.deps.database, file, t.clock.now());
    const before = await fingerprint(t.deps.database);
    await t.deps.database.pool.query(`update users set display_name = 'changed'`);
    await t.deps.database.pool.query(`delete from role_assignments`);
    await restoreDatabase(t.deps.database, file);
    expect(await fingerprint(t.deps.database)).toEqual(before);
    // The restored database still works: people can sign in.
    expect((await loginAs(t.app, 'backup.me', 'a-long-enough-password')).userId).toBeTruthy();
  });

  it('refuses a file that is not a backup or has another schema version, changing nothing', async () => {
    const before = await fingerprint(t.deps.database);
    const notBackup = join(dir, 'not.jsonl');
    writeFileSync(notBackup, '{"hello":"world"}\n');
    await expect(restoreDatabase(t.deps.database, notBackup)).rejects.toThrow(/not a Huizhi backup/);

    const good = join(dir, 'good.jsonl');
    await backupDatabase(t.deps.database, good, t.clock.now());
    const lines = readFileSync(good, 'utf8').split('\n');
    const header = JSON.parse(lines[0]!);
    const otherVersion = join(dir, 'other-version.jsonl');
    writeFileSync(
      otherVersion,
      [JSON.stringify({ ...header, migrations: 999 }), ...lines.slice(1)].join('\n'),
    );
    await expect(restoreDatabase(t.deps.database, otherVersion)).rejects.toThrow(/schema version/);

    const truncatedRows = join(dir, 'broken.jsonl');
    writeFileSync(
      truncatedRows,
      [lines[0], lines[1], '{"table":"units","rows":[{"id":"not-a-uuid"}]}'].join('\n'),
    );
    await expect(restoreDatabase(t.deps.database, truncatedRows)).rejects.toThrow();
    expect(await fingerprint(t.deps.database)).toEqual(before);
  });

  it('covers every table of the schema', async () => {
    const { rows } = await t.deps.database.pool.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...BACKUP_TABLES].sort());
  });
});
