import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { categories, slaRules, slaTiers } from '../../db/schema.ts';

/** The counter bumped with every change to sla_tiers or sla_rules, so each server instance reloads them. */
export const SLA_COUNTER = 'sla';

/** Every time-limit tier, in code order. */
export async function listSlaTierRows(db: DbOrTx) {
  return db.select().from(slaTiers).orderBy(asc(slaTiers.code));
}

export type SlaTierRow = Awaited<ReturnType<typeof listSlaTierRows>>[number];

export async function findSlaTierRow(db: DbOrTx, code: string): Promise<SlaTierRow | null> {
  const rows = await db.select().from(slaTiers).where(eq(slaTiers.code, code)).limit(1);
  return rows[0] ?? null;
}

/** Inserts a tier or replaces its limits. */
export async function upsertSlaTierRow(db: DbOrTx, row: SlaTierRow): Promise<void> {
  const { code: _code, ...changes } = row;
  await db.insert(slaTiers).values(row).onConflictDoUpdate({ target: slaTiers.code, set: changes });
}

/** Inserts tiers that do not exist yet, leaving existing ones (and admins' changes) alone. */
export async function insertMissingSlaTiers(db: DbOrTx, rows: SlaTierRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(slaTiers).values(rows).onConflictDoNothing();
}

const ruleColumns = {
  id: slaRules.id,
  categoryCode: slaRules.categoryCode,
  categoryNameZh: categories.nameZh,
  categoryNameEn: categories.nameEn,
  urgency: slaRules.urgency,
  unitType: slaRules.unitType,
  tier: slaRules.tier,
  createdAt: slaRules.createdAt,
};

/** Every tier rule with its category's names, in creation order. */
export async function listSlaRuleRows(db: DbOrTx) {
  return db
    .select(ruleColumns)
    .from(slaRules)
    .leftJoin(categories, eq(categories.code, slaRules.categoryCode))
    .orderBy(asc(slaRules.createdAt), asc(slaRules.id));
}

export type SlaRuleRow = Awaited<ReturnType<typeof listSlaRuleRows>>[number];

export async function findSlaRuleRow(db: DbOrTx, id: string): Promise<SlaRuleRow | null> {
  const rows = await db
    .select(ruleColumns)
    .from(slaRules)
    .leftJoin(categories, eq(categories.code, slaRules.categoryCode))
    .where(eq(slaRules.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export async function insertSlaRuleRow(db: DbOrTx, row: typeof slaRules.$inferInsert): Promise<void> {
  await db.insert(slaRules).values(row);
}

export async function deleteSlaRuleRow(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(slaRules).where(eq(slaRules.id, id)).returning({ id: slaRules.id });
  return rows.length > 0;
}

/** A category and its ancestors, leaf first, each with its own tier (empty for an unknown code). */
export async function listCategoryAncestry(
  db: DbOrTx,
  code: string,
): Promise<{ code: string; slaTier: string | null }[]> {
  const result = await db.execute<{ code: string; sla_tier: string | null; depth: number }>(sql`
    with recursive chain(code, parent_code, sla_tier, depth) as (
      select code, parent_code, sla_tier, 0 from ${categories} where code = ${code}
      union all
      select c.code, c.parent_code, c.sla_tier, chain.depth + 1
      from ${categories} c join chain on c.code = chain.parent_code
      where chain.depth < 10
    )
    select code, sla_tier, depth from chain order by depth`);
  return result.rows.map((row) => ({ code: row.code, slaTier: row.sla_tier }));
}
