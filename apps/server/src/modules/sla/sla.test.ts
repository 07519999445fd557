import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, slaTiers } from '../../db/schema.ts';
import { ensureReferenceData } from '../../seed/reference.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  TEST_NOW,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
import { chooseTierFor, getSlaTiers, planAppealDeadlines } from './sla.service.ts';

let t: TestContext;
let admin: Session;
let dispatcher: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
  dispatcher = await loginAs(t.app, 'dispatcher');
});
afterAll(async () => t.close());

const local = (text: string) => new Date(`${text}+08:00`);
const DEFAULT_7D = {
  replyUnit: 'workdays',
  replyAmount: 7,
  acceptMinutes: 240,
  contactMinutes: 1440,
  warnPercent: 80,
};

describe('time-limit tiers', () => {
  it('shows the four default tiers to staff, not to residents or strangers', async () => {
    const response = await call(t.app, dispatcher, 'GET', '/api/v1/sla/tiers');
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { code: string; replyUnit: string; replyAmount: number }[];
    expect(items.map((i) => [i.code, i.replyUnit, i.replyAmount])).toEqual([
      ['2h', 'hours', 2],
      ['24h', 'hours', 24],
      ['7d', 'workdays', 7],
      ['15d', 'workdays', 15],
    ]);
    expect(items.find((i) => i.code === '2h')).toMatchObject({
      acceptMinutes: 30,
      contactMinutes: 60,
      warnPercent: 80,
    });
    const resident = await loginAs(t.app, 'resident');
    expect((await call(t.app, resident, 'GET', '/api/v1/sla/tiers')).statusCode).toBe(403);
    expect((await call(t.app, null, 'GET', '/api/v1/sla/tiers')).statusCode).toBe(401);
  });

  it('lets an admin change a tier, which deadlines follow at once, and keeps it over a restart', async () => {
    const changed = await call(t.app, admin, 'PUT', '/api/v1/sla/tiers/7d', {
      ...DEFAULT_7D,
      replyAmount: 5,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ code: '7d', replyAmount: 5 });
    const due = await call(
      t.app,
      null,
      'GET',
      `/api/v1/calendar/deadline?start=2026-03-02T09:00:00%2B08:00&tier=7d`,
    );
    // 3.3–3.6, 3.9 → 24:00 of Monday 3.9.
    expect(due.json()).toMatchObject({ dueAt: '2026-03-09T16:00:00.000Z' });

    // The reference data runs at every start and must not undo an admin's change.
    await ensureReferenceData(t.deps.database.db, TEST_NOW);
    const rows = await t.deps.database.db.select().from(slaTiers).where(eq(slaTiers.code, '7d'));
    expect(rows[0]!.replyAmount).toBe(5);

    const audit = await t.deps.database.db.select().from(auditLog).where(eq(auditLog.action, 'sla.setTier'));
    expect(audit.at(-1)).toMatchObject({
      entityId: '7d',
      details: { replyAmount: 5, before: { replyAmount: 7 } },
    });

    expect((await call(t.app, admin, 'PUT', '/api/v1/sla/tiers/7d', DEFAULT_7D)).statusCode).toBe(200);
  });

  it('adds a new tier', async () => {
    const created = await call(t.app, admin, 'PUT', '/api/v1/sla/tiers/3d', {
      ...DEFAULT_7D,
      replyAmount: 3,
    });
    expect(created.statusCode).toBe(200);
    const items = (await call(t.app, admin, 'GET', '/api/v1/sla/tiers')).json().items as { code: string }[];
    expect(items.map((i) => i.code)).toContain('3d');
    expect((await getSlaTiers(t.deps)).get('3d')).toMatchObject({ replyAmount: 3 });
  });

  it.each([
    ['a warning share of 100 %', '7d', { ...DEFAULT_7D, warnPercent: 100 }],
    ['a reply limit over a year', '7d', { ...DEFAULT_7D, replyAmount: 400 }],
    ['an unknown unit', '7d', { ...DEFAULT_7D, replyUnit: 'weeks' }],
    ['a zero accept limit', '7d', { ...DEFAULT_7D, acceptMinutes: 0 }],
    ['a bad code', 'Seven Days', DEFAULT_7D],
  ])('refuses %s', async (_case, code, body) => {
    const response = await call(t.app, admin, 'PUT', `/api/v1/sla/tiers/${encodeURIComponent(code)}`, body);
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
  });

  it('refuses tier changes from anyone but an admin of the whole city', async () => {
    expect((await call(t.app, dispatcher, 'PUT', '/api/v1/sla/tiers/7d', DEFAULT_7D)).statusCode).toBe(403);
    const heping = await territoryByCode(t.deps, '990101001000');
    const user = await buildUser(t.deps, { role: 'admin', territory: heping });
    const streetAdmin = await loginAs(t.app, user.username, user.password);
    expect((await call(t.app, streetAdmin, 'PUT', '/api/v1/sla/tiers/7d', DEFAULT_7D)).statusCode).toBe(403);
    expect((await call(t.app, streetAdmin, 'GET', '/api/v1/sla/rules')).statusCode).toBe(403);
  });
});

describe('tier rules', () => {
  let ruleId = '';

  it('adds, lists and removes a rule, refusing duplicates and unknown references', async () => {
    expect((await call(t.app, admin, 'GET', '/api/v1/sla/rules')).json()).toEqual({ items: [] });
    const created = await call(t.app, admin, 'POST', '/api/v1/sla/rules', {
      categoryCode: '02',
      unitType: 'street',
      tier: '15d',
    });
    expect(created.statusCode).toBe(201);
    ruleId = created.json().id;
    expect(created.json()).toMatchObject({
      categoryCode: '02',
      categoryName: { zh: '市容环境' },
      urgency: null,
      unitType: 'street',
      tier: '15d',
    });
    const duplicate = await call(t.app, admin, 'POST', '/api/v1/sla/rules', {
      categoryCode: '02',
      unitType: 'street',
      tier: '7d',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(errorCode(duplicate)).toBe('CONFLICT');
    for (const body of [
      { categoryCode: '99', tier: '7d' },
      { categoryCode: '02', tier: '9d' },
      { categoryCode: '02', unitType: 'shop', tier: '7d' },
      { categoryCode: '02', urgency: 'soon', tier: '7d' },
    ]) {
      const refused = await call(t.app, admin, 'POST', '/api/v1/sla/rules', body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await call(t.app, dispatcher, 'POST', '/api/v1/sla/rules', { tier: '2h' })).statusCode).toBe(403);
    expect((await call(t.app, dispatcher, 'GET', '/api/v1/sla/rules')).statusCode).toBe(403);
    const listed = (await call(t.app, admin, 'GET', '/api/v1/sla/rules')).json().items as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual([ruleId]);
  });

  it('plans deadlines with the rule, the category tier, urgency and the default', async () => {
    const plan = (input: {
      categoryCode: string | null;
      urgency: 'normal' | 'urgent';
      unitType: string | null;
    }) =>
      t.deps.database.db.transaction((tx) => planAppealDeadlines(t.deps, tx, { ...input, start: TEST_NOW }));

    // The demo gives water, power, gas and heating (05) 24 hours; subcategories inherit it.
    const water = await plan({ categoryCode: '050101', urgency: 'normal', unitType: null });
    expect(water).toMatchObject({ tier: '24h', decidedBy: 'category', provisional: false });
    expect(water.reply.dueAt).toEqual(local('2026-03-03T09:00:00'));
    expect(water.accept.dueAt).toEqual(local('2026-03-02T11:00:00'));
    expect(water.contact.dueAt).toEqual(local('2026-03-02T13:00:00'));

    const ordinary = await plan({ categoryCode: '020101', urgency: 'normal', unitType: null });
    expect(ordinary).toMatchObject({ tier: '7d', decidedBy: 'default' });
    expect(ordinary.reply.dueAt).toEqual(local('2026-03-12T00:00:00'));
    expect(ordinary.reply.warnAt).toEqual(local('2026-03-10T01:48:00'));

    // At dispatch to a street office the rule for 02 × street applies.
    const dispatched = await plan({ categoryCode: '020101', urgency: 'normal', unitType: 'street' });
    expect(dispatched).toMatchObject({ tier: '15d', decidedBy: 'rule' });
    expect(dispatched.because).toContain(ruleId);
    expect(dispatched.reply.dueAt).toEqual(local('2026-03-24T00:00:00'));

    const urgent = await plan({ categoryCode: '020101', urgency: 'urgent', unitType: 'street' });
    expect(urgent).toMatchObject({ tier: '2h', decidedBy: 'urgency' });
    expect(urgent.reply.dueAt).toEqual(local('2026-03-02T11:00:00'));

    expect(
      await chooseTierFor(t.deps, t.deps.database.db, {
        categoryCode: null,
        urgency: 'normal',
        unitType: null,
      }),
    ).toMatchObject({
      tier: '7d',
      decidedBy: 'default',
    });
    const given = await t.deps.database.db.transaction((tx) =>
      planAppealDeadlines(t.deps, tx, {
        categoryCode: '020101',
        urgency: 'normal',
        unitType: null,
        start: TEST_NOW,
        tier: '2h',
      }),
    );
    expect(given).toMatchObject({ tier: '2h', decidedBy: 'given' });
  });

  it('removes a rule once', async () => {
    const removed = await call(t.app, admin, 'DELETE', `/api/v1/sla/rules/${ruleId}`);
    expect(removed.statusCode).toBe(200);
    expect((await call(t.app, admin, 'DELETE', `/api/v1/sla/rules/${ruleId}`)).statusCode).toBe(404);
    const plan = await planAppealDeadlines(t.deps, t.deps.database.db, {
      categoryCode: '020101',
      urgency: 'normal',
      unitType: 'street',
      start: TEST_NOW,
    });
    expect(plan.tier).toBe('7d');
    const actions = (await t.deps.database.db.select().from(auditLog))
      .map((a) => a.action)
      .filter((a) => a.startsWith('sla.'));
    expect(actions).toEqual(expect.arrayContaining(['sla.createRule', 'sla.deleteRule', 'sla.setTier']));
  });
});
