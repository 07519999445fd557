import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { wgs84ToGcj02, type Position, type Ring } from '@huizhi/domain';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildTerritory, buildUser, territoryByCode } from '../../../test/factories.ts';
import { auditLog, changeCounters, territories, territoryImports } from '../../db/schema.ts';
import { importTerritories } from './territory-import.service.ts';

let t: TestContext;
let admin: Session;

const HEPING = '990101001000'; // 和平街道
const ANDING_DONGHU = '990101002001'; // a community of 安定街道

// New areas east of the demo city (116.3–116.5), so they overlap nothing.
const square = (x0: number, y0: number, size: number): Ring => [
  [x0, y0],
  [x0 + size, y0],
  [x0 + size, y0 + size],
  [x0, y0 + size],
  [x0, y0],
];
const feature = (properties: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({
  type: 'Feature',
  properties,
  geometry: coordinates === null ? null : { type, coordinates },
});
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

function importFile(session: Session, body: string, query: string, contentType = 'application/json') {
  return call(t.app, session, 'POST', `/api/v1/territories/import?${query}`, body, {
    'content-type': contentType,
  });
}

async function snapshot() {
  const { db } = t.deps.database;
  return {
    territories: await db.select().from(territories).orderBy(asc(territories.id)),
    counters: await db.select().from(changeCounters),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => t.close());

describe('territory import', () => {
  it('imports a community with a holed grid and a two-part grid, and bumps the spatial counter', async () => {
    const body = collection(
      feature({ name: '新湖社区', code: 'X-C1', level: 'community', parentCode: HEPING }, [
        square(116.6, 39.9, 0.02),
      ]),
      feature({ name: '新湖一网格', code: 'X-C1-G1', level: 'grid', parentCode: 'X-C1' }, [
        square(116.6, 39.9, 0.01),
        square(116.603, 39.903, 0.004),
      ]),
      // Two features with one code: the parts of one MultiPolygon.
      feature({ name: '新湖二网格', code: 'X-C1-G2', level: 'grid', parentCode: 'X-C1' }, [
        square(116.61, 39.9, 0.005),
      ]),
      feature({ name: '新湖二网格', code: 'X-C1-G2', level: 'grid', parentCode: 'X-C1' }, [
        square(116.61, 39.91, 0.005),
      ]),
    );
    const response = await importFile(admin, body, 'format=geojson&crs=wgs84');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      applied: true,
      dryRun: false,
      created: 3,
      updated: 0,
      refused: [],
      repaired: [],
      overlaps: [],
    });
    const grid2 = await t.deps.database.db.select().from(territories).where(eq(territories.code, 'X-C1-G2'));
    expect(grid2[0]!.geometry).toMatchObject({ type: 'MultiPolygon' });
    expect(grid2[0]!.bbox).toEqual([116.61, 39.9, 116.615, 39.915]);
    const street = await territoryByCode(t.deps, HEPING);
    const community = await territoryByCode(t.deps, 'X-C1');
    expect(community.path.startsWith(street.path)).toBe(true);
    const [counter] = await t.deps.database.db
      .select()
      .from(changeCounters)
      .where(eq(changeCounters.name, 'spatial'));
    expect(counter).toMatchObject({ name: 'spatial', version: 1 });
    const imports = await t.deps.database.db.select().from(territoryImports);
    expect(imports.at(-1)).toMatchObject({ applied: true, format: 'geojson', crs: 'wgs84' });
    const audit = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'territory.import'));
    expect(audit).toHaveLength(1);
  });

  it('changes nothing when one feature is bad, and lists every refusal', async () => {
    const before = await snapshot();
    const body = collection(
      feature({ name: '好网格', code: 'X-C1-G3', level: 'grid', parentCode: 'X-C1' }, [
        square(116.62, 39.9, 0.005),
      ]),
      feature({ name: '越界', code: 'X-C1-G4', level: 'grid', parentCode: 'X-C1' }, [
        square(190, 39.9, 0.005),
      ]),
      feature({ name: '无坐标', code: 'X-C1-G5', level: 'grid', parentCode: 'X-C1' }, null),
      feature({ name: '孤儿', code: 'X-C9-G1', level: 'grid', parentCode: 'NO-SUCH' }, [
        square(116.63, 39.9, 0.005),
      ]),
      feature({ name: '两级', code: 'X-C1-G6', level: 'grid', parentCode: 'X-C1' }, [
        square(116.64, 39.9, 0.005),
      ]),
      feature({ name: '两级', code: 'X-C1-G6', level: 'building', parentCode: 'X-C1' }, [
        square(116.64, 39.9, 0.005),
      ]),
      feature({ name: '倒挂', code: 'X-D1', level: 'district', parentCode: 'X-C1' }, [
        square(116.65, 39.9, 0.005),
      ]),
    );
    const response = await importFile(admin, body, 'format=geojson');
    expect(response.statusCode).toBe(422);
    expect(errorCode(response)).toBe('TERRITORY_IMPORT_REFUSED');
    const report = response.json().error.details;
    expect(report.applied).toBe(false);
    expect(report.refused.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual([
      [1, 'coordinatesOutOfRange'],
      [2, 'noCoordinates'],
      [3, 'unknownParent'],
      [5, 'codeAtTwoLevels'],
      [6, 'levelNotBelowParent'],
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('dry-runs without writing', async () => {
    const before = await snapshot();
    const body = collection(
      feature({ name: '试运行', code: 'X-C1-G7', level: 'grid', parentCode: 'X-C1' }, [
        square(116.66, 39.9, 0.005),
      ]),
    );
    const response = await importFile(admin, body, 'format=geojson&dryRun=true');
    expect(response.json()).toMatchObject({ applied: false, dryRun: true, created: 1 });
    expect(await snapshot()).toEqual(before);
  });

  it('repairs repeated points, open rings and bow-ties, and reports sibling overlaps', async () => {
    const body = collection(
      feature({ name: '修复网格', code: 'X-C1-G8', level: 'grid', parentCode: 'X-C1' }, [
        [
          [116.6, 39.95],
          [116.605, 39.95],
          [116.605, 39.95],
          [116.605, 39.955],
          [116.6, 39.955],
        ],
      ]),
      feature({ name: '蝴蝶网格', code: 'X-C1-G9', level: 'grid', parentCode: 'X-C1' }, [
        [
          [116.61, 39.95],
          [116.62, 39.96],
          [116.62, 39.95],
          [116.61, 39.96],
          [116.61, 39.95],
        ],
      ]),
      // Half over the existing grid X-C1-G1 (116.6–116.61): reported, not refused.
      feature({ name: '重叠网格', code: 'X-C1-G10', level: 'grid', parentCode: 'X-C1' }, [
        square(116.605, 39.9, 0.01),
      ]),
    );
    const response = await importFile(admin, body, 'format=geojson');
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.repaired).toEqual(
      expect.arrayContaining([
        { code: 'X-C1-G8', what: 'repeatedPointRemoved' },
        { code: 'X-C1-G8', what: 'ringClosed' },
        { code: 'X-C1-G9', what: 'selfIntersectionSplit' },
      ]),
    );
    expect(report.overlaps).toEqual([
      { code: 'X-C1-G1', otherCode: 'X-C1-G10', share: expect.closeTo(0.46, 1) },
      { code: 'X-C1-G10', otherCode: 'X-C1-G2', share: expect.closeTo(0.5, 1) },
    ]);
  });

  it('converts GCJ-02 input to WGS84', async () => {
    const wgs = square(116.7, 39.9, 0.01);
    const gcj = wgs.map((p) => wgs84ToGcj02(p));
    const body = collection(
      feature({ name: '火星网格', code: 'X-C1-G11', level: 'grid', parentCode: 'X-C1' }, [gcj]),
    );
    expect((await importFile(admin, body, 'format=geojson&crs=gcj02')).statusCode).toBe(200);
    const [row] = await t.deps.database.db.select().from(territories).where(eq(territories.code, 'X-C1-G11'));
    const stored = (row!.geometry as { coordinates: Position[][] }).coordinates[0]!;
    stored.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(wgs[i]![0], 7);
      expect(p[1]).toBeCloseTo(wgs[i]![1], 7);
    });
  });

  it('imports the tree from CSV, moves a grid with its buildings, and refuses unknown parents', async () => {
    // Move a demo grid that has buildings into a new community.
    const { db } = t.deps.database;
    const movingGrid = await territoryByCode(t.deps, '990101001001G01');
    await buildTerritory(t.deps, { level: 'building', parent: movingGrid });
    await buildTerritory(t.deps, { level: 'building', parent: movingGrid });
    const [moving] = await db.select().from(territories).where(eq(territories.id, movingGrid.id));
    const csv = [
      'name,code,level,parentCode',
      '新河社区,X-C2,community,990101001000',
      `"${moving!.name}",${moving!.code},grid,X-C2`,
    ].join('\n');
    const response = await importFile(admin, csv, 'format=csv', 'text/csv');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ created: 1, updated: 1, refused: [] });
    const community = await territoryByCode(t.deps, 'X-C2');
    const grid = await territoryByCode(t.deps, moving!.code);
    expect(grid.path).toBe(`${community.path}${grid.id}/`);
    const buildings = await t.deps.database.db
      .select()
      .from(territories)
      .where(eq(territories.parentId, grid.id));
    expect(buildings).toHaveLength(2);
    for (const b of buildings) expect(b.path).toBe(`${grid.path}${b.id}/`);
    // The grid kept its polygon: CSV carries no geometry.
    const [gridRow] = await t.deps.database.db.select().from(territories).where(eq(territories.id, grid.id));
    expect(gridRow!.geometry).not.toBeNull();

    const bad = await importFile(
      admin,
      'name,code,level,parentCode\n无父,X-C3,community,NOPE\n',
      'format=csv',
      'text/csv',
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.refused).toEqual([
      { index: 0, code: 'X-C3', reason: 'unknownParent', message: expect.any(String) },
    ]);
  });

  it('round-trips an export through the import without changing anything', async () => {
    for (const format of ['geojson', 'csv'] as const) {
      const exported = await call(t.app, admin, 'GET', `/api/v1/territories/export?format=${format}`);
      expect(exported.statusCode).toBe(200);
      const before = await snapshot();
      const response = await importFile(
        admin,
        exported.body,
        `format=${format}`,
        format === 'csv' ? 'text/csv' : 'application/json',
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ created: 0, updated: 0, refused: [] });
      expect(await snapshot()).toEqual(before);
    }
    const csv = (await call(t.app, admin, 'GET', '/api/v1/territories/export?format=csv')).body;
    expect(csv.split('\n')[0]).toBe('name,code,level,parentCode');
    expect(csv).toContain('和平街道,990101001000,street,990101000000');
  });

  it('keeps a street admin to their street, and others out', async () => {
    const heping = await territoryByCode(t.deps, HEPING);
    const streetAdmin = await buildUser(t.deps, { role: 'admin', territory: heping });
    const session = await loginAs(t.app, streetAdmin.username, streetAdmin.password);
    const intoOther = collection(
      feature({ name: '越权网格', code: 'X-O-G1', level: 'grid', parentCode: ANDING_DONGHU }, [
        square(116.8, 39.9, 0.005),
      ]),
    );
    const refused = await importFile(session, intoOther, 'format=geojson');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.refused[0]).toMatchObject({ reason: 'unknownParent' });
    const newRoot = collection(
      feature({ name: '新市', code: 'X-CITY', level: 'city' }, [square(116.9, 39.9, 0.1)]),
    );
    expect(
      (await importFile(session, newRoot, 'format=geojson')).json().error.details.refused[0],
    ).toMatchObject({
      reason: 'forbidden',
    });
    const own = collection(
      feature({ name: '本街网格', code: 'X-H-G1', level: 'grid', parentCode: '990101001002' }, [
        square(116.8, 39.95, 0.005),
      ]),
    );
    expect((await importFile(session, own, 'format=geojson')).statusCode).toBe(200);
    // Exporting: only their street, which imports back as it is.
    const exported = await call(t.app, session, 'GET', '/api/v1/territories/export?format=csv');
    expect(exported.body).not.toContain(ANDING_DONGHU);
    const back = await importFile(session, exported.body, 'format=csv', 'text/csv');
    expect(back.json()).toMatchObject({ created: 0, updated: 0 });

    const dispatcher = await loginAs(t.app, 'dispatcher');
    const forbidden = await importFile(dispatcher, own, 'format=geojson');
    expect(forbidden.statusCode).toBe(403);
    expect(
      (
        await call(
          t.app,
          dispatcher,
          'GET',
          `/api/v1/territories/export?rootId=${(await territoryByCode(t.deps, ANDING_DONGHU)).id}`,
        )
      ).statusCode,
    ).toBe(404);
  });

  it('refuses an unreadable file and a wrong content type', async () => {
    const response = await importFile(admin, '{"type":"FeatureCollection"', 'format=geojson');
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details.refused[0]).toMatchObject({ index: -1, reason: 'unreadableFile' });
    const wrongType = await importFile(admin, 'x', 'format=csv', 'application/xml');
    expect(wrongType.statusCode).toBe(415);
  });

  it('is callable without an actor from the command line', async () => {
    const report = await importTerritories(t.deps, null, {
      format: 'csv',
      crs: 'wgs84',
      content: 'name,code,level,parentCode\n命令行社区,X-C4,community,990101001000\n',
    });
    expect(report).toMatchObject({ applied: true, created: 1 });
  });
});

describe('map features', () => {
  it('serves a territory and its children as GeoJSON with the map properties', async () => {
    const dispatcher = await loginAs(t.app, 'dispatcher');
    const community = await territoryByCode(t.deps, '990101001002');
    const one = await call(t.app, dispatcher, 'GET', `/api/v1/territories/${community.id}/feature`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      type: 'Feature',
      properties: { id: community.id, level: 'community', childCount: expect.any(Number) },
      geometry: { type: 'Polygon' },
    });
    const children = await call(
      t.app,
      dispatcher,
      'GET',
      `/api/v1/territories/${community.id}/children/features`,
    );
    const features = children.json().features;
    expect(features.length).toBeGreaterThan(0);
    expect(features.every((f: { properties: { level: string } }) => f.properties.level === 'grid')).toBe(
      true,
    );
    expect(features[0].properties.childCount).toBeGreaterThanOrEqual(0);
    const gcj = await call(t.app, dispatcher, 'GET', `/api/v1/territories/${community.id}/feature?crs=gcj02`);
    expect(gcj.json().geometry.coordinates[0][0][0]).toBeCloseTo(
      wgs84ToGcj02(one.json().geometry.coordinates[0][0])[0],
      9,
    );
    const other = await territoryByCode(t.deps, ANDING_DONGHU);
    expect((await call(t.app, dispatcher, 'GET', `/api/v1/territories/${other.id}/feature`)).statusCode).toBe(
      404,
    );
    expect(
      (await call(t.app, dispatcher, 'GET', `/api/v1/territories/${other.id}/children/features`)).statusCode,
    ).toBe(404);
  });
});
