import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, loginAs, type TestContext } from '../../../test/harness.ts';
import { defaultCategories, generateDispatchRules, generateGazetteer } from '../../seed/demo-routing.ts';
import { generateDemoCity } from '../../seed/demo.ts';

describe('the default taxonomy', () => {
  const rows = defaultCategories();
  const byCode = new Map(rows.map((r) => [r.code, r]));

  it('has the ten areas of a 12345 hotline, each with two or three second-level items', () => {
    const top = rows.filter((r) => r.level === 1);
    expect(top.map((r) => r.nameZh)).toEqual([
      '城乡建设',
      '市容环境',
      '交通出行',
      '市场监管',
      '供水供电供气供热',
      '社区管理',
      '治安',
      '生态环境',
      '劳动社保',
      '教育卫生',
    ]);
    for (const area of top) {
      const children = rows.filter((r) => r.parentCode === area.code);
      expect(children.length).toBeGreaterThanOrEqual(2);
      expect(children.length).toBeLessThanOrEqual(4);
    }
    expect(rows.filter((r) => r.level === 3).length).toBeGreaterThan(10);
  });

  it.each(defaultCategories().map((r) => [r.code, r] as const))('%s nests by its code', (code, row) => {
    expect(code).toHaveLength(row.level * 2);
    if (row.level === 1) expect(row.parentCode).toBeNull();
    else {
      expect(row.parentCode).toBe(code.slice(0, -2));
      expect(byCode.get(row.parentCode!)?.level).toBe(row.level - 1);
    }
    expect(row.nameZh.length).toBeGreaterThan(0);
    expect(row.nameEn.length).toBeGreaterThan(0);
  });

  it('lists every parent before its children, with unique codes', () => {
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
    rows.forEach((row, i) => {
      if (row.parentCode) expect(rows.findIndex((r) => r.code === row.parentCode)).toBeLessThan(i);
    });
  });

  it('generates the same gazetteer and rules every time, with unique names per community', () => {
    const city = generateDemoCity();
    const entries = generateGazetteer(city.territories);
    expect(generateGazetteer(city.territories)).toEqual(entries);
    // 20 communities × (2 roads + 5 compounds + 15 buildings + 3 landmarks).
    expect(entries).toHaveLength(500);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    expect(entries.find((e) => e.name === '东湖小区')?.aliases).toEqual(['东湖家园', '东湖院']);
    const rules = generateDispatchRules(city.territories, city.units);
    expect(generateDispatchRules(city.territories, city.units)).toEqual(rules);
    expect(rules.every((r) => (r.unitId === null) !== (r.unitType === null))).toBe(true);
  });
});

describe('GET /categories', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('gives the flat taxonomy to any signed-in person', async () => {
    for (const username of ['dispatcher', 'handler', 'resident']) {
      const session = await loginAs(t.app, username);
      const response = await call(t.app, session, 'GET', '/api/v1/categories');
      expect(response.statusCode).toBe(200);
      const { items, total } = response.json();
      expect(total).toBe(defaultCategories().length);
      expect(items[0]).toEqual({
        code: '01',
        parentCode: null,
        level: 1,
        nameZh: '城乡建设',
        nameEn: 'Urban and rural construction',
        active: true,
      });
      expect(items.find((c: { code: string }) => c.code === '020101')).toMatchObject({
        parentCode: '0201',
        level: 3,
        nameZh: '垃圾清运',
      });
    }
  });

  it('refuses an anonymous caller', async () => {
    expect((await call(t.app, null, 'GET', '/api/v1/categories')).statusCode).toBe(401);
  });
});
