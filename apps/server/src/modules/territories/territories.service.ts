import { AppError, can, scopeFilter, type TerritoryLevel } from '@huizhi/domain';
import type { TTerritory, TTerritoryList, TTerritoryListQuery } from '@huizhi/contracts';
import type { ActorContext, Deps } from '../../context.ts';
import { pathWithinScope } from '../scope-sql.ts';
import { findTerritoryById, listTerritories, type TerritoryRow } from './territories.repository.ts';
import { territories } from '../../db/schema.ts';

function present(row: TerritoryRow): TTerritory {
  return { ...row, level: row.level as TerritoryLevel, childCount: Number(row.childCount) };
}

/** Lists the territories inside the actor's scope. */
export async function listTerritoriesFor(
  deps: Deps,
  actor: ActorContext,
  query: TTerritoryListQuery,
): Promise<TTerritoryList> {
  const scope = pathWithinScope(territories.path, scopeFilter(actor, 'territory.read'));
  const { rows, total } = await listTerritories(deps.database.db, { ...query, scope });
  return { items: rows.map(present), total };
}

/** Reads one territory; one outside the actor's scope is reported as not found, not as forbidden. */
export async function getTerritoryFor(deps: Deps, actor: ActorContext, id: string): Promise<TTerritory> {
  const row = await findTerritoryById(deps.database.db, id);
  if (!row || !can(actor, 'territory.read', { kind: 'territory', id: row.id, path: row.path })) {
    throw new AppError('NOT_FOUND');
  }
  return present(row);
}
