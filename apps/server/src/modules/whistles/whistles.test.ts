import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import type { TCheckInLimits, TWhistleDetail, TWhistleList } from '@huizhi/contracts';
import { auditLog, whistles } from '../../db/schema.ts';
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
import { recordAppeal } from '../appeals/appeal-test-helpers.ts';
import { stableId } from '../../seed/demo.ts';
import {
  act,
  actOk,
  blow,
  blowBody,
  blowOk,
  checkInBody,
  clocksOf,
  eventsOf,
  getOk,
  HOUR,
  MINUTE,
  notificationsAbout,
  PLACES,
  pointInside,
  UNITS,
} from './whistle-test-helpers.ts';

let t: TestContext;
let operator: Session;
let dispatcher: Session;
let unitLead: Session;
let gridWorker: Session;
let handler: Session;
let housing: Session;
let admin: Session;
let resident: Session;
let otherStreet: Session;

beforeAll(async () => {
  t = await createTestApp();
  operator = await loginAs(t.app, 'operator');
  dispatcher = await loginAs(t.app, 'dispatcher');
  unitLead = await loginAs(t.app, 'unitLead');
  gridWorker = await loginAs(t.app, 'gridWorker');
  handler = await loginAs(t.app, 'handler');
  housing = await loginAs(t.app, 'housingHandler');
  admin = await loginAs(t.app, 'admin');
  resident = await loginAs(t.app, 'resident');
  // A dispatcher of 清源街道 (another district's street).
  const user = await buildUser(t.deps, {
    role: 'dispatcher',
    territory: await territoryByCode(t.deps, '990102001000'),
  });
  otherStreet = await loginAs(t.app, user.username, user.password);
});
afterAll(async () => t.close());

const list = async (session: Session, query: string): Promise<TWhistleList> => {
  const response = await call(t.app, session, 'GET', `/api/v1/whistles?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TWhistleList;
};

describe('blowing a whistle', () => {
  it('blows from an appeal: its place, the level of the blower, a summons and a clock per unit', async () => {
    const appeal = await recordAppeal(t, operator);
    const whistle = await blowOk(t, dispatcher, {
      appealId: appeal.id,
      title: '东湖社区北门占道经营联合整治',
      reason: '流动摊贩屡禁不止，涉及占道和食品安全，街道需要城管和住建部门联合处置。',
      unitIds: [UNITS.zjw, UNITS.cgzf],
      leadUnitId: UNITS.cgzf,
    });
    expect(whistle).toMatchObject({
      state: 'summoning',
      version: 1,
      urgency: 'normal',
      territory: { id: PLACES.donghuG1, level: 'grid' },
      // The 和平街道 dispatcher blows at street level; the responsible territory is the street.
      level: 'street',
      responsibleTerritory: { id: PLACES.hepingStreet, level: 'street' },
      appeal: { id: appeal.id, number: appeal.number },
      blownBy: { name: '赵派单' },
      blowerUnit: null,
      leadUnit: { id: UNITS.cgzf },
      address: appeal.address,
      summoned: 2,
      checkedIn: 0,
      late: 0,
      missing: 0,
      mySummonsId: null,
    });
    expect(whistle.number).toMatch(/^W20260302\d{8}$/);
    // The lead first; both due 24 hours after the blow (the normal limit).
    const due = new Date(TEST_NOW.getTime() + 24 * HOUR).toISOString();
    expect(whistle.checkInDueAt).toBe(due);
    expect(whistle.summons.map((s) => [s.unit.id, s.role, s.state, s.checkInDueAt])).toEqual([
      [UNITS.cgzf, 'lead', 'summoned', due],
      [UNITS.zjw, 'assisting', 'summoned', due],
    ]);
    expect(whistle.ladder).toEqual([
      {
        level: 'street',
        territory: { id: PLACES.hepingStreet, name: '和平街道' },
        at: TEST_NOW.toISOString(),
        actor: { id: whistle.blownBy.id, name: '赵派单' },
        reason: null,
      },
    ]);
    expect(whistle.allowedActions).toEqual([
      'summonMore',
      'withdrawSummons',
      'changeLead',
      'escalate',
      'addNote',
      'cancel',
    ]);

    const events = await eventsOf(t, whistle.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      seq: 1,
      type: 'blown',
      round: 1,
      fromState: null,
      toState: 'summoning',
      actorId: whistle.blownBy.id,
      data: {
        unitIds: [UNITS.cgzf, UNITS.zjw],
        leadUnitId: UNITS.cgzf,
        level: 'street',
        appealId: appeal.id,
        responsibleTerritoryId: PLACES.hepingStreet,
      },
    });
    const clocks = await clocksOf(t, whistle);
    expect(clocks).toHaveLength(2);
    for (const clock of clocks) {
      expect(clock).toMatchObject({ clock: 'checkIn', stoppedAt: null, overdueAt: null });
      expect(clock.dueAt.toISOString()).toBe(due);
      // Due soon at 80 % of the span.
      expect(clock.warnAt.getTime() - TEST_NOW.getTime()).toBe((24 * HOUR * 4) / 5);
    }
    const told = await notificationsAbout(t, whistle.id);
    expect(told.map((n) => n.kind)).toEqual(['summoned', 'summoned']);
    expect(new Set(told.map((n) => n.userId))).toEqual(new Set([handler.userId, housing.userId]));
    expect(told[0]!.data).toMatchObject({
      number: whistle.number,
      title: whistle.title,
      action: 'blown',
      state: 'summoning',
      level: 'street',
      actorName: '赵派单',
      unitId: null,
      checkInDueAt: due,
    });

    // The appeal page lists its whistles; the appeal itself is untouched.
    const byAppeal = await list(dispatcher, `appealId=${appeal.id}`);
    expect(byAppeal.items.map((w) => w.id)).toEqual([whistle.id]);
    const appealAfter = await call(t.app, operator, 'GET', `/api/v1/appeals/${appeal.id}`);
    expect(appealAfter.json()).toMatchObject({ version: appeal.version, state: appeal.state });
  });

  it('blows from scratch at a point, through the street office, urgent: due in 30 minutes', async () => {
    const point = await pointInside(t, '990101001001G02');
    const whistle = await blowOk(
      t,
      unitLead,
      blowBody({ territoryId: undefined, location: point, urgency: 'urgent', address: '东湖社区2号楼' }),
    );
    expect(whistle).toMatchObject({
      territory: { id: PLACES.donghuG2 },
      location: point,
      address: '东湖社区2号楼',
      level: 'street',
      blowerUnit: { id: UNITS.hepingStreet, name: '和平街道办事处' },
      appeal: null,
    });
    expect(whistle.checkInDueAt).toBe(new Date(TEST_NOW.getTime() + 30 * MINUTE).toISOString());
    expect((await eventsOf(t, whistle.id))[0]).toMatchObject({ actorUnitId: UNITS.hepingStreet });
  });

  it('starts a grid worker’s whistle at grid level, and a given check-in time applies to every unit', async () => {
    const checkInBy = new Date(TEST_NOW.getTime() + 2 * HOUR).toISOString();
    const meetingAt = new Date(TEST_NOW.getTime() + 3 * HOUR).toISOString();
    const whistle = await blowOk(
      t,
      gridWorker,
      blowBody({ checkInBy, meetingAt, meetingPlace: '东湖社区居委会' }),
    );
    expect(whistle).toMatchObject({
      level: 'grid',
      responsibleTerritory: { id: PLACES.donghuG1, level: 'grid' },
      checkInDueAt: checkInBy,
      meetingAt,
      meetingPlace: '东湖社区居委会',
    });
    expect(whistle.summons.every((s) => s.checkInDueAt === checkInBy)).toBe(true);
  });

  it('answers a retry with the same Idempotency-Key with the first whistle, creating nothing', async () => {
    const body = blowBody({ title: '幂等测试吹哨' });
    const headers = { 'idempotency-key': 'whistle-retry-1' };
    const first = await blow(t, unitLead, body, headers);
    expect(first.statusCode, first.body).toBe(201);
    const before = await t.deps.database.db.select({ n: count() }).from(whistles);
    const second = await blow(t, unitLead, body, headers);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    expect(await t.deps.database.db.select({ n: count() }).from(whistles)).toEqual(before);
    const changed = await blow(t, unitLead, { ...body, title: '另一件事' }, headers);
    expect(errorCode(changed)).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses bodies that break the rules, with the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [blowBody({ leadUnitId: UNITS.jtw }), '/leadUnitId'],
      [blowBody({ unitIds: [UNITS.cgzf, '00000000-0000-4000-8000-000000000000'] }), '/unitIds/1'],
      [blowBody({ territoryId: undefined }), '/territoryId'],
      [blowBody({ checkInBy: new Date(TEST_NOW.getTime() - MINUTE).toISOString() }), '/checkInBy'],
      [blowBody({ dueAt: TEST_NOW.toISOString() }), '/dueAt'],
      // A street office does not summon itself.
      [blowBody({ unitIds: [UNITS.cgzf, UNITS.hepingStreet] }), '/unitIds/1'],
      [blowBody({ territoryId: undefined, location: { lng: 10, lat: 10 } }), '/location'],
    ];
    for (const [body, path] of cases) {
      const response = await blow(t, unitLead, body);
      expect(response.statusCode, `${path}: ${response.body}`).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
      expect(response.json().error.details.issues[0].path).toBe(path);
    }
    // Contract limits are checked before anything else.
    const tooShort = await blow(t, unitLead, blowBody({ reason: '短' }));
    expect(errorCode(tooShort)).toBe('VALIDATION_FAILED');
    // An appeal the blower may not read is unknown to them (the grid worker reads only its grid's).
    const elsewhere = await recordAppeal(t, operator, { territoryId: PLACES.xiyuanG1 });
    const unreadable = await blow(t, gridWorker, blowBody({ appealId: elsewhere.id }));
    expect(unreadable.json().error.details.issues[0].path).toBe('/appealId');
  });

  it('lets only whistlers blow, and only over their own area', async () => {
    expect(errorCode(await blow(t, handler, blowBody()))).toBe('FORBIDDEN');
    expect(errorCode(await blow(t, resident, blowBody()))).toBe('FORBIDDEN');
    const outside = await blow(t, dispatcher, blowBody({ territoryId: PLACES.qingyuanG1 }));
    expect(outside.statusCode).toBe(403);
    expect(errorCode(await blow(t, gridWorker, blowBody({ territoryId: PLACES.donghuG2 })))).toBe(
      'FORBIDDEN',
    );
  });
});

describe('who sees a whistle', () => {
  let onlyHousing: TWhistleDetail;
  let both: TWhistleDetail;

  beforeAll(async () => {
    onlyHousing = await blowOk(t, unitLead, blowBody({ unitIds: [UNITS.zjw], leadUnitId: UNITS.zjw }));
    both = await blowOk(t, unitLead, blowBody());
  });

  it('shows a department only the whistles that summon it', async () => {
    expect((await call(t.app, handler, 'GET', `/api/v1/whistles/${onlyHousing.id}`)).statusCode).toBe(404);
    const note = await act(t, handler, onlyHousing.id, 'notes', { note: '看一下' });
    expect(note.statusCode).toBe(404);
    const checkIn = await act(t, handler, onlyHousing.id, 'check-in', checkInBody(onlyHousing, UNITS.zjw));
    expect(checkIn.statusCode).toBe(404);
    const seen = await getOk(t, housing, onlyHousing.id);
    expect(seen.mySummonsId).toBe(onlyHousing.summons[0]!.id);
    expect(seen.allowedActions).toEqual(['checkIn', 'addNote']);

    const handlerInbox = await list(handler, 'view=inbox');
    expect(handlerInbox.items.map((w) => w.id)).toContain(both.id);
    expect(handlerInbox.items.map((w) => w.id)).not.toContain(onlyHousing.id);
    const housingInbox = await list(housing, 'view=inbox');
    expect(housingInbox.items.map((w) => w.id)).toEqual(expect.arrayContaining([both.id, onlyHousing.id]));
    const item = housingInbox.items.find((w) => w.id === both.id)!;
    expect(item.mySummons).toMatchObject({ unit: { id: UNITS.zjw }, role: 'assisting', state: 'summoned' });
    // A department's board holds only whistles blown through it: none.
    expect((await list(handler, 'view=board')).items).toEqual([]);
  });

  it('keeps a unit to its own summons: 住建委 cannot check in for 城管', async () => {
    const response = await act(t, housing, both.id, 'check-in', checkInBody(both, UNITS.cgzf));
    expect(response.statusCode).toBe(403);
    expect(errorCode(response)).toBe('FORBIDDEN');
    // Nor act for the whistler.
    expect((await act(t, housing, both.id, 'cancel', { reason: '不需要了' })).statusCode).toBe(403);
  });

  it('lets the district government open what reaches it (its district only), without acting for anyone', async () => {
    const mingde = await buildUser(t.deps, { role: 'unitLead', unitId: UNITS.mingdeGovernment });
    const qingyuan = await buildUser(t.deps, { role: 'unitLead', unitId: stableId('unit:gov:990102') });
    const district = await loginAs(t.app, mingde.username, mingde.password);
    const otherDistrict = await loginAs(t.app, qingyuan.username, qingyuan.password);
    // 住建委 alone is summoned: the district government is not, yet it supervises 和平街道.
    const read = await call(t.app, district, 'GET', `/api/v1/whistles/${onlyHousing.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect((read.json() as TWhistleDetail).allowedActions).not.toContain('checkIn');
    expect((await list(district, 'view=board&open=false')).items.map((w) => w.id)).toContain(onlyHousing.id);
    expect((await call(t.app, otherDistrict, 'GET', `/api/v1/whistles/${onlyHousing.id}`)).statusCode).toBe(
      404,
    );
    expect((await list(otherDistrict, 'view=board&open=false')).items).toEqual([]);
    expect(
      (await act(t, district, onlyHousing.id, 'check-in', checkInBody(onlyHousing, UNITS.zjw))).statusCode,
    ).toBe(403);
  });

  it("offers a street office's lead the units it may summon: its district's departments and the utilities", async () => {
    const response = await call(t.app, unitLead, 'GET', '/api/v1/whistles/summonable-units?limit=500');
    expect(response.statusCode, response.body).toBe(200);
    const ids = (response.json() as { items: { id: string }[] }).items.map((u) => u.id);
    expect(ids).toEqual(
      expect.arrayContaining([UNITS.cgzf, UNITS.zjw, UNITS.mingdeGovernment, stableId('unit:water')]),
    );
    expect(ids).not.toContain(UNITS.qingheCgzf);
    // Through /units the same lead reads only its own office.
    const own = (await call(t.app, unitLead, 'GET', '/api/v1/units?limit=500')).json() as {
      items: unknown[];
    };
    expect(own.items).toHaveLength(1);
    expect((await call(t.app, handler, 'GET', '/api/v1/whistles/summonable-units')).statusCode).toBe(403);
  });

  it('hides 和平街道’s whistles from another street', async () => {
    expect((await call(t.app, otherStreet, 'GET', `/api/v1/whistles/${both.id}`)).statusCode).toBe(404);
    expect((await act(t, otherStreet, both.id, 'notes', { note: '越界' })).statusCode).toBe(404);
    expect((await act(t, otherStreet, both.id, 'cancel', { reason: '越界取消' })).statusCode).toBe(404);
    expect((await list(otherStreet, 'view=board&open=false')).items).toEqual([]);
    // The street's own board has them.
    const board = await list(dispatcher, 'view=board');
    expect(board.items.map((w) => w.id)).toEqual(expect.arrayContaining([both.id, onlyHousing.id]));
    // The street office's board has the whistles blown through it.
    expect((await list(unitLead, 'view=board')).items.map((w) => w.id)).toContain(both.id);
    // Residents read no whistles.
    expect((await call(t.app, resident, 'GET', '/api/v1/whistles')).statusCode).toBe(403);
  });

  it('masks responsible people’s phones unless the reader may read personal data, and logs a full read', async () => {
    await actOk(
      t,
      handler,
      both.id,
      'check-in',
      checkInBody(both, UNITS.cgzf, { responsiblePhone: '139 1234 5678' }),
    );
    const asHandler = await getOk(t, handler, both.id);
    expect(asHandler.summons[0]).toMatchObject({
      responsibleName: '张主任',
      responsiblePhone: '139****5678',
    });
    const before = await t.deps.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'personalData.reveal'), eq(auditLog.entityId, both.id)));
    const asAdmin = await getOk(t, admin, both.id);
    expect(asAdmin.summons[0]!.responsiblePhone).toBe('13912345678');
    const after = await t.deps.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'personalData.reveal'), eq(auditLog.entityId, both.id)));
    expect(after[0]!.n).toBe(before[0]!.n + 1);
    // Lists never show a number in full.
    const inbox = await list(handler, 'view=inbox');
    expect(inbox.items.find((w) => w.id === both.id)!.mySummons!.responsiblePhone).toBe('139****5678');
    // Events never carry the phone.
    const events = await eventsOf(t, both.id);
    expect(JSON.stringify(events)).not.toContain('13912345678');
  });

  it('pages a list with a cursor and keeps closed whistles out of open lists', async () => {
    const first = await list(dispatcher, 'view=board&limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await list(dispatcher, `view=board&limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    expect(errorCode(await call(t.app, dispatcher, 'GET', '/api/v1/whistles?cursor=nope'))).toBe(
      'VALIDATION_FAILED',
    );
    // The demo's closed whistle is only in the full list.
    const open = await list(dispatcher, 'view=board&limit=200');
    const all = await list(dispatcher, 'view=board&limit=200&open=false');
    expect(open.items.some((w) => w.state === 'closed')).toBe(false);
    expect(all.items.some((w) => w.state === 'closed')).toBe(true);
  });

  it('lists the whistles of an appeal only to readers of the appeal', async () => {
    const appeal = await recordAppeal(t, operator, { territoryId: PLACES.xiyuanG1 });
    expect((await call(t.app, gridWorker, 'GET', `/api/v1/whistles?appealId=${appeal.id}`)).statusCode).toBe(
      404,
    );
    expect((await list(dispatcher, `appealId=${appeal.id}`)).items).toEqual([]);
  });
});

describe('check-in limits', () => {
  it('are readable by whistle readers and set by the city’s administrators only; new whistles use them', async () => {
    const limits = await call(t.app, handler, 'GET', '/api/v1/whistles/check-in-limits');
    expect(limits.statusCode).toBe(200);
    expect(limits.json()).toEqual({
      limits: [
        { urgency: 'normal', minutes: 1440 },
        { urgency: 'urgent', minutes: 30 },
      ],
    } satisfies TCheckInLimits);
    expect((await call(t.app, resident, 'GET', '/api/v1/whistles/check-in-limits')).statusCode).toBe(403);

    const change = { limits: [{ urgency: 'urgent', minutes: 45 }] };
    expect((await call(t.app, unitLead, 'PUT', '/api/v1/whistles/check-in-limits', change)).statusCode).toBe(
      403,
    );
    expect(
      (await call(t.app, dispatcher, 'PUT', '/api/v1/whistles/check-in-limits', change)).statusCode,
    ).toBe(403);
    const duplicate = await call(t.app, admin, 'PUT', '/api/v1/whistles/check-in-limits', {
      limits: [
        { urgency: 'urgent', minutes: 45 },
        { urgency: 'urgent', minutes: 50 },
      ],
    });
    expect(errorCode(duplicate)).toBe('VALIDATION_FAILED');
    const tooLong = await call(t.app, admin, 'PUT', '/api/v1/whistles/check-in-limits', {
      limits: [{ urgency: 'urgent', minutes: 8 * 24 * 60 }],
    });
    expect(errorCode(tooLong)).toBe('VALIDATION_FAILED');

    const before = await blowOk(t, unitLead, blowBody({ urgency: 'urgent' }));
    const set = await call(t.app, admin, 'PUT', '/api/v1/whistles/check-in-limits', change);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({
      limits: [
        { urgency: 'normal', minutes: 1440 },
        { urgency: 'urgent', minutes: 45 },
      ],
    });
    const after = await blowOk(t, unitLead, blowBody({ urgency: 'urgent' }));
    expect(after.checkInDueAt).toBe(new Date(TEST_NOW.getTime() + 45 * MINUTE).toISOString());
    // A summons already running keeps its deadline.
    expect((await getOk(t, unitLead, before.id)).checkInDueAt).toBe(
      new Date(TEST_NOW.getTime() + 30 * MINUTE).toISOString(),
    );
    // More units summoned later get the limit of the day.
    const more = await actOk(t, unitLead, before.id, 'summons', { unitIds: [UNITS.jtw] });
    expect(more.summons.find((s) => s.unit.id === UNITS.jtw)!.checkInDueAt).toBe(
      new Date(TEST_NOW.getTime() + 45 * MINUTE).toISOString(),
    );
    const [entry] = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'whistle.checkInLimits.update'));
    expect(entry!.details).toMatchObject({ before: { urgent: 30 }, after: { urgent: 45 } });
    await call(t.app, admin, 'PUT', '/api/v1/whistles/check-in-limits', {
      limits: [{ urgency: 'urgent', minutes: 30 }],
    });
  });
});
