/** Shared types of the benchmark runner and its suites. */

export type DatabaseKind = 'pglite' | 'postgres';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

/** One measured figure, as a suite returns it. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The database the figure was measured on, or null when no database is involved. */
  database: DatabaseKind | null;
}

/** One line of bench/results.json. */
export interface ResultRecord extends Figure {
  /** When the figure was measured (ISO 8601). */
  date: string;
  machine: Machine;
}

/** A requirement a figure must meet (checked and shown in docs/benchmarks.md). */
export interface Target {
  /** Shown as written, e.g. "< 30 s (issue requirement)". */
  text: string;
  /** The largest value that meets the target. */
  max?: number;
  /** The smallest value that meets the target. */
  min?: number;
  /** The one database the target is for; unset = every database. */
  database?: DatabaseKind;
}

/** What a suite declares about a figure it produces: unit, meaning, target and reference anchors. */
export interface FigureSpec {
  name: string;
  unit: string;
  description: string;
  target?: Target;
  /** Reference figures (STACK-NOTES.md), by database; `any` applies whatever the database. */
  anchor?: Partial<Record<DatabaseKind | 'any', string>>;
}

/** The throwaway PostgreSQL database of this run. */
export interface PostgresHandle {
  /** The database's name: huizhi_bench_<timestamp>. */
  name: string;
  /** A URL to it. */
  url: string;
  /** Drops and recreates the database empty (for suites that need a first start); returns its URL. */
  fresh(): Promise<string>;
}

export interface BenchContext {
  repoRoot: string;
  /** The databases to measure on: always pglite, and postgres when it is reachable. */
  databases: DatabaseKind[];
  postgres: PostgresHandle | null;
  /** Progress, on stderr. */
  log(message: string): void;
  /** Something that makes a figure doubtful (repeated in the summary at the end). */
  warn(message: string): void;
}

/** A benchmark module: bench/suites/<name>.ts. */
export interface Suite {
  /** For `--only <name>`. */
  name: string;
  title: string;
  /** What the suite measures and how (Markdown, shown above its table). */
  description: string;
  figures: FigureSpec[];
  run(ctx: BenchContext): Promise<Figure[]>;
}
