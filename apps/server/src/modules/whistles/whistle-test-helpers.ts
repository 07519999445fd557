/**
 * Helpers shared by the whistle tests: blow a whistle through the API, act on it, read what the
 * workflow wrote (events, clocks, notifications).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TWhistleDetail } from '@huizhi/contracts';
import { call, type Session, type TestContext } from '../../../test/harness.ts';
import { notifications, slaTimers, territories, workOrderEvents } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';

export { UNITS } from '../appeals/appeal-test-helpers.ts';

/** Demo territories by their codes. */
export const PLACES = {
  mingde: stableId('territory:990101000000'),
  hepingStreet: stableId('territory:990101001000'),
  donghu: stableId('territory:990101001001'),
  donghuG1: stableId('territory:990101001001G01'),
  donghuG2: stableId('territory:990101001001G02'),
  xiyuanG1: stableId('territory:990101001002G01'),
  andingStreet: stableId('territory:990101002000'),
  qingyuanStreet: stableId('territory:990102001000'),
  qingyuanG1: stableId('territory:990102001001G01'),
} as const;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A whistle body from scratch in 东湖社区第1网格; override what a test needs. */
export function blowBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '东湖社区楼道墙皮脱落',
    reason: '楼道墙皮大面积脱落，涉及房屋安全和占道施工，需相关部门联合处置。',
    territoryId: PLACES.donghuG1,
    unitIds: [stableId('unit:dept:990101:cgzf'), stableId('unit:dept:990101:zjw')],
    leadUnitId: stableId('unit:dept:990101:cgzf'),
    ...overrides,
  };
}

/** Blows a whistle through the API. */
export function blow(
  t: TestContext,
  session: Session,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return call(t.app, session, 'POST', '/api/v1/whistles', body, headers);
}

/** Blows a whistle that must be created; returns its detail. */
export async function blowOk(
  t: TestContext,
  session: Session,
  body: Record<string, unknown>,
): Promise<TWhistleDetail> {
  const response = await blow(t, session, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TWhistleDetail;
}

/** Performs an action through its route. */
export function act(t: TestContext, session: Session, id: string, path: string, body: unknown = {}) {
  return call(t.app, session, 'POST', `/api/v1/whistles/${id}/${path}`, body);
}

/** Performs an action that must succeed; returns the whistle as the actor sees it afterwards. */
export async function actOk(
  t: TestContext,
  session: Session,
  id: string,
  path: string,
  body: unknown = {},
): Promise<TWhistleDetail> {
  const response = await act(t, session, id, path, body);
  expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
  return response.json() as TWhistleDetail;
}

/** Reads a whistle that must be readable. */
export async function getOk(t: TestContext, session: Session, id: string): Promise<TWhistleDetail> {
  const response = await call(t.app, session, 'GET', `/api/v1/whistles/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TWhistleDetail;
}

/** The summons of a unit on a whistle. */
export function summonsOf(detail: TWhistleDetail, unitId: string) {
  const found = detail.summons.find((s) => s.unit.id === unitId);
  if (!found) throw new Error(`unit ${unitId} is not summoned`);
  return found;
}

/** A check-in body for a unit's summons. */
export function checkInBody(detail: TWhistleDetail, unitId: string, extra: Record<string, unknown> = {}) {
  return {
    summonsId: summonsOf(detail, unitId).id,
    responsibleName: '张主任',
    responsiblePhone: '13912345678',
    ...extra,
  };
}

/** The events of a whistle as stored, in order. */
export async function eventsOf(t: TestContext, id: string) {
  return t.deps.database.db
    .select()
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderKind, 'whistle'), eq(workOrderEvents.orderId, id)))
    .orderBy(asc(workOrderEvents.seq));
}

/** The check-in clocks of a whistle's summonses. */
export async function clocksOf(t: TestContext, detail: TWhistleDetail) {
  return t.deps.database.db
    .select()
    .from(slaTimers)
    .where(
      and(
        eq(slaTimers.orderKind, 'whistleSummons'),
        inArray(
          slaTimers.orderId,
          detail.summons.map((s) => s.id),
        ),
      ),
    );
}

/** The notifications about a whistle. */
export async function notificationsAbout(t: TestContext, id: string) {
  return t.deps.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.orderKind, 'whistle'), eq(notifications.orderId, id)));
}

/** A point inside a demo grid: the mean of its polygon's corners (the demo grids are convex). */
export async function pointInside(t: TestContext, code: string): Promise<{ lng: number; lat: number }> {
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
