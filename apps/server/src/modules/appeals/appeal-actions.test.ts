import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TAppealDetail } from '@huizhi/contracts';
import { auditLog } from '../../db/schema.ts';
import { buildUser } from '../../../test/factories.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import {
  act,
  actOk,
  APPELLANT_PHONE,
  eventsOf,
  messagesOf,
  notificationsAbout,
  recordAppeal,
  timersOf,
  UNITS,
} from './appeal-test-helpers.ts';

let t: TestContext;
let operator: Session;
let dispatcher: Session;
let handler: Session;

beforeAll(async () => {
  t = await createTestApp();
  operator = await loginAs(t.app, 'operator');
  dispatcher = await loginAs(t.app, 'dispatcher');
  handler = await loginAs(t.app, 'handler');
});
afterAll(async () => t.close());

/** An appeal dispatched to the demo handler's unit (明德区城管执法局). */
async function dispatchedToHandler(): Promise<TAppealDetail> {
  const appeal = await recordAppeal(t, operator);
  return actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
}

const contact = { method: 'phone', note: '已电话联系诉求人' };

describe('the whole journey through the API', () => {
  it('goes intake → dispatch → accept → contact → reply → dissatisfied review → second round → closed', async () => {
    const appeal = await recordAppeal(t, operator);
    expect(appeal.state).toBe('received');

    const dispatched = await actOk(t, dispatcher, appeal.id, 'dispatch', {
      version: appeal.version,
      handlingUnitId: UNITS.cgzf,
      note: '请城管执法局处理',
    });
    expect(dispatched).toMatchObject({ state: 'dispatched', version: appeal.version + 1 });
    expect(dispatched.handlingUnit?.id).toBe(UNITS.cgzf);
    expect(dispatched.assignments).toEqual([
      expect.objectContaining({
        unit: expect.objectContaining({ id: UNITS.cgzf }),
        role: 'lead',
        active: true,
      }),
    ]);
    const clocks = (await timersOf(t, appeal.id)).filter((c) => c.stoppedAt === null).map((c) => c.clock);
    expect(clocks.sort()).toEqual(['accept', 'contact', 'reply']);
    const handlerNote = (await notificationsAbout(t, appeal.id)).find((n) => n.userId === handler.userId);
    expect(handlerNote).toMatchObject({ kind: 'dispatched' });
    expect(handlerNote!.data).toMatchObject({
      number: appeal.number,
      action: 'dispatch',
      actorName: '赵派单',
    });

    const accepted = await actOk(t, handler, appeal.id, 'accept', {});
    expect(accepted.state).toBe('accepted');

    // Replying before contacting the appellant is refused with the reason.
    const early = await act(t, handler, appeal.id, 'reply', { reply: '已处理完毕，摊贩已劝离。' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: 'APPEAL_TRANSITION_NOT_ALLOWED',
      details: { state: 'accepted', action: 'reply', reason: 'contactFirst' },
    });

    const contacted = await actOk(t, handler, appeal.id, 'contact', contact);
    expect(contacted).toMatchObject({ state: 'inProgress', contacted: true });

    const replied = await actOk(t, handler, appeal.id, 'reply', {
      reply: '已对摊贩进行劝导，摊位已撤离，后续加强巡查。',
    });
    expect(replied).toMatchObject({
      state: 'replied',
      reply: '已对摊贩进行劝导，摊位已撤离，后续加强巡查。',
    });
    expect((await timersOf(t, appeal.id)).every((c) => c.stoppedAt !== null)).toBe(true);
    const sent = await messagesOf(t, appeal.id);
    expect(sent.find((m) => m.template === 'replied')).toMatchObject({
      channel: 'sms',
      recipient: APPELLANT_PHONE,
      data: expect.objectContaining({
        number: appeal.number,
        reviewLink: expect.stringMatching(/^\/review\//),
      }),
    });

    // Not resolved and dissatisfied: handled again (二次办理), the first round kept.
    const reopened = await actOk(t, operator, appeal.id, 'review', {
      contacted: true,
      resolved: false,
      satisfaction: 'dissatisfied',
      comment: '摊贩第二天又回来了',
      method: 'call',
    });
    expect(reopened).toMatchObject({ state: 'accepted', round: 2, contacted: false, reply: null });
    const round2 = (await timersOf(t, appeal.id)).filter((c) => c.stoppedAt === null);
    expect(round2.map((c) => [c.clock, c.round]).sort()).toEqual([
      ['contact', 2],
      ['reply', 2],
    ]);
    expect(
      (await notificationsAbout(t, appeal.id)).some(
        (n) => n.kind === 'reopened' && n.userId === handler.userId,
      ),
    ).toBe(true);

    await actOk(t, handler, appeal.id, 'contact', contact);
    await actOk(t, handler, appeal.id, 'reply', { reply: '已依法暂扣经营工具并设置隔离桩。' });
    const closed = await actOk(t, operator, appeal.id, 'review', {
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      method: 'call',
    });
    expect(closed).toMatchObject({ state: 'closed', closeKind: 'reviewed', round: 2 });
    expect(closed.closedAt).not.toBeNull();

    const events = await eventsOf(t, appeal.id);
    expect(events.map((e) => [e.type, e.round])).toEqual([
      ['received', 1],
      ['dispatch', 1],
      ['accept', 1],
      ['contact', 1],
      ['reply', 1],
      ['review', 1],
      ['reopen', 2],
      ['contact', 2],
      ['reply', 2],
      ['review', 2],
    ]);
    // The first round's reply and review stay in the history.
    expect(events[4]!.data).toMatchObject({ reply: '已对摊贩进行劝导，摊位已撤离，后续加强巡查。' });
    expect(events[5]!.data).toMatchObject({
      contacted: true,
      resolved: false,
      satisfaction: 'dissatisfied',
      method: 'call',
      round: 1,
    });
    expect(events[2]).toMatchObject({ actorId: handler.userId, actorUnitId: UNITS.cgzf });
    expect(events.find((e) => e.type === 'dispatch')!.data).not.toHaveProperty('version');
    expect(closed.events.map((e) => e.type)).toContain('reopen');

    const audit = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'appeal'), eq(auditLog.entityId, appeal.id)));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['appeal.dispatch', 'appeal.accept', 'appeal.reply', 'appeal.review']),
    );
    expect(sent.some((m) => JSON.stringify(m.data).includes('已电话联系诉求人'))).toBe(false);
  });
});

describe('who may act', () => {
  it('answers 404 to a handler of another unit and 403 to a handler who may read but not dispatch', async () => {
    const appeal = await dispatchedToHandler();
    const other = await buildUser(t.deps, { role: 'handler', unitId: UNITS.jtw });
    const otherSession = await loginAs(t.app, other.username, other.password);
    const refused = await act(t, otherSession, appeal.id, 'accept', {});
    expect(refused.statusCode).toBe(404);
    expect(errorCode(refused)).toBe('NOT_FOUND');

    const notHis = await act(t, handler, appeal.id, 'dispatch', { handlingUnitId: UNITS.jtw });
    expect(notHis.statusCode).toBe(403);
    expect(errorCode(notHis)).toBe('FORBIDDEN');
    // A dispatcher may not accept for a unit.
    expect(errorCode(await act(t, dispatcher, appeal.id, 'accept', {}))).toBe('FORBIDDEN');
    expect((await eventsOf(t, appeal.id)).map((e) => e.type)).toEqual(['received', 'dispatch']);
  });

  it('refuses a stale version with APPEAL_VERSION_CONFLICT and changes nothing', async () => {
    const appeal = await dispatchedToHandler();
    const stale = await act(t, handler, appeal.id, 'accept', { version: appeal.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'APPEAL_VERSION_CONFLICT',
      details: { version: appeal.version },
    });
    const fresh = await actOk(t, handler, appeal.id, 'accept', { version: appeal.version });
    expect(fresh).toMatchObject({ state: 'accepted', version: appeal.version + 1 });
  });

  it('validates the units of a dispatch', async () => {
    const appeal = await recordAppeal(t, operator);
    const unknown = await act(t, dispatcher, appeal.id, 'dispatch', {
      handlingUnitId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    expect(errorCode(unknown)).toBe('VALIDATION_FAILED');
    expect((await eventsOf(t, appeal.id)).map((e) => e.type)).toEqual(['received']);
  });
});

describe('dispatch', () => {
  it('copies the district government when a street office leads, with assisting units', async () => {
    const appeal = await recordAppeal(t, operator);
    const dispatched = await actOk(t, dispatcher, appeal.id, 'dispatch', {
      handlingUnitId: UNITS.hepingStreet,
      assistingUnitIds: [UNITS.cgzf],
    });
    const roles = dispatched.assignments.map((a) => [a.unit.id, a.role, a.active]);
    expect(roles).toEqual(
      expect.arrayContaining([
        [UNITS.hepingStreet, 'lead', true],
        [UNITS.cgzf, 'assisting', true],
        [UNITS.mingdeGovernment, 'copy', true],
      ]),
    );
    expect(roles).toHaveLength(3);
    // The assisting unit's handler hears of it but may not accept: the lead unit answers for it.
    expect((await notificationsAbout(t, appeal.id)).some((n) => n.userId === handler.userId)).toBe(true);
    expect(errorCode(await act(t, handler, appeal.id, 'accept', {}))).toBe('FORBIDDEN');
    const unitLead = await loginAs(t.app, 'unitLead');
    expect((await actOk(t, unitLead, appeal.id, 'accept', {})).state).toBe('accepted');
  });

  it('copies nobody when a department leads and the dispatcher names no copy', async () => {
    const appeal = await dispatchedToHandler();
    expect(appeal.assignments.map((a) => a.role)).toEqual(['lead']);
  });
});

describe('returns', () => {
  it('return → refused by the dispatcher → back to the same unit', async () => {
    const appeal = await dispatchedToHandler();
    await actOk(t, handler, appeal.id, 'accept', {});
    const returned = await actOk(t, handler, appeal.id, 'return', {
      reason: 'notOurDuty',
      note: '不属于城管执法职责',
      suggestedUnitId: UNITS.jtw,
    });
    expect(returned.state).toBe('returned');
    const toDispatcher = await notificationsAbout(t, appeal.id);
    expect(toDispatcher.some((n) => n.kind === 'returned' && n.userId === dispatcher.userId)).toBe(true);

    const refused = await actOk(t, dispatcher, appeal.id, 'reject-return', { note: '经核实属于城管职责' });
    expect(refused.state).toBe('dispatched');
    expect(
      (await notificationsAbout(t, appeal.id)).some(
        (n) => n.kind === 'returnRefused' && n.userId === handler.userId,
      ),
    ).toBe(true);
    const open = (await timersOf(t, appeal.id)).filter((c) => c.stoppedAt === null).map((c) => c.clock);
    expect(open.sort()).toEqual(['accept', 'contact', 'reply']);
    expect((await actOk(t, handler, appeal.id, 'accept', {})).state).toBe('accepted');
  });

  it('return → re-dispatched elsewhere: the old unit keeps read access but may no longer act', async () => {
    const appeal = await dispatchedToHandler();
    await actOk(t, handler, appeal.id, 'return', { reason: 'needsOtherUnit', note: '应由交通委处理' });
    // A handler may not decide their own return.
    expect(errorCode(await act(t, handler, appeal.id, 'reject-return', { note: '撤回退单' }))).toBe(
      'FORBIDDEN',
    );
    const redispatched = await actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.jtw });
    const assignments = redispatched.assignments.map((a) => [a.unit.id, a.role, a.active]);
    expect(assignments).toHaveLength(2);
    expect(assignments).toEqual(
      expect.arrayContaining([
        [UNITS.cgzf, 'lead', false],
        [UNITS.jtw, 'lead', true],
      ]),
    );
    const read = await call(t.app, handler, 'GET', `/api/v1/appeals/${appeal.id}`);
    expect(read.statusCode).toBe(200);
    expect(errorCode(await act(t, handler, appeal.id, 'accept', {}))).toBe('FORBIDDEN');
  });
});

describe('extensions', () => {
  it('moves the reply deadline when approved and tells the appellant', async () => {
    const appeal = await dispatchedToHandler();
    await actOk(t, handler, appeal.id, 'accept', {});
    // 7 working days from Monday 2026-03-02: 24:00 of Wednesday 3-11.
    expect(appeal.replyDueAt).toBe('2026-03-11T16:00:00.000Z');
    const requested = await actOk(t, handler, appeal.id, 'request-extension', {
      amount: 3,
      reason: '需协调产权单位共同处理',
    });
    // Three more working days: 3-12, 3-13, 3-16.
    expect(requested.extensionRequestedUntil).toBe('2026-03-16T16:00:00.000Z');
    expect(requested.replyDueAt).toBe('2026-03-11T16:00:00.000Z');
    const twice = await act(t, handler, appeal.id, 'request-extension', { amount: 1, reason: '再延一天' });
    expect(twice.json().error).toMatchObject({ details: { reason: 'extensionPending' } });
    // The handler may not approve their own request.
    expect(errorCode(await act(t, handler, appeal.id, 'approve-extension', {}))).toBe('FORBIDDEN');
    // The demo unit lead heads 和平街道办事处, not this unit: the appeal is not theirs to see.
    const unitLead = await loginAs(t.app, 'unitLead');
    expect(errorCode(await act(t, unitLead, appeal.id, 'approve-extension', {}))).toBe('NOT_FOUND');

    const approved = await actOk(t, dispatcher, appeal.id, 'approve-extension', { note: '同意延期' });
    expect(approved).toMatchObject({
      replyDueAt: '2026-03-16T16:00:00.000Z',
      extensionRequestedUntil: null,
    });
    const reply = (await timersOf(t, appeal.id)).find((c) => c.clock === 'reply' && c.stoppedAt === null);
    expect(reply!.dueAt.toISOString()).toBe('2026-03-16T16:00:00.000Z');
    const extended = (await messagesOf(t, appeal.id)).find((m) => m.template === 'extended');
    expect(extended).toMatchObject({
      recipient: APPELLANT_PHONE,
      data: expect.objectContaining({ replyDueAt: '2026-03-16T16:00:00.000Z' }),
    });
    expect(JSON.stringify(extended!.data)).not.toContain('产权单位');
    const told = await notificationsAbout(t, appeal.id);
    expect(told.some((n) => n.kind === 'extensionRequested' && n.userId === dispatcher.userId)).toBe(true);
    expect(told.some((n) => n.kind === 'extensionDecided' && n.userId === handler.userId)).toBe(true);
    const again = await act(t, dispatcher, appeal.id, 'approve-extension', {});
    expect(again.json().error).toMatchObject({
      code: 'APPEAL_TRANSITION_NOT_ALLOWED',
      details: { reason: 'noExtensionPending' },
    });
  });

  it("lets the lead unit's own head approve, and refusing keeps the deadline", async () => {
    const appeal = await dispatchedToHandler();
    const lead = await buildUser(t.deps, { role: 'unitLead', unitId: UNITS.cgzf });
    const leadSession = await loginAs(t.app, lead.username, lead.password);
    await actOk(t, handler, appeal.id, 'accept', {});
    await actOk(t, handler, appeal.id, 'request-extension', { amount: 2, reason: '需要现场勘验' });
    expect(
      (await notificationsAbout(t, appeal.id)).some(
        (n) => n.kind === 'extensionRequested' && n.userId === lead.id,
      ),
    ).toBe(true);
    const refused = await actOk(t, leadSession, appeal.id, 'refuse-extension', { note: '请按期办结' });
    expect(refused).toMatchObject({ replyDueAt: appeal.replyDueAt, extensionRequestedUntil: null });
    await actOk(t, handler, appeal.id, 'request-extension', { amount: 2, reason: '需要现场勘验' });
    const approved = await actOk(t, leadSession, appeal.id, 'approve-extension', {});
    expect(approved.replyDueAt).toBe('2026-03-13T16:00:00.000Z');
  });
});

describe('merging', () => {
  it("passes the parent's reply to the merged appeal, which is reviewed on its own", async () => {
    const parent = await dispatchedToHandler();
    const child = await recordAppeal(t, operator, {
      content: '东湖社区北门摊贩占道，和之前反映的是同一个问题。',
      appellant: { name: '李四', phone: '13700001111' },
    });
    expect(errorCode(await act(t, dispatcher, child.id, 'merge', { parentId: child.id }))).toBe(
      'VALIDATION_FAILED',
    );
    const merged = await actOk(t, dispatcher, child.id, 'merge', { parentId: parent.id, note: '同一问题' });
    expect(merged).toMatchObject({ state: 'merged', parent: { id: parent.id, number: parent.number } });
    expect((await timersOf(t, child.id)).every((c) => c.stoppedAt !== null)).toBe(true);

    await actOk(t, handler, parent.id, 'accept', {});
    await actOk(t, handler, parent.id, 'contact', contact);
    const replied = await actOk(t, handler, parent.id, 'reply', {
      reply: '摊贩已全部劝离，设置了禁摆提示牌。',
    });
    expect(replied.merged).toEqual([{ id: child.id, number: child.number }]);

    const childNow = await call(t.app, operator, 'GET', `/api/v1/appeals/${child.id}`);
    expect(childNow.json()).toMatchObject({ state: 'replied', reply: '摊贩已全部劝离，设置了禁摆提示牌。' });
    expect((await eventsOf(t, child.id)).map((e) => e.type)).toEqual(['received', 'merge', 'replyViaParent']);
    const toChild = (await messagesOf(t, child.id)).find((m) => m.template === 'replied');
    expect(toChild).toMatchObject({ recipient: '13700001111' });
    const toParent = (await messagesOf(t, parent.id)).find((m) => m.template === 'replied');
    expect((toChild!.data as { reviewLink: string }).reviewLink).not.toBe(
      (toParent!.data as { reviewLink: string }).reviewLink,
    );

    const childClosed = await actOk(t, operator, child.id, 'review', {
      contacted: false,
      resolved: true,
      satisfaction: 'fair',
      method: 'call',
    });
    expect(childClosed).toMatchObject({ state: 'closed', closeKind: 'reviewed' });
    const parentNow = await call(t.app, operator, 'GET', `/api/v1/appeals/${parent.id}`);
    expect(parentNow.json().state).toBe('replied');
  });

  it('refuses a parent that is closed', async () => {
    const closed = await recordAppeal(t, operator);
    await actOk(t, dispatcher, closed.id, 'close-without-dispatch', {
      reason: 'repeatWithoutNewFacts',
      note: '重复诉求',
    });
    const child = await recordAppeal(t, operator);
    const refused = await act(t, dispatcher, child.id, 'merge', { parentId: closed.id });
    expect(refused.json().error).toMatchObject({
      code: 'APPEAL_TRANSITION_NOT_ALLOWED',
      details: { reason: 'parentNotOpen' },
    });
  });
});

describe('closing without dispatch', () => {
  it('closes with the reason code, stops the clocks and tells the appellant', async () => {
    const appeal = await recordAppeal(t, operator);
    const closed = await actOk(t, dispatcher, appeal.id, 'close-without-dispatch', {
      reason: 'courtOrPetition',
      note: '属司法程序事项，已告知诉求人',
    });
    expect(closed).toMatchObject({
      state: 'closed',
      closeKind: 'notDispatched',
      closeReason: 'courtOrPetition',
    });
    expect((await timersOf(t, appeal.id)).every((c) => c.stoppedAt !== null)).toBe(true);
    expect((await messagesOf(t, appeal.id)).map((m) => m.template)).toEqual(['closed']);
    const invalid = await act(t, dispatcher, (await recordAppeal(t, operator)).id, 'close-without-dispatch', {
      reason: 'tooHard',
      note: '不想办',
    });
    expect(errorCode(invalid)).toBe('VALIDATION_FAILED');
    // A closed appeal takes no more actions.
    expect(errorCode(await act(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf }))).toBe(
      'APPEAL_TRANSITION_NOT_ALLOWED',
    );
  });
});

describe('urging, supervision and hard cases', () => {
  it('notifies the unit when urged and the unit and its head when supervised', async () => {
    const appeal = await dispatchedToHandler();
    const lead = await buildUser(t.deps, { role: 'unitLead', unitId: UNITS.cgzf });
    await actOk(t, dispatcher, appeal.id, 'urge', { note: '请尽快签收' });
    await actOk(t, dispatcher, appeal.id, 'supervise', { note: '列入督办，限期办结' });
    const told = await notificationsAbout(t, appeal.id);
    expect(told.filter((n) => n.kind === 'urged').map((n) => n.userId)).toEqual(
      expect.arrayContaining([handler.userId, lead.id]),
    );
    expect(told.filter((n) => n.kind === 'supervised' && n.userId === lead.id)).toHaveLength(1);
    expect(told.some((n) => n.kind === 'supervised' && n.userId === handler.userId)).toBe(true);
    // The one who urged is not notified of their own action.
    expect(told.some((n) => n.userId === dispatcher.userId)).toBe(false);
    // A handler may not urge.
    expect(errorCode(await act(t, handler, appeal.id, 'urge', { note: '自己催自己' }))).toBe('FORBIDDEN');
  });

  it('flags a hard case, forms a task force and keeps consultation notes internal', async () => {
    const appeal = await dispatchedToHandler();
    const flagged = await actOk(t, dispatcher, appeal.id, 'flag-hard-case', { note: '涉及多个部门' });
    expect(flagged.hardCase).toBe(true);
    const again = await act(t, dispatcher, appeal.id, 'flag-hard-case', { note: '再次标记' });
    expect(again.json().error).toMatchObject({ details: { reason: 'alreadyHardCase' } });
    const force = await actOk(t, dispatcher, appeal.id, 'form-task-force', {
      unitIds: [UNITS.zjw, UNITS.jtw],
      note: '成立攻坚专班',
    });
    expect(
      force.assignments
        .filter((a) => a.role === 'assisting')
        .map((a) => a.unit.id)
        .sort(),
    ).toEqual([UNITS.zjw, UNITS.jtw].sort());
    await actOk(t, handler, appeal.id, 'notes', { note: '会商纪要：住建委核实产权' });
    const events = await eventsOf(t, appeal.id);
    expect(events.filter((e) => e.internal).map((e) => e.type)).toEqual([
      'flagHardCase',
      'formTaskForce',
      'addNote',
    ]);
    expect(events.at(-1)).toMatchObject({ fromState: 'dispatched', toState: 'dispatched' });
  });
});
