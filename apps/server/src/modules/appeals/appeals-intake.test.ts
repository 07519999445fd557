import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TAppealDetail } from '@huizhi/contracts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
import {
  appeals,
  attachments,
  outboundMessages,
  slaTimers,
  territories,
  workOrderEvents,
} from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';
import { planAppealDeadlines } from '../sla/sla.service.ts';
import { invalidateAppealIntakeCache } from './appeals.service.ts';
import { MicroBatcher } from './intake-batcher.ts';

let t: TestContext;
let operator: Session; // 12345 hotline, whole city
let resident: Session; // 王小明, 13800000001
let gridWorker: Session; // 东湖社区第1网格
let dispatcher: Session; // 和平街道: may read, may not record
let admin: Session;

const CITY = stableId('territory:990100000000');
const HEPING_STREET = stableId('territory:990101001000');
const DONGHU_G1 = stableId('territory:990101001001G01');
const DONGHU_G2 = stableId('territory:990101001001G02');
const OPERATOR_ID = stableId('user:operator');
const RESIDENT_ID = stableId('user:resident');

/** A point inside a grid: the mean of its polygon's corners (the demo grids are convex). */
async function pointInside(code: string): Promise<{ lng: number; lat: number }> {
  const rows = await t.deps.database.db
    .select({ geometry: territories.geometry })
    .from(territories)
    .where(eq(territories.code, code));
  const ring = (rows[0]!.geometry as { coordinates: number[][][] }).coordinates[0]!.slice(0, -1);
  return {
    lng: ring.reduce((sum, c) => sum + c[0]!, 0) / ring.length,
    lat: ring.reduce((sum, c) => sum + c[1]!, 0) / ring.length,
  };
}

const create = (session: Session, body: object, headers: Record<string, string> = {}) =>
  call(t.app, session, 'POST', '/api/v1/appeals', body, headers);

async function createOk(session: Session, body: object): Promise<TAppealDetail> {
  const response = await create(session, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TAppealDetail;
}

const complaint = (extra: object = {}) => ({
  type: 'complaint',
  categoryCode: '020101',
  content: `东湖小区门口的垃圾桶满了三天没人清运 ${randomUUID().slice(0, 8)}`,
  territoryId: DONGHU_G1,
  appellant: { name: '张三丰', phone: '139 1234 5678' },
  ...extra,
});

async function eventsOf(id: string) {
  return t.deps.database.db
    .select()
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderKind, 'appeal'), eq(workOrderEvents.orderId, id)))
    .orderBy(workOrderEvents.seq);
}

async function timersOf(id: string) {
  return t.deps.database.db
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orderKind, 'appeal'), eq(slaTimers.orderId, id)));
}

async function rowOf(id: string) {
  const rows = await t.deps.database.db.select().from(appeals).where(eq(appeals.id, id));
  return rows[0]!;
}

/** Exactly one `received` event (with no personal data) and one running reply clock, round 1. */
async function expectReceivedOnce(appeal: TAppealDetail) {
  const events = await eventsOf(appeal.id);
  expect(events.filter((e) => e.type === 'received')).toHaveLength(1);
  const received = events[0]!;
  expect(received).toMatchObject({
    seq: 1,
    type: 'received',
    fromState: null,
    toState: 'received',
    round: 1,
  });
  const data = JSON.stringify(received.data);
  expect(data).not.toContain('1234');
  expect(data).not.toMatch(/张|王小明/);
  const timers = await timersOf(appeal.id);
  expect(timers).toHaveLength(1);
  expect(timers[0]).toMatchObject({ clock: 'reply', round: 1 });
  const row = await rowOf(appeal.id);
  expect(row.replyDueAt?.toISOString()).toBe(timers[0]!.dueAt.toISOString());
  expect(appeal.replyDueAt).toBe(timers[0]!.dueAt.toISOString());
}

beforeAll(async () => {
  t = await createTestApp();
  [operator, resident, gridWorker, dispatcher, admin] = await Promise.all([
    loginAs(t.app, 'operator'),
    loginAs(t.app, 'resident'),
    loginAs(t.app, 'gridWorker'),
    loginAs(t.app, 'dispatcher'),
    loginAs(t.app, 'admin'),
  ]);
});
afterAll(async () => t.close());

describe('POST /appeals from every channel', () => {
  it('records a hotline appeal: numbered by the date of receipt, one received event, the reply clock running', async () => {
    const appeal = await createOk(operator, complaint());
    expect(appeal).toMatchObject({
      channel: 'hotline',
      source: 'live',
      state: 'received',
      appellantStatus: 'received',
      type: 'complaint',
      categoryCode: '020101',
      categoryName: '垃圾清运',
      tier: '7d',
      round: 1,
      version: 1,
      territory: { id: DONGHU_G1, level: 'grid', name: '东湖社区第1网格' },
      handlingUnit: null,
      assignments: [],
      allowedActions: expect.any(Array),
    });
    expect(appeal.number).toMatch(/^20260302\d{8}$/);
    expect(appeal.events.map((e) => e.type)).toEqual(['received']);
    expect(appeal.deadlines).toEqual([
      expect.objectContaining({ clock: 'reply', round: 1, stoppedAt: null }),
    ]);
    await expectReceivedOnce(appeal);
    // The phone is kept without spaces, and read back masked to the operator.
    expect((await rowOf(appeal.id)).appellantPhone).toBe('13912345678');
    expect(appeal.appellant).toMatchObject({ name: '张**', phone: '139****5678', masked: true });
    // What the intake answered is what a later read shows.
    const read = await call(t.app, operator, 'GET', `/api/v1/appeals/${appeal.id}`);
    expect(read.json()).toEqual(appeal);
  });

  it('takes a resident’s appeal on the web with the appellant from their account', async () => {
    const appeal = await createOk(resident, {
      type: 'help',
      categoryCode: '030101',
      content: '东湖路上有一段路面塌陷，骑车很危险',
      appellant: { name: '冒名', phone: '13700000000' },
    });
    expect(appeal.channel).toBe('web');
    expect(appeal.appellant).toMatchObject({ name: '王小明', phone: '13800000001', masked: false });
    const row = await rowOf(appeal.id);
    expect(row).toMatchObject({
      appellantUserId: RESIDENT_ID,
      appellantName: '王小明',
      appellantPhone: '13800000001',
      createdBy: RESIDENT_ID,
    });
    await expectReceivedOnce(appeal);
    expect((await createOk(resident, { ...complaint(), channel: 'wechat' })).channel).toBe('wechat');
    expect((await createOk(resident, { ...complaint(), channel: 'mobile' })).channel).toBe('mobile');
    const refused = await create(resident, { ...complaint(), channel: 'hotline' });
    expect(errorCode(refused)).toBe('VALIDATION_FAILED');
    expect(refused.json().error.details.path).toBe('/channel');
  });

  it('records a grid worker’s patrol finding, in their own grid when no place is given', async () => {
    const found = await createOk(gridWorker, {
      type: 'report',
      categoryCode: '020201',
      content: '巡查发现东湖小区北门有无照游商占道',
      location: await pointInside('990101001001G01'),
    });
    expect(found).toMatchObject({ channel: 'patrol', territory: { id: DONGHU_G1 } });
    await expectReceivedOnce(found);
    const unplaced = await createOk(gridWorker, { type: 'report', content: '巡查发现楼道堆放杂物' });
    expect(unplaced).toMatchObject({ channel: 'patrol', territory: { id: DONGHU_G1, level: 'grid' } });
    // A grid worker records in their grid only.
    const elsewhere = await create(gridWorker, { ...complaint(), territoryId: DONGHU_G2 });
    expect(elsewhere.statusCode).toBe(400);
    expect(errorCode(await create(gridWorker, { ...complaint(), channel: 'hotline' }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('takes other systems’ appeals on channel api, and refuses import and people without the right', async () => {
    const viaApi = await createOk(operator, { ...complaint(), channel: 'api' });
    expect(viaApi.channel).toBe('api');
    await expectReceivedOnce(viaApi);
    expect((await createOk(resident, { ...complaint(), channel: 'api' })).channel).toBe('api');
    expect(errorCode(await create(operator, { ...complaint(), channel: 'import' }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(errorCode(await create(dispatcher, complaint()))).toBe('FORBIDDEN');
    expect((await call(t.app, null, 'POST', '/api/v1/appeals', complaint())).statusCode).toBe(401);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first appeal and creates nothing more', async () => {
    const key = randomUUID();
    const body = complaint({ channel: 'api' });
    const first = await create(operator, body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await create(operator, body, { 'idempotency-key': key });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    const rows = await t.deps.database.db.select().from(appeals).where(eq(appeals.content, body.content));
    expect(rows).toHaveLength(1);
    expect(await eventsOf(first.json().id)).toHaveLength(1);
    expect(await timersOf(first.json().id)).toHaveLength(1);
  });

  it('refuses the same key with a different request', async () => {
    const key = randomUUID();
    expect((await create(operator, complaint(), { 'idempotency-key': key })).statusCode).toBe(201);
    const reused = await create(operator, complaint(), { 'idempotency-key': key });
    expect(reused.statusCode).toBe(422);
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('validation', () => {
  it('names the field of each refusal with a stable code', async () => {
    const unknown = await create(operator, complaint({ categoryCode: '999999' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: '/categoryCode' },
    });
    const street = await create(operator, complaint({ territoryId: HEPING_STREET }));
    expect(street.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: '/territoryId' },
    });
    const nowhere = await create(operator, complaint({ territoryId: randomUUID() }));
    expect(nowhere.json().error.details.path).toBe('/territoryId');
    const short = await create(operator, complaint({ content: '短' }));
    expect(errorCode(short)).toBe('VALIDATION_FAILED');
    expect(short.json().error.details.issues[0].path).toBe('/content');
    const badPhone = await create(operator, complaint({ appellant: { phone: 'call me' } }));
    expect(errorCode(badPhone)).toBe('VALIDATION_FAILED');
    const badType = await create(operator, complaint({ type: 'gossip' }));
    expect(errorCode(badType)).toBe('VALIDATION_FAILED');
  });

  it('refuses a deactivated category (or one under a deactivated parent)', async () => {
    const patch = (active: boolean) => call(t.app, admin, 'PATCH', '/api/v1/categories/0202', { active });
    expect((await patch(false)).statusCode).toBe(200);
    invalidateAppealIntakeCache(t.deps.database);
    try {
      const refused = await create(operator, complaint({ categoryCode: '020201' }));
      expect(refused.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { path: '/categoryCode' },
      });
      expect((await create(operator, complaint({ categoryCode: '020101' }))).statusCode).toBe(201);
    } finally {
      expect((await patch(true)).statusCode).toBe(200);
      invalidateAppealIntakeCache(t.deps.database);
    }
    expect((await create(operator, complaint({ categoryCode: '020201' }))).statusCode).toBe(201);
  });
});

describe('attachments at intake', () => {
  async function upload(uploadedBy: string, appealId: string | null = null) {
    const id = randomUUID();
    await t.deps.database.db.insert(attachments).values({
      id,
      appealId,
      purpose: 'intake',
      storageKey: `test/${id}`,
      fileName: 'photo.jpg',
      contentType: 'image/jpeg',
      kind: 'image',
      size: 1234,
      sha256: 'a'.repeat(64),
      uploadedBy,
      createdAt: t.clock.now(),
    });
    return id;
  }

  it('links the uploader’s unlinked files to the new appeal', async () => {
    const [a, b] = [await upload(OPERATOR_ID), await upload(OPERATOR_ID)];
    const appeal = await createOk(operator, complaint({ attachmentIds: [b, a] }));
    expect(appeal.attachments.map((f) => f.id)).toEqual([b, a]);
    expect(appeal.attachments[0]).toMatchObject({
      fileName: 'photo.jpg',
      kind: 'image',
      purpose: 'intake',
      url: `/api/v1/attachments/${b}`,
    });
    const linked = await t.deps.database.db
      .select()
      .from(attachments)
      .where(eq(attachments.appealId, appeal.id));
    expect(linked.map((f) => f.id).sort()).toEqual([a, b].sort());
    expect((await eventsOf(appeal.id))[0]!.data).toMatchObject({ attachments: 2 });
    const read = (await call(t.app, operator, 'GET', `/api/v1/appeals/${appeal.id}`)).json() as TAppealDetail;
    expect(read.attachments.map((f) => f.id).sort()).toEqual([a, b].sort());
  });

  it('refuses files that are unknown, someone else’s or already linked, and creates nothing', async () => {
    const mine = await upload(OPERATOR_ID);
    const theirs = await upload(RESIDENT_ID);
    const content = `带附件的诉求 ${randomUUID()}`;
    const unknown = await create(operator, complaint({ content, attachmentIds: [mine, randomUUID()] }));
    expect(unknown.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: '/attachmentIds/1' },
    });
    const foreign = await create(operator, complaint({ content, attachmentIds: [theirs] }));
    expect(foreign.json().error.details.path).toBe('/attachmentIds/0');
    expect(await t.deps.database.db.select().from(appeals).where(eq(appeals.content, content))).toHaveLength(
      0,
    );
    const first = await createOk(operator, complaint({ attachmentIds: [mine] }));
    expect(first.attachments).toHaveLength(1);
    const again = await create(operator, complaint({ attachmentIds: [mine] }));
    expect(again.json().error.details.path).toBe('/attachmentIds/0');
  });
});

describe('a consultation answered at intake', () => {
  it('is closed in the same write, with its answer, a stopped reply clock and a message to the appellant', async () => {
    const appeal = await createOk(operator, {
      type: 'consultation',
      categoryCode: '0303',
      content: '请问市民卡乘坐公交车有没有优惠？',
      appellant: { name: '李四', phone: '13911112222' },
      answerNow: { reply: '持市民卡乘坐本市公交享受五折优惠。' },
    });
    expect(appeal).toMatchObject({
      state: 'closed',
      appellantStatus: 'closed',
      closeKind: 'answeredAtIntake',
      reply: '持市民卡乘坐本市公交享受五折优惠。',
      repliedAt: '2026-03-02T01:00:00.000Z',
      closedAt: '2026-03-02T01:00:00.000Z',
      allowedActions: [],
    });
    const events = await eventsOf(appeal.id);
    expect(events.map((e) => [e.type, e.fromState, e.toState])).toEqual([
      ['received', null, 'received'],
      ['answerAtIntake', 'received', 'closed'],
    ]);
    const timers = await timersOf(appeal.id);
    expect(timers).toHaveLength(1);
    expect(timers[0]!.stoppedAt?.toISOString()).toBe('2026-03-02T01:00:00.000Z');
    const messages = await t.deps.database.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.orderId, appeal.id));
    expect(messages).toEqual([
      expect.objectContaining({ recipient: '13911112222', template: 'closed', channel: 'sms' }),
    ]);
    expect(await rowOf(appeal.id)).toMatchObject({ state: 'closed', closeKind: 'answeredAtIntake' });
  });

  it('is refused for any other type, and nothing is created', async () => {
    const content = `不是咨询却想当场办结 ${randomUUID()}`;
    const refused = await create(operator, complaint({ content, answerNow: { reply: '已答复' } }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'APPEAL_TRANSITION_NOT_ALLOWED',
      details: { state: 'received', action: 'answerAtIntake', reason: 'onlyConsultations' },
    });
    expect(await t.deps.database.db.select().from(appeals).where(eq(appeals.content, content))).toHaveLength(
      0,
    );
  });
});

describe('placing an appeal', () => {
  it('locates a point in its grid', async () => {
    const appeal = await createOk(
      operator,
      complaint({ territoryId: undefined, location: await pointInside('990101001001G02') }),
    );
    expect(appeal.territory).toEqual({ id: DONGHU_G2, name: '东湖社区第2网格', level: 'grid' });
    expect(appeal.location).toEqual(expect.objectContaining({ lng: expect.any(Number) }));
    expect((await rowOf(appeal.id)).territoryPath).toBe(
      (await territoryByCode(t.deps, '990101001001G02')).path,
    );
    expect((await eventsOf(appeal.id))[0]!.data).toMatchObject({
      territoryId: DONGHU_G2,
      locatedBy: 'point',
    });
  });

  it('geocodes an address through the gazetteer', async () => {
    const appeal = await createOk(
      operator,
      complaint({ territoryId: undefined, address: '东湖花园2号楼楼下' }),
    );
    expect(appeal.territory.id).toBe(DONGHU_G2);
    expect(appeal.address).toBe('东湖花园2号楼楼下');
  });

  it('puts an appeal that cannot be placed (or lies outside every grid) at the city, for the city’s dispatchers', async () => {
    const unplaced = await createOk(operator, complaint({ territoryId: undefined }));
    expect(unplaced.territory).toMatchObject({ id: CITY, level: 'city' });
    const outside = await createOk(
      operator,
      complaint({ territoryId: undefined, location: { lng: 100, lat: 30 } }),
    );
    expect(outside.territory.id).toBe(CITY);
    expect(outside.location).toEqual({ lng: 100, lat: 30 });
  });

  it('chooses the tier from the category and urgency', async () => {
    const water = await createOk(
      operator,
      complaint({ categoryCode: '050101', content: '东湖小区全楼停水一天了' }),
    );
    expect(water.tier).toBe('24h');
    expect(water.replyDueAt).toBe('2026-03-03T01:00:00.000Z');
    const urgent = await createOk(operator, complaint({ urgency: 'urgent' }));
    expect(urgent.tier).toBe('2h');
    expect(urgent.replyDueAt).toBe('2026-03-02T03:00:00.000Z');
  });

  it('lets a resident name any grid (public geography) but not a street', async () => {
    expect((await createOk(resident, complaint({ territoryId: DONGHU_G2 }))).territory.id).toBe(DONGHU_G2);
    expect(errorCode(await create(resident, complaint({ territoryId: HEPING_STREET })))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('refuses a place the recorder may not see', async () => {
    const otherStreet = await territoryByCode(t.deps, '990102001000');
    const someone = await buildUser(t.deps, { role: 'operator', territory: otherStreet });
    const session = await loginAs(t.app, someone.username, someone.password);
    const refused = await create(session, complaint({ territoryId: DONGHU_G1 }));
    expect(refused.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { path: '/territoryId' },
    });
  });
});

describe('many intakes at once', () => {
  it('writes each appeal whole with its own number, event and clock (group commit)', async () => {
    const tag = randomUUID().slice(0, 8);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        create(operator, complaint({ channel: 'api', content: `并发受理的诉求 ${tag} 第${i}件` })),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    const created = responses.map((r) => r.json() as TAppealDetail);
    expect(new Set(created.map((a) => a.number)).size).toBe(40);
    for (const appeal of created) {
      expect((await rowOf(appeal.id)).number).toBe(appeal.number);
      await expectReceivedOnce(appeal);
    }
  });

  it('plans a working-day reply deadline like the SLA module, whatever the hour of receipt', async () => {
    const morning = await createOk(operator, complaint());
    t.clock.set(new Date('2026-03-02T15:30:00+08:00'));
    try {
      const afternoon = await createOk(operator, complaint());
      expect(afternoon.replyDueAt).toBe(morning.replyDueAt);
      const plan = await planAppealDeadlines(t.deps, t.deps.database.db, {
        categoryCode: '020101',
        urgency: 'normal',
        unitType: null,
        start: t.clock.now(),
      });
      expect(afternoon.tier).toBe(plan.tier);
      expect(afternoon.replyDueAt).toBe(plan.reply.dueAt.toISOString());
      expect(afternoon.deadlines[0]!.warnAt).toBe(plan.reply.warnAt.toISOString());
      expect(afternoon.deadlines[0]!.warnAt).not.toBe(morning.deadlines[0]!.warnAt);
    } finally {
      t.clock.set(new Date('2026-03-02T09:00:00+08:00'));
    }
  });
});

describe('MicroBatcher', () => {
  it('writes alone when idle, in batches while writes are in flight', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      writeBatch: async (items) => {
        batches.push([...items]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return items.map((item) => item * 10);
      },
      writeOne: async (item) => {
        batches.push([item]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return item * 10;
      },
      maxBatch: 4,
      maxInFlight: 1,
    });
    expect(await batcher.submit(1)).toBe(10);
    expect(batches).toEqual([[1]]);
    const results = await Promise.all([2, 3, 4, 5, 6, 7].map((n) => batcher.submit(n)));
    expect(results).toEqual([20, 30, 40, 50, 60, 70]);
    expect(batches.slice(1)).toEqual([
      [2, 3, 4, 5],
      [6, 7],
    ]);
    expect(batcher.waiting).toBe(0);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const batcher = new MicroBatcher<number, number>({
      writeBatch: async (items) => {
        if (items.includes(13)) throw new Error('batch refused');
        return [...items];
      },
      writeOne: async (item) => {
        if (item === 13) throw new Error('13 refused');
        return item;
      },
      maxBatch: 10,
      maxInFlight: 1,
    });
    const settled = await Promise.allSettled([11, 12, 13, 14].map((n) => batcher.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe('13 refused');
  });
});
