/**
 * The deadline sweeper: marks SLA clocks whose warning share or deadline has passed, appends an
 * `slaWarning` / `slaOverdue` event to the appeal and notifies the people who must act.
 * Invariants: each clock is warned at most once and marked overdue at most once, however many server
 * instances sweep at the same time: a batch claims its clocks with FOR UPDATE SKIP LOCKED and marks
 * them in the same transaction. The appeal row is taken with SKIP LOCKED too, so a sweep never waits
 * on a person's action (and never deadlocks with one): a clock whose appeal is busy is left for the
 * next sweep.
 */
import { and, asc, eq, inArray, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import type { AppealNotificationKind } from '@huizhi/domain';
import type { DbOrTx, Deps } from '../context.ts';
import { appealAssignments, appeals, slaTimers } from '../db/schema.ts';
import {
  audienceUserIds,
  notifyUsers,
  type NotificationAudience,
} from '../modules/notifications/notifications.service.ts';
import { appendEvents } from '../modules/work-orders/work-order-events.repository.ts';

export interface SweepOptions {
  /** Clocks claimed per transaction. */
  limit?: number;
}

export interface SweepResult {
  warned: number;
  overdue: number;
  batches: number;
}

type TimerRow = typeof slaTimers.$inferSelect;

/** Claims due clocks not claimed by another sweep (and not skipped by this one). */
async function claimDueTimers(tx: DbOrTx, now: Date, limit: number, skip: readonly string[]) {
  return tx
    .select()
    .from(slaTimers)
    .where(
      and(
        eq(slaTimers.orderKind, 'appeal'),
        isNull(slaTimers.stoppedAt),
        or(
          and(isNull(slaTimers.warnedAt), lte(slaTimers.warnAt, now)),
          and(isNull(slaTimers.overdueAt), lte(slaTimers.dueAt, now)),
        ),
        skip.length > 0 ? notInArray(slaTimers.id, [...skip]) : undefined,
      ),
    )
    .orderBy(asc(slaTimers.dueAt), asc(slaTimers.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Locks the appeals of the clocks, skipping those another transaction holds. */
async function lockAppeals(tx: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select({
      id: appeals.id,
      number: appeals.number,
      content: appeals.content,
      state: appeals.state,
      round: appeals.round,
      territoryPath: appeals.territoryPath,
    })
    .from(appeals)
    .where(inArray(appeals.id, [...ids]))
    .orderBy(asc(appeals.id))
    .for('update', { skipLocked: true });
}

async function activeLeadUnits(tx: DbOrTx, appealId: string): Promise<string[]> {
  const rows = await tx
    .select({ unitId: appealAssignments.unitId })
    .from(appealAssignments)
    .where(
      and(
        eq(appealAssignments.appealId, appealId),
        eq(appealAssignments.active, true),
        eq(appealAssignments.role, 'lead'),
      ),
    );
  return rows.map((r) => r.unitId);
}

/** Marks one clock and tells the unit (and, when overdue or unassigned, the dispatchers). */
async function markTimer(
  tx: DbOrTx,
  deps: Deps,
  timer: TimerRow,
  appeal: Awaited<ReturnType<typeof lockAppeals>>[number],
  now: Date,
): Promise<'warned' | 'overdue'> {
  const overdue = timer.overdueAt === null && timer.dueAt.getTime() <= now.getTime();
  const type = overdue ? 'slaOverdue' : 'slaWarning';
  // A clock found past its deadline is not warned separately afterwards.
  await tx
    .update(slaTimers)
    .set(
      overdue
        ? { overdueAt: now, warnedAt: sql`coalesce(${slaTimers.warnedAt}, ${now})` }
        : { warnedAt: now },
    )
    .where(eq(slaTimers.id, timer.id));
  await appendEvents(tx, 'appeal', appeal.id, [
    {
      type,
      at: now,
      actorId: null,
      round: appeal.round,
      fromState: appeal.state,
      toState: appeal.state,
      data: { clock: timer.clock, dueAt: timer.dueAt.toISOString(), timerRound: timer.round },
    },
  ]);
  const leads = await activeLeadUnits(tx, appeal.id);
  const audiences: NotificationAudience[] = [];
  if (leads.length > 0) audiences.push({ kind: 'units', unitIds: leads });
  if (overdue || leads.length === 0) {
    audiences.push({ kind: 'dispatchers', territoryPath: appeal.territoryPath });
  }
  const userIds: string[] = [];
  for (const audience of audiences) userIds.push(...(await audienceUserIds(tx, audience)));
  const kind: AppealNotificationKind = type;
  await notifyUsers(tx, deps, userIds, {
    kind,
    orderKind: 'appeal',
    orderId: appeal.id,
    data: {
      number: appeal.number,
      excerpt: appeal.content.slice(0, 80),
      clock: timer.clock,
      dueAt: timer.dueAt.toISOString(),
      state: appeal.state,
    },
  });
  return overdue ? 'overdue' : 'warned';
}

/**
 * Sweeps one batch inside the caller's transaction: claims up to `limit` due clocks and marks those
 * whose appeal it could lock; the others are added to `skipped`. Returns how many clocks it claimed.
 */
export async function sweepBatch(
  tx: DbOrTx,
  deps: Deps,
  now: Date,
  limit: number,
  skipped: string[],
  result: SweepResult,
): Promise<number> {
  const timers = await claimDueTimers(tx, now, limit, skipped);
  if (timers.length === 0) return 0;
  const locked = new Map(
    (await lockAppeals(tx, [...new Set(timers.map((t) => t.orderId))])).map((a) => [a.id, a]),
  );
  for (const timer of timers) {
    const appeal = locked.get(timer.orderId);
    if (!appeal) {
      skipped.push(timer.id);
      continue;
    }
    result[await markTimer(tx, deps, timer, appeal, now)]++;
  }
  result.batches++;
  return timers.length;
}

/**
 * Sweeps every due clock in batches of `limit`, each batch one transaction, until nothing due is
 * left that this sweep may take. Safe to run on several instances at once.
 */
export async function sweepDeadlines(deps: Deps, options: SweepOptions = {}): Promise<SweepResult> {
  const limit = options.limit ?? 100;
  const result: SweepResult = { warned: 0, overdue: 0, batches: 0 };
  // Clocks whose appeal was busy: left for the next sweep, so this one does not spin on them.
  const skipped: string[] = [];
  for (;;) {
    const now = deps.clock.now();
    const claimed = await deps.database.db.transaction((tx) =>
      sweepBatch(tx, deps, now, limit, skipped, result),
    );
    if (claimed === 0) return result;
  }
}
