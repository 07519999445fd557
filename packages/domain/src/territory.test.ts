import { describe, expect, it } from 'vitest';
import { buildTerritoryPath, canNest, isOverlappingPath, isWithinPath, pathIds } from './territory.ts';

describe('territory paths', () => {
  it('builds paths from the parent path', () => {
    expect(buildTerritoryPath(null, 'a')).toBe('/a/');
    expect(buildTerritoryPath('/a/', 'b')).toBe('/a/b/');
    expect(() => buildTerritoryPath('/a/', 'b/c')).toThrow();
  });

  it.each([
    ['/a/b/', '/a/', true],
    ['/a/', '/a/', true],
    ['/a/', '/a/b/', false],
    ['/ab/', '/a/', false],
  ])('isWithinPath(%s, %s) = %s', (path, ancestor, expected) => {
    expect(isWithinPath(path, ancestor)).toBe(expected);
  });

  it('finds overlap in either direction', () => {
    expect(isOverlappingPath('/a/', '/a/b/')).toBe(true);
    expect(isOverlappingPath('/a/b/', '/a/')).toBe(true);
    expect(isOverlappingPath('/a/b/', '/a/c/')).toBe(false);
  });

  it('splits a path into ids', () => {
    expect(pathIds('/a/b/c/')).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['city', 'district', true],
    ['street', 'community', true],
    ['community', 'building', true],
    ['grid', 'grid', false],
    ['grid', 'street', false],
  ] as const)('canNest(%s, %s) = %s', (parent, child, expected) => {
    expect(canNest(parent, child)).toBe(expected);
  });
});
