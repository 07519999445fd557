import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { actOk, recordAppeal, UNITS } from '../appeals/appeal-test-helpers.ts';

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

interface NotificationList {
  items: {
    id: string;
    kind: string;
    orderId: string | null;
    data: Record<string, unknown>;
    readAt: string | null;
  }[];
  unreadCount: number;
}

async function listOf(session: Session, query = ''): Promise<NotificationList> {
  const response = await call(t.app, session, 'GET', `/api/v1/notifications${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as NotificationList;
}

describe('notifications', () => {
  it('shows people their own notifications (new dispatch, urged, returned), newest first, and marks them read', async () => {
    const before = await listOf(handler);
    const appeal = await recordAppeal(t, operator);
    await actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
    t.clock.advance(60_000);
    await actOk(t, dispatcher, appeal.id, 'urge', { note: '请尽快签收' });

    const mine = await listOf(handler);
    expect(mine.unreadCount).toBe(before.unreadCount + 2);
    const about = mine.items.filter((n) => n.orderId === appeal.id);
    expect(about.map((n) => n.kind)).toEqual(['urged', 'dispatched']);
    expect(about[0]!.data).toMatchObject({
      number: appeal.number,
      excerpt: expect.stringContaining('东湖社区'),
      actorName: '赵派单',
    });

    // Someone else's notification is not found; one's own is marked read once.
    const id = about[0]!.id;
    expect(errorCode(await call(t.app, dispatcher, 'POST', `/api/v1/notifications/${id}/read`))).toBe(
      'NOT_FOUND',
    );
    const read = await call(t.app, handler, 'POST', `/api/v1/notifications/${id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toEqual(expect.any(String));
    expect((await listOf(handler)).unreadCount).toBe(before.unreadCount + 1);
    expect((await listOf(handler, '?unreadOnly=true')).items.some((n) => n.id === id)).toBe(false);

    await actOk(t, handler, appeal.id, 'return', { reason: 'notOurDuty', note: '不属于本单位职责' });
    const toDispatcher = (await listOf(dispatcher)).items.filter((n) => n.orderId === appeal.id);
    expect(toDispatcher.map((n) => n.kind)).toEqual(['returned']);

    const all = await call(t.app, handler, 'POST', '/api/v1/notifications/read-all');
    expect(all.json()).toEqual({ ok: true });
    expect((await listOf(handler)).unreadCount).toBe(0);
    expect((await listOf(handler, '?unreadOnly=true&limit=5')).items).toEqual([]);
  });

  it('needs a session', async () => {
    expect((await call(t.app, null, 'GET', '/api/v1/notifications')).statusCode).toBe(401);
  });
});
