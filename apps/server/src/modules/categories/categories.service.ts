import { AppError, pathIds, scopeFilter, type Actor } from '@huizhi/domain';
import {
  CATEGORY_LEVELS_MAX,
  type TCategory,
  type TCategoryList,
  type TCategoryListQuery,
  type TCreateCategory,
  type TUpdateCategory,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { findSlaTierRow } from '../sla/sla.repository.ts';
import { invalidateAppealIntakeCache } from '../appeals/appeals.service.ts';
import { bumpChangeCounter } from '../territories/territory-import.repository.ts';
import {
  CATEGORY_COUNTER,
  findCategoryByCode,
  insertCategory,
  listCategories,
  listChildCodes,
  updateCategory,
  type CategoryRow,
} from './categories.repository.ts';

/** Two digits per level: 01 → 0101 → 010101. */
const CODE_DIGITS_PER_LEVEL = 2;
const CHILDREN_MAX = 99;

export function presentCategory(row: CategoryRow): TCategory {
  return {
    code: row.code,
    parentCode: row.parentCode,
    level: row.level,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    active: row.active,
    slaTier: row.slaTier,
  };
}

/**
 * Lists the whole category taxonomy as a flat list (the web builds the tree from parentCode). The
 * taxonomy is public reference data: every signed-in person may read it, residents raising appeals too.
 * With `activeOnly`, a category is left out when it or any of its ancestors is deactivated: intake
 * pickers offer only those, while old appeals keep showing the category they were filed under.
 */
export async function listCategoriesFor(deps: Deps, query: TCategoryListQuery): Promise<TCategoryList> {
  const rows = await listCategories(deps.database.db);
  let kept = rows;
  if (query.activeOnly) {
    // Parents come before their children (code order), so one pass decides every row.
    const usable = new Set<string>();
    for (const row of rows) {
      if (row.active && (row.parentCode === null || usable.has(row.parentCode))) usable.add(row.code);
    }
    kept = rows.filter((row) => usable.has(row.code));
  }
  return { items: kept.map(presentCategory), total: kept.length };
}

/**
 * Refuses anyone but an admin of the whole territory tree: the taxonomy is the same everywhere, so a
 * district's admin may not change it.
 */
export function assertMayManageCategories(actor: Actor): void {
  const paths = scopeFilter(actor, 'category.manage').territoryPaths;
  if (!paths.some((path) => pathIds(path).length === 1)) {
    throw new AppError('FORBIDDEN', 'Only administrators of the whole city may change the categories.');
  }
}

async function assertTierExists(tx: DbOrTx, tier: string | null | undefined): Promise<void> {
  if (tier === null || tier === undefined) return;
  if (!(await findSlaTierRow(tx, tier))) {
    throw new AppError('VALIDATION_FAILED', `Unknown time-limit tier: ${tier}`, { path: '/slaTier' });
  }
}

/** The next free code under a parent: the parent's code and the lowest unused two-digit serial. */
function nextFreeCode(parentCode: string | null, taken: readonly string[]): string | null {
  const used = new Set(taken);
  for (let serial = 1; serial <= CHILDREN_MAX; serial += 1) {
    const code = `${parentCode ?? ''}${String(serial).padStart(CODE_DIGITS_PER_LEVEL, '0')}`;
    if (!used.has(code)) return code;
  }
  return null;
}

/**
 * Adds a category under a parent (at most three levels deep); the code is the parent's followed by
 * two digits, the next free one unless given. Honours an Idempotency-Key.
 */
export async function createCategoryFor(
  deps: Deps,
  actor: ActorContext,
  input: TCreateCategory,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TCategory>> {
  assertMayManageCategories(actor);
  return runIdempotent(deps, actor.userId, idempotencyKey, input, 201, async (tx) => {
    let level = 1;
    if (input.parentCode !== null) {
      const parent = await findCategoryByCode(tx, input.parentCode);
      if (!parent) {
        throw new AppError('VALIDATION_FAILED', 'Unknown parent category.', { path: '/parentCode' });
      }
      if (parent.level >= CATEGORY_LEVELS_MAX) {
        throw new AppError('VALIDATION_FAILED', `The taxonomy has at most ${CATEGORY_LEVELS_MAX} levels.`, {
          path: '/parentCode',
        });
      }
      level = parent.level + 1;
    }
    const siblings = await listChildCodes(tx, input.parentCode);
    let code: string;
    if (input.code !== undefined) {
      const isNested =
        input.code.length === level * CODE_DIGITS_PER_LEVEL && input.code.startsWith(input.parentCode ?? '');
      if (!isNested) {
        throw new AppError(
          'VALIDATION_FAILED',
          "A category's code is its parent's code followed by two digits.",
          { path: '/code' },
        );
      }
      if (await findCategoryByCode(tx, input.code)) {
        throw new AppError('CONFLICT', `Category ${input.code} exists.`, { code: input.code });
      }
      code = input.code;
    } else {
      const free = nextFreeCode(input.parentCode, siblings);
      if (free === null) throw new AppError('CONFLICT', 'This category has no free code left.');
      code = free;
    }
    await assertTierExists(tx, input.slaTier);
    const row: CategoryRow = {
      code,
      parentCode: input.parentCode,
      level,
      nameZh: input.nameZh,
      nameEn: input.nameEn,
      active: true,
      slaTier: input.slaTier,
    };
    const now = deps.clock.now();
    await insertCategory(tx, row);
    await bumpChangeCounter(tx, CATEGORY_COUNTER, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'category.create',
      entityType: 'category',
      entityId: code,
      details: { parentCode: row.parentCode, nameZh: row.nameZh, nameEn: row.nameEn, slaTier: row.slaTier },
    });
    return presentCategory(row);
  });
}

/**
 * Changes a category's names, tier or whether intake offers it. The code and parent stay, so appeals
 * filed under a deactivated category keep it; only pickers stop offering it (and its subcategories).
 */
export async function updateCategoryFor(
  deps: Deps,
  actor: ActorContext,
  code: string,
  input: TUpdateCategory,
  request: RequestInfo,
): Promise<TCategory> {
  assertMayManageCategories(actor);
  const updated = await deps.database.db.transaction(async (tx) => {
    const before = await findCategoryByCode(tx, code);
    if (!before) throw new AppError('NOT_FOUND');
    await assertTierExists(tx, input.slaTier);
    const changes: Partial<Pick<CategoryRow, 'nameZh' | 'nameEn' | 'active' | 'slaTier'>> = {};
    const previous: Record<string, unknown> = {};
    for (const field of ['nameZh', 'nameEn', 'active', 'slaTier'] as const) {
      const value = input[field];
      if (value === undefined || value === before[field]) continue;
      Object.assign(changes, { [field]: value });
      previous[field] = before[field];
    }
    if (Object.keys(changes).length === 0) return presentCategory(before);
    const now = deps.clock.now();
    await updateCategory(tx, code, changes);
    await bumpChangeCounter(tx, CATEGORY_COUNTER, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'category.update',
      entityType: 'category',
      entityId: code,
      details: { ...changes, before: previous },
    });
    return presentCategory({ ...before, ...changes });
  });
  // This instance's intake sees the change at once; other instances through the change counter.
  invalidateAppealIntakeCache(deps.database);
  return updated;
}
