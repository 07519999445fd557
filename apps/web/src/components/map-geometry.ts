import type { TAreaGeometry } from '@huizhi/contracts';

type Position = [number, number];
type Ring = Position[];

/** Each edge of a closed ring as [previous point, point] (the last point joins the first). */
function edges(ring: readonly Position[]): [Position, Position][] {
  return ring.map((point, i) => [ring[(i === 0 ? ring.length : i) - 1]!, point]);
}

/** Twice the signed area of a ring (shoelace formula); positive when counter-clockwise. */
function doubledArea(ring: readonly Position[]): number {
  let sum = 0;
  for (const [a, b] of edges(ring)) sum += a[0] * b[1] - b[0] * a[1];
  return sum;
}

/** Returns true when the point lies inside the ring (even-odd rule). */
function isInsideRing(point: Position, ring: readonly Position[]): boolean {
  let inside = false;
  for (const [[xj, yj], [xi, yi]] of edges(ring)) {
    if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

/** Returns true when the point lies inside the polygon: in its outer ring and in none of its holes. */
function isInsidePolygon(point: Position, rings: readonly Ring[]): boolean {
  const [outer, ...holes] = rings;
  if (!outer || !isInsideRing(point, outer)) return false;
  return !holes.some((hole) => isInsideRing(point, hole));
}

/** The centroid of a ring, or its first point when the ring has no area. */
function ringCentroid(ring: readonly Position[]): Position {
  const area = doubledArea(ring);
  if (Math.abs(area) < 1e-18) return ring[0] ?? [0, 0];
  let x = 0;
  let y = 0;
  for (const [a, b] of edges(ring)) {
    const cross = a[0] * b[1] - b[0] * a[1];
    x += (a[0] + b[0]) * cross;
    y += (a[1] + b[1]) * cross;
  }
  return [x / (3 * area), y / (3 * area)];
}

/**
 * The middle of the widest stretch of the polygon on the horizontal line through y: always inside,
 * even for a C-shaped area whose centroid falls outside.
 */
function widestMiddleAt(y: number, rings: readonly Ring[]): Position | null {
  const crossings: number[] = [];
  for (const ring of rings) {
    for (const [[xj, yj], [xi, yi]] of edges(ring)) {
      if (yi > y !== yj > y) crossings.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
  }
  crossings.sort((a, b) => a - b);
  let best: Position | null = null;
  let bestWidth = -1;
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const left = crossings[i]!;
    const right = crossings[i + 1]!;
    if (right - left > bestWidth) {
      bestWidth = right - left;
      best = [(left + right) / 2, y];
    }
  }
  return best;
}

/**
 * A point inside an area, good for a label or a click: the centroid of its largest part when that is
 * inside, otherwise the middle of the widest stretch through it. Null without geometry.
 */
export function representativePoint(geometry: TAreaGeometry | null): Position | null {
  if (!geometry) return null;
  const polygons: Ring[][] =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as Ring[]]
      : (geometry.coordinates as Ring[][]).filter((p) => p.length > 0);
  let largest: Ring[] | null = null;
  let largestArea = -1;
  for (const polygon of polygons) {
    const area = Math.abs(doubledArea(polygon[0] ?? []));
    if (area > largestArea) {
      largestArea = area;
      largest = polygon;
    }
  }
  const outer = largest?.[0];
  if (!largest || !outer || outer.length === 0) return null;
  const centroid = ringCentroid(outer);
  if (isInsidePolygon(centroid, largest)) return centroid;
  return widestMiddleAt(centroid[1], largest) ?? centroid;
}
