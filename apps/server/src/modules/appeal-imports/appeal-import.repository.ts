import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { appealImports, categories, slaRules, slaTiers, territories, units } from '../../db/schema.ts';
import { pathWithinScope } from '../scope-sql.ts';

/** Rows per INSERT statement: each batch goes as one JSON parameter, so statements stay few and small. */
const BATCH = 2000;

const withinAny = (column: typeof territories.path, paths: readonly string[] | null): SQL | undefined =>
  paths === null ? undefined : pathWithinScope(column, { territoryPaths: [...paths], unitIds: [] });

/** Categories, streets and communities under the given roots (all when null), and units serving there. */
export async function loadImportReference(db: DbOrTx, rootPaths: readonly string[] | null) {
  const categoryRows = await db
    .select({
      code: categories.code,
      parentCode: categories.parentCode,
      level: categories.level,
      nameZh: categories.nameZh,
      slaTier: categories.slaTier,
    })
    .from(categories);
  const places = await db
    .select({ id: territories.id, name: territories.name, path: territories.path, level: territories.level })
    .from(territories)
    .where(and(inArray(territories.level, ['street', 'community']), withinAny(territories.path, rootPaths)));
  const unitRows = await db
    .select({ id: units.id, name: units.name, type: units.type })
    .from(units)
    .innerJoin(territories, eq(territories.id, units.territoryId))
    .where(withinAny(territories.path, rootPaths));
  return {
    categories: categoryRows,
    streets: places.filter((p) => p.level === 'street'),
    communities: places.filter((p) => p.level === 'community'),
    units: unitRows,
  };
}

/** The SLA rules and the configured tier codes, to give imported appeals the tier live ones would get. */
export async function loadTierSettings(db: DbOrTx) {
  const rules = await db.select().from(slaRules);
  const tiers = await db.select({ code: slaTiers.code }).from(slaTiers);
  return { rules, tierCodes: new Set(tiers.map((t) => t.code)) };
}

export type AppealImportRow = typeof appealImports.$inferSelect;

/** Records an import and its report. */
export async function insertAppealImport(db: DbOrTx, row: AppealImportRow): Promise<void> {
  await db.insert(appealImports).values(row);
}

/** Serialises imports until the transaction ends (a transaction-scoped advisory lock). */
export async function lockAppealImports(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('huizhi:appeal-import'))`);
}

/** The applied import of a file with this SHA-256, if any (the same export must not be imported twice). */
export async function findAppliedImportOfFile(db: DbOrTx, sha256: string) {
  const rows = await db
    .select({ id: appealImports.id, at: appealImports.at, fileName: appealImports.fileName })
    .from(appealImports)
    .where(and(eq(appealImports.applied, true), sql`${appealImports.report}->>'fileSha256' = ${sha256}`))
    .limit(1);
  return rows[0] ?? null;
}

/** The latest imports, newest first (without their reports). */
export async function listAppealImportRows(db: DbOrTx, limit: number) {
  return db
    .select({
      id: appealImports.id,
      at: appealImports.at,
      fileName: appealImports.fileName,
      applied: appealImports.applied,
      rowCount: appealImports.rowCount,
    })
    .from(appealImports)
    .orderBy(desc(appealImports.at), desc(appealImports.id))
    .limit(limit);
}

/** One import with its report. */
export async function findAppealImportRow(db: DbOrTx, id: string): Promise<AppealImportRow | null> {
  const rows = await db.select().from(appealImports).where(eq(appealImports.id, id)).limit(1);
  return rows[0] ?? null;
}

/** An imported appeal as written; its number is `I` + `dateKey` + the next value of appeal_number_seq. */
export interface ImportedAppealRow {
  id: string;
  dateKey: string;
  importId: string;
  type: string;
  categoryCode: string | null;
  content: string;
  address: string | null;
  territoryId: string;
  territoryPath: string;
  tier: string;
  state: 'closed' | 'replied';
  contacted: boolean;
  handlingUnitId: string;
  reply: string;
  repliedAt: Date;
  closeKind: string | null;
  closedAt: Date | null;
  receivedAt: Date;
  createdBy: string | null;
  updatedAt: Date;
}

export interface ImportedEventRow {
  orderId: string;
  seq: number;
  type: string;
  at: Date;
  actorUnitId: string | null;
  fromState: string | null;
  toState: string | null;
  data: Record<string, unknown>;
}

async function inBatches<T>(rows: readonly T[], write: (json: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await write(JSON.stringify(rows.slice(i, i + BATCH)));
}

/**
 * Inserts imported appeals (source 'import', channel 'import'), their lead assignment and their
 * events, a few thousand rows per statement: each batch is one JSON parameter unpacked by
 * jsonb_to_recordset, so ten thousand appeals take a handful of statements.
 */
export async function insertImportedAppeals(
  tx: DbOrTx,
  appealRows: readonly ImportedAppealRow[],
  events: readonly ImportedEventRow[],
): Promise<void> {
  await inBatches(appealRows, (json) =>
    tx.execute(sql`
      insert into appeals (id, number, source, import_id, channel, type, category_code, content, address,
        territory_id, territory_path, urgency, tier, state, round, version, confidential, handling_unit_id,
        hard_case, contacted, reply, replied_at, close_kind, closed_at, received_at, created_by, updated_at)
      select x."id", 'I' || x."dateKey" || lpad(nextval('appeal_number_seq')::text, 8, '0'), 'import',
        x."importId", 'import', x."type", x."categoryCode", x."content", x."address", x."territoryId",
        x."territoryPath", 'normal', x."tier", x."state", 1, 1, false, x."handlingUnitId", false,
        x."contacted", x."reply", x."repliedAt", x."closeKind", x."closedAt", x."receivedAt", x."createdBy",
        x."updatedAt"
      from jsonb_to_recordset(${json}::jsonb) as x("id" uuid, "dateKey" text, "importId" uuid, "type" text,
        "categoryCode" text, "content" text, "address" text, "territoryId" uuid, "territoryPath" text,
        "tier" text, "state" text, "contacted" boolean, "handlingUnitId" uuid, "reply" text,
        "repliedAt" timestamptz, "closeKind" text, "closedAt" timestamptz, "receivedAt" timestamptz,
        "createdBy" uuid, "updatedAt" timestamptz)`),
  );
  await inBatches(appealRows, (json) =>
    tx.execute(sql`
      insert into appeal_assignments (id, appeal_id, unit_id, role, round, active, created_at)
      select gen_random_uuid(), x."id", x."handlingUnitId", 'lead', 1, true, x."receivedAt"
      from jsonb_to_recordset(${json}::jsonb) as x("id" uuid, "handlingUnitId" uuid, "receivedAt" timestamptz)`),
  );
  await inBatches(events, (json) =>
    tx.execute(sql`
      insert into work_order_events (order_kind, order_id, seq, type, at, actor_id, actor_unit_id, round,
        from_state, to_state, internal, data)
      select 'appeal', x."orderId", x."seq", x."type", x."at", null, x."actorUnitId", 1, x."fromState",
        x."toState", false, x."data"
      from jsonb_to_recordset(${json}::jsonb) as x("orderId" uuid, "seq" int, "type" text, "at" timestamptz,
        "actorUnitId" uuid, "fromState" text, "toState" text, "data" jsonb)`),
  );
}
