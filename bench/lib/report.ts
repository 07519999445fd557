import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DatabaseKind, FigureSpec, Machine, ResultRecord, Suite } from './types.ts';

/** Reads bench/results.json (an empty list when it does not exist yet). */
export function readResults(path: string): ResultRecord[] {
  if (!existsSync(path)) return [];
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${path} is not an array`);
  return parsed as ResultRecord[];
}

const keyOf = (r: { name: string; database: DatabaseKind | null }) => `${r.name}\u0000${r.database ?? ''}`;

/** Replaces the figures measured again (same name and database) and keeps the rest. */
export function mergeResults(existing: ResultRecord[], fresh: ResultRecord[]): ResultRecord[] {
  const replaced = new Set(fresh.map(keyOf));
  return [...existing.filter((r) => !replaced.has(keyOf(r))), ...fresh];
}

export function writeResults(path: string, results: ResultRecord[]): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

const DATABASE_ORDER: (DatabaseKind | null)[] = [null, 'pglite', 'postgres'];
const DATABASE_LABEL = { pglite: 'PGlite', postgres: 'PostgreSQL' } as const;

export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : unit === 's' || unit === 'ms' ? 2 : 1;
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: unit === 's' ? 2 : 0,
  });
}

/** "met" / "missed" against a target, or undefined when there is none. */
export function targetStatus(
  spec: FigureSpec | undefined,
  value: number,
  database: DatabaseKind | null = null,
): 'met' | 'missed' | undefined {
  const target = spec?.target;
  if (!target) return undefined;
  // A target for one database says nothing about the others.
  if (target.database !== undefined && target.database !== database) return undefined;
  const ok =
    (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min);
  return ok ? 'met' : 'missed';
}

function targetCell(spec: FigureSpec | undefined, record: ResultRecord): string {
  const parts: string[] = [];
  const status = targetStatus(spec, record.value, record.database);
  if (spec?.target && status !== undefined)
    parts.push(`target ${spec.target.text}: ${status === 'met' ? '✅ met' : '❌ missed'}`);
  const anchor = (record.database && spec?.anchor?.[record.database]) ?? spec?.anchor?.any;
  if (anchor) parts.push(`anchor: ${anchor}`);
  return parts.join('; ') || '—';
}

const formatDate = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const escapeCell = (text: string) => text.replaceAll('|', '\\|');

function table(records: ResultRecord[], specs: Map<string, FigureSpec>): string[] {
  const lines = [
    '| Figure | What | Value | Unit | Database | Target / anchor | Measured |',
    '| --- | --- | ---: | --- | --- | --- | --- |',
  ];
  for (const r of records) {
    const spec = specs.get(r.name);
    lines.push(
      `| \`${r.name}\` | ${escapeCell(spec?.description ?? '')} | ${formatValue(r.value, r.unit)} | ${r.unit} | ` +
        `${r.database ? DATABASE_LABEL[r.database] : '—'} | ${escapeCell(targetCell(spec, r))} | ${formatDate(r.date)} |`,
    );
  }
  return lines;
}

function sortRecords(records: ResultRecord[], order: string[]): ResultRecord[] {
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  return [...records].sort(
    (a, b) =>
      rank(a.name) - rank(b.name) ||
      a.name.localeCompare(b.name) ||
      DATABASE_ORDER.indexOf(a.database) - DATABASE_ORDER.indexOf(b.database),
  );
}

function describeMachine(machine: Machine): string[] {
  return [
    '| | |',
    '| --- | --- |',
    `| CPU | ${machine.cpus} × ${machine.cpuModel} |`,
    `| Memory | ${machine.memoryGiB} GiB |`,
    `| Node.js | ${machine.node} |`,
    `| Platform | ${machine.platform} |`,
  ];
}

/** The tables of the given suites only (what run.ts prints after a run). */
export function renderSuiteTables(results: ResultRecord[], suites: Suite[]): string {
  const lines: string[] = [];
  for (const suite of suites) {
    const specs = new Map(suite.figures.map((f) => [f.name, f]));
    const records = sortRecords(
      results.filter((r) => specs.has(r.name)),
      suite.figures.map((f) => f.name),
    );
    if (records.length === 0) continue;
    lines.push(
      `## ${suite.title} (\`${suite.name}\`)`,
      '',
      suite.description,
      '',
      ...table(records, specs),
      '',
    );
  }
  return lines.join('\n');
}

/** docs/benchmarks.md, generated from results.json and the suites' declarations. */
export function renderMarkdown(results: ResultRecord[], suites: Suite[]): string {
  const latest = [...results].sort((a, b) => b.date.localeCompare(a.date))[0];
  const declared = new Set(suites.flatMap((s) => s.figures.map((f) => f.name)));
  const others = results.filter((r) => !declared.has(r.name));
  const machines = new Set(results.map((r) => JSON.stringify(r.machine)));
  const databases = new Set(results.map((r) => r.database));

  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts) from bench/results.json: edit those, not this file. -->',
    '',
    "Measured figures for Huizhi's server: start-up, HTTP throughput and database inserts, each on the embedded",
    'PGlite and on PostgreSQL. Targets come from the issues; anchors are the reference figures in the stack notes',
    '(measured on a similar 2-core machine, ±25 %). Every figure is a single run on a shared machine: read',
    'differences under ~25 % as noise.',
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                                   # every suite, about 2.5 minutes',
    'npm run bench -- --only http                    # one suite (or several: --only startup,db)',
    'npm run bench -w @huizhi/bench -- --only http   # the same, straight to the workspace',
    'BENCH_ONLY=http npm run bench                   # the same through the environment',
    'npm run bench -w @huizhi/bench -- --report      # only regenerate this file from bench/results.json',
    '```',
    '',
    `Suites, in order: ${suites.map((s) => `\`${s.name}\``).join(', ')} (one module each in \`bench/suites/\`).`,
    'A run merges its figures into `bench/results.json` (replacing the same figure on the same database) and',
    'regenerates this file. PostgreSQL figures need the local server at `postgres://postgres@127.0.0.1:5432/postgres`',
    '(or `BENCH_POSTGRES_URL`); the bench creates a throwaway database `huizhi_bench_<timestamp>` and drops it at',
    'the end. When PostgreSQL is unreachable (or `BENCH_POSTGRES=off`) only PGlite is measured. All traffic stays on',
    '127.0.0.1.',
    '',
  ];
  if (latest) {
    lines.push(`## Machine`, '', ...describeMachine(latest.machine), '');
    if (machines.size > 1)
      lines.push(`Some figures were measured on another machine: see \`machine\` in bench/results.json.`, '');
    if (!databases.has('postgres')) lines.push('PostgreSQL was not reachable: PGlite figures only.', '');
    lines.push(`Last measured ${formatDate(latest.date)}.`, '');
  } else {
    lines.push('No figures yet: run `npm run bench`.', '');
  }
  lines.push(renderSuiteTables(results, suites));
  if (others.length > 0) {
    lines.push(
      '## Other figures',
      '',
      'Figures no suite declares any more.',
      '',
      ...table(sortRecords(others, []), new Map()),
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
