import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
import { generateDemoCity, stableId } from '../../seed/demo.ts';

let t: TestContext;
let admin: Session; // the whole city
let streetAdmin: Session; // 和平街道 only
let operator: Session;

const CITY = stableId('territory:990100000000');
const MINGDE = stableId('territory:990101000000');
const HEPING = stableId('territory:990101001000');
const ANDING = stableId('territory:990101002000');
const DONGHU = stableId('territory:990101001001');
const DONGHU_G1 = stableId('territory:990101001001G01');
const XIYUAN_ANDING_COMMUNITY = stableId('territory:990101002001');
const QINGHE = stableId('territory:990102000000');
const HEPING_OFFICE = stableId('unit:street:990101001');
const MINGDE_GOV = stableId('unit:gov:990101');
const MINGDE_CGZF = stableId('unit:dept:990101:cgzf');
const QINGHE_CGZF = stableId('unit:dept:990102:cgzf');
const WATER = stableId('unit:water');
const HEPING_RULE = stableId('dispatchRule:heping:02');
const MINGDE_02_RULE = stableId('dispatchRule:990101:02');
const QINGHE_02_RULE = stableId('dispatchRule:990102:02');

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
  operator = await loginAs(t.app, 'operator');
  const heping = await territoryByCode(t.deps, '990101001000');
  const user = await buildUser(t.deps, { role: 'admin', territory: heping });
  streetAdmin = await loginAs(t.app, user.username, user.password);
});
afterAll(async () => t.close());

const explain = (session: Session, body: object) =>
  call(t.app, session, 'POST', '/api/v1/routing/explain', body);

describe('the dispatch catalogue', () => {
  it('lists every demo rule to a city admin', async () => {
    const response = await call(t.app, admin, 'GET', '/api/v1/dispatch-rules?limit=100');
    expect(response.statusCode).toBe(200);
    const { items, total } = response.json();
    expect(total).toBe(14);
    // Shallow territories first.
    expect(items[0].territoryId).toBe(CITY);
    expect(items.find((r: { id: string }) => r.id === HEPING_RULE)).toMatchObject({
      categoryCode: '02',
      categoryName: { zh: '市容环境' },
      territoryName: '和平街道',
      unit: null,
      unitType: 'street',
      priority: 10,
      summary: { zh: '和平街道·市容环境→街道办事处' },
      actions: ['update', 'delete'],
    });
  });

  it('shows a street admin the rules that apply in the street, editable only where they are its own', async () => {
    const response = await call(t.app, streetAdmin, 'GET', '/api/v1/dispatch-rules?limit=100');
    const items = response.json().items as { id: string; territoryId: string; actions: string[] }[];
    // 3 city-wide + 5 of 明德区 + 1 of 和平街道.
    expect(items).toHaveLength(9);
    expect(items.filter((r) => r.actions.length > 0).map((r) => r.id)).toEqual([HEPING_RULE]);
    expect(items.some((r) => r.territoryId === QINGHE)).toBe(false);
    expect(
      (await call(t.app, streetAdmin, 'GET', `/api/v1/dispatch-rules/${QINGHE_02_RULE}`)).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, streetAdmin, 'GET', `/api/v1/dispatch-rules/${MINGDE_02_RULE}`)).statusCode,
    ).toBe(200);
    const filtered = await call(
      t.app,
      admin,
      'GET',
      `/api/v1/dispatch-rules?territoryId=${MINGDE}&categoryCode=02`,
    );
    expect(filtered.json().items.map((r: { id: string }) => r.id)).toEqual([MINGDE_02_RULE]);
  });

  it('is for admins only', async () => {
    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect(errorCode(await call(t.app, dispatcher, 'GET', '/api/v1/dispatch-rules'))).toBe('FORBIDDEN');
    const created = await call(t.app, dispatcher, 'POST', '/api/v1/dispatch-rules', {
      territoryId: HEPING,
      unitType: 'street',
    });
    expect(created.statusCode).toBe(403);
  });

  it('lets a street admin add rules in the street, not in another street', async () => {
    const own = await call(t.app, streetAdmin, 'POST', '/api/v1/dispatch-rules', {
      categoryCode: '0603',
      territoryId: DONGHU,
      unitType: 'community',
      priority: 5,
      note: '宠物问题由社区先行处理',
    });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({
      categoryCode: '0603',
      territoryName: '东湖社区',
      unitType: 'community',
      priority: 5,
      active: true,
      actions: ['update', 'delete'],
    });
    const other = await call(t.app, streetAdmin, 'POST', '/api/v1/dispatch-rules', {
      categoryCode: '0603',
      territoryId: ANDING,
      unitType: 'street',
    });
    expect(other.statusCode).toBe(403);
    const above = await call(t.app, streetAdmin, 'POST', '/api/v1/dispatch-rules', {
      territoryId: MINGDE,
      unitType: 'street',
    });
    expect(above.statusCode).toBe(403);
    const audit = await call(t.app, admin, 'GET', '/api/v1/audit?action=dispatchRule.create');
    expect(audit.json().items[0]).toMatchObject({ entityId: own.json().id });
  });

  it('validates the target and what the rule names', async () => {
    const both = await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', {
      territoryId: HEPING,
      unitId: HEPING_OFFICE,
      unitType: 'street',
    });
    expect(errorCode(both)).toBe('VALIDATION_FAILED');
    const neither = await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', { territoryId: HEPING });
    expect(errorCode(neither)).toBe('VALIDATION_FAILED');
    const unknownCategory = await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', {
      territoryId: HEPING,
      categoryCode: '9999',
      unitType: 'street',
    });
    expect(unknownCategory.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: '/categoryCode' },
    });
    // 清和区's enforcement bureau does not serve 和平街道.
    const farUnit = await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', {
      territoryId: HEPING,
      unitId: QINGHE_CGZF,
    });
    expect(farUnit.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: '/unitId' } });
  });

  it('replays a creation sent twice with the same Idempotency-Key', async () => {
    const body = { categoryCode: '0303', territoryId: MINGDE, unitId: stableId('unit:dept:990101:jtw') };
    const headers = { 'idempotency-key': 'rule-0303-mingde' };
    const first = await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', body, headers);
    const second = await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', body, headers);
    expect(first.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
  });

  it('changes a rule only from the version read, and answers 409 to a stale copy', async () => {
    const read = (await call(t.app, admin, 'GET', `/api/v1/dispatch-rules/${HEPING_RULE}`)).json();
    const first = await call(t.app, admin, 'PATCH', `/api/v1/dispatch-rules/${HEPING_RULE}`, {
      priority: 20,
      updatedAt: read.updatedAt,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ priority: 20, unitType: 'street' });
    expect(first.json().updatedAt).not.toBe(read.updatedAt);
    // The clock did not move, and still the second writer with the old copy is refused.
    const stale = await call(t.app, streetAdmin, 'PATCH', `/api/v1/dispatch-rules/${HEPING_RULE}`, {
      priority: 30,
      updatedAt: read.updatedAt,
    });
    expect(stale.statusCode).toBe(409);
    expect(errorCode(stale)).toBe('CONFLICT');
    // Switching the target to a fixed unit clears the unit type.
    const fixed = await call(t.app, streetAdmin, 'PATCH', `/api/v1/dispatch-rules/${HEPING_RULE}`, {
      unitId: MINGDE_CGZF,
      priority: 10,
      updatedAt: first.json().updatedAt,
    });
    expect(fixed.json()).toMatchObject({ unit: { id: MINGDE_CGZF }, unitType: null, priority: 10 });
    const back = await call(t.app, streetAdmin, 'PATCH', `/api/v1/dispatch-rules/${HEPING_RULE}`, {
      unitType: 'street',
      updatedAt: fixed.json().updatedAt,
    });
    expect(back.json()).toMatchObject({ unit: null, unitType: 'street' });
    const audit = await call(t.app, admin, 'GET', '/api/v1/audit?action=dispatchRule.update');
    expect(audit.json().items.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses changes above the admin’s scope and hides rules outside it', async () => {
    const district = (
      await call(t.app, streetAdmin, 'GET', `/api/v1/dispatch-rules/${MINGDE_02_RULE}`)
    ).json();
    const above = await call(t.app, streetAdmin, 'PATCH', `/api/v1/dispatch-rules/${MINGDE_02_RULE}`, {
      active: false,
      updatedAt: district.updatedAt,
    });
    expect(above.statusCode).toBe(403);
    const outside = await call(t.app, streetAdmin, 'DELETE', `/api/v1/dispatch-rules/${QINGHE_02_RULE}`);
    expect(outside.statusCode).toBe(404);
    // Moving an own rule to another street is refused too.
    const rule = (await call(t.app, streetAdmin, 'GET', `/api/v1/dispatch-rules/${HEPING_RULE}`)).json();
    const moved = await call(t.app, streetAdmin, 'PATCH', `/api/v1/dispatch-rules/${HEPING_RULE}`, {
      territoryId: ANDING,
      updatedAt: rule.updatedAt,
    });
    expect(moved.statusCode).toBe(403);
  });

  it('deletes a rule, with a stale check when asked', async () => {
    const created = (
      await call(t.app, admin, 'POST', '/api/v1/dispatch-rules', { territoryId: ANDING, unitType: 'street' })
    ).json();
    const stale = await call(
      t.app,
      admin,
      'DELETE',
      `/api/v1/dispatch-rules/${created.id}?updatedAt=${encodeURIComponent('2020-01-01T00:00:00.000Z')}`,
    );
    expect(stale.statusCode).toBe(409);
    const removed = await call(t.app, admin, 'DELETE', `/api/v1/dispatch-rules/${created.id}`);
    expect(removed.json()).toEqual({ ok: true });
    expect((await call(t.app, admin, 'GET', `/api/v1/dispatch-rules/${created.id}`)).statusCode).toBe(404);
    const audit = await call(t.app, admin, 'GET', '/api/v1/audit?action=dispatchRule.delete');
    expect(audit.json().items[0]).toMatchObject({ entityId: created.id });
  });
});

describe('POST /routing/explain', () => {
  it('dispatches city appearance in 和平街道 straight to the street office and copies the district', async () => {
    const response = await explain(operator, { categoryCode: '020101', territoryId: DONGHU_G1 });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      unit: { id: HEPING_OFFICE, name: '和平街道办事处', type: 'street' },
      copyTo: { id: MINGDE_GOV, name: '明德区人民政府', type: 'districtGovernment' },
      fallback: false,
      category: { code: '020101', nameZh: '垃圾清运' },
    });
    expect(body.location.path.map((p: { name: string }) => p.name)).toEqual([
      '东湖社区第1网格',
      '东湖社区',
      '和平街道',
      '明德区',
      '示范市',
    ]);
    expect(body.rules.map((r: { id: string; outcome: string }) => [r.id, r.outcome])).toEqual([
      [HEPING_RULE, 'chosen'],
      [MINGDE_02_RULE, 'lowerPriority'],
    ]);
    expect(body.explanation.zh).toBe(
      '按派单目录规则「和平街道·市容环境→街道办事处」（优先级 10），派往 和平街道办事处；直派街道，抄送 明德区人民政府。',
    );
    expect(body.explanation.en).toContain('copied to 明德区人民政府');
  });

  it('sends the same category in another street to the district bureau, without a copy', async () => {
    const body = (
      await explain(operator, { categoryCode: '02', territoryId: XIYUAN_ANDING_COMMUNITY })
    ).json();
    expect(body).toMatchObject({ unit: { id: MINGDE_CGZF }, copyTo: null, fallback: false });
    expect(body.explanation.zh).toContain('派往 明德区城市管理综合执法局。');
  });

  it('sends water anywhere to the water group and community matters to the community', async () => {
    expect((await explain(operator, { categoryCode: '050101', territoryId: DONGHU_G1 })).json().unit.id).toBe(
      WATER,
    );
    expect(
      (await explain(operator, { categoryCode: '0601', territoryId: DONGHU_G1 })).json().unit,
    ).toMatchObject({
      name: '东湖社区居民委员会',
      type: 'community',
    });
  });

  it('falls back to the district government when no rule applies', async () => {
    const body = (await explain(operator, { categoryCode: '0701', territoryId: DONGHU_G1 })).json();
    expect(body).toMatchObject({ unit: { id: MINGDE_GOV }, copyTo: null, fallback: true, rules: [] });
    expect(body.explanation.zh).toContain('所在区已知，派往 明德区人民政府');
  });

  it('passes over a rule with no unit of its type at the location', async () => {
    // 社区管理 → the community; asked about the street itself, there is no community unit.
    const body = (await explain(operator, { categoryCode: '06', territoryId: HEPING })).json();
    expect(body).toMatchObject({ unit: { id: MINGDE_GOV }, fallback: true });
    expect(body.rules).toEqual([expect.objectContaining({ outcome: 'noUnitOfType' })]);
    expect(body.explanation.zh).toContain('没有对应的承办单位，已跳过');
  });

  it('explains a point by the grid that contains it, and refuses a point outside every grid', async () => {
    const grid = generateDemoCity().territories.find((x) => x.code === '990101001001G01')!;
    const ring = (grid.geometry as { coordinates: [number, number][][] }).coordinates[0]!.slice(0, -1);
    const lng = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    const body = (await explain(operator, { categoryCode: '020101', lng, lat })).json();
    expect(body.location.path[0]).toMatchObject({ id: DONGHU_G1, level: 'grid' });
    expect(body.unit.id).toBe(HEPING_OFFICE);
    const outside = await explain(operator, { categoryCode: '020101', lng: 100, lat: 30 });
    expect(outside.statusCode).toBe(422);
    expect(errorCode(outside)).toBe('POINT_OUTSIDE_TERRITORY');
  });

  it('validates the request', async () => {
    expect(errorCode(await explain(operator, { categoryCode: '020101' }))).toBe('VALIDATION_FAILED');
    expect(
      errorCode(
        await explain(operator, { categoryCode: '020101', territoryId: DONGHU_G1, lng: 116.3, lat: 39.9 }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(errorCode(await explain(operator, { categoryCode: '9999', territoryId: DONGHU_G1 }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('refuses a resident and hides locations outside the reader’s scope', async () => {
    const resident = await loginAs(t.app, 'resident');
    const refused = await explain(resident, { categoryCode: '020101', territoryId: DONGHU_G1 });
    expect(refused.statusCode).toBe(403);
    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect((await explain(dispatcher, { categoryCode: '02', territoryId: DONGHU_G1 })).statusCode).toBe(200);
    expect((await explain(dispatcher, { categoryCode: '02', territoryId: ANDING })).statusCode).toBe(404);
  });
});
