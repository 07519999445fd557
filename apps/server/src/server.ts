import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import { eq } from 'drizzle-orm';
import { buildApp } from './app.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import { openDatabase, type Database } from './db/connect.ts';
import { lockDataDir } from './db/data-lock.ts';
import { runMigrations } from './db/migrate.ts';
import { auditLog } from './db/schema.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, isDatabaseEmpty, seedDemo } from './seed/demo.ts';
import { ensureReferenceData } from './seed/reference.ts';
import { startSweeper, sweptAnything } from './jobs/sweep-all.ts';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface OpenedDatabase {
  database: Database;
  /** Closes the database and releases the data-folder lock. */
  close(): Promise<void>;
}

/** Opens the configured database (locking PGlite's folder) and applies migrations. */
export async function openConfiguredDatabase(config: Config): Promise<OpenedDatabase> {
  let unlock: (() => Promise<void>) | undefined;
  if (!config.databaseUrl) unlock = await lockDataDir(config.dataDir);
  try {
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir: join(config.dataDir, 'pglite'),
    });
    await runMigrations(database.pool);
    await ensureReferenceData(database.db, systemClock.now());
    return {
      database,
      close: async () => {
        await database.close();
        await unlock?.();
      },
    };
  } catch (error) {
    await unlock?.();
    throw error;
  }
}

/** Whether this database holds the demo data (for printing the demo logins). */
async function hasDemoData(deps: Deps): Promise<boolean> {
  const rows = await deps.database.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(eq(auditLog.action, 'seed.demo'))
    .limit(1);
  return rows.length > 0;
}

function printBanner(config: Config, url: string, database: Database, demo: boolean): void {
  const lines = [
    '',
    `  汇治 Huizhi is running at ${url}`,
    `  database: ${database.kind === 'pglite' ? `PGlite (embedded) in ${join(config.dataDir, 'pglite')}` : 'PostgreSQL (DATABASE_URL)'}`,
    `  API docs: ${url}/api/docs`,
  ];
  if (demo) {
    lines.push('', `  Demo logins (password for all: ${DEMO_PASSWORD}):`);
    for (const login of DEMO_LOGINS)
      lines.push(`    ${login.username.padEnd(12)} ${login.displayName}  ${login.description}`);
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs the server: database, migrations, demo data on first start, HTTP, graceful shutdown. */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const opened = await openConfiguredDatabase(config);
  const deps: Deps = { config, database: opened.database, clock: systemClock };
  if (config.seedDemo === 'auto' && (await isDatabaseEmpty(deps.database.db))) await seedDemo(deps);
  const app = await buildApp(deps, {
    logger: { level: config.logLevel },
    webDist: config.webDist ?? DEFAULT_WEB_DIST,
  });

  let stopSweeper: (() => Promise<void>) | undefined;
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await stopSweeper?.();
    await app.close(); // stops accepting, waits for in-flight requests
    await opened.close();
  });

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  printBanner(config, `http://localhost:${port}`, opened.database, await hasDemoData(deps));
  if (config.sweepSeconds > 0) {
    stopSweeper = startSweeper(
      deps,
      config.sweepSeconds,
      (err) => app.log.error({ err }, 'sweep failed'),
      (result) => {
        if (sweptAnything(result)) app.log.info(result, 'sweep');
      },
    );
  }
  app.log.info({ startupMs: Date.now() - started }, 'ready');
}
