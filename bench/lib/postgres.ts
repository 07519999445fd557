import pg from 'pg';
import { onCleanup } from './cleanup.ts';
import type { PostgresHandle } from './types.ts';

/** The local PostgreSQL server (trust auth); BENCH_POSTGRES_URL overrides it, BENCH_POSTGRES=off skips it. */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const SAFE_NAME = /^huizhi_bench_\d{14}$/;

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates the run's throwaway database huizhi_bench_<timestamp> and arranges for it to be dropped at the end.
 * Returns null (and why) when PostgreSQL is unreachable. It never touches any other database.
 */
export async function openBenchPostgres(
  adminUrl: string,
  startedAt: Date,
): Promise<{ handle: PostgresHandle; dispose(): Promise<void> } | { handle: null; reason: string }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query('select 1');
  } catch (error) {
    await admin.end().catch(() => undefined);
    return { handle: null, reason: error instanceof Error ? error.message || error.name : String(error) };
  }
  const name = `huizhi_bench_${startedAt.toISOString().replace(/\D/g, '').slice(0, 14)}`;
  if (!SAFE_NAME.test(name)) throw new Error(`refusing an unexpected database name ${name}`);
  const drop = () => admin.query(`drop database if exists "${name}" with (force)`);
  const create = () => admin.query(`create database "${name}"`);
  await create();
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    try {
      await drop();
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
  onCleanup(dispose);
  const url = urlFor(adminUrl, name);
  return {
    handle: {
      name,
      url,
      fresh: async () => {
        await drop();
        await create();
        return url;
      },
    },
    dispose,
  };
}
