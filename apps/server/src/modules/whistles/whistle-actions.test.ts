import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWhistleDetail, TWhistleStats } from '@huizhi/contracts';
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
import { sweepWhistleCheckIns } from '../../jobs/whistle-sweeper.ts';
import {
  act,
  actOk,
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
  summonsOf,
  UNITS,
} from './whistle-test-helpers.ts';

let t: TestContext;
let dispatcher: Session;
let unitLead: Session;
let gridWorker: Session;
let handler: Session;
let housing: Session;
let admin: Session;
let otherStreet: Session;

const DAY = 24 * HOUR;

beforeAll(async () => {
  // Sessions that outlive the weeks the clock is moved forward.
  t = await createTestApp({ HUIZHI_SESSION_HOURS: String(30 * 24) });
  dispatcher = await loginAs(t.app, 'dispatcher');
  unitLead = await loginAs(t.app, 'unitLead');
  gridWorker = await loginAs(t.app, 'gridWorker');
  handler = await loginAs(t.app, 'handler');
  housing = await loginAs(t.app, 'housingHandler');
  admin = await loginAs(t.app, 'admin');
  const user = await buildUser(t.deps, {
    role: 'dispatcher',
    territory: await territoryByCode(t.deps, '990102001000'),
  });
  otherStreet = await loginAs(t.app, user.username, user.password);
});
afterAll(async () => t.close());

/** Notifications about a whistle of one kind, as [userId, data] pairs. */
async function told(id: string, kind: string) {
  return (await notificationsAbout(t, id))
    .filter((n) => n.kind === kind)
    .map((n) => ({ userId: n.userId, data: n.data as Record<string, unknown> }));
}

async function stats(session: Session, from: Date, to: Date): Promise<TWhistleStats> {
  const response = await call(
    t.app,
    session,
    'GET',
    `/api/v1/whistles/stats?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
  );
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TWhistleStats;
}

describe('a joint handling from the blow to the street’s confirmation', () => {
  it('checks in on time and late, marks the silent unit missed, waits for the parts, closes', async () => {
    const start = new Date(TEST_NOW.getTime() + 10 * DAY);
    t.clock.set(start);
    let whistle = await blowOk(
      t,
      unitLead,
      blowBody({
        unitIds: [UNITS.cgzf, UNITS.zjw, UNITS.jtw],
        leadUnitId: UNITS.cgzf,
        dueAt: new Date(start.getTime() + 2 * DAY).toISOString(),
      }),
    );

    // The lead (城管) checks in within the hour: on time; the whistle is being handled.
    t.clock.set(new Date(start.getTime() + HOUR));
    whistle = await actOk(t, handler, whistle.id, 'check-in', checkInBody(whistle, UNITS.cgzf));
    expect(whistle.state).toBe('handling');
    expect(summonsOf(whistle, UNITS.cgzf)).toMatchObject({ state: 'checkedIn', late: false, overdue: false });
    expect(whistle.mySummonsId).toBe(summonsOf(whistle, UNITS.cgzf).id);
    expect(await told(whistle.id, 'checkedIn')).toEqual([
      { userId: unitLead.userId, data: expect.objectContaining({ unitId: UNITS.cgzf, action: 'checkIn' }) },
    ]);

    // 住建委 checks in after its 24 hours: late.
    t.clock.set(new Date(start.getTime() + 25 * HOUR));
    whistle = await actOk(t, housing, whistle.id, 'check-in', checkInBody(whistle, UNITS.zjw));
    expect(summonsOf(whistle, UNITS.zjw)).toMatchObject({ state: 'checkedIn', late: true });
    expect(whistle.state).toBe('handling');

    // 交通委 never checks in: the sweeper marks it missed (once) and tells the whistler and the district.
    expect(summonsOf(whistle, UNITS.jtw)).toMatchObject({ state: 'summoned', overdue: true });
    expect(await sweepWhistleCheckIns(t.deps)).toEqual({ missed: 1 });
    expect(await sweepWhistleCheckIns(t.deps)).toEqual({ missed: 0 });
    whistle = await getOk(t, unitLead, whistle.id);
    expect(summonsOf(whistle, UNITS.jtw)).toMatchObject({
      state: 'missed',
      missedAt: new Date(start.getTime() + 25 * HOUR).toISOString(),
      overdue: true,
    });
    expect(whistle).toMatchObject({ summoned: 3, checkedIn: 2, late: 1, missing: 1 });
    const missed = await told(whistle.id, 'checkInMissed');
    const missedTo = missed.map((n) => n.userId);
    // The whistler, and the people reading whistles over the district (the city's administrator).
    expect(missedTo).toEqual(expect.arrayContaining([unitLead.userId, admin.userId]));
    // The street's own dispatcher is not the district.
    expect(missedTo).not.toContain(dispatcher.userId);
    expect(missed[0]!.data).toMatchObject({ action: 'markMissed', unitId: UNITS.jtw, actorName: null });

    // The lead cannot report the result while parts are owed (住建委's and the silent 交通委's).
    const early = await act(t, handler, whistle.id, 'result', { result: '已处置完毕' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: 'WHISTLE_TRANSITION_NOT_ALLOWED',
      details: { state: 'handling', action: 'reportResult', reason: 'partsOutstanding' },
    });
    expect(whistle.allowedActions).not.toContain('reportResult');

    // The whistler withdraws the unit that never checked in; its clock stops.
    whistle = await actOk(t, unitLead, whistle.id, 'withdraw', {
      summonsId: summonsOf(whistle, UNITS.jtw).id,
      reason: 'neverCheckedIn',
    });
    expect(summonsOf(whistle, UNITS.jtw)).toMatchObject({
      state: 'withdrawn',
      withdrawReason: 'neverCheckedIn',
    });
    expect(whistle).toMatchObject({ summoned: 2, missing: 0 });
    expect((await told(whistle.id, 'withdrawn')).map((n) => n.userId)).toEqual([handler.userId]);
    expect((await act(t, handler, whistle.id, 'result', { result: '已处置完毕' })).statusCode).toBe(409);

    // 住建委 reports its part, before the whistle's due time.
    t.clock.set(new Date(start.getTime() + 26 * HOUR));
    whistle = await actOk(t, housing, whistle.id, 'parts', {
      summonsId: summonsOf(whistle, UNITS.zjw).id,
      part: '已完成房屋安全鉴定，出具整改意见。',
    });
    expect(summonsOf(whistle, UNITS.zjw)).toMatchObject({ state: 'partReported', partOnTime: true });
    expect((await told(whistle.id, 'partReported')).map((n) => n.userId)).toEqual([handler.userId]);

    // Now the lead reports the result, and the street confirms it.
    t.clock.set(new Date(start.getTime() + 27 * HOUR));
    whistle = await actOk(t, handler, whistle.id, 'result', { result: '墙皮已清理，施工围挡已撤除。' });
    expect(whistle).toMatchObject({ state: 'resultReported', result: '墙皮已清理，施工围挡已撤除。' });
    expect(whistle.allowedActions).toEqual(['addNote']);
    expect((await told(whistle.id, 'resultReported')).map((n) => n.userId)).toEqual([unitLead.userId]);
    const asWhistler = await getOk(t, unitLead, whistle.id);
    expect(asWhistler.allowedActions).toEqual(['confirm', 'sendBack', 'addNote']);
    whistle = await actOk(t, unitLead, whistle.id, 'confirm', { note: '现场核查无误。' });
    expect(whistle).toMatchObject({
      state: 'closed',
      closedAt: new Date(start.getTime() + 27 * HOUR).toISOString(),
      allowedActions: [],
    });
    expect(new Set((await told(whistle.id, 'confirmed')).map((n) => n.userId))).toEqual(
      new Set([handler.userId, housing.userId]),
    );

    const events = await eventsOf(t, whistle.id);
    expect(events.map((e) => [e.seq, e.type, e.fromState, e.toState])).toEqual([
      [1, 'blown', null, 'summoning'],
      [2, 'checkIn', 'summoning', 'handling'],
      [3, 'checkIn', 'handling', 'handling'],
      [4, 'markMissed', 'handling', 'handling'],
      [5, 'withdrawSummons', 'handling', 'handling'],
      [6, 'reportPart', 'handling', 'handling'],
      [7, 'reportResult', 'handling', 'resultReported'],
      [8, 'confirm', 'resultReported', 'closed'],
    ]);
    expect(events[2]).toMatchObject({ actorUnitId: UNITS.zjw, data: { unitId: UNITS.zjw, late: true } });
    expect(events[3]).toMatchObject({ actorId: null, data: { unitId: UNITS.jtw } });
    expect(events[7]!.data).toMatchObject({ unitIds: [UNITS.cgzf, UNITS.zjw] });
    expect(whistle.version).toBe(8);
    expect((await clocksOf(t, whistle)).every((c) => c.stoppedAt !== null)).toBe(true);

    // The assessment inputs, counted from these events.
    const period = await stats(admin, start, new Date(start.getTime() + 30 * DAY));
    const unit = (id: string) => period.units.find((u) => u.unit.id === id);
    expect(unit(UNITS.cgzf)).toMatchObject({
      summonsReceived: 1,
      checkedInOnTime: 1,
      checkedInLate: 0,
      missed: 0,
      onTimeCheckInRate: 1,
      partsDelivered: 1,
      partsOnTime: 1,
      outcomesConfirmed: 1,
    });
    expect(unit(UNITS.zjw)).toMatchObject({
      summonsReceived: 1,
      checkedInOnTime: 0,
      checkedInLate: 1,
      onTimeCheckInRate: 0,
      partsDelivered: 1,
      partsOnTime: 1,
      outcomesConfirmed: 1,
    });
    expect(unit(UNITS.jtw)).toMatchObject({
      summonsReceived: 1,
      missed: 1,
      partsDelivered: 0,
      outcomesConfirmed: 0,
    });
    expect(period.streets).toEqual([
      {
        street: { id: PLACES.hepingStreet, name: '和平街道' },
        whistlesBlown: 1,
        whistlesResolved: 1,
        resolvedRate: 1,
      },
    ]);
    // Scoped: the street's dispatcher sees the same; another street nothing; 城管 the whistles summoning it.
    expect(await stats(dispatcher, start, new Date(start.getTime() + 30 * DAY))).toEqual(period);
    expect(await stats(otherStreet, start, new Date(start.getTime() + 30 * DAY))).toMatchObject({
      units: [],
      streets: [],
    });
    expect((await stats(handler, start, new Date(start.getTime() + 30 * DAY))).units).toHaveLength(3);
    // Before the period nothing counts; a period must end after it starts.
    expect((await stats(admin, new Date(start.getTime() - DAY), start)).units).toEqual([]);
    const backwards = await call(
      t.app,
      admin,
      'GET',
      `/api/v1/whistles/stats?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(start.toISOString())}`,
    );
    expect(errorCode(backwards)).toBe('VALIDATION_FAILED');
  });

  it('lets a missed summons still check in, late', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 15 * DAY));
    let whistle = await blowOk(t, unitLead, blowBody({ urgency: 'urgent' }));
    t.clock.advance(31 * MINUTE);
    expect((await sweepWhistleCheckIns(t.deps)).missed).toBe(2);
    whistle = await actOk(t, handler, whistle.id, 'check-in', checkInBody(whistle, UNITS.cgzf));
    expect(summonsOf(whistle, UNITS.cgzf)).toMatchObject({ state: 'checkedIn', late: true });
    expect(summonsOf(whistle, UNITS.cgzf).missedAt).not.toBeNull();
    expect(whistle).toMatchObject({ state: 'handling', missing: 1, late: 1 });
  });
});

describe('the whistler’s other moves', () => {
  it('sends a result back to the lead, who reports again', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 20 * DAY));
    let whistle = await blowOk(t, unitLead, blowBody({ unitIds: [UNITS.zjw], leadUnitId: UNITS.zjw }));
    whistle = await actOk(t, housing, whistle.id, 'check-in', checkInBody(whistle, UNITS.zjw));
    whistle = await actOk(t, housing, whistle.id, 'result', { result: '已加固' });
    // The lead's result is its part.
    expect(summonsOf(whistle, UNITS.zjw)).toMatchObject({ part: '已加固', partOnTime: null });
    const part = await act(t, housing, whistle.id, 'parts', {
      summonsId: whistle.summons[0]!.id,
      part: '补充',
    });
    expect(errorCode(part)).toBe('WHISTLE_TRANSITION_NOT_ALLOWED');
    whistle = await actOk(t, unitLead, whistle.id, 'send-back', { note: '加固不到位，请补充照片' });
    expect(whistle).toMatchObject({ state: 'handling', result: null, resultAt: null });
    expect(await told(whistle.id, 'sentBack')).toEqual([
      { userId: housing.userId, data: expect.objectContaining({ action: 'sendBack', state: 'handling' }) },
    ]);
    whistle = await actOk(t, housing, whistle.id, 'result', { result: '已补充加固并上传照片' });
    expect(whistle.state).toBe('resultReported');
    expect((await eventsOf(t, whistle.id)).map((e) => e.type)).toEqual([
      'blown',
      'checkIn',
      'reportResult',
      'sendBack',
      'reportResult',
    ]);
  });

  it('moves a matter up the ladder to the district, one step at a time, and no further', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 21 * DAY));
    let whistle = await blowOk(t, gridWorker, blowBody());
    expect(whistle.level).toBe('grid');
    const reasons = ['网格内无法协调物业', '社区无权调度部门', '涉及跨部门资金'];
    for (const reason of reasons) {
      t.clock.advance(HOUR);
      whistle = await actOk(t, gridWorker, whistle.id, 'escalate', { reason });
    }
    expect(whistle).toMatchObject({
      level: 'district',
      responsibleTerritory: { id: PLACES.mingde, level: 'district' },
    });
    expect(whistle.ladder.map((r) => [r.level, r.territory.name, r.reason])).toEqual([
      ['grid', '东湖社区第1网格', null],
      ['community', '东湖社区', reasons[0]],
      ['street', '和平街道', reasons[1]],
      ['district', '明德区', reasons[2]],
    ]);
    expect(whistle.ladder[1]!.actor).toMatchObject({ name: '周网格' });
    expect(whistle.ladder[3]!.at).toBe(t.clock.now().toISOString());
    expect(whistle.allowedActions).not.toContain('escalate');
    const top = await act(t, gridWorker, whistle.id, 'escalate', { reason: '再往上' });
    expect(top.statusCode).toBe(409);
    expect(top.json().error.details).toMatchObject({ reason: 'topOfLadder' });
    const escalated = await told(whistle.id, 'escalated');
    // The street's dispatcher hears when it reaches the community (their street contains it).
    expect(escalated).toContainEqual({
      userId: dispatcher.userId,
      data: expect.objectContaining({ level: 'community', action: 'escalate' }),
    });
    expect((await eventsOf(t, whistle.id)).filter((e) => e.type === 'escalate').map((e) => e.data)).toEqual([
      { fromLevel: 'grid', toLevel: 'community', reason: reasons[0], responsibleTerritoryId: PLACES.donghu },
      {
        fromLevel: 'community',
        toLevel: 'street',
        reason: reasons[1],
        responsibleTerritoryId: PLACES.hepingStreet,
      },
      { fromLevel: 'street', toLevel: 'district', reason: reasons[2], responsibleTerritoryId: PLACES.mingde },
    ]);
  });

  it('summons more units, changes the lead, and keeps a lead until another leads', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 22 * DAY));
    let whistle = await blowOk(t, unitLead, blowBody());
    const withdrawLead = await act(t, unitLead, whistle.id, 'withdraw', {
      summonsId: summonsOf(whistle, UNITS.cgzf).id,
      reason: 'summonedByMistake',
    });
    expect(withdrawLead.json().error.details).toMatchObject({ reason: 'changeLeadFirst' });

    whistle = await actOk(t, unitLead, whistle.id, 'summons', { unitIds: [UNITS.jtw] });
    expect(summonsOf(whistle, UNITS.jtw)).toMatchObject({ role: 'assisting', state: 'summoned' });
    expect((await clocksOf(t, whistle)).filter((c) => c.stoppedAt === null)).toHaveLength(3);
    for (const unitIds of [[UNITS.zjw], [UNITS.hepingStreet]]) {
      const again = await act(t, unitLead, whistle.id, 'summons', { unitIds });
      expect(errorCode(again)).toBe('VALIDATION_FAILED');
    }

    whistle = await actOk(t, housing, whistle.id, 'check-in', checkInBody(whistle, UNITS.zjw));
    expect(whistle.state).toBe('summoning');
    whistle = await actOk(t, unitLead, whistle.id, 'lead', { unitId: UNITS.zjw, note: '住建委更熟悉情况' });
    // The new lead has checked in: the whistle is being handled.
    expect(whistle).toMatchObject({ state: 'handling', leadUnit: { id: UNITS.zjw } });
    expect(summonsOf(whistle, UNITS.zjw).role).toBe('lead');
    expect(summonsOf(whistle, UNITS.cgzf).role).toBe('assisting');
    expect(new Set((await told(whistle.id, 'leadChanged')).map((n) => n.userId))).toEqual(
      new Set([handler.userId, housing.userId]),
    );
    expect((await told(whistle.id, 'leadChanged'))[0]!.data).toMatchObject({ unitId: UNITS.zjw });
    const same = await act(t, unitLead, whistle.id, 'lead', { unitId: UNITS.zjw });
    expect(errorCode(same)).toBe('VALIDATION_FAILED');
    // 城管 now assists: it owes a part after its check-in.
    whistle = await actOk(t, handler, whistle.id, 'check-in', checkInBody(whistle, UNITS.cgzf));
    const asHandler = await getOk(t, handler, whistle.id);
    expect(asHandler.allowedActions).toEqual(['reportPart', 'addNote']);
  });

  it('cancels a whistle: every clock stops, the units are told, nothing more happens', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 23 * DAY));
    let whistle = await blowOk(t, unitLead, blowBody());
    whistle = await actOk(t, unitLead, whistle.id, 'cancel', { reason: '问题已由物业自行解决' });
    expect(whistle).toMatchObject({
      state: 'cancelled',
      cancelReason: '问题已由物业自行解决',
      allowedActions: [],
    });
    expect((await clocksOf(t, whistle)).every((c) => c.stoppedAt !== null)).toBe(true);
    expect(new Set((await told(whistle.id, 'cancelled')).map((n) => n.userId))).toEqual(
      new Set([handler.userId, housing.userId]),
    );
    const late = await act(t, handler, whistle.id, 'check-in', checkInBody(whistle, UNITS.cgzf));
    expect(errorCode(late)).toBe('WHISTLE_TRANSITION_NOT_ALLOWED');
    expect(errorCode(await act(t, unitLead, whistle.id, 'notes', { note: '补记' }))).toBe(
      'WHISTLE_TRANSITION_NOT_ALLOWED',
    );
    // The whistle bell lists it for the departments.
    const bell = await call(t.app, handler, 'GET', '/api/v1/notifications?limit=100');
    expect(bell.statusCode, bell.body).toBe(200);
    expect(
      bell
        .json()
        .items.some(
          (n: { kind: string; orderId: string }) => n.kind === 'cancelled' && n.orderId === whistle.id,
        ),
    ).toBe(true);
  });

  it('refuses a stale version, and of two writes from the same version takes one', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 24 * DAY));
    const whistle: TWhistleDetail = await blowOk(t, unitLead, blowBody());
    const stale = await act(t, unitLead, whistle.id, 'notes', {
      note: '旧版本',
      version: whistle.version + 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'WHISTLE_VERSION_CONFLICT', details: { version: 1 } });
    const both = await Promise.all([
      act(t, unitLead, whistle.id, 'notes', { note: '一', version: whistle.version }),
      act(t, dispatcher, whistle.id, 'notes', { note: '二', version: whistle.version }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(both.map((r) => errorCode(r)).filter(Boolean)).toEqual(['WHISTLE_VERSION_CONFLICT']);
    const events = await eventsOf(t, whistle.id);
    expect(events.map((e) => e.type)).toEqual(['blown', 'addNote']);
    const fresh = await actOk(t, handler, whistle.id, 'notes', { note: '部门备注', version: 2 });
    expect(fresh.version).toBe(3);
    expect((await eventsOf(t, whistle.id))[2]).toMatchObject({
      actorUnitId: UNITS.cgzf,
      data: { note: '部门备注' },
    });
  });
});
