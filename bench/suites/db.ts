import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { openDatabase } from '../../apps/server/src/db/connect.ts';
import { warnIfDisturbed, watchCpu } from '../lib/cpu.ts';
import type { BenchContext, DatabaseKind, Figure, Suite } from '../lib/types.ts';

const TABLE = 'bench_scratch_appeals';
const LOOP_SECONDS = 3;
const BATCH_ROWS = 500;
const COLUMNS = 19;

const CHANNELS = ['hotline', 'app', 'wechat', 'web', 'grid'];
const STATUSES = ['received', 'dispatched', 'handling', 'replied', 'closed'];
const CATEGORIES: [string, string[]][] = [
  ['市容环境', ['垃圾清运', '占道经营', '小广告']],
  ['噪声扰民', ['施工噪声', '商业噪声', '生活噪声']],
  ['物业管理', ['电梯故障', '停车管理', '物业收费']],
  ['供水供暖', ['停水', '暖气不热', '水压低']],
  ['道路交通', ['路面破损', '信号灯故障', '违章停车']],
];
const STREETS = ['和平街道', '安定街道', '朝阳街道', '清源街道', '新华街道', '长乐街道'];
const TERRITORY_IDS = Array.from({ length: 100 }, () => randomUUID());
const CONTENT =
  '市民来电反映，所在小区东门外人行道上长期有车辆违规停放，堵塞盲道和消防通道，早晚高峰行人只能绕行到机动车道，' +
  '存在安全隐患，此前已向物业反映多次未果，希望相关部门尽快协调处理并加强日常巡查。';

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/** A realistic 19-column appeal (接诉即办 work order) row, as parameter values. */
function appealValues(i: number, now: number): unknown[] {
  const [category, subcategories] = pick(CATEGORIES, i);
  const street = pick(STREETS, i * 7);
  const created = new Date(now - (i % 86_400) * 1000);
  return [
    randomUUID(),
    `A${created.toISOString().slice(0, 10).replaceAll('-', '')}${String(i).padStart(8, '0')}`,
    pick(CHANNELS, i),
    pick(STATUSES, i * 3),
    category,
    pick(subcategories, i),
    `${street}${pick(subcategories, i)}问题`,
    CONTENT,
    '张先生',
    `138${String(10_000_000 + (i % 90_000_000)).slice(-8)}`,
    pick(TERRITORY_IDS, i),
    `示范市明德区${street}东湖社区${(i % 40) + 1}号楼`,
    116.3 + (i % 1000) / 5000,
    39.86 + (i % 997) / 8000,
    (i % 3) + 1,
    created,
    created,
    new Date(created.getTime() + 7 * 86_400_000),
    JSON.stringify({ tags: ['高频', pick(subcategories, i + 1)], repeat: i % 5 === 0 }),
  ];
}

const COLUMN_LIST =
  'id, code, channel, status, category, subcategory, title, content, reporter_name, reporter_phone, territory_id, ' +
  'address, lng, lat, urgency, created_at, updated_at, due_at, details';

function placeholders(rows: number): string {
  const groups: string[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * COLUMNS;
    groups.push(`(${Array.from({ length: COLUMNS }, (_, c) => `$${base + c + 1}`).join(', ')})`);
  }
  return groups.join(', ');
}

async function createTable(client: pg.PoolClient) {
  await client.query(`drop table if exists ${TABLE}`);
  await client.query(`
    create table ${TABLE} (
      id uuid primary key,
      code text not null,
      channel text not null,
      status text not null,
      category text not null,
      subcategory text,
      title text not null,
      content text not null,
      reporter_name text,
      reporter_phone text,
      territory_id uuid not null,
      address text,
      lng double precision,
      lat double precision,
      urgency smallint not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      due_at timestamptz,
      details jsonb
    )`);
  await client.query(`create index ${TABLE}_territory_created on ${TABLE} (territory_id, created_at)`);
}

/** Runs `step` (which inserts `rowsPerStep` rows) over and over for `seconds`; returns rows per second. */
async function insertLoop(
  seconds: number,
  rowsPerStep: number,
  step: (i: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let steps = 0;
  while (performance.now() < deadline) await step(steps++);
  return (steps * rowsPerStep) / ((performance.now() - started) / 1000);
}

async function measure(ctx: BenchContext, database: DatabaseKind): Promise<Figure[]> {
  const opened = await openDatabase(
    database === 'postgres'
      ? { databaseUrl: ctx.postgres!.url, poolSize: 1 }
      : { pgliteDir: 'memory://', poolSize: 1 },
  );
  const client = await opened.pool.connect();
  try {
    await createTable(client);
    const now = Date.now();
    let counter = 0;
    const single = `insert into ${TABLE} (${COLUMN_LIST}) values ${placeholders(1)}`;
    const insertOne = () => client.query(single, appealValues(counter++, now));
    const batch = `insert into ${TABLE} (${COLUMN_LIST}) values ${placeholders(BATCH_ROWS)}`;
    const insertBatch = () => {
      const values: unknown[] = [];
      for (let r = 0; r < BATCH_ROWS; r++) values.push(...appealValues(counter++, now));
      return client.query(batch, values);
    };

    await insertLoop(0.3, 1, insertOne); // warm-up
    let watch = watchCpu();
    const single_per_s = await insertLoop(LOOP_SECONDS, 1, insertOne);
    warnIfDisturbed(ctx.warn, `${database} single-row insert`, watch.stop());
    ctx.log(`${database}: single-row insert ${single_per_s.toFixed(0)} rows/s`);
    await insertLoop(0.3, BATCH_ROWS, insertBatch);
    watch = watchCpu();
    const batch_per_s = await insertLoop(LOOP_SECONDS, BATCH_ROWS, insertBatch);
    warnIfDisturbed(ctx.warn, `${database} batch insert`, watch.stop());
    ctx.log(`${database}: ${BATCH_ROWS}-row batches ${batch_per_s.toFixed(0)} rows/s`);

    const stored = await client.query<{ n: number }>(`select count(*)::int as n from ${TABLE}`);
    if (stored.rows[0]?.n !== counter)
      throw new Error(`expected ${counter} rows, found ${stored.rows[0]?.n}`);
    return [
      { name: 'db.raw_insert.per_s', value: Math.round(single_per_s), unit: 'rows/s', database },
      { name: 'db.batch_insert.per_s', value: Math.round(batch_per_s), unit: 'rows/s', database },
    ];
  } finally {
    await client.query(`drop table if exists ${TABLE}`).catch(() => undefined);
    client.release();
    await opened.close();
  }
}

export const dbSuite: Suite = {
  name: 'db',
  title: 'Database inserts',
  description:
    `A scratch table \`${TABLE}\` (created by the bench and dropped after) shaped like an appeal work order: ` +
    `${COLUMNS} columns (uuid key, 10 text, 2 double, smallint, 3 timestamptz, jsonb), primary key plus one ` +
    '(territory_id, created_at) index. One connection through node-postgres, as the server uses it: PGlite is ' +
    "`openDatabase({ pgliteDir: 'memory://' })` (PGlite in a worker thread behind pglite-socket), PostgreSQL the " +
    `run's throwaway database. Single-row parameterised INSERTs in a loop for ${LOOP_SECONDS} s, then ` +
    `${BATCH_ROWS}-row multi-value INSERTs for ${LOOP_SECONDS} s, each after a 0.3 s warm-up; the row count is checked.`,
  figures: [
    {
      name: 'db.raw_insert.per_s',
      unit: 'rows/s',
      description: 'single-row INSERT loop, one connection',
      anchor: { postgres: 'PostgreSQL 15 ≈ 1,900 rows/s', pglite: 'PGlite in-process ≈ 2,200 rows/s' },
    },
    {
      name: 'db.batch_insert.per_s',
      unit: 'rows/s',
      description: `${BATCH_ROWS}-row multi-value INSERTs, one connection`,
      anchor: { postgres: 'PostgreSQL 15 ≈ 10,500 rows/s', pglite: 'PGlite in-process ≈ 7,100 rows/s' },
    },
  ],
  async run(ctx) {
    const figures: Figure[] = [];
    for (const database of ctx.databases) figures.push(...(await measure(ctx, database)));
    return figures;
  },
};
