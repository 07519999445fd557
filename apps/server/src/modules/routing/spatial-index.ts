import Flatbush from 'flatbush';
import {
  bboxOf,
  chooseTerritoryForPoint,
  distanceToBBoxMeters,
  distanceToGeometryMeters,
  type AreaGeometry,
  type BBox,
  type Position,
} from '@huizhi/domain';

/** A grid polygon as the index holds it. */
export interface IndexedGrid {
  id: string;
  code: string;
  name: string;
  path: string;
  geometry: AreaGeometry;
  bbox: BBox;
}

/** A grid to index; the bounding box is computed when not stored. */
export type GridInput = Omit<IndexedGrid, 'bbox'> & { bbox?: BBox | null };

/** How many bounding-box neighbours the nearest-grid search measures exactly. */
const NEAREST_CANDIDATES = 24;

/**
 * An immutable flatbush index over grid polygons: bounding boxes narrow a lookup to a few candidates, the
 * exact point-in-polygon test (holes, MultiPolygons, the shared-edge rule) decides.
 */
export class SpatialIndex {
  readonly size: number;
  private readonly grids: IndexedGrid[];
  private readonly index: Flatbush | null;

  constructor(grids: readonly GridInput[]) {
    this.grids = [];
    for (const grid of grids) {
      const bbox = grid.bbox ?? bboxOf(grid.geometry);
      if (bbox) this.grids.push({ ...grid, bbox });
    }
    this.size = this.grids.length;
    if (this.size === 0) {
      this.index = null;
      return;
    }
    const index = new Flatbush(this.size);
    for (const { bbox } of this.grids) index.add(bbox[0], bbox[1], bbox[2], bbox[3]);
    index.finish();
    this.index = index;
  }

  /** The grid containing the point (the shared-edge rule picks one), or null outside every grid. */
  locate(point: Position): IndexedGrid | null {
    if (!this.index) return null;
    const hits = this.index.search(point[0], point[1], point[0], point[1]);
    if (hits.length === 0) return null;
    if (hits.length === 1) {
      const only = this.grids[hits[0]!]!;
      return chooseTerritoryForPoint(point, [only]);
    }
    return chooseTerritoryForPoint(
      point,
      hits.map((i) => this.grids[i]!),
    );
  }

  /**
   * The grid nearest to a point and the distance to its edge in metres. Candidates are the nearest
   * bounding boxes (in degrees), measured exactly; ties go to the smaller code.
   */
  nearest(point: Position): { grid: IndexedGrid; distanceMeters: number } | null {
    if (!this.index) return null;
    const candidates = this.index.neighbors(point[0], point[1], NEAREST_CANDIDATES);
    let best: { grid: IndexedGrid; distanceMeters: number } | null = null;
    for (const i of candidates) {
      const grid = this.grids[i]!;
      if (best && distanceToBBoxMeters(point, grid.bbox) > best.distanceMeters) continue;
      const distanceMeters = distanceToGeometryMeters(point, grid.geometry);
      if (
        !best ||
        distanceMeters < best.distanceMeters ||
        (distanceMeters === best.distanceMeters && grid.code < best.grid.code)
      )
        best = { grid, distanceMeters };
    }
    return best;
  }
}
