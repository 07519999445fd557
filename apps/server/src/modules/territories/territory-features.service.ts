import {
  AppError,
  can,
  mapPositions,
  wgs84ToGcj02,
  type AreaGeometry,
  type TerritoryLevel,
} from '@huizhi/domain';
import type { TCrs, TTerritoryFeature, TTerritoryFeatureCollection } from '@huizhi/contracts';
import type { ActorContext, Deps } from '../../context.ts';
import { findFeatureRow, listChildFeatureRows, type FeatureRow } from './territory-features.repository.ts';

/** Converts a stored (WGS84) geometry for output in the requested CRS. */
export function geometryForOutput(geometry: unknown, crs: TCrs): AreaGeometry | null {
  if (!geometry) return null;
  const stored = geometry as AreaGeometry;
  return crs === 'gcj02' ? mapPositions(stored, wgs84ToGcj02) : stored;
}

function presentFeature(row: FeatureRow, crs: TCrs): TTerritoryFeature {
  return {
    type: 'Feature',
    properties: {
      id: row.id,
      name: row.name,
      level: row.level as TerritoryLevel,
      code: row.code,
      riskColor: (row.riskColor as 'red' | 'yellow' | 'green' | null) ?? null,
      households: row.households,
      population: row.population,
      childCount: Number(row.childCount),
    },
    geometry: geometryForOutput(row.geometry, crs),
  };
}

async function readableRow(deps: Deps, actor: ActorContext, id: string): Promise<FeatureRow> {
  const row = await findFeatureRow(deps.database.db, id);
  if (!row || !can(actor, 'territory.read', { kind: 'territory', id: row.id, path: row.path })) {
    throw new AppError('NOT_FOUND');
  }
  return row;
}

/** The map feature of one territory in the actor's scope (404 outside it). */
export async function getTerritoryFeature(
  deps: Deps,
  actor: ActorContext,
  id: string,
  crs: TCrs,
): Promise<TTerritoryFeature> {
  return presentFeature(await readableRow(deps, actor, id), crs);
}

/** The map features of a territory's children; the territory must be in the actor's scope (404 otherwise). */
export async function listChildFeatures(
  deps: Deps,
  actor: ActorContext,
  id: string,
  crs: TCrs,
): Promise<TTerritoryFeatureCollection> {
  await readableRow(deps, actor, id);
  const rows = await listChildFeatureRows(deps.database.db, id);
  return {
    type: 'FeatureCollection',
    // Children lie inside the parent's subtree, so the check above covers them; kept per row for safety.
    features: rows
      .filter((row) => can(actor, 'territory.read', { kind: 'territory', id: row.id, path: row.path }))
      .map((row) => presentFeature(row, crs)),
  };
}
