/**
 * Plane geometry of territory boundaries (GeoJSON, WGS84 longitude/latitude in degrees).
 * Invariants: a stored geometry is a Polygon or MultiPolygon whose rings are closed, have at least four
 * positions, no repeated consecutive positions and no self-intersections; a point on a ring's edge is
 * "on the boundary" and belongs to exactly one grid: the candidate with the smallest code
 * (`chooseTerritoryForPoint`). Distances are metres on a local equirectangular projection, good to
 * well under a metre at the scale of a city.
 */
import turfArea from '@turf/area';
import turfIntersect from '@turf/intersect';
import turfKinks from '@turf/kinks';
import turfUnkink from '@turf/unkink-polygon';

export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;
/** [west, south, east, north]. */
export type BBox = [number, number, number, number];

export interface GeoFeature<P = Record<string, unknown>> {
  type: 'Feature';
  properties: P;
  geometry: AreaGeometry | null;
}
export interface GeoFeatureCollection<P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: GeoFeature<P>[];
}

/** Mean earth radius (IUGG), metres. */
export const EARTH_RADIUS_METERS = 6_371_008.8;

/** Returns the polygons of a geometry, each as its list of rings (outer ring first, then holes). */
export function polygonsOf(geometry: AreaGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export type PointPlace = 'inside' | 'boundary' | 'outside';

/** Tells whether (x, y) lies on the segment a–b (exactly, in floating point). */
function isOnSegment(x: number, y: number, a: Position, b: Position): boolean {
  const cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
  if (cross !== 0) return false;
  return (
    x >= Math.min(a[0], b[0]) &&
    x <= Math.max(a[0], b[0]) &&
    y >= Math.min(a[1], b[1]) &&
    y <= Math.max(a[1], b[1])
  );
}

/** Places a point against one closed ring by ray casting, reporting points on an edge as the boundary. */
export function placePointInRing(point: Position, ring: Ring): PointPlace {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (isOnSegment(x, y, a, b)) return 'boundary';
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

/** Places a point against a Polygon or MultiPolygon with holes: inside, on an edge, or outside. */
export function placePoint(point: Position, geometry: AreaGeometry): PointPlace {
  let result: PointPlace = 'outside';
  for (const rings of polygonsOf(geometry)) {
    const outer = rings[0];
    if (!outer) continue;
    const place = placePointInRing(point, outer);
    if (place === 'outside') continue;
    let inHole: PointPlace = 'outside';
    for (let h = 1; h < rings.length; h++) {
      const holePlace = placePointInRing(point, rings[h]!);
      if (holePlace !== 'outside') {
        inHole = holePlace;
        break;
      }
    }
    if (inHole === 'inside') continue;
    if (place === 'inside' && inHole === 'outside') return 'inside';
    result = 'boundary';
  }
  return result;
}

/** Returns true when the point lies in the geometry or on its boundary (holes excluded). */
export function pointInGeometry(point: Position, geometry: AreaGeometry): boolean {
  return placePoint(point, geometry) !== 'outside';
}

/**
 * Picks the one territory a point belongs to among candidates whose geometry contains it: one that has
 * the point strictly inside wins over ones that only touch it; ties (a shared edge or vertex, or an
 * overlap) go to the smallest code, so every server answers the same.
 */
export function chooseTerritoryForPoint<T extends { code: string; geometry: AreaGeometry }>(
  point: Position,
  candidates: readonly T[],
): T | null {
  let best: T | null = null;
  let bestInside = false;
  for (const candidate of candidates) {
    const place = placePoint(point, candidate.geometry);
    if (place === 'outside') continue;
    const inside = place === 'inside';
    if (best === null || (inside && !bestInside) || (inside === bestInside && candidate.code < best.code)) {
      best = candidate;
      bestInside = inside;
    }
  }
  return best;
}

/** Returns the bounding box of a geometry, or null when it has no positions. */
export function bboxOf(geometry: AreaGeometry): BBox | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const rings of polygonsOf(geometry))
    for (const ring of rings)
      for (const [x, y] of ring) {
        if (x < west) west = x;
        if (x > east) east = x;
        if (y < south) south = y;
        if (y > north) north = y;
      }
  return west === Infinity ? null : [west, south, east, north];
}

/** Distance in metres from a point to a segment, on a local equirectangular projection around the point. */
function segmentDistanceMeters(point: Position, a: Position, b: Position): number {
  const k = Math.cos((point[1] * Math.PI) / 180);
  const ax = (a[0] - point[0]) * k;
  const ay = a[1] - point[1];
  const bx = (b[0] - point[0]) * k;
  const by = b[1] - point[1];
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSquared));
  const px = ax + t * dx;
  const py = ay + t * dy;
  return (Math.sqrt(px * px + py * py) * Math.PI * EARTH_RADIUS_METERS) / 180;
}

/** Returns the distance in metres from a point to a geometry: 0 inside or on it, else to its nearest edge. */
export function distanceToGeometryMeters(point: Position, geometry: AreaGeometry): number {
  if (pointInGeometry(point, geometry)) return 0;
  let best = Infinity;
  for (const rings of polygonsOf(geometry))
    for (const ring of rings)
      for (let i = 1; i < ring.length; i++) {
        const d = segmentDistanceMeters(point, ring[i - 1]!, ring[i]!);
        if (d < best) best = d;
      }
  return best;
}

/** Returns the distance in metres from a point to a bounding box (0 inside), a lower bound for the geometry. */
export function distanceToBBoxMeters(point: Position, bbox: BBox): number {
  const x = Math.max(bbox[0], Math.min(point[0], bbox[2]));
  const y = Math.max(bbox[1], Math.min(point[1], bbox[3]));
  return segmentDistanceMeters(point, [x, y], [x, y]);
}

/** Returns true when a position is two finite numbers within longitude [-180, 180] and latitude [-90, 90]. */
export function isPositionInRange(position: unknown): position is Position {
  if (!Array.isArray(position) || position.length < 2) return false;
  const [x, y] = position as unknown[];
  return (
    typeof x === 'number' &&
    typeof y === 'number' &&
    Number.isFinite(x) &&
    Number.isFinite(y) &&
    x >= -180 &&
    x <= 180 &&
    y >= -90 &&
    y <= 90
  );
}

export type GeometryProblem = 'noCoordinates' | 'coordinatesOutOfRange' | 'unsupportedGeometry';

/**
 * Checks that an untrusted GeoJSON geometry is a Polygon or MultiPolygon with positions in range.
 * Returns the problem, or null when the shape is usable (it may still need `repairGeometry`).
 */
export function checkGeometry(geometry: unknown): GeometryProblem | null {
  if (geometry === null || typeof geometry !== 'object') return 'noCoordinates';
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') return 'unsupportedGeometry';
  if (!Array.isArray(coordinates)) return 'noCoordinates';
  const polygons = (type === 'Polygon' ? [coordinates] : coordinates) as unknown[];
  let positions = 0;
  for (const polygon of polygons) {
    if (!Array.isArray(polygon)) return 'noCoordinates';
    for (const ring of polygon) {
      if (!Array.isArray(ring)) return 'noCoordinates';
      for (const position of ring) {
        if (!isPositionInRange(position)) return 'coordinatesOutOfRange';
        positions++;
      }
    }
  }
  return positions === 0 ? 'noCoordinates' : null;
}

export type RepairKind =
  | 'repeatedPointRemoved'
  | 'ringClosed'
  | 'degenerateRingDropped'
  | 'selfIntersectionSplit'
  | 'extraCoordinatesDropped';

export interface RepairResult {
  /** The repaired geometry, or null when nothing usable remained. */
  geometry: AreaGeometry | null;
  repairs: RepairKind[];
}

/** Rounds a coordinate to 1e-9 degrees (0.1 mm), to keep stored numbers stable across conversions. */
export function roundCoordinate(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** Cleans one ring: 2-D positions, no repeated consecutive points, closed; null when fewer than 3 corners. */
function cleanRing(ring: number[][], repairs: Set<RepairKind>): Ring | null {
  const out: Ring = [];
  for (const position of ring) {
    if (position.length > 2) repairs.add('extraCoordinatesDropped');
    const p: Position = [position[0]!, position[1]!];
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) {
      repairs.add('repeatedPointRemoved');
      continue;
    }
    out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
    repairs.add('ringClosed');
    out.push([first[0], first[1]]);
  }
  if (out.length < 4) {
    repairs.add('degenerateRingDropped');
    return null;
  }
  return out;
}

/**
 * Repairs the usual defects of real boundary files and says what it did: drops repeated consecutive
 * points and a third coordinate, closes open rings, drops rings with fewer than three corners, and splits
 * self-intersecting polygons into simple ones (turf's unkink). Call `checkGeometry` first.
 */
export function repairGeometry(geometry: AreaGeometry): RepairResult {
  const repairs = new Set<RepairKind>();
  const polygons: Ring[][] = [];
  for (const rings of polygonsOf(geometry)) {
    const outer = rings[0] ? cleanRing(rings[0], repairs) : null;
    if (!outer) continue;
    const cleaned: Ring[] = [outer];
    for (const hole of rings.slice(1)) {
      const clean = cleanRing(hole, repairs);
      if (clean) cleaned.push(clean);
    }
    const polygon: PolygonGeometry = { type: 'Polygon', coordinates: cleaned };
    if (turfKinks(polygon).features.length > 0) {
      repairs.add('selfIntersectionSplit');
      // unkink works on rings without holes: split the outer ring, then keep each hole in the part holding it.
      const parts = turfUnkink({ type: 'Polygon', coordinates: [cleaned[0]!] }).features.map(
        (f) => f.geometry.coordinates as Ring[],
      );
      for (const hole of cleaned.slice(1)) {
        const owner = parts.find((p) => placePointInRing(hole[0]!, p[0]!) !== 'outside');
        if (owner) owner.push(hole);
      }
      polygons.push(...parts);
    } else polygons.push(cleaned);
  }
  const kinds = [...repairs];
  if (polygons.length === 0) return { geometry: null, repairs: kinds };
  if (polygons.length === 1 && geometry.type === 'Polygon')
    return { geometry: { type: 'Polygon', coordinates: polygons[0]! }, repairs: kinds };
  return { geometry: { type: 'MultiPolygon', coordinates: polygons }, repairs: kinds };
}

/** Joins the parts of one territory given as several features into one geometry (MultiPolygon if > 1). */
export function mergeGeometries(parts: readonly AreaGeometry[]): AreaGeometry | null {
  const polygons = parts.flatMap(polygonsOf);
  if (polygons.length === 0) return null;
  if (polygons.length === 1) return { type: 'Polygon', coordinates: polygons[0]! };
  return { type: 'MultiPolygon', coordinates: polygons };
}

/** Maps every position of a geometry through `convert` (used for CRS conversion). */
export function mapPositions(geometry: AreaGeometry, convert: (p: Position) => Position): AreaGeometry {
  if (geometry.type === 'Polygon')
    return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map(convert)) };
  return {
    type: 'MultiPolygon',
    coordinates: geometry.coordinates.map((rings) => rings.map((ring) => ring.map(convert))),
  };
}

/** Returns the geodesic area of a geometry in square metres. */
export function areaSquareMeters(geometry: AreaGeometry): number {
  return turfArea(geometry);
}

function bboxesOverlap(a: BBox, b: BBox): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

export interface OverlapReport {
  code: string;
  otherCode: string;
  /** The shared area as a share of the smaller of the two areas, 0–1. */
  share: number;
}

/**
 * Reports pairs of sibling territories whose areas overlap by more than `tolerance` (a share of the
 * smaller area, e.g. 0.01 = 1 %). Touching along an edge is no overlap. Pairs come with the smaller code first.
 */
export function findOverlaps(
  siblings: readonly { code: string; geometry: AreaGeometry }[],
  tolerance: number,
): OverlapReport[] {
  const items = siblings
    .map((s) => ({ ...s, bbox: bboxOf(s.geometry) }))
    .filter((s): s is typeof s & { bbox: BBox } => s.bbox !== null)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const areas = new Map<string, number>();
  const areaOf = (item: { code: string; geometry: AreaGeometry }) => {
    let area = areas.get(item.code);
    if (area === undefined) areas.set(item.code, (area = areaSquareMeters(item.geometry)));
    return area;
  };
  const reports: OverlapReport[] = [];
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (!bboxesOverlap(a.bbox, b.bbox)) continue;
      const shared = turfIntersect({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: {}, geometry: a.geometry },
          { type: 'Feature', properties: {}, geometry: b.geometry },
        ],
      });
      if (!shared) continue;
      const smaller = Math.min(areaOf(a), areaOf(b));
      if (smaller <= 0) continue;
      const share = areaSquareMeters(shared.geometry as AreaGeometry) / smaller;
      if (share > tolerance)
        reports.push({ code: a.code, otherCode: b.code, share: Math.round(share * 1e4) / 1e4 });
    }
  return reports;
}
