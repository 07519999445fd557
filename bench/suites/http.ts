import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warnIfDisturbed, watchCpu } from '../lib/cpu.ts';
import { load, type LoadOptions, type LoadResult } from '../lib/load.ts';
import { login, startServer } from '../lib/server-process.ts';
import type { BenchContext, DatabaseKind, Figure, Suite } from '../lib/types.ts';

const DEMO_PASSWORD = 'huizhi-demo-2026';
const DURATION_S = 5;
const WARMUP_S = 1;
const CONNECTIONS = 10;
const LOGINS = 200;
const LOGIN_CONNECTIONS = 4;

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Counts failed requests (warm-ups included) per database, with what they were. */
class Failures {
  count = 0;
  constructor(private readonly ctx: BenchContext) {}
  add(label: string, result: LoadResult): LoadResult {
    if (result.failed > 0) {
      this.count += result.failed;
      this.ctx.log(`${label}: FAILED REQUESTS: ${result.failures}`);
    }
    return result;
  }
}

/** Runs a load while watching for other work on the machine. */
async function watchedLoad(
  ctx: BenchContext,
  pid: number,
  label: string,
  options: LoadOptions,
): Promise<LoadResult> {
  const watch = watchCpu([pid]);
  const result = await load(options);
  warnIfDisturbed(ctx.warn, label, watch.stop());
  return result;
}

async function warmAndLoad(
  ctx: BenchContext,
  failures: Failures,
  pid: number,
  label: string,
  options: LoadOptions,
): Promise<LoadResult> {
  failures.add(`${label} warm-up`, await load({ ...options, duration: WARMUP_S }));
  const result = failures.add(
    label,
    await watchedLoad(ctx, pid, label, { ...options, duration: DURATION_S }),
  );
  ctx.log(`${label}: ${result.perSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
  return result;
}

async function measure(ctx: BenchContext, database: DatabaseKind): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huizhi-bench-http-'));
  const databaseUrl = database === 'postgres' ? await ctx.postgres!.fresh() : undefined;
  const server = await startServer({ repoRoot: ctx.repoRoot, dataDir, databaseUrl });
  try {
    const cookie = await login(server.url, 'admin', DEMO_PASSWORD);
    const territoriesUrl = `${server.url}/api/v1/territories?limit=50`;
    const check = await fetch(territoriesUrl, { headers: { cookie } });
    const list = (await check.json()) as { items?: unknown[]; total?: number };
    if (check.status !== 200 || !list.items?.length)
      throw new Error(`territories list answered ${check.status}`);
    ctx.log(`${database}: territories list returns ${list.items.length} of ${list.total} items`);

    const failures = new Failures(ctx);
    const healthz = await warmAndLoad(ctx, failures, server.pid, `${database} /healthz`, {
      url: `${server.url}/healthz`,
      connections: CONNECTIONS,
    });
    const readyz = await warmAndLoad(ctx, failures, server.pid, `${database} /readyz`, {
      url: `${server.url}/readyz`,
      connections: CONNECTIONS,
    });
    const territories = await warmAndLoad(ctx, failures, server.pid, `${database} territories`, {
      url: territoriesUrl,
      headers: { cookie },
      connections: CONNECTIONS,
    });

    const loginOptions: LoadOptions = {
      url: `${server.url}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
      connections: LOGIN_CONNECTIONS,
    };
    failures.add(`${database} login warm-up`, await load({ ...loginOptions, amount: 2 * LOGIN_CONNECTIONS }));
    const logins = failures.add(
      `${database} login`,
      await watchedLoad(ctx, server.pid, `${database} login`, { ...loginOptions, amount: LOGINS }),
    );
    ctx.log(
      `${database} login: ${logins.perSecond.toFixed(1)} /s, p50 ${logins.p50Ms} ms, p99 ${logins.p99Ms} ms`,
    );

    return [
      { name: 'http.healthz.per_s', value: round1(healthz.perSecond), unit: 'req/s', database },
      { name: 'http.healthz.p99_ms', value: round2(healthz.p99Ms), unit: 'ms', database },
      { name: 'http.readyz.per_s', value: round1(readyz.perSecond), unit: 'req/s', database },
      { name: 'http.readyz.p99_ms', value: round2(readyz.p99Ms), unit: 'ms', database },
      { name: 'api.territories.list.per_s', value: round1(territories.perSecond), unit: 'req/s', database },
      { name: 'api.territories.list.p50_ms', value: round2(territories.p50Ms), unit: 'ms', database },
      { name: 'api.territories.list.p99_ms', value: round2(territories.p99Ms), unit: 'ms', database },
      { name: 'auth.login.per_s', value: round1(logins.perSecond), unit: 'req/s', database },
      { name: 'auth.login.p50_ms', value: round2(logins.p50Ms), unit: 'ms', database },
      { name: 'auth.login.p99_ms', value: round2(logins.p99Ms), unit: 'ms', database },
      { name: 'http.failed_requests.count', value: failures.count, unit: 'requests', database },
    ];
  } finally {
    const stopped = await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (!stopped.graceful) {
      ctx.warn(
        `${database}: the server did not stop gracefully after the load (exit code ${stopped.code}, ${stopped.seconds.toFixed(1)} s)`,
      );
    }
  }
}

export const httpSuite: Suite = {
  name: 'http',
  title: 'HTTP API throughput',
  description:
    'One server per database, started like `huizhi serve` (default log level, so API requests are logged; ' +
    '`/healthz` and `/readyz` log only warnings) with the demo data, on 127.0.0.1. Load from autocannon in the ' +
    `bench process: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s measured per endpoint; ` +
    'only 2xx answers count as throughput, and failed requests are counted in `http.failed_requests.count`. The territory list is read as `admin` ' +
    '(whole-city scope), `?limit=50`. Login: ' +
    `${LOGINS} sign-ins as \`admin\` with the right password over ${LOGIN_CONNECTIONS} connections (argon2id verify, ` +
    'session and audit rows); a request that hangs holds its connection until the 10 s timeout. The server and the load generator share the 2 cores.',
  figures: [
    {
      name: 'http.healthz.per_s',
      unit: 'req/s',
      description: '`GET /healthz` (no database)',
      anchor: { any: 'Fastify 5 hello world ≈ 21,700 req/s' },
    },
    { name: 'http.healthz.p99_ms', unit: 'ms', description: '`GET /healthz` 99th percentile latency' },
    {
      name: 'http.readyz.per_s',
      unit: 'req/s',
      description: '`GET /readyz` (`select 1` + count of applied migrations)',
    },
    { name: 'http.readyz.p99_ms', unit: 'ms', description: '`GET /readyz` 99th percentile latency' },
    {
      name: 'api.territories.list.per_s',
      unit: 'req/s',
      description: '`GET /api/v1/territories?limit=50` with a session cookie',
    },
    { name: 'api.territories.list.p50_ms', unit: 'ms', description: 'median latency' },
    { name: 'api.territories.list.p99_ms', unit: 'ms', description: '99th percentile latency' },
    {
      name: 'auth.login.per_s',
      unit: 'req/s',
      description: '`POST /api/v1/auth/login`, successful',
      anchor: { any: 'argon2id ≈ 24 ms a hash → ≈ 80/s on 2 cores' },
    },
    { name: 'auth.login.p50_ms', unit: 'ms', description: 'median latency' },
    { name: 'auth.login.p99_ms', unit: 'ms', description: '99th percentile latency' },
    {
      name: 'http.failed_requests.count',
      unit: 'requests',
      description:
        'non-2xx answers and errors over all the runs above, warm-ups included (they are not counted as throughput)',
      target: { text: '0 (any failure is a bug)', max: 0 },
    },
  ],
  async run(ctx) {
    const figures: Figure[] = [];
    for (const database of ctx.databases) figures.push(...(await measure(ctx, database)));
    return figures;
  },
};
