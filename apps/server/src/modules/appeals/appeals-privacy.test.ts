import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TAppealDetail, TSimilarAppeals } from '@huizhi/contracts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildAppeal, buildUser, territoryByCode, type BuiltTerritory } from '../../../test/factories.ts';
import { appealAssignments, attachments, auditLog, units, workOrderEvents } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';

let t: TestContext;
let operator: Session; // whole city, personalData.readFull
let dispatcher: Session; // 和平街道, no personalData.readFull
let handler: Session; // 明德区城管执法局 (unit scope)
let resident: Session; // 王小明 13800000001
let donghuG1: BuiltTerritory;

const DONGHU_G1 = stableId('territory:990101001001G01');
const CGZF = stableId('unit:dept:990101:cgzf');
const OPERATOR_ID = stableId('user:operator');
const HANDLER_ID = stableId('user:handler');
const RESIDENT_ID = stableId('user:resident');

async function read(session: Session, id: string): Promise<TAppealDetail> {
  const response = await call(t.app, session, 'GET', `/api/v1/appeals/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TAppealDetail;
}

async function createOk(session: Session, body: object): Promise<TAppealDetail> {
  const response = await call(t.app, session, 'POST', '/api/v1/appeals', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TAppealDetail;
}

/** Assigns an appeal to a unit as its lead (as a dispatch would). */
async function assign(appealId: string, unitId: string) {
  await t.deps.database.db.insert(appealAssignments).values({
    id: randomUUID(),
    appealId,
    unitId,
    role: 'lead',
    round: 1,
    active: true,
    createdAt: t.clock.now(),
  });
}

async function setPhoneAccess(unitId: string, access: 'full' | 'masked') {
  await t.deps.database.db.update(units).set({ appellantPhoneAccess: access }).where(eq(units.id, unitId));
}

async function addEvent(appealId: string, event: Partial<typeof workOrderEvents.$inferInsert>) {
  const rows = await t.deps.database.db
    .select({ seq: workOrderEvents.seq })
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderKind, 'appeal'), eq(workOrderEvents.orderId, appealId)));
  await t.deps.database.db.insert(workOrderEvents).values({
    orderKind: 'appeal',
    orderId: appealId,
    seq: rows.length + 1,
    type: 'addNote',
    at: t.clock.now(),
    actorId: null,
    round: 1,
    fromState: null,
    toState: null,
    internal: false,
    data: {},
    ...event,
  });
}

const reveal = (session: Session, id: string, reason = '回访核实诉求人身份') =>
  call(t.app, session, 'POST', `/api/v1/appeals/${id}/reveal-appellant`, { reason });

beforeAll(async () => {
  t = await createTestApp();
  [operator, dispatcher, handler, resident] = await Promise.all([
    loginAs(t.app, 'operator'),
    loginAs(t.app, 'dispatcher'),
    loginAs(t.app, 'handler'),
    loginAs(t.app, 'resident'),
  ]);
  donghuG1 = await territoryByCode(t.deps, '990101001001G01');
});
afterAll(async () => t.close());

describe('masking', () => {
  it('masks the appellant for staff, whoever they are', async () => {
    const appeal = await buildAppeal(t.deps, {
      territory: donghuG1,
      unitId: CGZF,
      appellantName: '张三丰',
      appellantPhone: '13912345678',
    });
    const masked = { name: '张**', phone: '139****5678', masked: true, confidential: false, hidden: false };
    expect((await read(operator, appeal.id)).appellant).toEqual(masked);
    expect((await read(dispatcher, appeal.id)).appellant).toEqual(masked);
    expect((await read(handler, appeal.id)).appellant).toEqual(masked);
  });

  it('shows a handling unit whose policy is "full" the full phone, the name still masked', async () => {
    const appeal = await buildAppeal(t.deps, { territory: donghuG1, unitId: CGZF, appellantName: '李四' });
    await setPhoneAccess(CGZF, 'full');
    try {
      expect((await read(handler, appeal.id)).appellant).toEqual({
        name: '李*',
        phone: '13912345678',
        masked: true,
        confidential: false,
        hidden: false,
      });
      // Only while the unit holds it: a unit the appeal was taken from sees it masked again.
      await t.deps.database.db
        .update(appealAssignments)
        .set({ active: false })
        .where(eq(appealAssignments.appealId, appeal.id));
      expect((await read(handler, appeal.id)).appellant.phone).toBe('139****5678');
    } finally {
      await setPhoneAccess(CGZF, 'masked');
    }
  });

  it('shows the appellant their own name and phone', async () => {
    const own = await createOk(resident, {
      type: 'help',
      content: '楼道的灯坏了一个月了没人修',
      territoryId: DONGHU_G1,
    });
    expect((await read(resident, own.id)).appellant).toEqual({
      name: '王小明',
      phone: '13800000001',
      masked: false,
      confidential: false,
      hidden: false,
    });
    // Nobody else learns which account raised it from the history.
    await assign(own.id, CGZF);
    const seenByHandler = await read(handler, own.id);
    expect(seenByHandler.events[0]!.type).toBe('received');
    expect(seenByHandler.events[0]!.actor).toBeNull();
    expect(JSON.stringify(seenByHandler)).not.toContain('王小明');
    expect(JSON.stringify(await read(operator, own.id))).not.toContain(RESIDENT_ID);
  });
});

describe('a confidential appellant', () => {
  it('is never known to the handling unit, even with a "full" phone policy; the centre sees it masked', async () => {
    const appeal = await createOk(resident, {
      type: 'report',
      categoryCode: '020201',
      content: '举报东湖小区北门有人长期无照经营',
      territoryId: DONGHU_G1,
      appellant: { confidential: true },
    });
    await assign(appeal.id, CGZF);
    await setPhoneAccess(CGZF, 'full');
    try {
      const seen = await read(handler, appeal.id);
      expect(seen.appellant).toEqual({
        name: null,
        phone: null,
        masked: false,
        confidential: true,
        hidden: true,
      });
      const text = JSON.stringify(seen);
      expect(text).not.toContain('王小明');
      expect(text).not.toContain('13800000001');
      expect(text).not.toContain(RESIDENT_ID);
      const refused = await reveal(handler, appeal.id);
      expect(refused.statusCode).toBe(403);
      expect(errorCode(refused)).toBe('FORBIDDEN');
      // Its likely duplicates do not compare who raised it for the handler either (the resident's
      // earlier appeal, also with this unit, is not offered as "the same appellant").
      const similar = await call(t.app, handler, 'GET', `/api/v1/appeals/${appeal.id}/similar`);
      expect(similar.statusCode).toBe(200);
      const reasons = (similar.json() as TSimilarAppeals).items.flatMap((item) => item.reasons);
      expect(reasons).not.toContain('sameAppellant');
      const forCentre = await call(t.app, dispatcher, 'GET', `/api/v1/appeals/${appeal.id}/similar`);
      expect((forCentre.json() as TSimilarAppeals).items.flatMap((item) => item.reasons)).toContain(
        'sameAppellant',
      );
    } finally {
      await setPhoneAccess(CGZF, 'masked');
    }
    expect((await read(dispatcher, appeal.id)).appellant).toEqual({
      name: '王**',
      phone: '138****0001',
      masked: true,
      confidential: true,
      hidden: false,
    });
    expect((await read(resident, appeal.id)).appellant).toMatchObject({ name: '王小明', hidden: false });
  });

  it('keeps an intake voice recording from the handling unit', async () => {
    const appeal = await buildAppeal(t.deps, { territory: donghuG1, unitId: CGZF, confidential: true });
    const file = (kind: 'audio' | 'image') => ({
      id: randomUUID(),
      appealId: appeal.id,
      purpose: 'intake',
      storageKey: `test/${randomUUID()}`,
      fileName: `f.${kind}`,
      contentType: kind === 'audio' ? 'audio/mpeg' : 'image/png',
      kind,
      size: 10,
      sha256: 'b'.repeat(64),
      uploadedBy: OPERATOR_ID,
      createdAt: t.clock.now(),
    });
    const [voice, photo] = [file('audio'), file('image')];
    await t.deps.database.db.insert(attachments).values([voice, photo]);
    expect((await read(handler, appeal.id)).attachments.map((f) => f.id)).toEqual([photo.id]);
    expect((await read(operator, appeal.id)).attachments.map((f) => f.id).sort()).toEqual(
      [voice.id, photo.id].sort(),
    );
  });
});

describe('what the appellant sees of the handling', () => {
  it('never shows internal events, staff names or handlers’ notes', async () => {
    const own = await createOk(resident, {
      type: 'complaint',
      categoryCode: '020101',
      content: '小区垃圾站很臭，夏天更严重',
      territoryId: DONGHU_G1,
    });
    await assign(own.id, CGZF);
    await addEvent(own.id, {
      type: 'accept',
      actorId: HANDLER_ID,
      actorUnitId: CGZF,
      fromState: 'dispatched',
      toState: 'accepted',
      data: { note: '这个人经常投诉，注意应对' },
    });
    await addEvent(own.id, {
      type: 'addNote',
      actorId: HANDLER_ID,
      actorUnitId: CGZF,
      internal: true,
      data: { note: '内部备注：与物业协调中' },
    });
    const mine = await read(resident, own.id);
    expect(mine.events.map((e) => e.type)).toEqual(['received', 'accept']);
    const accept = mine.events[1]!;
    expect(accept.actor).toBeNull();
    expect(accept.unit).toEqual({ id: CGZF, name: '明德区城市管理综合执法局' });
    expect(accept.data).toEqual({});
    expect(mine.events[0]!.actor).toEqual({ id: RESIDENT_ID, name: '王小明' });
    const text = JSON.stringify(mine);
    expect(text).not.toContain('内部备注');
    expect(text).not.toContain('经常投诉');
    expect(text).not.toContain('钱承办');
    expect(mine.allowedActions).not.toContain('addNote');

    // Staff see the whole history.
    const staff = await read(handler, own.id);
    expect(staff.events.map((e) => e.type)).toEqual(['received', 'accept', 'addNote']);
    expect(staff.events[2]).toMatchObject({ internal: true, actor: { id: HANDLER_ID, name: '钱承办' } });
  });
});

describe('reveal', () => {
  it('gives readers of personal data the full values and logs who, why and when, never the values', async () => {
    const appeal = await buildAppeal(t.deps, {
      territory: donghuG1,
      appellantName: '赵大海',
      appellantPhone: '13722223333',
    });
    const response = await reveal(operator, appeal.id, '回访需要联系诉求人');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: '赵大海', phone: '13722223333' });
    const logged = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'personalData.reveal'), eq(auditLog.entityId, appeal.id)));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      actorId: OPERATOR_ID,
      entityType: 'appeal',
      scopePath: donghuG1.path,
      details: { reason: '回访需要联系诉求人', fields: ['name', 'phone'], number: appeal.number },
    });
    expect(JSON.stringify(logged[0]!.details)).not.toContain('13722223333');
    expect(JSON.stringify(logged[0]!.details)).not.toContain('赵大海');
    // The page itself stays masked.
    expect((await read(operator, appeal.id)).appellant.phone).toBe('137****3333');
  });

  it('is refused without the right, out of scope and without a reason', async () => {
    const appeal = await buildAppeal(t.deps, { territory: donghuG1 });
    expect(errorCode(await reveal(dispatcher, appeal.id))).toBe('FORBIDDEN');
    // A handler of a masked-policy unit may not; of a unit with full phone access, may.
    await assign(appeal.id, CGZF);
    expect(errorCode(await reveal(handler, appeal.id))).toBe('FORBIDDEN');
    await setPhoneAccess(CGZF, 'full');
    try {
      expect((await reveal(handler, appeal.id)).statusCode).toBe(200);
    } finally {
      await setPhoneAccess(CGZF, 'masked');
    }
    const otherStreet = await territoryByCode(t.deps, '990101002000');
    const stranger = await buildUser(t.deps, { role: 'operator', territory: otherStreet });
    const session = await loginAs(t.app, stranger.username, stranger.password);
    expect((await reveal(session, appeal.id)).statusCode).toBe(404);
    const noReason = await call(t.app, operator, 'POST', `/api/v1/appeals/${appeal.id}/reveal-appellant`, {});
    expect(errorCode(noReason)).toBe('VALIDATION_FAILED');
    const logged = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'personalData.reveal'), eq(auditLog.entityId, appeal.id)));
    expect(logged.map((row) => row.actorId)).toEqual([HANDLER_ID]);
  });
});
