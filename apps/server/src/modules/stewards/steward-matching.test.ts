import { describe, expect, it } from 'vitest';
import type { PolygonGeometry } from '@huizhi/domain';
import { StewardPostIndex, chainOf, pickDeepestPost, type MatchablePost } from './steward-matching.ts';

// A street /c/d/s/ with a community /c/d/s/m/ and its grids g1 and g2.
const STREET = '/c/d/s/';
const COMMUNITY = '/c/d/s/m/';
const G1 = '/c/d/s/m/g1/';
const G2 = '/c/d/s/m/g2/';

const square = (x0: number, y0: number, x1: number, y1: number): PolygonGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

const post = (
  id: string,
  level: MatchablePost['level'],
  territoryPath: string,
  parentId: string | null,
  geometry: PolygonGeometry | null = null,
): MatchablePost => ({ id, level, territoryPath, parentId, geometry });

const street = post('street', 'street', STREET, null);
const area = post('area', 'area', COMMUNITY, 'street');
const lane = post('lane', 'lane', COMMUNITY, 'area');
const yardWithOutline = post('yard-a', 'courtyard', G1, 'lane', square(0, 0, 10, 10));
const yardWholeGrid = post('yard-b', 'courtyard', G2, 'lane');
const posts = [street, area, lane, yardWithOutline, yardWholeGrid];
const index = new StewardPostIndex(posts);

const at = (territoryPath: string, lng: number | null = null, lat: number | null = null) => ({
  territoryPath,
  lng,
  lat,
});

describe('matching an appeal to the deepest steward post', () => {
  it.each([
    ['a point inside the courtyard outline', at(G1, 5, 5), 'yard-a'],
    ['a point on the outline edge (edges count as inside)', at(G1, 10, 5), 'yard-a'],
    ['a point on an outline corner', at(G1, 0, 0), 'yard-a'],
    ['a point just outside the outline: the lane, not the courtyard', at(G1, 10.0001, 5), 'lane'],
    ['no point in the grid of the outlined courtyard (the outline cannot be checked)', at(G1), 'yard-a'],
    ['a courtyard holding a whole grid, with a point', at(G2, 500, 500), 'yard-b'],
    ['a courtyard holding a whole grid, without a point', at(G2), 'yard-b'],
    ['a building inside that grid', at(`${G2}b7/`), 'yard-b'],
    [
      'the community itself: the lane (deeper level than the area on the same territory)',
      at(COMMUNITY),
      'lane',
    ],
    ['another community of the street: the street steward', at('/c/d/s/other/g9/', 1, 1), 'street'],
  ])('%s', (_, appeal, expected) => {
    expect(index.match(appeal)?.id).toBe(expected);
    expect(pickDeepestPost(posts, appeal)?.id).toBe(expected);
  });

  it('finds no post for an appeal outside every street with posts, or located only in the city', () => {
    expect(index.match(at('/c/d/other-street/m/g/', 5, 5))).toBeNull();
    expect(index.match(at('/c/'))).toBeNull();
    // A street path that only shares a prefix of characters is another street.
    expect(index.match(at('/c/d/s2/m/g/'))).toBeNull();
  });

  it('prefers a checked outline to a post without one, and a post without one to an unchecked outline', () => {
    const plain = post('yard-plain', 'courtyard', G1, 'lane');
    const both = [yardWithOutline, plain];
    expect(pickDeepestPost(both, at(G1, 5, 5))?.id).toBe('yard-a');
    expect(pickDeepestPost(both, at(G1, 50, 50))?.id).toBe('yard-plain');
    expect(pickDeepestPost(both, at(G1))?.id).toBe('yard-plain');
  });

  it('prefers the deeper territory at the same level, then the smaller id', () => {
    const shallow = post('z-shallow', 'courtyard', COMMUNITY, 'lane');
    const deep = post('z-deep', 'courtyard', G1, 'lane');
    expect(pickDeepestPost([shallow, deep], at(G1))?.id).toBe('z-deep');
    const twinA = post('twin-a', 'courtyard', G2, 'lane');
    const twinB = post('twin-b', 'courtyard', G2, 'lane');
    expect(pickDeepestPost([twinB, twinA], at(G2))?.id).toBe('twin-a');
    expect(pickDeepestPost([twinA, twinB], at(G2))?.id).toBe('twin-a');
  });

  it('picks two overlapping outlines by id, the same on every server', () => {
    const left = post('o-left', 'courtyard', G1, 'lane', square(0, 0, 6, 6));
    const right = post('o-right', 'courtyard', G1, 'lane', square(4, 4, 10, 10));
    expect(pickDeepestPost([right, left], at(G1, 5, 5))?.id).toBe('o-left');
    expect(pickDeepestPost([right, left], at(G1, 8, 8))?.id).toBe('o-right');
  });
});

describe('the chain of a post', () => {
  it('runs from the post up to the street steward', () => {
    expect(index.chainOf(yardWithOutline).map((p) => p.id)).toEqual(['yard-a', 'lane', 'area', 'street']);
    expect(index.chainOf(street).map((p) => p.id)).toEqual(['street']);
  });

  it('stops at a missing parent and never loops', () => {
    const orphan = post('orphan', 'lane', COMMUNITY, 'gone');
    expect(chainOf(orphan, () => undefined).map((p) => p.id)).toEqual(['orphan']);
    const a = post('a', 'lane', COMMUNITY, 'b');
    const b = post('b', 'area', COMMUNITY, 'a');
    const byId = new Map([a, b].map((p) => [p.id, p]));
    expect(chainOf(a, (id) => byId.get(id)).map((p) => p.id)).toEqual(['a', 'b']);
  });
});
