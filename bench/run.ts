/**
 * The benchmark runner: `npm run bench` runs every suite of bench/suites in order, merges the figures
 * into bench/results.json and regenerates docs/benchmarks.md.
 *
 *   npm run bench                                   every suite
 *   npm run bench -w @huizhi/bench -- --only http   one suite (comma-separate several)
 *   BENCH_ONLY=http npm run bench                   the same through the environment
 *   npm run bench -w @huizhi/bench -- --report      only regenerate docs/benchmarks.md
 *
 * Environment: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_POSTGRES=off.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { runCleanup } from './lib/cleanup.ts';
import { otherCpuUse } from './lib/cpu.ts';
import { describeMachine } from './lib/machine.ts';
import { DEFAULT_ADMIN_URL, openBenchPostgres } from './lib/postgres.ts';
import {
  mergeResults,
  readResults,
  renderMarkdown,
  renderSuiteTables,
  targetStatus,
  writeResults,
} from './lib/report.ts';
import type { BenchContext, DatabaseKind, ResultRecord, Suite } from './lib/types.ts';
import { SUITES } from './suites/index.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');
const RESULTS_PATH = join(BENCH_DIR, 'results.json');
const DOC_PATH = join(REPO_ROOT, 'docs/benchmarks.md');

/** The value of `--only x` / `--only=x` in an argument list. */
function onlyFromArgs(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--only') return args[i + 1];
    if (arg.startsWith('--only=')) return arg.slice('--only='.length);
  }
  return undefined;
}

function selectSuites(): Suite[] {
  const args = process.argv.slice(2);
  const only = onlyFromArgs(args) ?? process.env.BENCH_ONLY;
  if (!only) return SUITES;
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `unknown suite "${unknown.join(', ') || only}"; suites: ${SUITES.map((s) => s.name).join(', ')}`,
    );
  }
  return SUITES.filter((s) => names.includes(s.name));
}

const runStarted = performance.now();
function log(message: string): void {
  process.stderr.write(
    `[bench ${((performance.now() - runStarted) / 1000).toFixed(1).padStart(5)} s] ${message}\n`,
  );
}

/** Writes docs/benchmarks.md, formatted by the repository's Prettier settings so format:check passes. */
async function writeDoc(results: ResultRecord[]): Promise<void> {
  const markdown = renderMarkdown(results, SUITES);
  const options = (await prettier.resolveConfig(DOC_PATH)) ?? {};
  writeFileSync(DOC_PATH, await prettier.format(markdown, { ...options, filepath: DOC_PATH }));
  log(`wrote ${DOC_PATH}`);
}

async function main(): Promise<number> {
  if (process.argv.includes('--report')) {
    await writeDoc(readResults(RESULTS_PATH));
    return 0;
  }
  const suites = selectSuites();
  const startedAt = new Date();
  const machine = describeMachine();
  log(
    `suites: ${suites.map((s) => s.name).join(', ')} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}`,
  );

  const databases: DatabaseKind[] = ['pglite'];
  let postgres: BenchContext['postgres'] = null;
  if (process.env.BENCH_POSTGRES === 'off') {
    log('PostgreSQL skipped (BENCH_POSTGRES=off): PGlite only');
  } else {
    const opened = await openBenchPostgres(process.env.BENCH_POSTGRES_URL ?? DEFAULT_ADMIN_URL, startedAt);
    if (opened.handle) {
      postgres = opened.handle;
      databases.push('postgres');
      log(`PostgreSQL reachable: throwaway database ${opened.handle.name}`);
    } else {
      log(`PostgreSQL unreachable (${opened.reason}): PGlite only`);
    }
  }
  const warnings: string[] = [];
  const ctx: BenchContext = {
    repoRoot: REPO_ROOT,
    databases,
    postgres,
    log,
    warn: (message) => {
      warnings.push(message);
      log(`warning: ${message}`);
    },
  };

  const fresh: ResultRecord[] = [];
  const failures: string[] = [];
  try {
    for (const suite of suites) {
      const suiteStarted = performance.now();
      const date = new Date().toISOString();
      log(`— ${suite.name}: ${suite.title}`);
      const busy = await otherCpuUse();
      if (busy > 0.25) {
        ctx.warn(
          `${suite.name}: other work kept the CPUs ${(busy * 100).toFixed(0)} % busy just before the suite started`,
        );
      }
      try {
        const figures = await suite.run({
          ...ctx,
          log: (m) => log(`${suite.name}: ${m}`),
          warn: (m) => ctx.warn(`${suite.name}: ${m}`),
        });
        for (const figure of figures) {
          if (!Number.isFinite(figure.value))
            throw new Error(`${figure.name} is not a number (${figure.value})`);
          if (!suite.figures.some((f) => f.name === figure.name))
            throw new Error(`${figure.name} is not declared by the suite`);
        }
        fresh.push(...figures.map((figure) => ({ ...figure, date, machine })));
        log(
          `${suite.name}: ${figures.length} figures in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${suite.name}: ${message}`);
        log(`${suite.name} FAILED: ${message}`);
      }
    }
  } finally {
    await runCleanup();
    if (postgres) log(`dropped ${postgres.name}`);
  }

  const merged = mergeResults(readResults(RESULTS_PATH), fresh);
  writeResults(RESULTS_PATH, merged);
  log(`wrote ${fresh.length} figures to ${RESULTS_PATH}`);
  await writeDoc(merged);

  process.stdout.write(`\n${renderSuiteTables(fresh, suites)}\n`);
  for (const record of fresh) {
    const spec = suites.flatMap((s) => s.figures).find((f) => f.name === record.name);
    if (targetStatus(spec, record.value, record.database) === 'missed') {
      log(
        `target missed: ${record.name} = ${record.value} ${record.unit} on ${record.database} (${spec?.target?.text})`,
      );
    }
  }
  if (warnings.length > 0) log(`${warnings.length} warning(s):\n  ${warnings.join('\n  ')}`);
  if (failures.length > 0) {
    log(`${failures.length} suite(s) failed:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  log(`done in ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping servers and dropping the throwaway database`);
    void runCleanup().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    await runCleanup();
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
