import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../context.ts';
import { slaTimers } from '../../db/schema.ts';
import type { WorkOrderKindName } from './work-order-events.repository.ts';

export type SlaTimerRow = typeof slaTimers.$inferSelect;

export interface NewSlaTimer {
  clock: string;
  round: number;
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
}

/** Starts SLA clocks of a work order. */
export async function startTimers(
  tx: DbOrTx,
  orderKind: WorkOrderKindName,
  orderId: string,
  timers: readonly NewSlaTimer[],
): Promise<void> {
  if (timers.length === 0) return;
  await tx
    .insert(slaTimers)
    .values(timers.map((timer) => ({ id: randomUUID(), orderKind, orderId, ...timer })));
}

/** Stops the running clocks of a work order: the named ones, or all. */
export async function stopTimers(
  tx: DbOrTx,
  orderKind: WorkOrderKindName,
  orderId: string,
  clocks: readonly string[] | 'all',
  at: Date,
): Promise<void> {
  if (clocks !== 'all' && clocks.length === 0) return;
  await tx
    .update(slaTimers)
    .set({ stoppedAt: at })
    .where(
      and(
        eq(slaTimers.orderKind, orderKind),
        eq(slaTimers.orderId, orderId),
        isNull(slaTimers.stoppedAt),
        clocks === 'all' ? undefined : inArray(slaTimers.clock, [...clocks]),
      ),
    );
}

/** Moves the deadline (and warning) of a running clock, e.g. after an approved extension. */
export async function moveTimer(
  tx: DbOrTx,
  orderKind: WorkOrderKindName,
  orderId: string,
  clock: string,
  dueAt: Date,
  warnAt: Date,
): Promise<void> {
  await tx
    .update(slaTimers)
    .set({ dueAt, warnAt, warnedAt: null, overdueAt: null })
    .where(
      and(
        eq(slaTimers.orderKind, orderKind),
        eq(slaTimers.orderId, orderId),
        eq(slaTimers.clock, clock),
        isNull(slaTimers.stoppedAt),
      ),
    );
}

/** Returns every clock of a work order, oldest first. */
export async function listTimers(
  db: DbOrTx,
  orderKind: WorkOrderKindName,
  orderId: string,
): Promise<SlaTimerRow[]> {
  return db
    .select()
    .from(slaTimers)
    .where(and(eq(slaTimers.orderKind, orderKind), eq(slaTimers.orderId, orderId)))
    .orderBy(asc(slaTimers.startedAt), asc(slaTimers.clock));
}
