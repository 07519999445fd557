import { inArray, like, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { ScopeFilter } from '@huizhi/domain';

/** Rows whose path lies inside one of the scope's subtrees; false when the scope is empty. */
export function pathWithinScope(pathColumn: AnyColumn, scope: ScopeFilter): SQL {
  if (scope.territoryPaths.length === 0) return sql`false`;
  return or(...scope.territoryPaths.map((path) => like(pathColumn, `${escapeLike(path)}%`))) ?? sql`false`;
}

/** Rows whose area overlaps a scope subtree (inside it or containing it), or whose id is listed. */
export function pathOverlapsScope(pathColumn: AnyColumn, idColumn: AnyColumn, scope: ScopeFilter): SQL {
  const conditions: SQL[] = scope.territoryPaths.map(
    (path) => sql`(${pathColumn} like ${`${escapeLike(path)}%`} or ${path} like ${pathColumn} || '%')`,
  );
  if (scope.unitIds.length > 0) conditions.push(inArray(idColumn, scope.unitIds));
  if (conditions.length === 0) return sql`false`;
  return or(...conditions) ?? sql`false`;
}

/** Escapes LIKE wildcards in a literal prefix. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
