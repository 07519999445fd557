import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { categories } from '../../db/schema.ts';

/** The change counter bumped with every edit of the taxonomy, so other instances drop cached copies. */
export const CATEGORY_COUNTER = 'categories';

/** Every category, in code order (parents before their children). */
export async function listCategories(db: DbOrTx) {
  return db.select().from(categories).orderBy(asc(categories.code));
}

export type CategoryRow = Awaited<ReturnType<typeof listCategories>>[number];

export async function findCategoryByCode(db: DbOrTx, code: string): Promise<CategoryRow | null> {
  const rows = await db.select().from(categories).where(eq(categories.code, code)).limit(1);
  return rows[0] ?? null;
}

/** The codes of a category's direct children. */
export async function listChildCodes(db: DbOrTx, parentCode: string | null): Promise<string[]> {
  const rows = await db
    .select({ code: categories.code })
    .from(categories)
    .where(parentCode === null ? eq(categories.level, 1) : eq(categories.parentCode, parentCode));
  return rows.map((row) => row.code);
}

export async function insertCategory(db: DbOrTx, row: CategoryRow): Promise<void> {
  await db.insert(categories).values(row);
}

export async function updateCategory(
  db: DbOrTx,
  code: string,
  changes: Partial<Pick<CategoryRow, 'nameZh' | 'nameEn' | 'active' | 'slaTier'>>,
): Promise<void> {
  await db.update(categories).set(changes).where(eq(categories.code, code));
}
