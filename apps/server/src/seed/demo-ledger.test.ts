import { describe, expect, it } from 'vitest';
import { SENSITIVE_TAGS } from '@huizhi/domain';
import { generateDemoCity, stableId } from './demo.ts';
import {
  fakeIdNumber,
  generateDemoLedger,
  generateGridStaff,
  generatePublishedFigures,
} from './demo-ledger.ts';

const places = generateDemoCity().territories;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

function hasValidCheck(id: string): boolean {
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

describe('demo ledger', () => {
  it('is deterministic and small', () => {
    const ledger = generateDemoLedger(places);
    expect(generateDemoLedger(places)).toEqual(ledger);
    expect(ledger.households).toHaveLength(50);
    expect(ledger.residents.length).toBeGreaterThan(100);
    expect(ledger.residents.length).toBeLessThan(200);
  });

  it('invents phones and ID numbers that cannot be real', () => {
    const { residents } = generateDemoLedger(places);
    for (const r of residents) {
      expect(r.phone).toMatch(/^138\d{8}$/);
      expect(r.idNumber).toMatch(/^990101\d{11}[0-9X]$/);
      expect(hasValidCheck(r.idNumber)).toBe(true);
    }
    expect(new Set(residents.map((r) => r.idNumber)).size).toBe(residents.length);
    expect(fakeIdNumber(1950, 3, 12, 0, true)).toMatch(/^99010119500312001[0-9X]$/);
  });

  it('tags a few residents, and only one or two per community with a sensitive tag', () => {
    const { residents } = generateDemoLedger(places);
    const sensitive = residents.filter((r) =>
      r.tags.some((t) => (SENSITIVE_TAGS as readonly string[]).includes(t)),
    );
    expect(sensitive.length).toBeGreaterThanOrEqual(2);
    expect(sensitive.length).toBeLessThanOrEqual(4);
    expect(residents.filter((r) => r.tags.includes('elderlyAlone'))).toHaveLength(10);
  });

  it('publishes 300–500 households per grid and sums them on the parents', () => {
    const figures = generatePublishedFigures(places);
    for (const place of places) {
      const own = figures.get(place.id)!;
      expect(own).toBeDefined();
      if (place.level === 'grid') {
        expect(own.households).toBeGreaterThanOrEqual(300);
        expect(own.households).toBeLessThanOrEqual(500);
      } else {
        const children = places.filter((p) => p.parentId === place.id);
        expect(own.households).toBe(children.reduce((sum, c) => sum + figures.get(c.id)!.households, 0));
      }
    }
  });

  it('staffs every grid with four current posts and links the demo grid worker', () => {
    const staff = generateGridStaff(places, {
      id: stableId('user:gridWorker'),
      name: '周网格',
      gridCode: '990101001001G01',
    });
    const grids = places.filter((p) => p.level === 'grid');
    for (const grid of grids) {
      expect(staff.filter((s) => s.gridId === grid.id && s.endsOn === null)).toHaveLength(4);
    }
    const linked = staff.filter((s) => s.userId !== null);
    expect(linked).toEqual([expect.objectContaining({ name: '周网格', position: 'gridWorker' })]);
    expect(staff.every((s) => /^0531-8\d{7}$/.test(s.phone))).toBe(true);
  });
});
