import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { TAppealDetail } from '@huizhi/contracts';
import { appeals } from '../../db/schema.ts';
import { territoryByCode } from '../../../test/factories.ts';
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
  recordAppeal,
  reviewTokenOf,
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

const REPLY = '已对摊贩进行劝导，摊位已撤离。';

/** An appeal taken through dispatch, accept, contact and reply. */
async function replied(appeal?: TAppealDetail): Promise<TAppealDetail> {
  const a = appeal ?? (await recordAppeal(t, operator));
  if (a.state === 'received') await actOk(t, dispatcher, a.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
  await actOk(t, handler, a.id, 'accept', {});
  await actOk(t, handler, a.id, 'contact', { method: 'phone', note: '已联系' });
  return actOk(t, handler, a.id, 'reply', { reply: REPLY });
}

const publicUrl = (token: string) => `/api/v1/public/reviews/${token}`;

describe("the appellant's review link", () => {
  it('shows the reply without personal data and takes one review per round', async () => {
    const appeal = await replied();
    const token = await reviewTokenOf(t, appeal.id);
    // Only the hash is stored.
    const [stored] = await t.deps.database.db.select().from(appeals).where(eq(appeals.id, appeal.id));
    expect(stored!.reviewTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.reviewTokenHash).not.toBe(token);

    const shown = await call(t.app, null, 'GET', publicUrl(token));
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({
      number: appeal.number,
      excerpt: appeal.content,
      reply: REPLY,
      repliedAt: expect.any(String),
      appellantStatus: 'replied',
      open: true,
    });
    expect(shown.body).not.toContain(APPELLANT_PHONE);
    expect(shown.body).not.toContain('张三');

    const reviewed = await call(t.app, null, 'POST', publicUrl(token), {
      resolved: true,
      satisfaction: 'satisfied',
      comment: '处理得很及时',
    });
    expect(reviewed.statusCode).toBe(200);
    expect(reviewed.json()).toMatchObject({ appellantStatus: 'closed', open: false });
    const review = (await eventsOf(t, appeal.id)).find((e) => e.type === 'review');
    expect(review).toMatchObject({ actorId: null });
    expect(review!.data).toMatchObject({
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      method: 'link',
      round: 1,
      comment: '处理得很及时',
    });

    const again = await call(t.app, null, 'POST', publicUrl(token), {
      resolved: false,
      satisfaction: 'dissatisfied',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'APPEAL_TRANSITION_NOT_ALLOWED',
      details: { reason: 'alreadyReviewed' },
    });
    expect((await call(t.app, null, 'GET', publicUrl(token))).json()).toMatchObject({ open: false });
    expect((await messagesOf(t, appeal.id)).map((m) => m.template)).toEqual(['replied', 'closed']);
  });

  it('reopens on a dissatisfied link review; the old link is closed and the next reply sends a new one', async () => {
    const appeal = await replied();
    const token = await reviewTokenOf(t, appeal.id);
    const reopened = await call(t.app, null, 'POST', publicUrl(token), {
      resolved: false,
      satisfaction: 'dissatisfied',
    });
    expect(reopened.json()).toMatchObject({ appellantStatus: 'inProgress', open: false });
    const second = await call(t.app, null, 'POST', publicUrl(token), {
      resolved: true,
      satisfaction: 'satisfied',
    });
    expect(errorCode(second)).toBe('APPEAL_TRANSITION_NOT_ALLOWED');

    await actOk(t, handler, appeal.id, 'contact', { method: 'visit', note: '上门查看' });
    await actOk(t, handler, appeal.id, 'reply', { reply: '已设置隔离桩，每日巡查。' });
    const newToken = await reviewTokenOf(t, appeal.id);
    expect(newToken).not.toBe(token);
    expect((await call(t.app, null, 'GET', publicUrl(token))).statusCode).toBe(404);
    // The last round allowed (HUIZHI_APPEAL_MAX_ROUNDS = 2) closes even when dissatisfied.
    const closed = await call(t.app, null, 'POST', publicUrl(newToken), {
      resolved: false,
      satisfaction: 'dissatisfied',
    });
    expect(closed.json()).toMatchObject({ appellantStatus: 'closed' });
  });

  it('answers 404 to an unknown token and 400 to a malformed one', async () => {
    expect((await call(t.app, null, 'GET', publicUrl('x'.repeat(32)))).statusCode).toBe(404);
    expect((await call(t.app, null, 'GET', publicUrl('short'))).statusCode).toBe(400);
  });
});

describe('reviews by staff and by the appellant on the portal', () => {
  it('lets the resident review their own appeal on the portal, and nobody else’s', async () => {
    const resident = await loginAs(t.app, 'resident');
    const grid = await territoryByCode(t.deps, '990101001001G01');
    const created = await call(t.app, resident, 'POST', '/api/v1/appeals', {
      type: 'complaint',
      categoryCode: '020201',
      content: '小区门口烧烤摊油烟太大，晚上无法开窗。',
      territoryId: grid.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const mine = await replied(created.json() as TAppealDetail);
    // A resident may only review: no notes, no urging.
    expect(errorCode(await act(t, resident, mine.id, 'notes', { note: '补充说明' }))).toBe('FORBIDDEN');
    const reviewed = await actOk(t, resident, mine.id, 'review', {
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
      method: 'call',
    });
    expect(reviewed.state).toBe('closed');
    const review = (await eventsOf(t, mine.id)).find((e) => e.type === 'review');
    expect(review!.data).toMatchObject({ method: 'portal' });

    const other = await replied();
    expect(
      errorCode(
        await act(t, resident, other.id, 'review', {
          contacted: true,
          resolved: true,
          satisfaction: 'satisfied',
          method: 'portal',
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('refuses a handler reviewing, and a review before the reply until the time limit expired', async () => {
    const appeal = await recordAppeal(t, operator);
    await actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
    await actOk(t, handler, appeal.id, 'accept', {});
    const review = { contacted: false, resolved: false, satisfaction: 'dissatisfied', method: 'call' };
    expect(errorCode(await act(t, handler, appeal.id, 'review', review))).toBe('FORBIDDEN');
    const early = await act(t, operator, appeal.id, 'review', review);
    expect(early.json().error).toMatchObject({
      code: 'APPEAL_TRANSITION_NOT_ALLOWED',
      details: { reason: 'notYetDue' },
    });
    // After the time limit (Art 23) the review is made without a reply, and reopens it.
    t.clock.set(new Date('2026-03-12T09:00:00+08:00'));
    try {
      // Sessions last 12 hours: sign in again on the later day.
      const later = await loginAs(t.app, 'operator');
      const late = await actOk(t, later, appeal.id, 'review', review);
      expect(late).toMatchObject({ state: 'accepted', round: 2 });
    } finally {
      t.clock.set(new Date('2026-03-02T09:00:00+08:00'));
    }
  });

  it('closes a replied appeal without review when the appellant cannot be reached', async () => {
    const appeal = await replied();
    const closed = await actOk(t, operator, appeal.id, 'close-without-review', {
      reason: 'unreachable',
      note: '三次电话无人接听',
    });
    expect(closed).toMatchObject({
      state: 'closed',
      closeKind: 'closedWithoutReview',
      closeReason: 'unreachable',
    });
    const token = await reviewTokenOf(t, appeal.id);
    expect((await call(t.app, null, 'GET', publicUrl(token))).json()).toMatchObject({ open: false });
  });
});
