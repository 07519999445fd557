import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, startPgliteServer } from '../src/db/connect.ts';
import { runMigrations } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: { kind: 'pglite'; socketDir: string } | { kind: 'postgres'; url: string };
  }
}

/**
 * One database for the whole server test run: a throwaway PGlite served on a socket, or, with
 * DATABASE_URL, a fresh database created on that PostgreSQL server and dropped afterwards (the
 * database named in the URL itself is never touched).
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `huizhi_test_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString() });
    await runMigrations(database.pool);
    await database.close();
    project.provide('testDatabase', { kind: 'postgres', url: url.toString() });
    return async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    };
  }
  const server = await startPgliteServer('memory://');
  const database = await openDatabase({ pgliteSocketDir: server.socketDir });
  await runMigrations(database.pool);
  await database.close();
  project.provide('testDatabase', { kind: 'pglite', socketDir: server.socketDir });
  return async () => server.stop();
}
