import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { appeals, jobWatermarks, notifications, slaTimers, stewardCases } from '../db/schema.ts';
import { createTestApp, type TestContext } from '../../test/harness.ts';
import { STEWARD_CHAIN_WATERMARK } from '../modules/stewards/stewards.service.ts';
import {
  CODES,
  HOUR,
  INSIDE_XIAOQU,
  OUTSIDE_XIAOQU,
  POSTS,
  appealIn,
  askedNotifications,
  caseClocks,
  caseEvents,
  caseOf,
  userIdOf,
} from '../modules/stewards/steward-test-helpers.ts';
import { SETTLE_MS, runStewardChain, type StewardChainResult } from './steward-chain.ts';

let t: TestContext;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const sum = (results: StewardChainResult[]) => ({
  asked: results.reduce((n, r) => n + r.asked, 0),
  movedUp: results.reduce((n, r) => n + r.movedUp, 0),
  lapsed: results.reduce((n, r) => n + r.lapsed, 0),
});

async function countCases(): Promise<number> {
  const rows = await t.deps.database.db.select({ n: sql<number>`count(*)::int` }).from(stewardCases);
  return rows[0]!.n;
}

describe('opening cases for new appeals', () => {
  it('never sweeps in the demo appeals received before the watermark', async () => {
    const demoAppeals = await t.deps.database.db.select({ id: appeals.id }).from(appeals);
    expect(demoAppeals.length).toBeGreaterThan(10);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 0, lapsed: 0 });
    expect(await countCases()).toBe(0);
  });

  it('asks the steward of the deepest post holding each appeal (territory prefix, outline when there is a point)', async () => {
    const inside = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU);
    const outside = await appealIn(t, CODES.donghuG1, OUTSIDE_XIAOQU);
    const gridOnly = await appealIn(t, CODES.donghuG1);
    const huayuan = await appealIn(t, CODES.donghuG2, { lng: 116.33, lat: 39.865 });
    const community = await appealIn(t, CODES.donghu);
    const xiyuan = await appealIn(t, CODES.xiyuanG1);
    const anding = await appealIn(t, CODES.andingG1);
    const city = await appealIn(t, '990100000000');
    const closed = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU, { state: 'closed' });

    expect(await runStewardChain(t.deps)).toEqual({ asked: 6, movedUp: 0, lapsed: 0 });
    const postOf = async (id: string) => (await caseOf(t, id))?.postId;
    expect(await postOf(inside.id)).toBe(POSTS.xiaoqu);
    expect(await postOf(outside.id)).toBe(POSTS.lane);
    // Without a point the outline cannot be checked; the courtyard on that grid still holds it.
    expect(await postOf(gridOnly.id)).toBe(POSTS.xiaoqu);
    expect(await postOf(huayuan.id)).toBe(POSTS.huayuan);
    expect(await postOf(community.id)).toBe(POSTS.lane);
    expect(await postOf(xiyuan.id)).toBe(POSTS.street);
    expect(await postOf(anding.id)).toBeUndefined();
    expect(await postOf(city.id)).toBeUndefined();
    expect(await postOf(closed.id)).toBeUndefined();
  });

  it('opens the case with its event, a 24-hour answer clock and a notification to the steward', async () => {
    const appeal = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU, {
      content: '东湖小区3号楼前的路灯坏了一个星期。',
    });
    await runStewardChain(t.deps);
    const now = t.clock.now();
    const kase = (await caseOf(t, appeal.id))!;
    expect(kase).toMatchObject({
      state: 'waiting',
      version: 1,
      postId: POSTS.xiaoqu,
      firstPostId: POSTS.xiaoqu,
      askedAt: now,
      dueAt: new Date(now.getTime() + 24 * HOUR),
    });
    const events = await caseEvents(t, kase.id);
    expect(events.map((e) => [e.seq, e.type, e.fromState, e.toState])).toEqual([
      [1, 'opened', null, 'waiting'],
    ]);
    expect(events[0]!.data).toMatchObject({ appealId: appeal.id, postId: POSTS.xiaoqu, level: 'courtyard' });
    const clocks = await caseClocks(t, kase.id);
    expect(clocks).toHaveLength(1);
    expect(clocks[0]).toMatchObject({ clock: 'answer', round: 1, stoppedAt: null, dueAt: kase.dueAt });
    const asked = await askedNotifications(t, kase.id);
    expect(asked.map((n) => [n.userId, n.kind])).toEqual([[userIdOf('partyMember'), 'stewardAsked']]);
    expect(asked[0]!.data).toEqual({
      appealNumber: appeal.number,
      excerpt: '东湖小区3号楼前的路灯坏了一个星期。',
      postName: '东湖小区院长',
      dueAt: kase.dueAt.toISOString(),
    });
  });

  it('opens each case once and asks each steward once, however often and however many runs sweep', async () => {
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU));
    const first = await Promise.all([
      runStewardChain(t.deps, { batchSize: 5 }),
      runStewardChain(t.deps, { batchSize: 5 }),
      runStewardChain(t.deps, { batchSize: 3 }),
    ]);
    expect(sum(first).asked).toBe(12);
    expect(await countCases()).toBe(12);
    // Again, later (inside and past the settle window): nothing more.
    expect((await runStewardChain(t.deps)).asked).toBe(0);
    t.clock.advance(SETTLE_MS + 1000);
    expect((await runStewardChain(t.deps)).asked).toBe(0);
    const asked = await t.deps.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(eq(notifications.kind, 'stewardAsked'), eq(notifications.userId, userIdOf('partyMember'))));
    expect(asked[0]!.n).toBe(12);
    for (const appeal of made) expect(await caseOf(t, appeal.id)).toBeDefined();
  });

  it('moves the watermark only past appeals received before the settle window', async () => {
    const early = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU);
    const start = t.clock.now();
    await runStewardChain(t.deps);
    const watermark = async () =>
      (
        await t.deps.database.db
          .select()
          .from(jobWatermarks)
          .where(eq(jobWatermarks.name, STEWARD_CHAIN_WATERMARK))
      )[0]!;
    // Received at this very instant: still inside the settle window, so the watermark stays.
    expect((await watermark()).lastId).toBeNull();
    t.clock.advance(SETTLE_MS);
    const recent = await appealIn(t, CODES.donghuG2);
    expect((await runStewardChain(t.deps)).asked).toBe(1);
    // Past `early` (received SETTLE_MS ago), not past `recent` (received now).
    expect(await watermark()).toMatchObject({ at: start, lastId: early.id });
    // An intake that committed late, received before `recent` was scanned, is still seen.
    const late = await appealIn(t, CODES.donghuG2, null, { receivedAt: new Date(start.getTime() + 10_000) });
    expect((await runStewardChain(t.deps)).asked).toBe(1);
    expect((await caseOf(t, late.id))?.postId).toBe(POSTS.huayuan);
    expect((await caseOf(t, recent.id))?.postId).toBe(POSTS.huayuan);
  });

  it('starts the watermark at the first run when no post has set it: earlier history is not swept in', async () => {
    await t.deps.database.db.delete(jobWatermarks);
    const before = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU, {
      receivedAt: new Date(t.clock.now().getTime() - HOUR),
    });
    expect((await runStewardChain(t.deps)).asked).toBe(0);
    const after = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU);
    expect((await runStewardChain(t.deps)).asked).toBe(1);
    expect(await caseOf(t, before.id)).toBeUndefined();
    expect(await caseOf(t, after.id)).toBeDefined();
  });

  it('ignores imported appeals', async () => {
    const appeal = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU);
    await t.deps.database.db.update(appeals).set({ source: 'import' }).where(eq(appeals.id, appeal.id));
    expect((await runStewardChain(t.deps)).asked).toBe(0);
  });
});

describe('moving unanswered cases up the chain', () => {
  it('asks the lane, the area and the street steward 24 hours apart, then lapses', async () => {
    const appeal = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU);
    await runStewardChain(t.deps);
    const caseId = (await caseOf(t, appeal.id))!.id;

    // One minute short of the deadline: nothing moves.
    t.clock.advance(24 * HOUR - 60_000);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 0, lapsed: 0 });
    t.clock.advance(60_000);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 1, lapsed: 0 });
    const moved = (await caseOf(t, appeal.id))!;
    expect(moved).toMatchObject({
      state: 'waiting',
      version: 2,
      postId: POSTS.lane,
      firstPostId: POSTS.xiaoqu,
      askedAt: t.clock.now(),
      dueAt: new Date(t.clock.now().getTime() + 24 * HOUR),
    });
    // A second run at the same moment moves nothing more.
    expect((await runStewardChain(t.deps)).movedUp).toBe(0);

    t.clock.advance(24 * HOUR);
    expect((await runStewardChain(t.deps)).movedUp).toBe(1);
    expect((await caseOf(t, appeal.id))!.postId).toBe(POSTS.area);
    t.clock.advance(24 * HOUR);
    expect((await runStewardChain(t.deps)).movedUp).toBe(1);
    expect((await caseOf(t, appeal.id))!.postId).toBe(POSTS.street);

    // The street steward (孙主任, the street office's lead) is asked.
    const asked = await askedNotifications(t, caseId);
    expect(asked.map((n) => n.userId)).toEqual([userIdOf('partyMember'), userIdOf('unitLead')]);
    expect(asked[1]!.data).toMatchObject({ postName: '和平街道街长', appealNumber: appeal.number });

    t.clock.advance(24 * HOUR);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 0, lapsed: 1 });
    const lapsed = (await caseOf(t, appeal.id))!;
    expect(lapsed).toMatchObject({ state: 'lapsed', version: 5, postId: POSTS.street, answer: null });

    const events = await caseEvents(t, caseId);
    expect(events.map((e) => [e.type, e.fromState, e.toState])).toEqual([
      ['opened', null, 'waiting'],
      ['moveUp', 'waiting', 'waiting'],
      ['moveUp', 'waiting', 'waiting'],
      ['moveUp', 'waiting', 'waiting'],
      ['lapse', 'waiting', 'lapsed'],
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[1]!.data).toMatchObject({
      fromPostId: POSTS.xiaoqu,
      toPostId: POSTS.lane,
      toLevel: 'lane',
    });
    expect(events[4]!.data).toMatchObject({ postId: POSTS.street });
    const clocks = await caseClocks(t, caseId);
    expect(clocks.map((c) => c.round)).toEqual([1, 2, 3, 4]);
    expect(clocks.every((c) => c.stoppedAt !== null && c.overdueAt !== null)).toBe(true);

    t.clock.advance(48 * HOUR);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 0, lapsed: 0 });
  });

  it('moves each overdue case once when runs sweep at the same time', async () => {
    for (let i = 0; i < 8; i++) await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU);
    await runStewardChain(t.deps);
    t.clock.advance(24 * HOUR);
    const results = await Promise.all([
      runStewardChain(t.deps, { clockBatchSize: 3 }),
      runStewardChain(t.deps, { clockBatchSize: 3 }),
    ]);
    expect(sum(results).movedUp).toBe(8);
    const rows = await t.deps.database.db.select().from(stewardCases);
    expect(rows.every((c) => c.postId === POSTS.lane && c.version === 2)).toBe(true);
    const running = await t.deps.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(slaTimers)
      .where(and(eq(slaTimers.orderKind, 'stewardCase'), isNull(slaTimers.stoppedAt)));
    expect(running[0]!.n).toBe(8);
  });

  it('a case whose street post has no post above lapses after the street steward’s 24 hours', async () => {
    const appeal = await appealIn(t, CODES.xiyuanG1);
    await runStewardChain(t.deps);
    expect((await caseOf(t, appeal.id))!.postId).toBe(POSTS.street);
    t.clock.advance(24 * HOUR);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 0, lapsed: 1 });
  });
});
