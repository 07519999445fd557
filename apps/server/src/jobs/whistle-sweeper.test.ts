import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { notifications, whistleSummons, whistles, workOrderEvents } from '../db/schema.ts';
import { createTestApp, loginAs, TEST_NOW, type Session, type TestContext } from '../../test/harness.ts';
import { blowBody, blowOk, MINUTE, UNITS } from '../modules/whistles/whistle-test-helpers.ts';
import { sweepWhistleCheckIns, type WhistleSweepResult } from './whistle-sweeper.ts';

let t: TestContext;
let unitLead: Session;

beforeAll(async () => {
  t = await createTestApp({ HUIZHI_SESSION_HOURS: String(30 * 24) });
  unitLead = await loginAs(t.app, 'unitLead');
});
afterAll(async () => t.close());

describe('the whistle check-in sweeper', () => {
  it('marks each missed summons exactly once when two sweeps run at the same time', async () => {
    t.clock.set(new Date(TEST_NOW.getTime() + 5 * 24 * 60 * MINUTE));
    const blown = [];
    for (let i = 0; i < 3; i++) {
      blown.push(
        await blowOk(
          t,
          unitLead,
          blowBody({ urgency: 'urgent', unitIds: [UNITS.cgzf, UNITS.zjw, UNITS.jtw] }),
        ),
      );
    }
    const ids = blown.map((w) => w.id);

    // Not yet: the 30 minutes have not passed.
    t.clock.advance(30 * MINUTE);
    expect(await sweepWhistleCheckIns(t.deps)).toEqual({ missed: 0 });

    t.clock.advance(MINUTE);
    const results: WhistleSweepResult[] = await Promise.all([
      sweepWhistleCheckIns(t.deps, { limit: 2 }),
      sweepWhistleCheckIns(t.deps, { limit: 2 }),
    ]);
    // A clock whose whistle the other sweep holds is left for the next sweep (never waited for).
    results.push(await sweepWhistleCheckIns(t.deps));
    expect(results.reduce((sum, r) => sum + r.missed, 0)).toBe(9);
    expect(await sweepWhistleCheckIns(t.deps)).toEqual({ missed: 0 });

    const { db } = t.deps.database;
    const events = await db
      .select({ orderId: workOrderEvents.orderId, data: workOrderEvents.data })
      .from(workOrderEvents)
      .where(
        and(
          eq(workOrderEvents.orderKind, 'whistle'),
          eq(workOrderEvents.type, 'markMissed'),
          inArray(workOrderEvents.orderId, ids),
        ),
      );
    const summonsIds = events.map((e) => (e.data as { summonsId: string }).summonsId);
    expect(summonsIds).toHaveLength(9);
    expect(new Set(summonsIds).size).toBe(9);
    const states = await db
      .select({ state: whistleSummons.state, n: sql<number>`count(*)::int` })
      .from(whistleSummons)
      .where(inArray(whistleSummons.whistleId, ids))
      .groupBy(whistleSummons.state);
    expect(states).toEqual([{ state: 'missed', n: 9 }]);
    // Each whistle moved three versions, one per missed summons; its state did not change.
    const rows = await db.select().from(whistles).where(inArray(whistles.id, ids));
    expect(rows.map((w) => [w.version, w.state])).toEqual(ids.map(() => [4, 'summoning']));
    // Event numbers have no gaps or repeats.
    const seqs = await db
      .select({ orderId: workOrderEvents.orderId, seq: workOrderEvents.seq })
      .from(workOrderEvents)
      .where(and(eq(workOrderEvents.orderKind, 'whistle'), inArray(workOrderEvents.orderId, ids)));
    for (const id of ids) {
      expect(
        seqs
          .filter((s) => s.orderId === id)
          .map((s) => s.seq)
          .sort(),
      ).toEqual([1, 2, 3, 4]);
    }
    // The whistler hears of each missed check-in once.
    const told = await db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, unitLead.userId),
          eq(notifications.kind, 'checkInMissed'),
          inArray(notifications.orderId, ids),
        ),
      );
    expect(told).toHaveLength(9);
  });
});
