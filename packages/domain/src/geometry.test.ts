import { describe, expect, it } from 'vitest';
import {
  bboxOf,
  checkGeometry,
  chooseTerritoryForPoint,
  distanceToGeometryMeters,
  findOverlaps,
  mergeGeometries,
  placePoint,
  pointInGeometry,
  repairGeometry,
  type AreaGeometry,
  type Position,
  type Ring,
} from './geometry.ts';

const square = (x0: number, y0: number, size: number): Ring => [
  [x0, y0],
  [x0 + size, y0],
  [x0 + size, y0 + size],
  [x0, y0 + size],
  [x0, y0],
];
const polygon = (...rings: Ring[]): AreaGeometry => ({ type: 'Polygon', coordinates: rings });

// A 10×10 square with a 2×2 hole in its middle.
const withHole = polygon(square(0, 0, 10), square(4, 4, 2));
// Two separate squares as one territory.
const twoParts: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] };

describe('placing a point', () => {
  it.each([
    [[1, 1], 'inside'],
    [[5, 5], 'outside'], // in the hole
    [[4, 5], 'boundary'], // on the hole's edge
    [[6, 6], 'boundary'], // the hole's corner
    [[0, 5], 'boundary'], // the outer edge
    [[10, 10], 'boundary'], // a corner
    [[10.000_001, 5], 'outside'],
    [[9.999_999, 5], 'inside'],
    [[-1, -1], 'outside'],
  ] as [Position, string][])('%j in a polygon with a hole is %s', (point, expected) => {
    expect(placePoint(point, withHole)).toBe(expected);
  });

  it.each([
    [[0.5, 0.5], true],
    [[5.5, 5.5], true],
    [[3, 3], false], // between the parts
    [[6, 6], true], // a corner of the second part
  ] as [Position, boolean][])('%j in a two-part MultiPolygon: %s', (point, expected) => {
    expect(pointInGeometry(point, twoParts)).toBe(expected);
  });
});

describe('the shared-edge rule', () => {
  const west = { code: 'G02', geometry: polygon(square(0, 0, 1)) };
  const east = { code: 'G01', geometry: polygon(square(1, 0, 1)) };
  const north = { code: 'G00', geometry: polygon(square(0, 1, 1)) };

  it('gives a point on a shared edge to the grid with the smallest code, whatever the order', () => {
    expect(chooseTerritoryForPoint([1, 0.5], [west, east])?.code).toBe('G01');
    expect(chooseTerritoryForPoint([1, 0.5], [east, west])?.code).toBe('G01');
  });

  it('gives a shared corner to the smallest code', () => {
    expect(chooseTerritoryForPoint([1, 1], [west, east, north])?.code).toBe('G00');
  });

  it('prefers a grid holding the point strictly inside over one it only touches', () => {
    const overlapping = { code: 'A', geometry: polygon(square(0.5, 0, 1)) }; // the point is inside it
    expect(chooseTerritoryForPoint([1, 0.5], [west, east, overlapping])?.code).toBe('A');
  });

  it('answers null outside every grid', () => {
    expect(chooseTerritoryForPoint([5, 5], [west, east, north])).toBeNull();
  });
});

describe('distance and bounding box', () => {
  it('is zero inside and on the edge, and measures to the nearest edge outside', () => {
    const grid = polygon(square(116.4, 39.9, 0.01));
    expect(distanceToGeometryMeters([116.405, 39.905], grid)).toBe(0);
    expect(distanceToGeometryMeters([116.4, 39.905], grid)).toBe(0);
    // 0.001° of latitude ≈ 111.2 m.
    expect(distanceToGeometryMeters([116.405, 39.899], grid)).toBeCloseTo(111.19, 0);
    // 0.001° of longitude at 39.9° ≈ 85.3 m.
    expect(distanceToGeometryMeters([116.399, 39.905], grid)).toBeCloseTo(85.3, 0);
  });

  it('measures from inside a hole to the hole edge', () => {
    expect(distanceToGeometryMeters([5, 5], withHole)).toBeGreaterThan(0);
  });

  it('computes the bbox of a MultiPolygon', () => {
    expect(bboxOf(twoParts)).toEqual([0, 0, 6, 6]);
  });
});

describe('checking untrusted geometry', () => {
  it.each([
    [null, 'noCoordinates'],
    [{ type: 'Polygon', coordinates: [] }, 'noCoordinates'],
    [{ type: 'Polygon', coordinates: [[]] }, 'noCoordinates'],
    [{ type: 'Point', coordinates: [1, 2] }, 'unsupportedGeometry'],
    [
      polygon([
        [181, 0],
        [1, 0],
        [1, 1],
        [181, 0],
      ]),
      'coordinatesOutOfRange',
    ],
    [
      polygon([
        [0, -90.1],
        [1, 0],
        [1, 1],
        [0, -90.1],
      ]),
      'coordinatesOutOfRange',
    ],
    [
      polygon([
        [0, 0],
        [1, 'x' as unknown as number],
        [1, 1],
        [0, 0],
      ]),
      'coordinatesOutOfRange',
    ],
    [
      polygon([
        [180, 90],
        [-180, -90],
        [0, 0],
        [180, 90],
      ]),
      null,
    ],
    [polygon(square(0, 0, 1)), null],
  ])('%j → %s', (geometry, expected) => {
    expect(checkGeometry(geometry)).toBe(expected);
  });
});

describe('repairing geometry', () => {
  it('leaves a clean polygon alone', () => {
    expect(repairGeometry(withHole)).toEqual({ geometry: withHole, repairs: [] });
  });

  it('drops repeated points and closes an open ring, and says so', () => {
    const { geometry, repairs } = repairGeometry(
      polygon([
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ]),
    );
    expect(repairs.sort()).toEqual(['repeatedPointRemoved', 'ringClosed']);
    expect(geometry).toEqual(polygon(square(0, 0, 1)));
  });

  it('splits a bow-tie into two simple polygons', () => {
    const { geometry, repairs } = repairGeometry(
      polygon([
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ]),
    );
    expect(repairs).toEqual(['selfIntersectionSplit']);
    expect(geometry?.type).toBe('MultiPolygon');
    expect(geometry?.type === 'MultiPolygon' && geometry.coordinates).toHaveLength(2);
    expect(pointInGeometry([1.5, 1], geometry!)).toBe(true);
    expect(pointInGeometry([0.5, 1], geometry!)).toBe(true);
  });

  it('drops a degenerate ring, leaving nothing when it was the only one', () => {
    const result = repairGeometry(
      polygon([
        [0, 0],
        [1, 1],
        [0, 0],
      ]),
    );
    expect(result).toEqual({ geometry: null, repairs: ['degenerateRingDropped'] });
  });

  it('merges the parts of one code into a MultiPolygon', () => {
    expect(mergeGeometries([polygon(square(0, 0, 1)), polygon(square(5, 5, 1))])).toEqual(twoParts);
    expect(mergeGeometries([withHole])).toEqual(withHole);
    expect(mergeGeometries([])).toBeNull();
  });
});

describe('sibling overlaps', () => {
  const a = { code: 'A', geometry: polygon(square(116.4, 39.9, 0.01)) };
  const touching = { code: 'B', geometry: polygon(square(116.41, 39.9, 0.01)) };
  const halfOver = { code: 'C', geometry: polygon(square(116.405, 39.9, 0.01)) };
  const sliver = { code: 'D', geometry: polygon(square(116.4099, 39.9, 0.01)) }; // 1 % of A

  it('reports overlaps beyond the tolerance as a share of the smaller area', () => {
    const reports = findOverlaps([touching, a, halfOver], 0.01);
    expect(reports.map((r) => [r.code, r.otherCode])).toEqual([
      ['A', 'C'],
      ['B', 'C'],
    ]);
    expect(reports[0]!.share).toBeCloseTo(0.5, 2);
  });

  it('ignores touching edges and slivers within the tolerance', () => {
    expect(findOverlaps([a, touching], 0)).toEqual([]);
    expect(findOverlaps([a, sliver], 0.02)).toEqual([]);
    expect(findOverlaps([a, sliver], 0.005)).toHaveLength(1);
  });
});
