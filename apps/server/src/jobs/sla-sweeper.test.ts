import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { appeals, notifications, slaTimers, workOrderEvents } from '../db/schema.ts';
import { createTestApp, loginAs, type Session, type TestContext } from '../../test/harness.ts';
import { actOk, eventsOf, recordAppeal, UNITS } from '../modules/appeals/appeal-test-helpers.ts';
import { sweepDeadlines, type SweepResult } from './sla-sweeper.ts';

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

const MINUTE = 60_000;

/** How many warnings and overdue marks the clocks carry, and how many sweep events exist. */
async function tally() {
  const { db } = t.deps.database;
  const [marks] = await db
    .select({
      warned: sql<number>`count(${slaTimers.warnedAt})::int`,
      overdue: sql<number>`count(${slaTimers.overdueAt})::int`,
    })
    .from(slaTimers);
  const events = await db
    .select({ type: workOrderEvents.type, n: sql<number>`count(*)::int` })
    .from(workOrderEvents)
    .where(inArray(workOrderEvents.type, ['slaWarning', 'slaOverdue']))
    .groupBy(workOrderEvents.type);
  const count = (type: string) => events.find((e) => e.type === type)?.n ?? 0;
  return { ...marks!, warningEvents: count('slaWarning'), overdueEvents: count('slaOverdue') };
}

/** Events that mark the same clock twice (must be none). */
async function duplicates() {
  const result = await t.deps.database.db.execute<{ n: number }>(sql`
    select count(*)::int as n from (
      select order_id, type, data->>'clock', data->>'timerRound'
      from work_order_events where type in ('slaWarning', 'slaOverdue')
      group by order_id, type, data->>'clock', data->>'timerRound' having count(*) > 1) d`);
  return result.rows[0]!.n;
}

const total = (results: SweepResult[]) => ({
  warned: results.reduce((sum, r) => sum + r.warned, 0),
  overdue: results.reduce((sum, r) => sum + r.overdue, 0),
});

describe('the deadline sweeper', () => {
  it('marks every due clock exactly once when two sweeps run at the same time', async () => {
    const appeal = await recordAppeal(t, operator);
    await actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
    const start = await tally();

    // 200 minutes: past the accept clock's warning (80 % of 240 minutes), before its deadline.
    t.clock.advance(200 * MINUTE);
    const first = await Promise.all([
      sweepDeadlines(t.deps, { limit: 2 }),
      sweepDeadlines(t.deps, { limit: 2 }),
    ]);
    const afterFirst = await tally();
    expect(afterFirst.overdue - start.overdue).toBe(total(first).overdue);
    // A clock found past its deadline is marked warned too (no separate warning afterwards).
    expect(afterFirst.warned - start.warned).toBeGreaterThanOrEqual(total(first).warned);
    expect(afterFirst.warned - start.warned).toBeLessThanOrEqual(total(first).warned + total(first).overdue);
    expect(afterFirst.warningEvents - start.warningEvents).toBe(total(first).warned);
    expect(afterFirst.overdueEvents - start.overdueEvents).toBe(total(first).overdue);
    expect(await duplicates()).toBe(0);
    const warned = (await eventsOf(t, appeal.id)).filter((e) => e.type === 'slaWarning');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ actorId: null, fromState: 'dispatched', toState: 'dispatched' });
    expect(warned[0]!.data).toMatchObject({ clock: 'accept', dueAt: expect.any(String) });

    // 60 minutes more: the accept deadline passed.
    t.clock.advance(60 * MINUTE);
    const second = await Promise.all([
      sweepDeadlines(t.deps, { limit: 1 }),
      sweepDeadlines(t.deps, { limit: 3 }),
      sweepDeadlines(t.deps),
    ]);
    const afterSecond = await tally();
    expect(afterSecond.overdue - afterFirst.overdue).toBe(total(second).overdue);
    expect(afterSecond.overdueEvents - afterFirst.overdueEvents).toBe(total(second).overdue);
    expect(afterSecond.warningEvents - afterFirst.warningEvents).toBe(total(second).warned);
    expect(await duplicates()).toBe(0);
    expect((await eventsOf(t, appeal.id)).filter((e) => e.type === 'slaOverdue')).toHaveLength(1);

    // Nothing is left for a later sweep.
    expect(await sweepDeadlines(t.deps)).toMatchObject({ warned: 0, overdue: 0 });

    const told = await t.deps.database.db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.orderId, appeal.id), inArray(notifications.kind, ['slaWarning', 'slaOverdue'])),
      );
    const kindsFor = (userId: string) =>
      told
        .filter((n) => n.userId === userId)
        .map((n) => n.kind)
        .sort();
    expect(kindsFor(handler.userId)).toEqual(['slaOverdue', 'slaWarning']);
    expect(kindsFor(dispatcher.userId)).toEqual(['slaOverdue']);
  });

  it('skips stopped clocks and leaves an appeal busy in another transaction for the next sweep', async () => {
    const appeal = await recordAppeal(t, operator);
    await actOk(t, dispatcher, appeal.id, 'dispatch', { handlingUnitId: UNITS.cgzf });
    await actOk(t, handler, appeal.id, 'accept', {});
    await sweepDeadlines(t.deps);
    // 20 hours: past the contact clock's warning (80 % of 24 hours), before its deadline.
    t.clock.advance(20 * 60 * MINUTE);
    const { db } = t.deps.database;
    if (t.deps.database.kind === 'postgres') {
      // Someone holds the appeal: the sweep neither waits nor marks its clocks.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const held = new Promise<void>((resolve) => (locked = resolve));
      const holder = db.transaction(async (tx) => {
        await tx.select().from(appeals).where(eq(appeals.id, appeal.id)).for('update');
        locked();
        await gate;
      });
      await held;
      await sweepDeadlines(t.deps);
      expect((await eventsOf(t, appeal.id)).filter((e) => e.type.startsWith('sla'))).toHaveLength(0);
      release();
      await holder;
    }
    await sweepDeadlines(t.deps);
    const marked = await db
      .select()
      .from(slaTimers)
      .where(
        and(
          eq(slaTimers.orderId, appeal.id),
          or(isNotNull(slaTimers.warnedAt), isNotNull(slaTimers.overdueAt)),
        ),
      );
    // The accept clock was stopped by the acceptance; only the contact clock's warning is due.
    expect(marked.map((m) => m.clock)).toEqual(['contact']);
    expect((await eventsOf(t, appeal.id)).filter((e) => e.type.startsWith('sla')).map((e) => e.type)).toEqual(
      ['slaWarning'],
    );
  });
});
