import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, isOutsideChina, wgs84ToGcj02 } from './gcj02.ts';
import { distanceToGeometryMeters, type Position } from './geometry.ts';

/** Metres between two points (the distance of a point to a degenerate one-point "ring"). */
function metres(a: Position, b: Position): number {
  return distanceToGeometryMeters(a, { type: 'Polygon', coordinates: [[b, b, b, b]] });
}

describe('GCJ-02', () => {
  it.each([
    ['北京 天安门', [116.397_428, 39.909_23]],
    ['上海 外滩', [121.490_317, 31.241_701]],
    ['广州', [113.264_385, 23.129_112]],
    ['成都', [104.065_735, 30.659_462]],
    ['乌鲁木齐', [87.617_733, 43.792_818]],
    ['哈尔滨', [126.642_464, 45.756_967]],
    ['三亚', [109.508_268, 18.247_872]],
  ] as [string, Position][])(
    'round-trips %s to under 1 m, with the usual few hundred metres of offset',
    (_name, wgs) => {
      const gcj = wgs84ToGcj02(wgs);
      const offset = metres(wgs, gcj);
      expect(offset).toBeGreaterThan(50);
      expect(offset).toBeLessThan(1000);
      expect(metres(gcj02ToWgs84(gcj), wgs)).toBeLessThan(1);
      expect(metres(gcj02ToWgs84(gcj), wgs)).toBeLessThan(0.01);
    },
  );

  it('matches a published reference value (Tiananmen)', () => {
    const [lng, lat] = wgs84ToGcj02([116.391_349, 39.907_375]);
    expect(lng).toBeCloseTo(116.397_59, 3);
    expect(lat).toBeCloseTo(39.908_78, 3);
  });

  it.each([
    [[-0.1276, 51.5072], true], // London
    [[139.6917, 35.6895], true], // Tokyo, east of the box
    [[72.003, 30], true], // just west of the box
    [[72.005, 30], false],
    [[116.4, 55.8272], true], // just north
    [[116.4, 55.827], false],
  ] as [Position, boolean][])('treats %j as outside China: %s, leaving it unchanged', (point, outside) => {
    expect(isOutsideChina(point)).toBe(outside);
    if (outside) {
      expect(wgs84ToGcj02(point)).toEqual(point);
      expect(gcj02ToWgs84(point)).toEqual(point);
    } else expect(wgs84ToGcj02(point)).not.toEqual(point);
  });
});
