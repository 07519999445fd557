import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { appeals, auditLog, categories, changeCounters } from '../../db/schema.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
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
        slaTier: null,
      });
      // The demo gives water, power, gas and heating the 24-hour tier.
      expect(items.find((c: { code: string }) => c.code === '05')).toMatchObject({ slaTier: '24h' });
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

describe('editing the taxonomy', () => {
  let t: TestContext;
  let admin: Session;
  type Item = {
    code: string;
    parentCode: string | null;
    level: number;
    nameZh: string;
    active: boolean;
    slaTier: string | null;
  };
  const list = async (session: Session, query = '') =>
    (await call(t.app, session, 'GET', `/api/v1/categories${query}`)).json().items as Item[];
  const counter = async () => {
    const rows = await t.deps.database.db
      .select()
      .from(changeCounters)
      .where(eq(changeCounters.name, 'categories'));
    return rows[0]?.version ?? 0;
  };
  const auditOf = (action: string, entityId: string) =>
    t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId)));

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAs(t.app, 'admin');
  });
  afterAll(async () => t.close());

  it('lets an admin rename a category and set its tier, audited, bumping the change counter', async () => {
    const before = await counter();
    const response = await call(t.app, admin, 'PATCH', '/api/v1/categories/020101', {
      nameZh: '生活垃圾清运',
      nameEn: 'Household waste collection',
      slaTier: '2h',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      code: '020101',
      parentCode: '0201',
      level: 3,
      nameZh: '生活垃圾清运',
      nameEn: 'Household waste collection',
      active: true,
      slaTier: '2h',
    });
    expect((await list(admin)).find((c) => c.code === '020101')).toMatchObject({ slaTier: '2h' });
    expect(await counter()).toBe(before + 1);
    const audit = await auditOf('category.update', '020101');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      entityType: 'category',
      details: {
        nameZh: '生活垃圾清运',
        nameEn: 'Household waste collection',
        slaTier: '2h',
        before: { nameZh: '垃圾清运', nameEn: 'Waste collection', slaTier: null },
      },
    });

    // Null gives the tier back to the parent; an unchanged value is no change (no audit, no bump).
    const cleared = await call(t.app, admin, 'PATCH', '/api/v1/categories/020101', { slaTier: null });
    expect(cleared.json()).toMatchObject({ slaTier: null, nameZh: '生活垃圾清运' });
    const afterClear = await counter();
    const same = await call(t.app, admin, 'PATCH', '/api/v1/categories/020101', { slaTier: null });
    expect(same.statusCode).toBe(200);
    expect(await counter()).toBe(afterClear);
    expect(await auditOf('category.update', '020101')).toHaveLength(2);
  });

  it('refuses a tier that does not exist, an empty change, and changing the code or parent', async () => {
    const unknownTier = await call(t.app, admin, 'PATCH', '/api/v1/categories/0201', { slaTier: '3d' });
    expect(unknownTier.statusCode).toBe(400);
    expect(errorCode(unknownTier)).toBe('VALIDATION_FAILED');
    for (const body of [{}, { parentCode: '03' }, { code: '0299', nameZh: '新' }, { nameZh: ' ' }]) {
      const response = await call(t.app, admin, 'PATCH', '/api/v1/categories/0201', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
    }
    expect((await list(admin)).find((c) => c.code === '0201')).toMatchObject({
      parentCode: '02',
      slaTier: null,
    });
    const missing = await call(t.app, admin, 'PATCH', '/api/v1/categories/0299', { nameZh: '无' });
    expect(missing.statusCode).toBe(404);
    const malformed = await call(t.app, admin, 'PATCH', '/api/v1/categories/abc', { nameZh: '无' });
    expect(malformed.statusCode).toBe(400);
  });

  it('hides a deactivated category and its subcategories from pickers, but keeps it on old appeals', async () => {
    const street = await territoryByCode(t.deps, '990101001000');
    const appealId = randomUUID();
    const now = t.deps.clock.now();
    await t.deps.database.db.insert(appeals).values({
      id: appealId,
      number: 'T-CATEGORY-0001',
      source: 'live',
      channel: 'hotline',
      type: 'complaint',
      categoryCode: '0202',
      content: '路口有人占道经营。',
      territoryId: street.id,
      territoryPath: street.path,
      urgency: 'normal',
      tier: '7d',
      state: 'received',
      round: 1,
      version: 1,
      confidential: false,
      receivedAt: now,
      updatedAt: now,
    });
    const usableBefore = await list(admin, '?activeOnly=true');
    expect(usableBefore.map((c) => c.code)).toEqual(expect.arrayContaining(['0202', '020201']));

    const off = await call(t.app, admin, 'PATCH', '/api/v1/categories/0202', { active: false });
    expect(off.json()).toMatchObject({ code: '0202', active: false });
    const usable = (await list(admin, '?activeOnly=true')).map((c) => c.code);
    expect(usable).not.toContain('0202');
    expect(usable).not.toContain('020201');
    expect(usable).toContain('0201');
    expect(usable).toHaveLength(usableBefore.length - 2);
    // The full list still has it (the admin page, old appeals' names), and the appeal still points at it.
    const everything = await list(admin);
    expect(everything.find((c) => c.code === '0202')).toMatchObject({ active: false });
    expect(everything.find((c) => c.code === '020201')).toMatchObject({ active: true });
    const row = await t.deps.database.db.select().from(appeals).where(eq(appeals.id, appealId));
    expect(row[0]!.categoryCode).toBe('0202');
    expect((await auditOf('category.update', '0202'))[0]).toMatchObject({
      details: { active: false, before: { active: true } },
    });

    await call(t.app, admin, 'PATCH', '/api/v1/categories/0202', { active: true });
    expect((await list(admin, '?activeOnly=true')).map((c) => c.code)).toContain('020201');
  });

  it('adds a child with the next free code, or the code given, at most three levels deep', async () => {
    const before = await counter();
    const created = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: '0201',
      nameZh: '公厕管理',
      nameEn: 'Public toilets',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      code: '020103',
      parentCode: '0201',
      level: 3,
      nameZh: '公厕管理',
      nameEn: 'Public toilets',
      active: true,
      slaTier: null,
    });
    expect(await counter()).toBe(before + 1);
    expect(await auditOf('category.create', '020103')).toHaveLength(1);
    const stored = await t.deps.database.db.select().from(categories).where(eq(categories.code, '020103'));
    expect(stored[0]).toMatchObject({ level: 3, parentCode: '0201' });

    const top = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: null,
      code: '42',
      nameZh: '其他',
      nameEn: 'Other',
      slaTier: '15d',
    });
    expect(top.statusCode).toBe(201);
    expect(top.json()).toMatchObject({ code: '42', level: 1, slaTier: '15d' });

    const tooDeep = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: '020103',
      nameZh: '四级',
      nameEn: 'Fourth level',
    });
    expect(tooDeep.statusCode).toBe(400);
    const taken = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: '0201',
      code: '020101',
      nameZh: '重复',
      nameEn: 'Duplicate',
    });
    expect(taken.statusCode).toBe(409);
    expect(errorCode(taken)).toBe('CONFLICT');
    const elsewhere = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: '0201',
      code: '030101',
      nameZh: '错位',
      nameEn: 'Misplaced',
    });
    expect(elsewhere.statusCode).toBe(400);
    const orphan = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: '0299',
      nameZh: '孤儿',
      nameEn: 'Orphan',
    });
    expect(orphan.statusCode).toBe(400);
    const badTier = await call(t.app, admin, 'POST', '/api/v1/categories', {
      parentCode: '0201',
      nameZh: '时限',
      nameEn: 'Tier',
      slaTier: 'soon',
    });
    expect(badTier.statusCode).toBe(400);
  });

  it('creates once per Idempotency-Key', async () => {
    const body = { parentCode: '02', nameZh: '绿化养护', nameEn: 'Greenery care' };
    const first = await call(t.app, admin, 'POST', '/api/v1/categories', body, {
      'idempotency-key': 'cat-1',
    });
    const again = await call(t.app, admin, 'POST', '/api/v1/categories', body, {
      'idempotency-key': 'cat-1',
    });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const named = (await list(admin)).filter((c) => c.nameZh === '绿化养护');
    expect(named).toEqual([expect.objectContaining({ code: first.json().code, parentCode: '02', level: 2 })]);
  });

  it('is for admins of the whole city only', async () => {
    const districtAdmin = await buildUser(t.deps, { role: 'admin' });
    const others = [
      await loginAs(t.app, 'dispatcher'),
      await loginAs(t.app, 'resident'),
      await loginAs(t.app, 'operator'),
      await loginAs(t.app, districtAdmin.username, districtAdmin.password),
    ];
    for (const session of others) {
      const patch = await call(t.app, session, 'PATCH', '/api/v1/categories/0201', { nameZh: '改' });
      expect(patch.statusCode).toBe(403);
      expect(errorCode(patch)).toBe('FORBIDDEN');
      const post = await call(t.app, session, 'POST', '/api/v1/categories', {
        parentCode: '02',
        nameZh: '新',
        nameEn: 'New',
      });
      expect(post.statusCode).toBe(403);
    }
    expect((await call(t.app, null, 'PATCH', '/api/v1/categories/0201', { nameZh: '改' })).statusCode).toBe(
      401,
    );
    // Nothing changed.
    const unchanged = (await list(admin)).find((c) => c.code === '0201')!;
    expect(unchanged.nameZh).toBe('环境卫生');
  });
});
