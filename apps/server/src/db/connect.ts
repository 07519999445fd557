import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Db;
  pool: pg.Pool;
  /** Closes the pool and, for PGlite, stops its worker after a clean shutdown. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL; without it PGlite runs on `pgliteDir`. */
  databaseUrl?: string | undefined;
  /** The PGlite data folder, or 'memory://' for a throwaway database. */
  pgliteDir?: string;
  /** Connect to a PGlite already served on this socket folder (tests share one) instead of starting one. */
  pgliteSocketDir?: string;
  poolSize?: number;
}

// node-postgres returns bigint (int8) as string by default; counts and bigserial ids fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/** Starts PGlite in a worker thread serving the PostgreSQL wire protocol on a private Unix socket. */
export async function startPgliteServer(
  dataDir: string,
): Promise<{ socketDir: string; stop: () => Promise<void> }> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const socketDir = mkdtempSync(join(tmpdir(), 'huizhi-pg-'));
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
    workerData: { dataDir, socketPath: join(socketDir, '.s.PGSQL.5432'), maxConnections: 32 },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`PGlite worker exited with code ${code}`)));
  });
  let stopped = false;
  return {
    socketDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const done = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage({ type: 'stop' });
      // Give PGlite up to 10 s to close cleanly; the timer must not keep the process alive.
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await worker.terminate();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** Opens the database: PostgreSQL when a URL is given, otherwise embedded PGlite. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    pool.on('error', () => undefined); // an idle client's error is reported on its next use
    return { kind: 'postgres', db: drizzle(pool, { schema }), pool, close: () => pool.end() };
  }
  const server = options.pgliteSocketDir
    ? { socketDir: options.pgliteSocketDir, stop: async () => undefined }
    : await startPgliteServer(options.pgliteDir ?? 'memory://');
  // One connection: PGlite runs one query at a time anyway, and pglite-socket 0.2.17 mixes up the
  // answers of concurrent connections while a transaction is open ("unnamed prepared statement does
  // not exist", upstream electric-sql/pglite#1046). Code inside a transaction must use only its `tx`.
  const pool = new pg.Pool({
    host: server.socketDir,
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    max: 1,
  });
  pool.on('error', () => undefined);
  return {
    kind: 'pglite',
    db: drizzle(pool, { schema }),
    pool,
    close: async () => {
      await pool.end();
      await server.stop();
    },
  };
}
