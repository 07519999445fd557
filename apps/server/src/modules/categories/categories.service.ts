import type { TCategory, TCategoryList } from '@huizhi/contracts';
import type { Deps } from '../../context.ts';
import { listCategories, type CategoryRow } from './categories.repository.ts';

export function presentCategory(row: CategoryRow): TCategory {
  return {
    code: row.code,
    parentCode: row.parentCode,
    level: row.level,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    active: row.active,
  };
}

/**
 * Lists the whole category taxonomy as a flat list (the web builds the tree from parentCode). The
 * taxonomy is public reference data: every signed-in person may read it, residents raising appeals too.
 */
export async function listCategoriesFor(deps: Deps): Promise<TCategoryList> {
  const rows = await listCategories(deps.database.db);
  return { items: rows.map(presentCategory), total: rows.length };
}
