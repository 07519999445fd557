import type { TTerritory } from '@huizhi/contracts';
import { pathIds } from '@huizhi/domain';

/**
 * The top of the visible tree: the items whose parent is not visible. The server sorts by path, so a
 * parent in scope always comes before its children and is in the same page.
 */
export function findRoots(items: readonly TTerritory[]): TTerritory[] {
  const ids = new Set(items.map((item) => item.id));
  const roots = items.filter((item) => item.parentId === null || !ids.has(item.parentId));
  return roots.sort(
    (a, b) => pathIds(a.path).length - pathIds(b.path).length || a.code.localeCompare(b.code),
  );
}
