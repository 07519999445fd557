/**
 * Every periodic job of a server, run one after another: appeal deadlines (warnings, overdue), whistle
 * check-ins (missed → escalated), the steward chain (ask, move up, lapse). Each job is safe on several
 * instances at once (SKIP LOCKED claims), so every instance may run this; `huizhi sweep` runs it once.
 */
import type { Deps } from '../context.ts';
import { runStewardChain, type StewardChainResult } from './steward-chain.ts';
import { sweepDeadlines, type SweepResult } from './sla-sweeper.ts';
import { sweepWhistleCheckIns, type WhistleSweepResult } from './whistle-sweeper.ts';

export interface SweepAllResult {
  deadlines: SweepResult;
  whistles: WhistleSweepResult;
  stewards: StewardChainResult;
}

/** Runs every job once. A failing job does not stop the others; the first error is thrown at the end. */
export async function sweepAll(deps: Deps): Promise<SweepAllResult> {
  const failures: unknown[] = [];
  const attempt = async <T>(run: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      failures.push(error);
      return empty;
    }
  };
  const deadlines = await attempt(() => sweepDeadlines(deps), { warned: 0, overdue: 0, batches: 0 });
  const whistles = await attempt(() => sweepWhistleCheckIns(deps), { missed: 0 });
  const stewards = await attempt(() => runStewardChain(deps), { asked: 0, movedUp: 0, lapsed: 0 });
  if (failures.length > 0) throw failures[0];
  return { deadlines, whistles, stewards };
}

/** True when a sweep changed something worth a log line. */
export function sweptAnything(result: SweepAllResult): boolean {
  const { deadlines, whistles, stewards } = result;
  return (
    deadlines.warned +
      deadlines.overdue +
      whistles.missed +
      stewards.asked +
      stewards.movedUp +
      stewards.lapsed >
    0
  );
}

/** Runs sweepAll every `seconds` (never two runs at once in this process); returns a stop function. */
export function startSweeper(
  deps: Deps,
  seconds: number,
  onError: (error: unknown) => void,
  onSwept: (result: SweepAllResult) => void = () => undefined,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepAll(deps)
      .then(onSwept, onError)
      .finally(() => {
        running = null;
      });
  }, seconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
