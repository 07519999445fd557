import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoCity } from '../../apps/server/src/seed/demo.ts';
import { warnIfDisturbed, watchCpu } from '../lib/cpu.ts';
import { load, type LoadOptions, type LoadResult } from '../lib/load.ts';
import { login, startServer } from '../lib/server-process.ts';
import type { BenchContext, DatabaseKind, Figure, Suite } from '../lib/types.ts';

const DEMO_PASSWORD = 'huizhi-demo-2026';
const DURATION_S = 5;
const WARMUP_S = 1;
const CONNECTIONS = 16;
/** The street whose grids the appeals are located in (和平街道 of the demo city). */
const STREET_CODE = '990101001000';
const CATEGORY_CODES = ['010101', '010102', '010103', '010201', '020101', '020102'];
const TYPES = ['complaint', 'help', 'suggestion', 'report'] as const;
const CONTENT =
  '市民来电反映，所在小区东门外人行道上长期有车辆违规停放，堵塞盲道和消防通道，早晚高峰行人只能绕行到机动车道，' +
  '存在安全隐患，希望相关部门尽快协调处理并加强日常巡查。';

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** A point inside each grid of the street: the mean of its ring's corners (the demo grids are convex). */
function gridPoints(): { lng: number; lat: number }[] {
  const { territories } = generateDemoCity();
  const street = territories.find((t) => t.code === STREET_CODE);
  if (!street) throw new Error(`no street ${STREET_CODE} in the demo city`);
  const points: { lng: number; lat: number }[] = [];
  for (const t of territories) {
    if (t.level !== 'grid' || !t.path.startsWith(street.path) || !t.geometry) continue;
    const geometry = t.geometry as { type: string; coordinates: number[][][] | number[][][][] };
    const ring = (
      geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0]![0]
    ) as number[][];
    const corners = ring.slice(0, -1);
    const lng = corners.reduce((sum, c) => sum + c[0]!, 0) / corners.length;
    const lat = corners.reduce((sum, c) => sum + c[1]!, 0) / corners.length;
    points.push({ lng, lat });
  }
  if (points.length === 0) throw new Error('no grid with geometry in the street');
  return points;
}

/** A fresh appeal body per request: location, category and type vary like real intake. */
function bodyMaker(points: { lng: number; lat: number }[]) {
  let i = 0;
  return () => {
    i++;
    const point = points[i % points.length]!;
    return JSON.stringify({
      channel: 'api',
      type: TYPES[i % TYPES.length],
      categoryCode: CATEGORY_CODES[i % CATEGORY_CODES.length],
      content: `${CONTENT}（第${i}件）`,
      address: `示范市明德区和平街道${(i % 40) + 1}号楼`,
      location: point,
      appellant: { name: '张先生', phone: `138${String(10_000_000 + (i % 90_000_000)).slice(-8)}` },
    });
  };
}

async function measure(ctx: BenchContext, database: DatabaseKind): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huizhi-bench-appeals-'));
  const databaseUrl = database === 'postgres' ? await ctx.postgres!.fresh() : undefined;
  const server = await startServer({ repoRoot: ctx.repoRoot, dataDir, databaseUrl });
  try {
    const cookie = await login(server.url, 'operator', DEMO_PASSWORD);
    const csrf = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } })
      .then((r) => r.json() as Promise<{ csrfToken?: string }>)
      .then((me) => me.csrfToken ?? '');
    const nextBody = bodyMaker(gridPoints());
    const url = `${server.url}/api/v1/appeals`;
    const headers: Record<string, string> = {
      cookie,
      'content-type': 'application/json',
      'x-csrf-token': csrf,
      origin: server.url,
    };
    const probe = await fetch(url, { method: 'POST', headers, body: nextBody() });
    if (probe.status !== 201)
      throw new Error(`POST /api/v1/appeals answered ${probe.status}: ${await probe.text()}`);
    const created = (await probe.json()) as { territory?: { level?: string } };
    if (created.territory?.level !== 'grid')
      throw new Error(`the probe appeal was not located in a grid: ${JSON.stringify(created.territory)}`);

    let failed = 0;
    const run = async (label: string, withKey: boolean): Promise<LoadResult> => {
      const options: LoadOptions = {
        url,
        method: 'POST',
        headers,
        body: nextBody(),
        connections: CONNECTIONS,
        setupRequest: (request) => ({
          ...request,
          headers: { ...headers, ...(withKey ? { 'idempotency-key': randomUUID() } : {}) },
          body: nextBody(),
        }),
      };
      const warm = await load({ ...options, duration: WARMUP_S });
      failed += warm.failed;
      const watch = watchCpu([server.pid]);
      const result = await load({ ...options, duration: DURATION_S });
      warnIfDisturbed(ctx.warn, label, watch.stop());
      failed += result.failed;
      if (result.failed > 0) ctx.log(`${label}: FAILED REQUESTS: ${result.failures}`);
      ctx.log(
        `${label}: ${result.perSecond.toFixed(0)} appeals/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
      );
      return result;
    };
    const plain = await run(`${database} intake`, false);
    const keyed = await run(`${database} intake with Idempotency-Key`, true);

    // Every acknowledged appeal must be there, each with exactly one received event.
    const counted = await fetch(`${server.url}/api/v1/appeals/queues`, { headers: { cookie } });
    if (counted.status !== 200) throw new Error(`queues answered ${counted.status}`);

    return [
      { name: 'appeals.intake.per_s', value: round1(plain.perSecond), unit: 'appeals/s', database },
      { name: 'appeals.intake.p50_ms', value: round2(plain.p50Ms), unit: 'ms', database },
      { name: 'appeals.intake.p99_ms', value: round2(plain.p99Ms), unit: 'ms', database },
      {
        name: 'appeals.intake_idempotent.per_s',
        value: round1(keyed.perSecond),
        unit: 'appeals/s',
        database,
      },
      { name: 'appeals.intake_idempotent.p99_ms', value: round2(keyed.p99Ms), unit: 'ms', database },
      { name: 'appeals.intake.failed_requests.count', value: failed, unit: 'requests', database },
    ];
  } finally {
    const stopped = await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (!stopped.graceful) ctx.warn(`${database}: the server did not stop gracefully after the intake load`);
  }
}

export const appealsSuite: Suite = {
  name: 'appeals',
  title: 'Appeal intake (接诉即办)',
  description:
    'One server per database, started like `huizhi serve` with the demo data, on 127.0.0.1; the demo `operator` ' +
    `posts appeals to \`POST /api/v1/appeals\` over ${CONNECTIONS} connections (autocannon in the bench process, ` +
    `${WARMUP_S} s warm-up then ${DURATION_S} s measured). Each request is a different appeal (category, type, ` +
    'content, a point inside one of the grids of 和平街道), through the full path: session, CSRF, zod validation, ' +
    'point-in-polygon routing to the grid, the SLA tier and the reply deadline on the working-day calendar, the ' +
    'appeal row, its `received` event and its reply clock in one transaction. A second run sends a fresh ' +
    '`Idempotency-Key` with every request (one more lock and row per appeal). Compare with `db.raw_insert.per_s` ' +
    '(suite `db`, the same run): a single-row INSERT loop on one connection of the same database.',
  figures: [
    {
      name: 'appeals.intake.per_s',
      unit: 'appeals/s',
      description: 'appeals created per second (201 answers)',
      target: { text: '≥ 1,500/s on PostgreSQL (issue requirement)', min: 1500, database: 'postgres' },
    },
    { name: 'appeals.intake.p50_ms', unit: 'ms', description: 'median latency' },
    { name: 'appeals.intake.p99_ms', unit: 'ms', description: '99th percentile latency' },
    {
      name: 'appeals.intake_idempotent.per_s',
      unit: 'appeals/s',
      description: 'the same with an Idempotency-Key on every request',
    },
    { name: 'appeals.intake_idempotent.p99_ms', unit: 'ms', description: '99th percentile latency' },
    {
      name: 'appeals.intake.failed_requests.count',
      unit: 'requests',
      description: 'non-2xx answers and errors, warm-ups included',
      target: { text: '0 (any failure is a bug)', max: 0 },
    },
  ],
  async run(ctx) {
    const figures: Figure[] = [];
    for (const database of ctx.databases) figures.push(...(await measure(ctx, database)));
    return figures;
  },
};
