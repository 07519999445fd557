import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { categories } from '../../db/schema.ts';

/** Every category, in code order (parents before their children). */
export async function listCategories(db: DbOrTx) {
  return db.select().from(categories).orderBy(asc(categories.code));
}

export type CategoryRow = Awaited<ReturnType<typeof listCategories>>[number];

export async function findCategoryByCode(db: DbOrTx, code: string): Promise<CategoryRow | null> {
  const rows = await db.select().from(categories).where(eq(categories.code, code)).limit(1);
  return rows[0] ?? null;
}
