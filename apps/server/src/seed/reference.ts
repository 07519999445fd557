/**
 * Reference data every database needs, demo or not: the default time-limit tiers (2h, 24h, 7d, 15d)
 * and the whistles' check-in limits (30 minutes urgent, 24 hours normal). Inserted when missing and
 * never overwritten, so an admin's changes survive restarts.
 */
import { eq } from 'drizzle-orm';
import { DEFAULT_CHECK_IN_MINUTES, DEFAULT_SLA_TIERS, WHISTLE_URGENCIES } from '@huizhi/domain';
import type { DbOrTx } from '../context.ts';
import { categories } from '../db/schema.ts';
import { insertMissingSlaTiers } from '../modules/sla/sla.repository.ts';
import { insertMissingCheckInLimits } from '../modules/whistles/whistles.repository.ts';

/** Inserts the reference rows that are missing (ON CONFLICT DO NOTHING); safe to run at every start. */
export async function ensureReferenceData(db: DbOrTx, now: Date): Promise<void> {
  await insertMissingSlaTiers(
    db,
    DEFAULT_SLA_TIERS.map((tier) => ({ ...tier, updatedAt: now })),
  );
  await insertMissingCheckInLimits(
    db,
    WHISTLE_URGENCIES.map((urgency) => ({
      urgency,
      minutes: DEFAULT_CHECK_IN_MINUTES[urgency],
      updatedAt: now,
      updatedBy: null,
    })),
  );
}

/** The demo's categories with their own tier: water, power, gas and heating answer within 24 hours (RULES.md). */
export const DEMO_CATEGORY_TIERS: Readonly<Record<string, string>> = { '05': '24h' };

/** Gives the demo's categories their tiers (subcategories inherit); categories that do not exist are skipped. */
export async function seedDemoCategoryTiers(db: DbOrTx): Promise<void> {
  for (const [code, tier] of Object.entries(DEMO_CATEGORY_TIERS)) {
    await db.update(categories).set({ slaTier: tier }).where(eq(categories.code, code));
  }
}
