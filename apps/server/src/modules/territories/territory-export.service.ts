import { AppError, can, scopeFilter, type TerritoryLevel } from '@huizhi/domain';
import type { TCrs } from '@huizhi/contracts';
import type { ActorContext, Deps } from '../../context.ts';
import { pathWithinScope } from '../scope-sql.ts';
import { territories } from '../../db/schema.ts';
import { listExportRows } from './territory-export.repository.ts';
import { geometryForOutput } from './territory-features.service.ts';

export interface TerritoryExportOptions {
  format: 'geojson' | 'csv';
  crs: TCrs;
  /** Export this subtree only (it must be in scope); default: everything in scope. */
  rootId?: string | undefined;
}

export interface TerritoryExport {
  contentType: string;
  content: string;
}

/** Quotes a CSV field when it needs it (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Exports the territories in scope as GeoJSON (the territories with a polygon, one feature per code) or
 * CSV (the whole tree, no geometry), in the shape the import reads: importing it back changes nothing.
 * `actor` null is the command line (everything).
 */
export async function exportTerritories(
  deps: Deps,
  actor: ActorContext | null,
  options: TerritoryExportOptions,
): Promise<TerritoryExport> {
  const { db } = deps.database;
  let rootPath: string | undefined;
  if (options.rootId) {
    const root = await db.query.territories.findFirst({
      columns: { id: true, path: true },
      where: (t, { eq }) => eq(t.id, options.rootId!),
    });
    if (
      !root ||
      (actor && !can(actor, 'territory.read', { kind: 'territory', id: root.id, path: root.path }))
    )
      throw new AppError('NOT_FOUND');
    rootPath = root.path;
  }
  const scope = actor ? pathWithinScope(territories.path, scopeFilter(actor, 'territory.read')) : undefined;
  const rows = await listExportRows(db, { scope, rootPath, withGeometry: options.format === 'geojson' });
  if (options.format === 'csv') {
    const lines = ['name,code,level,parentCode'];
    for (const row of rows)
      lines.push([row.name, row.code, row.level, row.parentCode ?? ''].map(csvField).join(','));
    return { contentType: 'text/csv; charset=utf-8', content: `${lines.join('\n')}\n` };
  }
  const features = rows
    .filter((row) => row.geometry)
    .map((row) => ({
      type: 'Feature' as const,
      properties: {
        name: row.name,
        code: row.code,
        level: row.level as TerritoryLevel,
        parentCode: row.parentCode,
      },
      geometry: geometryForOutput(row.geometry, options.crs),
    }));
  return {
    contentType: 'application/geo+json',
    content: JSON.stringify({ type: 'FeatureCollection', features }),
  };
}
