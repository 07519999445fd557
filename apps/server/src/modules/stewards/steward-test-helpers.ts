/**
 * Helpers shared by the steward-chain tests: the demo posts, appeals placed where a test needs them,
 * and what the chain wrote (cases, clocks, events, notifications).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { TestContext } from '../../../test/harness.ts';
import { buildAppeal, territoryByCode } from '../../../test/factories.ts';
import { notifications, slaTimers, stewardCases, workOrderEvents } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';

/** The demo posts of 和平街道 by their seed keys. */
export const POSTS = {
  street: stableId('stewardPost:heping'),
  area: stableId('stewardPost:donghu-area'),
  lane: stableId('stewardPost:donghu-lane'),
  xiaoqu: stableId('stewardPost:donghu-xiaoqu'),
  huayuan: stableId('stewardPost:donghu-huayuan'),
} as const;

/** Demo users by username. */
export const userIdOf = (username: string) => stableId(`user:${username}`);

/** Territory codes of the demo city used by the tests. */
export const CODES = {
  heping: '990101001000',
  anding: '990101002000',
  donghu: '990101001001',
  donghuG1: '990101001001G01',
  donghuG2: '990101001001G02',
  xiyuanG1: '990101001002G01',
  andingG1: '990101002001G01',
  mingde: '990101000000',
} as const;

/** A point inside the demo outline of 东湖小区 (in 东湖社区第1网格), and one in the same grid outside it. */
export const INSIDE_XIAOQU = { lng: 116.309, lat: 39.865 };
export const OUTSIDE_XIAOQU = { lng: 116.302, lat: 39.862 };

/** Records a live appeal in the territory with the given code (and point), received now. */
export async function appealIn(
  t: TestContext,
  code: string,
  point: { lng: number; lat: number } | null = null,
  extra: Parameters<typeof buildAppeal>[1] = {},
) {
  const territory = await territoryByCode(t.deps, code);
  return buildAppeal(t.deps, { territory, lng: point?.lng ?? null, lat: point?.lat ?? null, ...extra });
}

/** The case of an appeal as stored, or undefined. */
export async function caseOf(t: TestContext, appealId: string) {
  const rows = await t.deps.database.db
    .select()
    .from(stewardCases)
    .where(eq(stewardCases.appealId, appealId));
  return rows[0];
}

/** The events of a case, in order. */
export async function caseEvents(t: TestContext, caseId: string) {
  return t.deps.database.db
    .select()
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderKind, 'stewardCase'), eq(workOrderEvents.orderId, caseId)))
    .orderBy(asc(workOrderEvents.seq));
}

/** The answer clocks of a case, oldest first. */
export async function caseClocks(t: TestContext, caseId: string) {
  return t.deps.database.db
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orderKind, 'stewardCase'), eq(slaTimers.orderId, caseId)))
    .orderBy(asc(slaTimers.round));
}

/** The 'stewardAsked' notifications about a case. */
export async function askedNotifications(t: TestContext, caseId: string) {
  return t.deps.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.orderKind, 'stewardCase'), eq(notifications.orderId, caseId)))
    .orderBy(asc(notifications.createdAt));
}

export const HOUR = 3_600_000;
