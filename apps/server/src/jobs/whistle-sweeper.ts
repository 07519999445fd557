/**
 * The check-in sweeper of whistles (吹哨报到): a summons whose check-in clock ran out without a
 * check-in is marked missed (markMissed), the whistle gets the event, and the district and the
 * whistler are told.
 * Invariants: each clock is marked at most once, however many server instances sweep at the same
 * time: a batch claims its clocks with FOR UPDATE SKIP LOCKED and marks them in the same transaction.
 * The whistle row is taken with SKIP LOCKED too, so a sweep never waits on a person's action: a clock
 * whose whistle is busy is left for the next sweep.
 */
import type { DbOrTx, Deps } from '../context.ts';
import { markSummonsMissedIn } from '../modules/whistles/whistle-actions.service.ts';
import {
  claimOverdueCheckInTimers,
  findSummonsRows,
  lockWhistleRowsSkipLocked,
} from '../modules/whistles/whistles.repository.ts';

export interface WhistleSweepOptions {
  /** Clocks claimed per transaction. */
  limit?: number;
}

export interface WhistleSweepResult {
  /** Summonses marked missed. */
  missed: number;
}

/**
 * Sweeps one batch inside the caller's transaction: claims up to `limit` overdue check-in clocks and
 * marks those whose whistle it could lock; the others are added to `skipped`. Returns how many
 * clocks it claimed.
 */
export async function sweepWhistleBatch(
  tx: DbOrTx,
  deps: Deps,
  now: Date,
  limit: number,
  skipped: string[],
  result: WhistleSweepResult,
): Promise<number> {
  const timers = await claimOverdueCheckInTimers(tx, now, limit, skipped);
  if (timers.length === 0) return 0;
  const summons = new Map(
    (
      await findSummonsRows(
        tx,
        timers.map((t) => t.orderId),
      )
    ).map((s) => [s.id, s]),
  );
  const whistleIds = [...new Set([...summons.values()].map((s) => s.whistleId))];
  const locked = new Map((await lockWhistleRowsSkipLocked(tx, whistleIds)).map((w) => [w.id, w]));
  for (const timer of timers) {
    const whistleId = summons.get(timer.orderId)?.whistleId;
    const whistle = whistleId === undefined ? undefined : locked.get(whistleId);
    if (!whistle) {
      skipped.push(timer.id);
      continue;
    }
    if (await markSummonsMissedIn(tx, deps, whistle, timer, now)) {
      result.missed++;
      // The whistle's version moved: later clocks of the same whistle build on the new row.
      whistle.version += 1;
    }
  }
  return timers.length;
}

/**
 * Marks every summons whose check-in deadline passed without a check-in, in batches of `limit`, each
 * batch one transaction, until nothing due is left that this sweep may take. Safe to run on several
 * instances at once.
 */
export async function sweepWhistleCheckIns(
  deps: Deps,
  options: WhistleSweepOptions = {},
): Promise<WhistleSweepResult> {
  const limit = options.limit ?? 100;
  const result: WhistleSweepResult = { missed: 0 };
  // Clocks whose whistle was busy: left for the next sweep, so this one does not spin on them.
  const skipped: string[] = [];
  for (;;) {
    const now = deps.clock.now();
    const claimed = await deps.database.db.transaction((tx) =>
      sweepWhistleBatch(tx, deps, now, limit, skipped, result),
    );
    if (claimed === 0) return result;
  }
}
