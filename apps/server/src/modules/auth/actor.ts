import { isRole, type Assignment } from '@huizhi/domain';
import type { ActorContext } from '../../context.ts';
import type { AssignmentRow } from './auth.repository.ts';

/** Turns stored assignment rows into the scopes the access policies understand. */
export function toAssignments(rows: AssignmentRow[]): ActorContext['assignments'] {
  const result: ActorContext['assignments'] = [];
  for (const row of rows) {
    if (!isRole(row.role)) continue;
    let scope: Assignment['scope'];
    if (row.role === 'resident') scope = { kind: 'self' };
    else if (row.unitId && row.unitTerritoryPath) {
      scope = { kind: 'unit', unitId: row.unitId, territoryPath: row.unitTerritoryPath };
    } else if (row.territoryId && row.territoryPath) {
      scope = { kind: 'territory', territoryId: row.territoryId, path: row.territoryPath };
    } else continue; // a staff role without a scope grants nothing
    result.push({
      role: row.role,
      scope,
      scopeId: row.unitId ?? row.territoryId,
      scopeName: row.unitName ?? row.territoryName,
    });
  }
  return result;
}

/** The territory paths a user belongs to, for deciding which admins may see them. */
export function userScopePaths(rows: AssignmentRow[]): string[] {
  return rows.flatMap((row) =>
    [row.territoryPath, row.unitTerritoryPath].filter((p): p is string => p !== null),
  );
}
