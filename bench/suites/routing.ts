import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { systemClock } from '../../apps/server/src/clock.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import type { Deps } from '../../apps/server/src/context.ts';
import { openDatabase } from '../../apps/server/src/db/connect.ts';
import { runMigrations } from '../../apps/server/src/db/migrate.ts';
import { getSpatialIndex, locatePoint } from '../../apps/server/src/modules/routing/locate.service.ts';
import { importTerritories } from '../../apps/server/src/modules/territories/territory-import.service.ts';
import { seedDemo } from '../../apps/server/src/seed/demo.ts';
import { warnIfDisturbed, watchCpu } from '../lib/cpu.ts';
import { login, startServer } from '../lib/server-process.ts';
import type { BenchContext, DatabaseKind, Figure, Suite } from '../lib/types.ts';

const DEMO_PASSWORD = 'huizhi-demo-2026';
const COLUMNS = 200;
const ROWS = 150;
const CELL = 0.001; // degrees: about 85 m × 111 m at this latitude
const WEST = 120.0;
const SOUTH = 30.0;
const FUNCTION_SECONDS = 3;
const LATENCY_SAMPLES = 200_000;
const HTTP_SECONDS = 5;
const HTTP_WARMUP_SECONDS = 1;
const CONNECTIONS = 10;

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

type Ring = [number, number][];
const rect = (c0: number, r0: number, c1: number, r1: number): Ring => {
  const x0 = Math.round((WEST + c0 * CELL) * 1e6) / 1e6;
  const x1 = Math.round((WEST + c1 * CELL) * 1e6) / 1e6;
  const y0 = Math.round((SOUTH + r0 * CELL) * 1e6) / 1e6;
  const y1 = Math.round((SOUTH + r1 * CELL) * 1e6) / 1e6;
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
};

/**
 * A generated city of 30,000 grids: a 200 × 150 lattice of cells, 5 districts (40-column bands), each of
 * 5 streets (30-row bands), each of 12 communities (10 × 10 cells), each of 100 grids.
 */
export function generateRoutingCity(): string {
  const features: unknown[] = [];
  const add = (name: string, code: string, level: string, parentCode: string | null, ring: Ring) =>
    features.push({
      type: 'Feature',
      properties: { name, code, level, parentCode },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
  add('基准市', 'BR', 'city', null, rect(0, 0, COLUMNS, ROWS));
  for (let d = 0; d < 5; d++) {
    const dCode = `BR-D${d}`;
    add(`基准区${d}`, dCode, 'district', 'BR', rect(d * 40, 0, d * 40 + 40, ROWS));
    for (let s = 0; s < 5; s++) {
      const sCode = `${dCode}-S${s}`;
      add(`基准街道${d}${s}`, sCode, 'street', dCode, rect(d * 40, s * 30, d * 40 + 40, s * 30 + 30));
      for (let c = 0; c < 12; c++) {
        const c0 = d * 40 + (c % 4) * 10;
        const r0 = s * 30 + Math.floor(c / 4) * 10;
        const cCode = `${sCode}-C${c}`;
        add(`基准社区${d}${s}${c}`, cCode, 'community', sCode, rect(c0, r0, c0 + 10, r0 + 10));
        for (let g = 0; g < 100; g++) {
          const gc = c0 + (g % 10);
          const gr = r0 + Math.floor(g / 10);
          add(
            `网格${gc}-${gr}`,
            `${cCode}-G${String(g).padStart(2, '0')}`,
            'grid',
            cCode,
            rect(gc, gr, gc + 1, gr + 1),
          );
        }
      }
    }
  }
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** Random points over the lattice and a margin around it (about 4 % fall outside every grid). */
function randomPoints(count: number): Float64Array {
  const points = new Float64Array(count * 2);
  let seed = 20260302;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    return seed / 4_294_967_296;
  };
  for (let i = 0; i < count; i++) {
    points[2 * i] = WEST - 2 * CELL + random() * (COLUMNS + 4) * CELL;
    points[2 * i + 1] = SOUTH - 2 * CELL + random() * (ROWS + 4) * CELL;
  }
  return points;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function measureFunction(ctx: BenchContext, deps: Deps, database: DatabaseKind) {
  const buildStarted = performance.now();
  const { index } = await getSpatialIndex(deps, { force: true });
  const buildMs = performance.now() - buildStarted;
  if (index.size < COLUMNS * ROWS) throw new Error(`the index holds ${index.size} grids`);
  ctx.log(`${database}: index over ${index.size} grids loaded and built in ${buildMs.toFixed(0)} ms`);
  const points = randomPoints(1 << 20);
  const mask = (1 << 20) - 1;
  let inside = 0;
  for (let i = 0; i < 50_000; i++) {
    const located = await locatePoint(deps, {
      lng: points[2 * (i & mask)]!,
      lat: points[2 * (i & mask) + 1]!,
    });
    if (located.grid) inside++;
  }
  if (inside < 40_000) throw new Error(`only ${inside} of 50,000 warm-up points were inside a grid`);
  const watch = watchCpu();
  const started = performance.now();
  const deadline = started + FUNCTION_SECONDS * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    for (let j = 0; j < 1000; j++, calls++)
      await locatePoint(deps, { lng: points[2 * (calls & mask)]!, lat: points[2 * (calls & mask) + 1]! });
  }
  const perSecond = calls / ((performance.now() - started) / 1000);
  const latencies = new Float64Array(LATENCY_SAMPLES);
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = performance.now();
    await locatePoint(deps, { lng: points[2 * (i & mask)]!, lat: points[2 * (i & mask) + 1]! });
    latencies[i] = (performance.now() - t0) * 1000;
  }
  warnIfDisturbed(ctx.warn, `${database} locate function`, watch.stop());
  latencies.sort();
  const p99Us = percentile(latencies, 0.99);
  ctx.log(`${database}: locatePoint ${perSecond.toFixed(0)} /s, p99 ${p99Us.toFixed(1)} µs`);
  return { perSecond, p99Us, buildMs };
}

async function measureHttp(
  ctx: BenchContext,
  url: string,
  cookie: string,
  database: DatabaseKind,
  pid: number,
) {
  const points = randomPoints(1 << 16);
  let i = 0;
  const run = (duration: number) =>
    autocannon({
      url,
      connections: CONNECTIONS,
      duration,
      headers: { cookie },
      timeout: 10,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const k = (i++ & 0xffff) * 2;
            return {
              ...request,
              path: `/api/v1/routing/locate?lng=${points[k]!.toFixed(6)}&lat=${points[k + 1]!.toFixed(6)}`,
            };
          },
        },
      ],
    });
  await run(HTTP_WARMUP_SECONDS);
  const watch = watchCpu([pid]);
  const result = await run(HTTP_SECONDS);
  warnIfDisturbed(ctx.warn, `${database} locate http`, watch.stop());
  const failed = result.non2xx + result.errors;
  if (failed > 0) ctx.warn(`${database} locate http: ${failed} failed requests of ${result.requests.total}`);
  const perSecond = result['2xx'] / result.duration;
  ctx.log(`${database}: GET /routing/locate ${perSecond.toFixed(0)} req/s, p99 ${result.latency.p99} ms`);
  return { perSecond, p99Ms: result.latency.p99, failed };
}

async function measure(ctx: BenchContext, database: DatabaseKind, city: string): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huizhi-bench-routing-'));
  const databaseUrl = database === 'postgres' ? await ctx.postgres!.fresh() : undefined;
  try {
    // The PGlite folder `huizhi serve` uses under HUIZHI_DATA_DIR.
    const opened = await openDatabase(
      databaseUrl ? { databaseUrl, poolSize: 2 } : { pgliteDir: join(dataDir, 'pglite') },
    );
    const figures: Figure[] = [];
    try {
      await runMigrations(opened.pool);
      const deps: Deps = {
        config: loadConfig({ HUIZHI_DATA_DIR: dataDir }),
        database: opened,
        clock: systemClock,
      };
      await seedDemo(deps); // logins for the HTTP run
      const watch = watchCpu();
      const started = performance.now();
      const report = await importTerritories(deps, null, { format: 'geojson', crs: 'wgs84', content: city });
      const importSeconds = (performance.now() - started) / 1000;
      warnIfDisturbed(ctx.warn, `${database} import`, watch.stop());
      if (report.created !== 1 + 5 + 25 + 300 + COLUMNS * ROWS)
        throw new Error(`the import created ${report.created} territories`);
      ctx.log(`${database}: imported ${report.created} territories in ${importSeconds.toFixed(1)} s`);
      figures.push({
        name: 'territory.import30k.seconds',
        value: round2(importSeconds),
        unit: 's',
        database,
      });
      const fn = await measureFunction(ctx, deps, database);
      figures.push(
        { name: 'routing.index.build_ms', value: Math.round(fn.buildMs), unit: 'ms', database },
        {
          name: 'routing.locate.function.per_s',
          value: Math.round(fn.perSecond),
          unit: 'lookups/s',
          database,
        },
        { name: 'routing.locate.function.p99_us', value: round1(fn.p99Us), unit: 'µs', database },
      );
    } finally {
      await opened.close();
    }
    const server = await startServer({ repoRoot: ctx.repoRoot, dataDir, databaseUrl, timeoutMs: 120_000 });
    try {
      const cookie = await login(server.url, 'dispatcher', DEMO_PASSWORD);
      const check = await fetch(`${server.url}/api/v1/routing/locate?lng=120.0005&lat=30.0005`, {
        headers: { cookie },
      });
      const body = (await check.json()) as { inside?: boolean };
      if (check.status !== 200 || body.inside !== true)
        throw new Error(`locate answered ${check.status}: ${JSON.stringify(body)}`);
      const http = await measureHttp(
        ctx,
        `${server.url}/api/v1/routing/locate`,
        cookie,
        database,
        server.pid,
      );
      figures.push(
        { name: 'routing.locate.http.per_s', value: round1(http.perSecond), unit: 'req/s', database },
        { name: 'routing.locate.http.p99_ms', value: round2(http.p99Ms), unit: 'ms', database },
      );
    } finally {
      await server.stop();
    }
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const routingSuite: Suite = {
  name: 'routing',
  title: 'Routing: grid lookup and territory import',
  description:
    `A generated city of ${COLUMNS * ROWS} grids (a ${COLUMNS} × ${ROWS} lattice of ${CELL}° cells under 5 districts, ` +
    '25 streets and 300 communities) is imported as one GeoJSON FeatureCollection through `importTerritories` ' +
    '(checks, overlap test, one transaction) into a database holding the demo city. `locatePoint` (flatbush index ' +
    `+ exact point-in-polygon + path) is then called in a loop for ${FUNCTION_SECONDS} s on random points (about 4 % ` +
    `outside every grid, answered with the nearest grid), and ${LATENCY_SAMPLES.toLocaleString('en')} calls are timed one by one ` +
    'for the p99. Then `huizhi serve` is started on the same database and `GET /api/v1/routing/locate` is loaded ' +
    `by autocannon (${CONNECTIONS} connections, ${HTTP_WARMUP_SECONDS} s warm-up, ${HTTP_SECONDS} s measured, a different ` +
    'random point each request, signed in as the dispatcher). The server and the load generator share the 2 cores.',
  figures: [
    {
      name: 'territory.import30k.seconds',
      unit: 's',
      description: `import of ${COLUMNS * ROWS} grid polygons (and their 331 parents), all or nothing`,
    },
    {
      name: 'routing.index.build_ms',
      unit: 'ms',
      description: 'loading the grids from the database and building the index',
    },
    {
      name: 'routing.locate.function.per_s',
      unit: 'lookups/s',
      description: '`locatePoint()` in-process, awaited one after another',
      target: { text: '≥ 200,000/s (issue requirement)', min: 200_000 },
      anchor: { any: 'flatbush point-in-polygon over 30,000 polygons ≈ 341,000 lookups/s' },
    },
    {
      name: 'routing.locate.function.p99_us',
      unit: 'µs',
      description: '99th percentile of one `locatePoint()` call',
    },
    {
      name: 'routing.locate.http.per_s',
      unit: 'req/s',
      description: '`GET /api/v1/routing/locate` with a session cookie',
    },
    { name: 'routing.locate.http.p99_ms', unit: 'ms', description: '99th percentile latency' },
  ],
  async run(ctx) {
    const city = generateRoutingCity();
    const figures: Figure[] = [];
    for (const database of ctx.databases) figures.push(...(await measure(ctx, database, city)));
    return figures;
  },
};
