import { AppError, can, scopeFilter } from '@huizhi/domain';
import type { TUnit, TUnitList, TUnitType } from '@huizhi/contracts';
import type { ActorContext, Deps } from '../../context.ts';
import { territories, units } from '../../db/schema.ts';
import { pathOverlapsScope } from '../scope-sql.ts';
import { findUnitById, listUnits, type UnitRow } from './units.repository.ts';

function present(row: UnitRow): TUnit {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    type: row.type as TUnitType,
    territoryId: row.territoryId,
    territoryName: row.territoryName,
  };
}

export interface UnitQuery {
  type?: TUnitType | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Lists the units serving an area that overlaps the actor's scope, or the actor's own unit. */
export async function listUnitsFor(deps: Deps, actor: ActorContext, query: UnitQuery): Promise<TUnitList> {
  const scope = pathOverlapsScope(territories.path, units.id, scopeFilter(actor, 'unit.read'));
  const { rows, total } = await listUnits(deps.database.db, { ...query, scope });
  return { items: rows.map(present), total };
}

/**
 * The units a whistler may summon: those serving an area that overlaps where the actor blows whistles
 * (district departments, utilities, the district government, the offices of the area). A street
 * office's lead reads only its own unit through `unit.read`, yet must pick departments to summon.
 */
export async function listSummonableUnitsFor(
  deps: Deps,
  actor: ActorContext,
  query: UnitQuery,
): Promise<TUnitList> {
  const blows = scopeFilter(actor, 'whistle.blow');
  if (blows.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const scope = pathOverlapsScope(territories.path, units.id, { ...blows, unitIds: [] });
  const { rows, total } = await listUnits(deps.database.db, { ...query, scope });
  return { items: rows.map(present), total };
}

/** Reads one unit; one outside the actor's scope is reported as not found. */
export async function getUnitFor(deps: Deps, actor: ActorContext, id: string): Promise<TUnit> {
  const row = await findUnitById(deps.database.db, id);
  if (!row || !can(actor, 'unit.read', { kind: 'unit', id: row.id, territoryPath: row.territoryPath })) {
    throw new AppError('NOT_FOUND');
  }
  return present(row);
}
