import { describe, expect, it } from 'vitest';
import { generateDemoCity, stableId } from './demo.ts';

type Ring = [number, number][];

/** Shoelace area of a ring (planar, in squared degrees: fine for comparing tiles of one city). */
function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++)
    sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return sum / 2;
}

const outer = (geometry: object | null) => (geometry as { coordinates: Ring[] }).coordinates[0]!;

describe('demo city', () => {
  const city = generateDemoCity();
  const byLevel = (level: string) => city.territories.filter((t) => t.level === level);

  it('has the promised size', () => {
    expect(
      [byLevel('city'), byLevel('district'), byLevel('street'), byLevel('community'), byLevel('grid')].map(
        (l) => l.length,
      ),
    ).toEqual([1, 2, 6, 20, 100]);
    expect(city.units.filter((u) => u.type === 'department')).toHaveLength(10);
    expect(city.units.filter((u) => u.type === 'enterprise')).toHaveLength(2);
  });

  it('is deterministic', () => {
    expect(generateDemoCity()).toEqual(city);
    expect(stableId('x')).toBe(stableId('x'));
    expect(stableId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('tiles every parent exactly with its children: no gaps, no overlaps', () => {
    for (const parent of city.territories.filter((t) => t.level !== 'grid')) {
      const children = city.territories.filter((t) => t.parentId === parent.id);
      const parentArea = ringArea(outer(parent.geometry));
      const childArea = children.reduce((sum, child) => sum + ringArea(outer(child.geometry)), 0);
      expect(parentArea).toBeGreaterThan(0);
      expect(Math.abs(childArea - parentArea) / parentArea).toBeLessThan(1e-9);
    }
  });

  it('closes every ring and keeps counter-clockwise orientation (positive area)', () => {
    for (const grid of byLevel('grid')) {
      const ring = outer(grid.geometry);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(ringArea(ring)).toBeGreaterThan(0);
    }
  });

  it('gives unique codes and paths that nest', () => {
    expect(new Set(city.territories.map((t) => t.code)).size).toBe(city.territories.length);
    const byId = new Map(city.territories.map((t) => [t.id, t]));
    for (const node of city.territories) {
      if (node.parentId) expect(node.path.startsWith(byId.get(node.parentId)!.path)).toBe(true);
    }
  });
});
