import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, errorCode, loginAs, type TestContext } from '../../../test/harness.ts';
import { stableId } from '../../seed/demo.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const names = (body: { items: { name: string }[] }) => body.items.map((u) => u.name);

describe('units, scoped to the actor', () => {
  it('shows a street dispatcher the units serving its street: its own, its communities, its district and the city', async () => {
    const dispatcher = await loginAs(t.app, 'dispatcher');
    const body = (await call(t.app, dispatcher, 'GET', '/api/v1/units?limit=500')).json();
    expect(names(body)).toEqual(
      expect.arrayContaining([
        '和平街道办事处',
        '东湖社区居民委员会',
        '明德区人民政府',
        '明德区城市管理综合执法局',
        '示范市自来水集团',
      ]),
    );
    expect(names(body)).not.toContain('安定街道办事处');
    expect(names(body)).not.toContain('清和区人民政府');
    const other = await call(t.app, dispatcher, 'GET', `/api/v1/units/${stableId('unit:street:990101002')}`);
    expect(other.statusCode).toBe(404);
    expect(errorCode(other)).toBe('NOT_FOUND');
  });

  it('shows a unit-scoped handler only their own unit', async () => {
    const handler = await loginAs(t.app, 'handler');
    const body = (await call(t.app, handler, 'GET', '/api/v1/units')).json();
    expect(names(body)).toEqual(['明德区城市管理综合执法局']);
    expect(
      (await call(t.app, handler, 'GET', `/api/v1/units/${stableId('unit:gov:990101')}`)).statusCode,
    ).toBe(404);
  });

  it('filters by type and counts every unit for a city-wide role', async () => {
    const operator = await loginAs(t.app, 'operator');
    const all = (await call(t.app, operator, 'GET', '/api/v1/units?limit=1')).json();
    // 2 utilities + 2 district governments + 10 departments + 6 streets + 20 communities.
    expect(all.total).toBe(40);
    const departments = (
      await call(t.app, operator, 'GET', '/api/v1/units?type=department&limit=500')
    ).json();
    expect(departments.total).toBe(10);
  });
});
