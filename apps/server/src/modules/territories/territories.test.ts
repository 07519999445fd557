import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildTerritory, buildUser } from '../../../test/factories.ts';
import { stableId } from '../../seed/demo.ts';

let t: TestContext;
let dispatcher: Session; // scoped to 和平街道 (990101001000)
const HEPING_STREET = stableId('territory:990101001000');
const ANDING_STREET = stableId('territory:990101002000');
const DONGHU_COMMUNITY = stableId('territory:990101001001');

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await loginAs(t.app, 'dispatcher');
});
afterAll(async () => t.close());

describe('territories, scoped to the actor', () => {
  it('lists only the street subtree for a street dispatcher', async () => {
    const response = await call(t.app, dispatcher, 'GET', '/api/v1/territories?limit=500');
    const { items, total } = response.json();
    // 1 street + 4 communities + 20 grids.
    expect(total).toBe(25);
    expect(items.every((item: { path: string }) => item.path.includes(HEPING_STREET))).toBe(true);
    expect(items.find((item: { id: string }) => item.id === HEPING_STREET).childCount).toBe(4);
  });

  it('gives 404 for another street of the same district, as if it did not exist', async () => {
    const other = await call(t.app, dispatcher, 'GET', `/api/v1/territories/${ANDING_STREET}`);
    expect(other.statusCode).toBe(404);
    expect(errorCode(other)).toBe('NOT_FOUND');
    const missing = await call(
      t.app,
      dispatcher,
      'GET',
      '/api/v1/territories/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.json()).toEqual(other.json());
    const own = await call(t.app, dispatcher, 'GET', `/api/v1/territories/${DONGHU_COMMUNITY}`);
    expect(own.json()).toMatchObject({
      name: '东湖社区',
      level: 'community',
      childCount: 5,
      hasGeometry: true,
    });
  });

  it('filters children, level and name', async () => {
    const children = await call(t.app, dispatcher, 'GET', `/api/v1/territories?parentId=${DONGHU_COMMUNITY}`);
    expect(children.json().items.map((i: { name: string }) => i.name)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `东湖社区第${n}网格`),
    );
    const grids = await call(t.app, dispatcher, 'GET', '/api/v1/territories?level=grid&limit=1');
    expect(grids.json()).toMatchObject({ total: 20 });
    expect(grids.json().items).toHaveLength(1);
    const byName = await call(
      t.app,
      dispatcher,
      'GET',
      `/api/v1/territories?q=${encodeURIComponent('西苑')}`,
    );
    expect(byName.json().items.map((i: { name: string }) => i.name)).toContain('西苑社区');
    const wildcard = await call(t.app, dispatcher, 'GET', `/api/v1/territories?q=${encodeURIComponent('%')}`);
    expect(wildcard.json().total).toBe(0);
  });

  it('shows a city-wide role the whole tree and a resident nothing', async () => {
    const operator = await loginAs(t.app, 'operator');
    expect((await call(t.app, operator, 'GET', '/api/v1/territories?limit=1')).json().total).toBe(
      1 + 2 + 6 + 20 + 100,
    );
    const resident = await loginAs(t.app, 'resident');
    expect((await call(t.app, resident, 'GET', '/api/v1/territories')).json()).toEqual({
      items: [],
      total: 0,
    });
    expect((await call(t.app, resident, 'GET', `/api/v1/territories/${DONGHU_COMMUNITY}`)).statusCode).toBe(
      404,
    );
  });

  it('keeps users of one street out of another street built by the factories', async () => {
    const district = await buildTerritory(t.deps, { level: 'district' });
    const streetA = await buildTerritory(t.deps, { level: 'street', parent: district });
    const streetB = await buildTerritory(t.deps, { level: 'street', parent: district });
    const userA = await buildUser(t.deps, { role: 'gridWorker', territory: streetA });
    const session = await loginAs(t.app, userA.username, userA.password);
    expect((await call(t.app, session, 'GET', `/api/v1/territories/${streetA.id}`)).statusCode).toBe(200);
    expect((await call(t.app, session, 'GET', `/api/v1/territories/${streetB.id}`)).statusCode).toBe(404);
    expect((await call(t.app, session, 'GET', `/api/v1/territories/${district.id}`)).statusCode).toBe(404);
  });

  it('validates the query', async () => {
    const bad = await call(t.app, dispatcher, 'GET', '/api/v1/territories?limit=100000&level=planet');
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect((await call(t.app, dispatcher, 'GET', '/api/v1/territories/not-a-uuid')).statusCode).toBe(400);
  });
});
