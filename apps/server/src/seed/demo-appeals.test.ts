import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { appealAssignments, appeals, slaTimers, workOrderEvents } from '../db/schema.ts';
import { call, createTestApp, loginAs, type TestContext } from '../../test/harness.ts';
import { DEMO_APPEAL_KEYS } from './demo-appeals.ts';
import { stableId } from './demo.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const idOf = (key: string) => stableId(`appeal:${key}`);

describe('demo appeals', () => {
  it('spread over every state, with stable ids', async () => {
    const rows = await t.deps.database.db.select().from(appeals);
    expect(rows.map((r) => r.id).sort()).toEqual(DEMO_APPEAL_KEYS.map(idOf).sort());
    const states = new Map<string, number>();
    for (const row of rows) states.set(row.state, (states.get(row.state) ?? 0) + 1);
    for (const state of [
      'received',
      'dispatched',
      'accepted',
      'inProgress',
      'returned',
      'replied',
      'merged',
      'closed',
    ])
      expect(states.get(state), state).toBeGreaterThan(0);
    // Mostly in 和平街道, where the demo dispatcher works.
    const heping = stableId('territory:990101001000');
    expect(rows.filter((r) => r.territoryPath.includes(heping)).length).toBeGreaterThan(rows.length * 0.8);
    expect(rows.filter((r) => r.confidential)).toHaveLength(1);
    const child = rows.find((r) => r.id === idOf('mc'))!;
    expect(child).toMatchObject({ state: 'merged', parentId: idOf('mp') });
  });

  it('give the demo handler work, marked overdue where the time limit ran out', async () => {
    const cgzf = stableId('unit:dept:990101:cgzf');
    const assigned = await t.deps.database.db
      .select({ appealId: appealAssignments.appealId })
      .from(appealAssignments)
      .where(and(eq(appealAssignments.unitId, cgzf), eq(appealAssignments.active, true)));
    expect(assigned.length).toBeGreaterThanOrEqual(8);
    const overdue = await t.deps.database.db
      .select()
      .from(slaTimers)
      .where(
        and(eq(slaTimers.orderId, idOf('o1')), eq(slaTimers.clock, 'reply'), isNotNull(slaTimers.overdueAt)),
      );
    expect(overdue).toHaveLength(1);
    const handler = await loginAs(t.app, 'handler');
    const seen = await call(t.app, handler, 'GET', `/api/v1/appeals/${idOf('o1')}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ state: 'inProgress', overdue: true });
  });

  it('have consistent histories: every state change is an event, numbered without gaps', async () => {
    const result = await t.deps.database.db.execute<{ n: number }>(sql`
      select count(*)::int as n from (
        select order_id from ${workOrderEvents} group by order_id having max(seq) <> count(*)) gaps`);
    expect(result.rows[0]!.n).toBe(0);
    const last = await t.deps.database.db
      .select({ id: appeals.id, state: appeals.state, lastState: workOrderEvents.toState })
      .from(appeals)
      .innerJoin(workOrderEvents, eq(workOrderEvents.orderId, appeals.id))
      .where(
        and(
          inArray(appeals.id, DEMO_APPEAL_KEYS.map(idOf)),
          sql`${workOrderEvents.seq} = (select max(seq) from work_order_events e where e.order_id = ${appeals.id})`,
        ),
      );
    for (const row of last) expect(row.lastState, row.id).toBe(row.state);
  });
});
