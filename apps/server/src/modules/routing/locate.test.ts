import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { placePoint, wgs84ToGcj02, type AreaGeometry, type Position } from '@huizhi/domain';
import { buildApp } from '../../app.ts';
import type { Deps } from '../../context.ts';
import { territories } from '../../db/schema.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  openTestDatabase,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { locatePoint } from './locate.service.ts';
import { SpatialIndex } from './spatial-index.ts';

let t: TestContext;
let dispatcher: Session;
let grids: { id: string; code: string; geometry: AreaGeometry }[];

async function locate(session: Session, lng: number, lat: number, crs = 'wgs84', app = t.app) {
  return call(app, session, 'GET', `/api/v1/routing/locate?lng=${lng}&lat=${lat}&crs=${crs}`);
}

/** The mean of a polygon's corners: inside for the demo's convex cells. */
function centreOf(geometry: AreaGeometry): Position {
  const ring = (geometry as { coordinates: Position[][] }).coordinates[0]!.slice(0, -1);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await loginAs(t.app, 'dispatcher');
  grids = (
    await t.deps.database.db
      .select({ id: territories.id, code: territories.code, geometry: territories.geometry })
      .from(territories)
      .where(eq(territories.level, 'grid'))
  ).map((g) => ({ ...g, geometry: g.geometry as AreaGeometry }));
});
afterAll(async () => t.close());

describe('locate', () => {
  it('finds the grid of a point and its path up to the city, anywhere in the city', async () => {
    const grid = grids.find((g) => g.code === '990102001001G01')!; // in another district than the dispatcher's
    const [lng, lat] = centreOf(grid.geometry);
    const response = await locate(dispatcher, lng, lat);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.inside).toBe(true);
    expect(body.grid).toEqual({ id: grid.id, code: grid.code, name: expect.any(String), level: 'grid' });
    expect(body.path.map((p: { level: string }) => p.level)).toEqual([
      'grid',
      'community',
      'street',
      'district',
      'city',
    ]);
    expect(body.path.map((p: { code: string }) => p.code)).toEqual([
      '990102001001G01',
      '990102001001',
      '990102001000',
      '990102000000',
      '990100000000',
    ]);
    expect(Object.keys(body.path[1]).sort()).toEqual(['code', 'id', 'level', 'name']);
  });

  it('decides a point on a shared corner for the smallest code, the same every time', async () => {
    const corner = (
      grids.find((g) => g.code === '990101001001G02')!.geometry as { coordinates: Position[][] }
    ).coordinates[0]![0]!;
    const touching = grids
      .filter((g) => placePoint(corner, g.geometry) !== 'outside')
      .map((g) => g.code)
      .sort();
    expect(touching.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 3; i++) {
      const located = await locatePoint(t.deps, { lng: corner[0], lat: corner[1] });
      expect(located.grid?.code).toBe(touching[0]);
    }
  });

  it('answers "outside every grid" with the nearest grid and its distance', async () => {
    const response = await locate(dispatcher, 116.2, 39.9);
    const body = response.json();
    expect(body.inside).toBe(false);
    // The city's west edge is at 116.3: 0.1° of longitude at 39.9° ≈ 8.53 km.
    expect(body.nearest.distanceMeters).toBeGreaterThan(8400);
    expect(body.nearest.distanceMeters).toBeLessThan(8600);
    expect(body.nearest.grid.level).toBe('grid');
  });

  it('accepts GCJ-02 input', async () => {
    const grid = grids.find((g) => g.code === '990101002003G03')!;
    const [lng, lat] = wgs84ToGcj02(centreOf(grid.geometry));
    expect((await locate(dispatcher, lng, lat, 'gcj02')).json().grid.code).toBe(grid.code);
  });

  it('needs routing.use and valid coordinates', async () => {
    const resident = await loginAs(t.app, 'resident');
    const refused = await locate(resident, 116.4, 39.9);
    expect(refused.statusCode).toBe(403);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect((await locate(dispatcher, 200, 39.9)).statusCode).toBe(400);
    expect((await call(t.app, null, 'GET', '/api/v1/routing/locate?lng=116.4&lat=39.9')).statusCode).toBe(
      401,
    );
  });

  it('sees an import made through another server instance', async () => {
    const database = await openTestDatabase();
    const deps2: Deps = { ...t.deps, database };
    const app2 = await buildApp(deps2);
    await app2.ready();
    try {
      const session2 = await loginAs(app2, 'dispatcher');
      expect((await locate(session2, 116.905, 39.905, 'wgs84', app2)).json().inside).toBe(false);
      const admin = await loginAs(t.app, 'admin');
      const body = JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: '远郊网格', code: 'FAR-G1', level: 'grid', parentCode: '990101001001' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [116.9, 39.9],
                  [116.91, 39.9],
                  [116.91, 39.91],
                  [116.9, 39.91],
                  [116.9, 39.9],
                ],
              ],
            },
          },
        ],
      });
      const imported = await call(t.app, admin, 'POST', '/api/v1/territories/import?format=geojson', body, {
        'content-type': 'application/json',
      });
      expect(imported.statusCode).toBe(200);
      // The importing instance sees it at once; the other within its one-second check.
      expect((await locate(dispatcher, 116.905, 39.905)).json().grid.code).toBe('FAR-G1');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const seen = (await locate(session2, 116.905, 39.905, 'wgs84', app2)).json();
      expect(seen).toMatchObject({ inside: true, grid: { code: 'FAR-G1' } });
      expect(seen.path[1].code).toBe('990101001001');
    } finally {
      await app2.close();
      await database.close();
    }
  });
});

describe('the spatial index', () => {
  it('handles an empty index, holes and MultiPolygons', () => {
    expect(new SpatialIndex([]).locate([0, 0])).toBeNull();
    expect(new SpatialIndex([]).nearest([0, 0])).toBeNull();
    const index = new SpatialIndex([
      {
        id: 'a',
        code: 'A',
        name: 'A',
        path: '/a/',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [10, 0],
              [10, 10],
              [0, 10],
              [0, 0],
            ],
            [
              [4, 4],
              [6, 4],
              [6, 6],
              [4, 6],
              [4, 4],
            ],
          ],
        },
      },
      {
        id: 'b',
        code: 'B',
        name: 'B',
        path: '/b/',
        geometry: {
          type: 'MultiPolygon',
          coordinates: [
            [
              [
                [4.5, 4.5],
                [5.5, 4.5],
                [5.5, 5.5],
                [4.5, 5.5],
                [4.5, 4.5],
              ],
            ],
            [
              [
                [20, 0],
                [21, 0],
                [21, 1],
                [20, 1],
                [20, 0],
              ],
            ],
          ],
        },
      },
    ]);
    expect(index.locate([1, 1])?.code).toBe('A');
    expect(index.locate([5, 5])?.code).toBe('B'); // in A's hole, inside B's first part
    expect(index.locate([4.2, 4.2])).toBeNull(); // in A's hole, outside B
    expect(index.locate([20.5, 0.5])?.code).toBe('B');
    expect(index.nearest([16, 0.5])?.grid.code).toBe('B');
  });
});
