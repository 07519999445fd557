import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { units, users, workOrderEvents } from '../../db/schema.ts';

export type WorkOrderKindName = 'appeal' | 'whistle' | 'whistleSummons' | 'serviceOrder' | 'stewardCase';

export interface NewWorkOrderEvent {
  type: string;
  at: Date;
  actorId: string | null;
  actorUnitId?: string | null;
  round: number;
  fromState: string | null;
  toState: string | null;
  internal?: boolean;
  data?: Record<string, unknown>;
}

export type WorkOrderEventRow = typeof workOrderEvents.$inferSelect;

/**
 * Appends events to a work order's history, numbering them after the last one. Call it inside the
 * transaction that changes the work order (whose row the caller has locked or version-checked), so
 * the sequence has no gaps and no duplicates; the unique (kind, id, seq) index is the last guard.
 */
export async function appendEvents(
  tx: DbOrTx,
  orderKind: WorkOrderKindName,
  orderId: string,
  events: readonly NewWorkOrderEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const [last] = await tx
    .select({ seq: sql<number>`coalesce(max(${workOrderEvents.seq}), 0)::int` })
    .from(workOrderEvents)
    .where(and(eq(workOrderEvents.orderKind, orderKind), eq(workOrderEvents.orderId, orderId)));
  const start = (last?.seq ?? 0) + 1;
  await tx.insert(workOrderEvents).values(
    events.map((event, i) => ({
      orderKind,
      orderId,
      seq: start + i,
      type: event.type,
      at: event.at,
      actorId: event.actorId,
      actorUnitId: event.actorUnitId ?? null,
      round: event.round,
      fromState: event.fromState,
      toState: event.toState,
      internal: event.internal ?? false,
      data: event.data ?? {},
    })),
  );
}

/** A work order's events with the names of who acted and for which unit, in order (for timelines). */
export async function listEventsWithNames(db: DbOrTx, orderKind: WorkOrderKindName, orderId: string) {
  return db
    .select({
      seq: workOrderEvents.seq,
      type: workOrderEvents.type,
      at: workOrderEvents.at,
      actorId: workOrderEvents.actorId,
      actorName: users.displayName,
      actorUnitId: workOrderEvents.actorUnitId,
      actorUnitName: units.name,
      round: workOrderEvents.round,
      fromState: workOrderEvents.fromState,
      toState: workOrderEvents.toState,
      internal: workOrderEvents.internal,
      data: workOrderEvents.data,
    })
    .from(workOrderEvents)
    .leftJoin(users, eq(users.id, workOrderEvents.actorId))
    .leftJoin(units, eq(units.id, workOrderEvents.actorUnitId))
    .where(and(eq(workOrderEvents.orderKind, orderKind), eq(workOrderEvents.orderId, orderId)))
    .orderBy(asc(workOrderEvents.seq));
}

export type EventWithNames = Awaited<ReturnType<typeof listEventsWithNames>>[number];
