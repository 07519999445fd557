import {
  AppError,
  gcj02ToWgs84,
  grantedActions,
  pathIds,
  type AreaGeometry,
  type BBox,
} from '@huizhi/domain';
import type { TLocatedTerritory, TLocateQuery, TLocateResult } from '@huizhi/contracts';
import type { ActorContext, Deps } from '../../context.ts';
import type { Database } from '../../db/connect.ts';
import {
  listAncestorNodes,
  listGridGeometries,
  readChangeCounter,
  SPATIAL_COUNTER,
} from './locate.repository.ts';
import { SpatialIndex, type IndexedGrid } from './spatial-index.ts';

/** How often (ms) a server checks whether another instance changed the territories. */
export const SPATIAL_CHECK_INTERVAL_MS = 1000;

interface LoadedIndex {
  version: number;
  index: SpatialIndex;
  nodes: Map<string, TLocatedTerritory>;
  /** Each grid's path (grid → city), built on first use. */
  paths: Map<string, TLocatedTerritory[]>;
}

interface IndexState {
  loaded: LoadedIndex | null;
  /** Monotonic time (performance.now) of the last version check. */
  checkedAt: number;
  pending: Promise<LoadedIndex> | null;
}

// One index per process and database; a WeakMap so a closed database's index goes with it.
const states = new WeakMap<Database, IndexState>();

function stateOf(database: Database): IndexState {
  let state = states.get(database);
  if (!state) {
    state = { loaded: null, checkedAt: -Infinity, pending: null };
    states.set(database, state);
  }
  return state;
}

async function loadIndex(deps: Pick<Deps, 'database'>, version: number): Promise<LoadedIndex> {
  const { db } = deps.database;
  const [grids, ancestors] = await Promise.all([listGridGeometries(db), listAncestorNodes(db)]);
  const index = new SpatialIndex(
    grids.map((g) => ({
      id: g.id,
      code: g.code,
      name: g.name,
      path: g.path,
      geometry: g.geometry as AreaGeometry,
      bbox: (g.bbox as BBox | null) ?? null,
    })),
  );
  const nodes = new Map<string, TLocatedTerritory>();
  for (const a of ancestors)
    nodes.set(a.id, { id: a.id, code: a.code, name: a.name, level: a.level as TLocatedTerritory['level'] });
  return { version, index, nodes, paths: new Map() };
}

/**
 * Returns this process's spatial index, reloading it when the 'spatial' change counter moved (another
 * instance imported territories). The counter is read at most once a second; `force` reads it now.
 */
export async function getSpatialIndex(
  deps: Pick<Deps, 'database'>,
  options: { force?: boolean } = {},
): Promise<LoadedIndex> {
  const state = stateOf(deps.database);
  const fresh = options.force ? null : freshIndex(state);
  if (fresh) return fresh;
  if (state.pending) return state.pending;
  state.pending = (async () => {
    try {
      const version = await readChangeCounter(deps.database.db, SPATIAL_COUNTER);
      state.checkedAt = performance.now();
      if (state.loaded && state.loaded.version === version) return state.loaded;
      state.loaded = await loadIndex(deps, version);
      return state.loaded;
    } finally {
      state.pending = null;
    }
  })();
  return state.pending;
}

/** The loaded index when it was checked less than a second ago (the synchronous fast path). */
function freshIndex(state: IndexState): LoadedIndex | null {
  return state.loaded && performance.now() - state.checkedAt < SPATIAL_CHECK_INTERVAL_MS
    ? state.loaded
    : null;
}

/** Makes the next lookup check the change counter at once (after a change made by this process). */
export function invalidateSpatialIndex(database: Database): void {
  stateOf(database).checkedAt = -Infinity;
}

function presentGrid(grid: IndexedGrid): TLocatedTerritory {
  return { id: grid.id, code: grid.code, name: grid.name, level: 'grid' };
}

export interface LocatedPoint {
  /** The grid containing the point, or null outside every grid. */
  grid: TLocatedTerritory | null;
  /** grid → community → street → district → city; empty outside every grid. */
  path: TLocatedTerritory[];
  /** Outside every grid: the nearest grid and the distance to its edge (null when there is no grid). Null inside. */
  nearest: { grid: TLocatedTerritory; distanceMeters: number } | null;
}

/** Finds the grid of a WGS84 point and its full path, or the nearest grid when it lies outside all of them. */
export async function locatePoint(
  deps: Pick<Deps, 'database'>,
  point: { lng: number; lat: number },
): Promise<LocatedPoint> {
  const loaded = freshIndex(stateOf(deps.database)) ?? (await getSpatialIndex(deps));
  const { index, nodes, paths } = loaded;
  const position: [number, number] = [point.lng, point.lat];
  const grid = index.locate(position);
  if (grid) {
    let path = paths.get(grid.id);
    if (!path) {
      path = [presentGrid(grid)];
      for (const id of pathIds(grid.path).reverse().slice(1)) {
        const node = nodes.get(id);
        if (node) path.push(node);
      }
      paths.set(grid.id, path);
    }
    return { grid: path[0]!, path: path.slice(), nearest: null };
  }
  const nearest = index.nearest(position);
  return {
    grid: null,
    path: [],
    nearest: nearest
      ? { grid: presentGrid(nearest.grid), distanceMeters: Math.round(nearest.distanceMeters * 10) / 10 }
      : null,
  };
}

/** Answers a locate request: any actor holding routing.use may locate any point (geography only). */
export async function locateFor(
  deps: Deps,
  actor: ActorContext,
  query: TLocateQuery,
): Promise<TLocateResult> {
  if (!grantedActions(actor).includes('routing.use')) throw new AppError('FORBIDDEN');
  const [lng, lat] = query.crs === 'gcj02' ? gcj02ToWgs84([query.lng, query.lat]) : [query.lng, query.lat];
  const located = await locatePoint(deps, { lng, lat });
  if (located.grid) return { inside: true, grid: located.grid, path: located.path };
  return { inside: false, nearest: located.nearest };
}
