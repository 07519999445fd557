import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Deps } from '../../context.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  openTestDatabase,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
import { stableId } from '../../seed/demo.ts';

let t: TestContext;
let operator: Session;
let admin: Session;

const DONGHU_G1 = stableId('territory:990101001001G01');
const HEPING_STREET = stableId('territory:990101001000');

interface Candidate {
  entry: { id: string; kind: string; name: string };
  territory: { id: string; name: string; level: string; code: string };
  path: { id: string; name: string; level: string }[];
  score: number;
  matched: string[];
}

const geocode = async (session: Session, q: string, limit = 5) => {
  const response = await call(
    t.app,
    session,
    'GET',
    `/api/v1/routing/geocode?q=${encodeURIComponent(q)}&limit=${limit}`,
  );
  expect(response.statusCode).toBe(200);
  return response.json() as Candidate[];
};

beforeAll(async () => {
  t = await createTestApp();
  operator = await loginAs(t.app, 'operator');
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => t.close());

describe('geocode', () => {
  it('finds a building with its grid and the whole path up to the city', async () => {
    const [first, ...rest] = await geocode(operator, '东湖小区3号楼门口的垃圾没人清理');
    expect(first).toMatchObject({
      entry: { kind: 'building', name: '东湖小区3号楼' },
      territory: { id: DONGHU_G1, name: '东湖社区第1网格', level: 'grid', code: '990101001001G01' },
      matched: ['东湖小区3号楼'],
    });
    expect(first!.path.map((p) => p.name)).toEqual([
      '东湖社区第1网格',
      '东湖社区',
      '和平街道',
      '明德区',
      '示范市',
    ]);
    for (const c of rest) expect(c.score).toBeLessThan(first!.score);
  });

  it('ranks an exact building above a road named in the same text', async () => {
    const candidates = await geocode(operator, '东湖路上的东湖小区二号楼');
    expect(candidates.map((c) => c.entry.name).slice(0, 2)).toEqual(['东湖小区2号楼', '东湖路']);
    expect(candidates[0]!.score).toBeGreaterThan(candidates[1]!.score);
  });

  it('matches aliases, full-width digits and numbers in words', async () => {
    expect((await geocode(operator, '东湖家园'))[0]).toMatchObject({
      entry: { name: '东湖小区', kind: 'compound' },
      matched: ['东湖家园'],
    });
    expect((await geocode(operator, '东湖院３栋'))[0]!.entry.name).toBe('东湖小区3号楼');
    expect((await geocode(operator, '东湖家园三号楼'))[0]!.entry.name).toBe('东湖小区3号楼');
    expect((await geocode(operator, '西苑农贸市场'))[0]!.entry).toMatchObject({
      kind: 'landmark',
      name: '西苑菜市场',
    });
  });

  it('lowers the score when the text names another street, raises it for its own', async () => {
    const plain = (await geocode(operator, '东湖小区'))[0]!;
    const own = (await geocode(operator, '示范市明德区和平街道东湖小区'))[0]!;
    const other = (await geocode(operator, '安定街道东湖小区'))[0]!;
    expect(own.entry.id).toBe(plain.entry.id);
    expect(own.score).toBeGreaterThan(plain.score);
    expect(own.matched).toEqual(expect.arrayContaining(['东湖小区', '和平街道', '明德区']));
    expect(other.entry.id).toBe(plain.entry.id);
    expect(other.score).toBeLessThan(plain.score);
  });

  it('gives an empty list for garbage or empty text, not an error', async () => {
    expect(await geocode(operator, '')).toEqual([]);
    expect(await geocode(operator, '！！！@@@###')).toEqual([]);
    expect(await geocode(operator, '今天天气很好')).toEqual([]);
  });

  it('honours the limit and validates it', async () => {
    expect(await geocode(operator, '东湖小区1号楼 东湖小区2号楼 东湖小区3号楼 东湖路', 2)).toHaveLength(2);
    const bad = await call(t.app, operator, 'GET', '/api/v1/routing/geocode?q=x&limit=1000');
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
  });

  it('keeps a street dispatcher to places of their street and refuses a resident', async () => {
    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect((await geocode(dispatcher, '东湖小区'))[0]!.entry.name).toBe('东湖小区');
    // 锦绣社区 lies in 清和区: outside the dispatcher's street.
    expect(await geocode(dispatcher, '锦绣小区')).toEqual([]);
    expect((await geocode(operator, '锦绣小区'))[0]!.entry.name).toBe('锦绣小区');
    const resident = await loginAs(t.app, 'resident');
    const refused = await call(t.app, resident, 'GET', '/api/v1/routing/geocode?q=东湖小区');
    expect(refused.statusCode).toBe(403);
  });
});

describe('gazetteer administration', () => {
  it('lists entries in scope, filtered by territory, kind and name or alias', async () => {
    const list = await call(t.app, admin, 'GET', `/api/v1/gazetteer?territoryId=${DONGHU_G1}&limit=100`);
    expect(list.statusCode).toBe(200);
    const names = list.json().items.map((e: { name: string }) => e.name);
    expect(names).toEqual(['东湖小区', '东湖小区1号楼', '东湖小区2号楼', '东湖小区3号楼']);
    const byAlias = await call(t.app, admin, 'GET', `/api/v1/gazetteer?q=${encodeURIComponent('东湖家园')}`);
    expect(byAlias.json().items[0]).toMatchObject({ name: '东湖小区', aliases: ['东湖家园', '东湖院'] });
    const dispatcher = await loginAs(t.app, 'dispatcher');
    const scoped = await call(t.app, dispatcher, 'GET', `/api/v1/gazetteer?kind=road&limit=500`);
    // 和平街道 has 4 communities with two roads each.
    expect(scoped.json().total).toBe(8);
  });

  it('adds an entry that this instance and a second one find after the change', async () => {
    // A second server instance on the same database, as in a multi-instance deployment.
    const otherDatabase = await openTestDatabase();
    const otherDeps: Deps = {
      config: loadConfig({ HUIZHI_DATA_DIR: '/nonexistent' }),
      database: otherDatabase,
      clock: t.clock,
    };
    const other = await buildApp(otherDeps);
    await other.ready();
    try {
      const otherOperator = await loginAs(other, 'operator');
      const before = await call(
        other,
        otherOperator,
        'GET',
        `/api/v1/routing/geocode?q=${encodeURIComponent('明德大厦')}`,
      );
      expect(before.json()).toEqual([]);

      const created = await call(t.app, admin, 'POST', '/api/v1/gazetteer', {
        territoryId: DONGHU_G1,
        kind: 'landmark',
        name: '明德大厦',
        aliases: ['明德商务楼'],
        point: [116.31, 39.87],
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ name: '明德大厦', territoryName: '东湖社区第1网格' });

      // This instance sees its own change at once.
      expect((await geocode(operator, '明德商务楼'))[0]!.entry.name).toBe('明德大厦');
      // The other one after its next counter check (at most a second later).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const after = await call(
        other,
        otherOperator,
        'GET',
        `/api/v1/routing/geocode?q=${encodeURIComponent('明德大厦')}`,
      );
      expect(after.json()[0]).toMatchObject({ entry: { name: '明德大厦' }, territory: { id: DONGHU_G1 } });

      const audit = await call(t.app, admin, 'GET', '/api/v1/audit?action=gazetteer.create');
      expect(audit.json().items[0]).toMatchObject({
        action: 'gazetteer.create',
        entityId: created.json().id,
      });
    } finally {
      await other.close();
      await otherDatabase.close();
    }
  });

  it('lets only admins of the territory add names', async () => {
    const heping = await territoryByCode(t.deps, '990101001000');
    const streetAdmin = await buildUser(t.deps, { role: 'admin', territory: heping });
    const session = await loginAs(t.app, streetAdmin.username, streetAdmin.password);
    const own = await call(t.app, session, 'POST', '/api/v1/gazetteer', {
      territoryId: HEPING_STREET,
      kind: 'road',
      name: '和平大街',
    });
    expect(own.statusCode).toBe(201);
    const otherStreet = await call(t.app, session, 'POST', '/api/v1/gazetteer', {
      territoryId: stableId('territory:990101002000'),
      kind: 'road',
      name: '安定大街',
    });
    expect(otherStreet.statusCode).toBe(400);
    const dispatcher = await loginAs(t.app, 'dispatcher');
    const refused = await call(t.app, dispatcher, 'POST', '/api/v1/gazetteer', {
      territoryId: HEPING_STREET,
      kind: 'road',
      name: '和平小街',
    });
    expect(refused.statusCode).toBe(403);
    const invalid = await call(t.app, admin, 'POST', '/api/v1/gazetteer', {
      territoryId: HEPING_STREET,
      kind: 'river',
      name: 'x',
    });
    expect(errorCode(invalid)).toBe('VALIDATION_FAILED');
  });
});
