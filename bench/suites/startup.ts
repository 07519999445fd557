import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warnIfDisturbed, watchCpu } from '../lib/cpu.ts';
import { startServer, type RunningServer, type StartOptions } from '../lib/server-process.ts';
import type { BenchContext, DatabaseKind, Figure, Suite } from '../lib/types.ts';

const round3 = (value: number) => Math.round(value * 1000) / 1000;

async function checkedStop(server: RunningServer, what: string) {
  const stopped = await server.stop();
  if (!stopped.graceful) {
    throw new Error(
      `${what}: SIGTERM did not end the server gracefully (exit code ${stopped.code}, signal ${stopped.signal}, ` +
        `after ${stopped.seconds.toFixed(1)} s)`,
    );
  }
  return stopped.seconds;
}

async function watchedStart(ctx: BenchContext, label: string, options: StartOptions): Promise<RunningServer> {
  const watch = watchCpu();
  const server = await startServer(options);
  warnIfDisturbed(ctx.warn, label, watch.stop([server.pid]));
  return server;
}

async function startTwice(ctx: BenchContext, database: DatabaseKind): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huizhi-bench-start-'));
  try {
    const databaseUrl = database === 'postgres' ? await ctx.postgres!.fresh() : undefined;
    const options = { repoRoot: ctx.repoRoot, dataDir, databaseUrl };

    const first = await watchedStart(ctx, `${database} fresh start`, options);
    if (first.ready.database !== database)
      throw new Error(`/readyz reports ${first.ready.database}, expected ${database}`);
    ctx.log(`${database}: fresh start ready in ${first.readySeconds.toFixed(2)} s`);
    const firstStop = await checkedStop(first, `${database} fresh start`);

    const second = await watchedStart(ctx, `${database} restart`, options);
    ctx.log(`${database}: restart ready in ${second.readySeconds.toFixed(2)} s`);
    const secondStop = await checkedStop(second, `${database} restart`);
    ctx.log(`${database}: SIGTERM to exit ${firstStop.toFixed(2)} s / ${secondStop.toFixed(2)} s`);

    const figures: Figure[] = [
      { name: 'server.fresh_start.seconds', value: round3(first.readySeconds), unit: 's', database },
      { name: 'server.restart.seconds', value: round3(second.readySeconds), unit: 's', database },
      {
        name: 'server.shutdown.seconds',
        value: round3(Math.max(firstStop, secondStop)),
        unit: 's',
        database,
      },
    ];
    if (first.loggedStartupMs !== undefined) {
      figures.push({
        name: 'server.fresh_start.logged.seconds',
        value: round3(first.loggedStartupMs / 1000),
        unit: 's',
        database,
      });
    }
    if (second.loggedStartupMs !== undefined) {
      figures.push({
        name: 'server.restart.logged.seconds',
        value: round3(second.loggedStartupMs / 1000),
        unit: 's',
        database,
      });
    }
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const startupSuite: Suite = {
  name: 'startup',
  title: 'Server start and shutdown',
  description:
    'Spawns `node apps/server/bin/huizhi.js serve` (PORT on 127.0.0.1, default log level) and polls `GET /readyz` ' +
    'every 20 ms until it answers 200. PGlite: a fresh, empty `HUIZHI_DATA_DIR` (initdb, migrations, demo seed, ' +
    'banner), then a second start on the same folder. PostgreSQL: a freshly created empty database, then a second ' +
    'start on it. Each server is stopped with SIGTERM and must exit with code 0 (graceful shutdown). One sample each.',
  figures: [
    {
      name: 'server.fresh_start.seconds',
      unit: 's',
      description: 'spawn → first 200 from /readyz, empty data folder / database',
      target: { text: '< 30 s (issue requirement)', max: 30 },
      anchor: { pglite: 'initdb alone ≈ 6 s' },
    },
    {
      name: 'server.fresh_start.logged.seconds',
      unit: 's',
      description: '`startupMs` the server logs on a fresh start (excludes Node/tsx boot)',
    },
    {
      name: 'server.restart.seconds',
      unit: 's',
      description: 'spawn → first 200 from /readyz, second start on the same data',
      target: { text: '< 30 s', max: 30 },
    },
    {
      name: 'server.restart.logged.seconds',
      unit: 's',
      description: '`startupMs` the server logs on the second start',
    },
    {
      name: 'server.shutdown.seconds',
      unit: 's',
      description: 'SIGTERM → process exit with code 0 (the slower of the two stops)',
      target: { text: '< 10 s (close-with-grace delay)', max: 10 },
    },
  ],
  async run(ctx) {
    const figures: Figure[] = [];
    for (const database of ctx.databases) figures.push(...(await startTwice(ctx, database)));
    return figures;
  },
};
