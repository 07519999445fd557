/**
 * Helpers shared by the appeal workflow tests: record an appeal through the API, act on it, read what
 * the workflow wrote (events, clocks, messages, notifications).
 */
import { and, asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TAppealDetail } from '@huizhi/contracts';
import type { TestContext, Session } from '../../../test/harness.ts';
import { call } from '../../../test/harness.ts';
import { territoryByCode } from '../../../test/factories.ts';
import { notifications, outboundMessages, slaTimers, workOrderEvents } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';

/** Demo units by their seed keys. */
export const UNITS = {
  cgzf: stableId('unit:dept:990101:cgzf'),
  jtw: stableId('unit:dept:990101:jtw'),
  zjw: stableId('unit:dept:990101:zjw'),
  hepingStreet: stableId('unit:street:990101001'),
  mingdeGovernment: stableId('unit:gov:990101'),
  qingheCgzf: stableId('unit:dept:990102:cgzf'),
} as const;

export const APPELLANT_PHONE = '13912345678';

/** Records a complaint in 东湖社区第1网格 (和平街道) as the operator; returns its detail. */
export async function recordAppeal(
  t: TestContext,
  operator: Session,
  extra: Record<string, unknown> = {},
): Promise<TAppealDetail> {
  const grid = await territoryByCode(t.deps, '990101001001G01');
  const response = await call(t.app, operator, 'POST', '/api/v1/appeals', {
    type: 'complaint',
    categoryCode: '020201',
    content: '东湖社区北门外有流动摊贩占道经营，晚上油烟很大。',
    territoryId: grid.id,
    appellant: { name: '张三', phone: APPELLANT_PHONE },
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TAppealDetail;
}

/** Performs an action through its route. */
export function act(t: TestContext, session: Session, id: string, path: string, body: unknown = {}) {
  return call(t.app, session, 'POST', `/api/v1/appeals/${id}/${path}`, body);
}

/** Performs an action that must succeed; returns the appeal as the actor sees it afterwards. */
export async function actOk(
  t: TestContext,
  session: Session,
  id: string,
  path: string,
  body: unknown = {},
): Promise<TAppealDetail> {
  const response = await act(t, session, id, path, body);
  expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
  return response.json() as TAppealDetail;
}

/** The events of an appeal as stored, in order. */
export async function eventsOf(t: TestContext, id: string) {
  return t.deps.database.db
    .select()
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderKind, 'appeal'), eq(workOrderEvents.orderId, id)))
    .orderBy(asc(workOrderEvents.seq));
}

/** The clocks of an appeal as stored. */
export async function timersOf(t: TestContext, id: string) {
  return t.deps.database.db
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orderKind, 'appeal'), eq(slaTimers.orderId, id)))
    .orderBy(asc(slaTimers.startedAt), asc(slaTimers.clock));
}

/** The messages sent to the appellant of an appeal. */
export async function messagesOf(t: TestContext, id: string) {
  return t.deps.database.db
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.orderKind, 'appeal'), eq(outboundMessages.orderId, id)))
    .orderBy(asc(outboundMessages.createdAt));
}

/** The notifications about an appeal, per user. */
export async function notificationsAbout(t: TestContext, id: string) {
  return t.deps.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.orderKind, 'appeal'), eq(notifications.orderId, id)));
}

/** The review-link token of the last 'replied' message of an appeal. */
export async function reviewTokenOf(t: TestContext, id: string): Promise<string> {
  const replied = (await messagesOf(t, id)).filter((m) => m.template === 'replied');
  const link = (replied.at(-1)?.data as { reviewLink?: string } | undefined)?.reviewLink;
  if (!link) throw new Error('no review link was sent');
  return link.replace('/review/', '');
}
