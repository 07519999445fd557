import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  AppError,
  bboxOf,
  buildTerritoryPath,
  canNest,
  checkGeometry,
  findOverlaps,
  gcj02ToWgs84,
  mapPositions,
  mergeGeometries,
  pathIds,
  repairGeometry,
  roundCoordinate,
  scopeFilter,
  TERRITORY_LEVELS,
  can,
  type AreaGeometry,
  type TerritoryLevel,
} from '@huizhi/domain';
import type { TCrs, TTerritoryImportRefusalReason, TTerritoryImportReport } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { SPATIAL_COUNTER } from '../routing/locate.repository.ts';
import { invalidateSpatialIndex } from '../routing/locate.service.ts';
import {
  bumpChangeCounter,
  findGeometries,
  findGridChildrenGeometries,
  insertTerritories,
  insertTerritoryImport,
  listTreeNodes,
  recomputeSubtreePaths,
  updateTerritory,
  type NewTerritoryRow,
  type TreeNode,
} from './territory-import.repository.ts';

/** Default overlap tolerance between sibling grids: a share of the smaller grid's area (1 %). */
export const DEFAULT_OVERLAP_TOLERANCE = 0.01;

export interface TerritoryImportInput {
  format: 'geojson' | 'csv';
  crs: TCrs;
  content: string;
  dryRun?: boolean;
  /** Sibling grids sharing more than this share of the smaller area are reported (not refused). */
  overlapTolerance?: number;
}

type Refusal = TTerritoryImportReport['refused'][number];

/** One territory of the file, after merging the features that share its code. */
interface FileNode {
  code: string;
  name: string;
  level: TerritoryLevel;
  parentCode: string | null;
  /** Undefined for CSV rows (the stored geometry is kept); null never happens for GeoJSON. */
  geometry: AreaGeometry | undefined;
  indexes: number[];
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : null;

interface RawItem {
  index: number;
  properties: Record<string, unknown>;
  geometry?: unknown;
}

/** Reads the file into raw items, or throws a refusal for an unreadable file. */
function readItems(input: TerritoryImportInput): RawItem[] | Refusal {
  if (input.format === 'csv') {
    try {
      const rows = parseCsv(input.content, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as Record<string, string>[];
      return rows.map((properties, index) => ({ index, properties }));
    } catch (error) {
      return unreadable(`The CSV cannot be read: ${(error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.content);
  } catch {
    return unreadable('The file is not valid JSON.');
  }
  const features = (parsed as { type?: unknown; features?: unknown } | null)?.features;
  if ((parsed as { type?: unknown } | null)?.type !== 'FeatureCollection' || !Array.isArray(features))
    return unreadable('The file is not a GeoJSON FeatureCollection.');
  return features.map((feature: unknown, index) => {
    const f = (feature ?? {}) as { properties?: unknown; geometry?: unknown };
    return {
      index,
      properties: (f.properties ?? {}) as Record<string, unknown>,
      geometry: f.geometry ?? null,
    };
  });
}

function unreadable(message: string): Refusal {
  return { index: -1, code: null, reason: 'unreadableFile', message };
}

function toWgs84(geometry: AreaGeometry, crs: TCrs): AreaGeometry {
  if (crs === 'wgs84') return geometry;
  return mapPositions(geometry, (p) => {
    const [lng, lat] = gcj02ToWgs84(p);
    return [roundCoordinate(lng), roundCoordinate(lat)];
  });
}

/** True when two geometries are the same within 1e-8 degrees (about a millimetre). */
function isSameGeometry(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => isSameGeometry(x, b[i]));
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-8;
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    return ao.type === bo.type && isSameGeometry(ao.coordinates, bo.coordinates);
  }
  return a === b;
}

/** Parses, checks, repairs and merges the features of the file. */
function collectNodes(
  items: RawItem[],
  input: TerritoryImportInput,
  refused: Refusal[],
  repaired: Map<string, Set<string>>,
) {
  const nodes = new Map<string, FileNode>();
  const badCodes = new Set<string>();
  const parts = new Map<string, AreaGeometry[]>();
  for (const item of items) {
    const p = item.properties;
    const code = text(p.code);
    const refuse = (reason: TTerritoryImportRefusalReason, message: string) =>
      refused.push({ index: item.index, code, reason, message });
    const name = text(p.name);
    const level = text(p.level);
    const parentCode = text(p.parentCode);
    if (!code || !name || !level) {
      refuse('missingProperty', 'Each feature needs the properties name, code and level.');
      continue;
    }
    if (!(TERRITORY_LEVELS as readonly string[]).includes(level)) {
      refuse('invalidLevel', `Unknown level "${level}"; use ${TERRITORY_LEVELS.join(', ')}.`);
      continue;
    }
    let geometry: AreaGeometry | undefined;
    if (input.format === 'geojson') {
      const problem = checkGeometry(item.geometry);
      if (problem) {
        const messages = {
          noCoordinates: 'The feature has no coordinates.',
          coordinatesOutOfRange: 'A coordinate is not a longitude in [-180, 180] and latitude in [-90, 90].',
          unsupportedGeometry: 'Only Polygon and MultiPolygon geometries are accepted.',
        };
        refuse(problem, messages[problem]);
        badCodes.add(code);
        continue;
      }
      const repair = repairGeometry(toWgs84(item.geometry as AreaGeometry, input.crs));
      if (!repair.geometry) {
        refuse('invalidGeometry', 'Nothing usable remains of the geometry after repair.');
        badCodes.add(code);
        continue;
      }
      if (repair.repairs.length > 0) {
        const set = repaired.get(code) ?? new Set<string>();
        for (const what of repair.repairs) set.add(what);
        repaired.set(code, set);
      }
      geometry = repair.geometry;
    }
    const existing = nodes.get(code);
    if (existing) {
      if (existing.level !== level) {
        refuse('codeAtTwoLevels', `The code ${code} appears at the levels ${existing.level} and ${level}.`);
        continue;
      }
      if (existing.parentCode !== parentCode) {
        refuse('conflictingParent', `The parts of ${code} name different parents.`);
        continue;
      }
      existing.indexes.push(item.index);
      if (geometry) parts.get(code)?.push(geometry);
      continue;
    }
    nodes.set(code, {
      code,
      name,
      level: level as TerritoryLevel,
      parentCode,
      geometry: undefined,
      indexes: [item.index],
    });
    if (geometry) parts.set(code, [geometry]);
  }
  for (const [code, list] of parts) {
    const node = nodes.get(code);
    if (node) node.geometry = mergeGeometries(list) ?? undefined;
  }
  return { nodes, badCodes };
}

/**
 * Imports a territory tree from GeoJSON (with polygons) or CSV (the tree only), all or nothing.
 * Every feature is checked first; if any is refused nothing changes and AppError TERRITORY_IMPORT_REFUSED
 * carries the report. Otherwise territories are upserted by code (moved subtrees get new paths), the
 * 'spatial' change counter is bumped, and the import and an audit entry are recorded in one transaction.
 * `actor` null is the command line (a system operator).
 */
export async function importTerritories(
  deps: Deps,
  actor: ActorContext | null,
  input: TerritoryImportInput,
  request: RequestInfo | null = null,
): Promise<TTerritoryImportReport> {
  if (actor && scopeFilter(actor, 'territory.manage').territoryPaths.length === 0)
    throw new AppError('FORBIDDEN');
  const dryRun = input.dryRun ?? false;
  const refused: Refusal[] = [];
  const repairedSets = new Map<string, Set<string>>();
  const items = readItems(input);
  const report = (
    applied: boolean,
    created = 0,
    updated = 0,
    overlaps: TTerritoryImportReport['overlaps'] = [],
  ) => ({
    applied,
    dryRun,
    created,
    updated,
    refused: [...refused].sort((a, b) => a.index - b.index),
    repaired: [...repairedSets].flatMap(([code, set]) => [...set].map((what) => ({ code, what }))),
    overlaps,
  });
  if (!Array.isArray(items)) {
    refused.push(items);
    throw new AppError('TERRITORY_IMPORT_REFUSED', undefined, report(false));
  }
  const { nodes, badCodes } = collectNodes(items, input, refused, repairedSets);
  const { db } = deps.database;

  const existingNodes = await listTreeNodes(db);
  const byCode = new Map<string, TreeNode>(existingNodes.map((n) => [n.code, n]));
  const byId = new Map<string, TreeNode>(existingNodes.map((n) => [n.id, n]));
  const readable = (node: TreeNode) =>
    actor === null || can(actor, 'territory.read', { kind: 'territory', id: node.id, path: node.path });
  const manageable = (path: string) =>
    actor === null ||
    can(actor, 'territory.manage', { kind: 'territory', id: pathIds(path).at(-1) ?? '', path });

  // Parents and levels.
  const refuseNode = (node: FileNode, reason: TTerritoryImportRefusalReason, message: string) => {
    for (const index of node.indexes) refused.push({ index, code: node.code, reason, message });
  };
  const finalParent = new Map<string, string | null>(); // code → parent code, after the import
  for (const node of nodes.values()) {
    if (node.parentCode === null) {
      finalParent.set(node.code, null);
      continue;
    }
    if (badCodes.has(node.parentCode)) continue; // its parent is refused already
    const inFile = nodes.get(node.parentCode);
    const inDb = byCode.get(node.parentCode);
    // A parent outside the actor's scope counts as unknown, unless the node already lies under it.
    const isKnownParent = inDb && (readable(inDb) || byCode.get(node.code)?.parentId === inDb.id);
    const parentLevel = inFile?.level ?? (inDb && isKnownParent ? (inDb.level as TerritoryLevel) : null);
    if (!parentLevel) {
      refuseNode(node, 'unknownParent', `The parent ${node.parentCode} is neither in the file nor known.`);
      continue;
    }
    if (!canNest(parentLevel, node.level)) {
      refuseNode(
        node,
        'levelNotBelowParent',
        `A ${node.level} cannot lie in a ${parentLevel} (${node.parentCode}): its level must be deeper.`,
      );
      continue;
    }
    finalParent.set(node.code, node.parentCode);
  }
  const parentOf = (code: string): string | null | undefined => {
    if (finalParent.has(code)) return finalParent.get(code);
    const dbNode = byCode.get(code);
    if (!dbNode) return undefined;
    return dbNode.parentId ? (byId.get(dbNode.parentId)?.code ?? null) : null;
  };
  // Cycles, and the existing node each file node ends up under (its anchor, for the permission check).
  const anchors = new Map<string, string | null>(); // code → path of the nearest ancestor not in the file
  for (const node of nodes.values()) {
    if (!finalParent.has(node.code)) continue;
    const seen = new Set<string>([node.code]);
    let current = finalParent.get(node.code) ?? null;
    let anchor: string | null = null;
    let cyclic = false;
    while (current !== null) {
      if (seen.has(current)) {
        cyclic = true;
        break;
      }
      seen.add(current);
      if (!nodes.has(current)) {
        anchor = byCode.get(current)?.path ?? null;
        break;
      }
      const next = parentOf(current);
      current = next ?? null;
    }
    if (cyclic) {
      refuseNode(
        node,
        'cycle',
        `Placing ${node.code} under ${node.parentCode} would make it its own ancestor.`,
      );
      continue;
    }
    anchors.set(node.code, anchor);
  }
  // Permissions: the actor must manage where each node goes and, for an existing node, where it is now.
  if (actor) {
    const isRootAdmin = scopeFilter(actor, 'territory.manage').territoryPaths.some(
      (p) => pathIds(p).length === 1,
    );
    for (const node of nodes.values()) {
      if (!anchors.has(node.code)) continue;
      const anchor = anchors.get(node.code) ?? null;
      const current = byCode.get(node.code);
      const currentParentCode = current?.parentId ? (byId.get(current.parentId)?.code ?? null) : null;
      const moves = !current || currentParentCode !== node.parentCode;
      // New or moved: the actor manages where it goes; existing: the actor manages it where it is.
      const allowed =
        (!moves || (anchor === null ? isRootAdmin : manageable(anchor))) &&
        (!current || manageable(current.path));
      if (!allowed)
        refuseNode(node, 'forbidden', `You may not change territories where ${node.code} would go.`);
    }
  }

  // Overlaps between sibling grids (reported, not refused).
  const gridsByParent = new Map<string, { code: string; geometry: AreaGeometry }[]>();
  for (const node of nodes.values()) {
    if (node.level !== 'grid' || !node.geometry || !node.parentCode) continue;
    const list = gridsByParent.get(node.parentCode) ?? [];
    list.push({ code: node.code, geometry: node.geometry });
    gridsByParent.set(node.parentCode, list);
  }
  const existingParentIds = [...gridsByParent.keys()].flatMap((code) => {
    const n = byCode.get(code);
    return n ? [n.id] : [];
  });
  for (const sibling of await findGridChildrenGeometries(db, existingParentIds)) {
    if (nodes.has(sibling.code) || !sibling.parentId) continue;
    const parentCode = byId.get(sibling.parentId)?.code;
    if (!parentCode) continue;
    gridsByParent.get(parentCode)?.push({ code: sibling.code, geometry: sibling.geometry as AreaGeometry });
  }
  const overlaps = [...gridsByParent.values()].flatMap((siblings) =>
    siblings.length < 2 ? [] : findOverlaps(siblings, input.overlapTolerance ?? DEFAULT_OVERLAP_TOLERANCE),
  );

  if (refused.length > 0) {
    const refusedReport = report(false, 0, 0, overlaps);
    if (!dryRun)
      await db.transaction(async (tx) => {
        await logImport(tx, deps, actor, request, input, refusedReport, null);
      });
    throw new AppError('TERRITORY_IMPORT_REFUSED', undefined, refusedReport);
  }

  // Decide what to write, parents first.
  const order = topologicalOrder(nodes, finalParent);
  const storedGeometry = await findGeometries(
    db,
    order.flatMap((node) => (node.geometry && byCode.has(node.code) ? [byCode.get(node.code)!.id] : [])),
  );
  const now = deps.clock.now();
  const idOf = new Map<string, string>();
  const pathOf = new Map<string, string>();
  const inserts: NewTerritoryRow[] = [];
  const updates: { id: string; values: Parameters<typeof updateTerritory>[2]; moved: boolean }[] = [];
  for (const node of order) {
    const current = byCode.get(node.code);
    const id = current?.id ?? randomUUID();
    idOf.set(node.code, id);
    const parentCode = node.parentCode;
    const parentId = parentCode === null ? null : (idOf.get(parentCode) ?? byCode.get(parentCode)!.id);
    const parentPath = parentCode === null ? null : (pathOf.get(parentCode) ?? byCode.get(parentCode)!.path);
    const path = buildTerritoryPath(parentPath, id);
    pathOf.set(node.code, path);
    const geometry = node.geometry;
    if (!current) {
      inserts.push({
        id,
        parentId,
        level: node.level,
        name: node.name,
        code: node.code,
        path,
        geometry: geometry ?? null,
        bbox: geometry ? bboxOf(geometry) : null,
        createdAt: now,
        updatedAt: now,
      });
      continue;
    }
    const values: Parameters<typeof updateTerritory>[2] = {};
    if (current.name !== node.name) values.name = node.name;
    if (current.level !== node.level) values.level = node.level;
    const moved = current.parentId !== parentId || current.path !== path;
    if (moved) Object.assign(values, { parentId, path });
    if (geometry && !isSameGeometry(storedGeometry.get(id) ?? null, geometry))
      Object.assign(values, { geometry, bbox: bboxOf(geometry) });
    if (Object.keys(values).length > 0) updates.push({ id, values: { ...values, updatedAt: now }, moved });
  }

  const finalReport = report(!dryRun, inserts.length, updates.length, overlaps);
  if (dryRun) return finalReport;
  const changed = inserts.length > 0 || updates.length > 0;
  await db.transaction(async (tx) => {
    // New nodes first (parents before children; a node may move under a new one), then updates and moves.
    await insertTerritories(tx, inserts);
    for (const update of updates) await updateTerritory(tx, update.id, update.values);
    await recomputeSubtreePaths(
      tx,
      updates.filter((u) => u.moved).map((u) => u.id),
    );
    if (changed) await bumpChangeCounter(tx, SPATIAL_COUNTER, now);
    const scopePath = commonScopePath([...anchors.values()]);
    await logImport(tx, deps, actor, request, input, finalReport, scopePath);
  });
  if (changed) invalidateSpatialIndex(deps.database);
  return finalReport;
}

/** The deepest path containing every anchor (null when some node is a new root). */
function commonScopePath(anchors: (string | null)[]): string | null {
  if (anchors.length === 0 || anchors.some((a) => a === null)) return null;
  let common = pathIds(anchors[0]!);
  for (const anchor of anchors.slice(1)) {
    const ids = pathIds(anchor!);
    let i = 0;
    while (i < common.length && i < ids.length && common[i] === ids[i]) i++;
    common = common.slice(0, i);
  }
  return common.length === 0 ? null : `/${common.join('/')}/`;
}

/** Orders file nodes so a parent in the file always comes before its children. */
function topologicalOrder(nodes: Map<string, FileNode>, finalParent: Map<string, string | null>): FileNode[] {
  const depth = new Map<string, number>();
  const depthOf = (code: string): number => {
    const known = depth.get(code);
    if (known !== undefined) return known;
    const parent = finalParent.get(code) ?? null;
    const d = parent !== null && nodes.has(parent) ? depthOf(parent) + 1 : 0;
    depth.set(code, d);
    return d;
  };
  return [...nodes.values()].sort((a, b) => depthOf(a.code) - depthOf(b.code));
}

async function logImport(
  tx: DbOrTx,
  deps: Deps,
  actor: ActorContext | null,
  request: RequestInfo | null,
  input: TerritoryImportInput,
  report: TTerritoryImportReport,
  scopePath: string | null,
): Promise<void> {
  const id = randomUUID();
  await insertTerritoryImport(tx, {
    id,
    at: deps.clock.now(),
    actorId: actor?.userId ?? null,
    format: input.format,
    crs: input.crs,
    applied: report.applied,
    report,
  });
  await recordAudit(tx, deps, actor?.userId ?? null, request, {
    action: report.applied ? 'territory.import' : 'territory.import.refused',
    entityType: 'territoryImport',
    entityId: id,
    scopePath,
    details: {
      format: input.format,
      crs: input.crs,
      created: report.created,
      updated: report.updated,
      refused: report.refused.length,
      repaired: report.repaired.length,
      overlaps: report.overlaps.length,
    },
  });
}
