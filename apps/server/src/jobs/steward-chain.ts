/**
 * The steward-chain job (院长长制): asks the steward of the deepest post holding each new appeal to
 * answer within 24 hours, moves an unanswered case up the chain (courtyard → lane → area → street) and
 * lets it lapse, unanswered, above the street steward.
 * Invariants:
 * - Each appeal gets at most one case, and its steward is asked once: the case insert is guarded by
 *   the unique appeal index (ON CONFLICT DO NOTHING), and only the run whose insert landed asks.
 * - New appeals are scanned in (received_at, id) order after a watermark (job_watermarks
 *   'stewardChain') that starts at the first run or the first post: history before it is never swept
 *   in. One run scans at a time (the watermark row is taken FOR UPDATE SKIP LOCKED; another run finds
 *   it taken and skips the scan). The watermark moves only past appeals received SETTLE_MS ago or
 *   more, so an intake that committed late (received_at is taken before its transaction commits) is
 *   still seen by the next run; appeals inside that window are looked at again, cheaply (those with a
 *   case are passed over).
 * - An overdue answer clock is claimed FOR UPDATE SKIP LOCKED together with its case, so each clock
 *   moves its case once however many runs sweep; a case busy with an answer is left for the next run.
 * - Every change appends its event (order kind 'stewardCase') in the transaction that makes it.
 * Posts are loaded from the database once per run (and only when there are new appeals): a run is a
 * background sweep every few seconds, not a request, so one query of the city's posts costs little and
 * keeps every instance exact without an in-memory copy to invalidate.
 */
import {
  STEWARD_CASE_KIND,
  decide,
  type PolygonGeometry,
  type StewardCaseState,
  type StewardLevel,
} from '@huizhi/domain';
import type { DbOrTx, Deps } from '../context.ts';
import { appendEvents } from '../modules/work-orders/work-order-events.repository.ts';
import { StewardPostIndex, type MatchablePost } from '../modules/stewards/steward-matching.ts';
import {
  STEWARD_ANSWER_MS,
  STEWARD_CHAIN_WATERMARK,
  openStewardCase,
  runCaseEffects,
} from '../modules/stewards/stewards.service.ts';
import {
  claimCaseChange,
  claimOverdueAnswerClocks,
  ensureWatermark,
  findAppealBrief,
  keepPosts,
  listAllPosts,
  listNewAppeals,
  listPostsByIds,
  lockWaitingCases,
  lockWatermark,
  moveWatermark,
  stopOverdueClock,
  type NewAppealRow,
  type StewardPostRow,
} from '../modules/stewards/stewards.repository.ts';

/** How long after its receipt an appeal is surely committed (see the invariants). */
export const SETTLE_MS = 30_000;

export interface StewardChainOptions {
  /** New appeals matched per transaction. */
  batchSize?: number;
  /** Overdue clocks handled per transaction. */
  clockBatchSize?: number;
}

export interface StewardChainResult {
  /** Cases opened (their first steward asked). */
  asked: number;
  /** Cases moved up to the next steward. */
  movedUp: number;
  /** Cases that ran out above the street steward. */
  lapsed: number;
}

type IndexedPost = MatchablePost & StewardPostRow;

function toIndexed(row: StewardPostRow): IndexedPost {
  return {
    ...row,
    level: row.level as StewardLevel,
    geometry: (row.geometry as PolygonGeometry | null) ?? null,
  };
}

async function loadIndex(tx: DbOrTx): Promise<StewardPostIndex<IndexedPost>> {
  return new StewardPostIndex((await listAllPosts(tx)).map(toIndexed));
}

/**
 * Matches a batch of appeals to posts that still exist: a post deleted since the index was loaded
 * sends the batch through a freshly loaded index. The posts kept are KEY SHARE locked until commit.
 */
async function matchBatch(
  tx: DbOrTx,
  appeals: readonly NewAppealRow[],
  state: { index: StewardPostIndex<IndexedPost> | null },
): Promise<{ appeal: NewAppealRow; post: IndexedPost }[]> {
  const unseen = appeals.filter((appeal) => !appeal.hasCase);
  if (unseen.length === 0) return [];
  for (let attempt = 0; ; attempt++) {
    state.index ??= await loadIndex(tx);
    const index = state.index;
    const matches = unseen.flatMap((appeal) => {
      const post = index.match(appeal);
      return post ? [{ appeal, post }] : [];
    });
    const kept = await keepPosts(tx, [...new Set(matches.map((m) => m.post.id))]);
    if (matches.every((m) => kept.has(m.post.id))) return matches;
    if (attempt > 0) return matches.filter((m) => kept.has(m.post.id));
    state.index = null;
  }
}

/** Scans new appeals and opens their cases, batch by batch; returns how many stewards were asked. */
async function askForNewAppeals(deps: Deps, batchSize: number): Promise<number> {
  const { db } = deps.database;
  await ensureWatermark(db, STEWARD_CHAIN_WATERMARK, deps.clock.now());
  const state: { index: StewardPostIndex<IndexedPost> | null } = { index: null };
  // Where this run has got to; it runs ahead of the stored watermark inside the settle window.
  let cursor: { at: Date; lastId: string | null } | null = null;
  let asked = 0;
  for (;;) {
    const more = await db.transaction(async (tx) => {
      const watermark = await lockWatermark(tx, STEWARD_CHAIN_WATERMARK);
      if (!watermark) return false; // another run is scanning
      const now = deps.clock.now();
      const after = cursor ?? { at: watermark.at, lastId: watermark.lastId };
      const appeals = await listNewAppeals(tx, after, batchSize);
      if (appeals.length === 0) return false;
      for (const { appeal, post } of await matchBatch(tx, appeals, state)) {
        if (await openStewardCase(tx, deps, appeal, post, now)) asked++;
      }
      const last = appeals[appeals.length - 1]!;
      cursor = { at: last.receivedAt, lastId: last.id };
      const settledBefore = now.getTime() - SETTLE_MS;
      const settled = appeals.filter((a) => a.receivedAt.getTime() <= settledBefore).at(-1);
      if (settled)
        await moveWatermark(tx, STEWARD_CHAIN_WATERMARK, { at: settled.receivedAt, lastId: settled.id }, now);
      return appeals.length === batchSize;
    });
    if (!more) return asked;
  }
}

/** Moves up or lapses the cases whose answer clock has run out; returns the counts. */
async function moveOverdueCases(deps: Deps, limit: number): Promise<{ movedUp: number; lapsed: number }> {
  const result = { movedUp: 0, lapsed: 0 };
  // Clocks whose case was busy (being answered): left for the next run, so this one does not spin.
  const skipped: string[] = [];
  for (;;) {
    const claimed = await deps.database.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const clocks = await claimOverdueAnswerClocks(tx, now, limit, skipped);
      if (clocks.length === 0) return 0;
      const cases = new Map(
        (await lockWaitingCases(tx, [...new Set(clocks.map((c) => c.orderId))])).map((c) => [c.id, c]),
      );
      const posts = new Map(
        (
          await listPostsByIds(
            tx,
            [...cases.values()].map((c) => c.postId),
          )
        ).map((p) => [p.id, p]),
      );
      const parents = new Map(
        (
          await listPostsByIds(
            tx,
            [...posts.values()].flatMap((p) => (p.parentId ? [p.parentId] : [])),
          )
        ).map((p) => [p.id, p]),
      );
      const handled = new Set<string>();
      for (const clock of clocks) {
        if (handled.has(clock.orderId)) {
          // A second running clock of a case moved in this batch can only be a leftover: stop it.
          await stopOverdueClock(tx, clock.id, now);
          continue;
        }
        const kase = cases.get(clock.orderId);
        if (!kase) {
          skipped.push(clock.id);
          continue;
        }
        handled.add(kase.id);
        const post = posts.get(kase.postId);
        const parent = post?.parentId ? parents.get(post.parentId) : undefined;
        const action = parent ? 'moveUp' : 'lapse';
        const decision = decide(STEWARD_CASE_KIND, kase.state as StewardCaseState, action, {
          hasPostAbove: parent !== undefined,
        });
        const appeal = (await findAppealBrief(tx, kase.appealId))!;
        const dueAt = new Date(now.getTime() + STEWARD_ANSWER_MS);
        // The clock ran out: stopped as overdue here, so the effects' stop finds nothing left to stop.
        await stopOverdueClock(tx, clock.id, now);
        await runCaseEffects(
          {
            tx,
            deps,
            caseId: kase.id,
            post: parent ?? post ?? { id: kase.postId, name: '', stewardUserId: null },
            appeal,
            now,
            dueAt,
            round: clock.round + 1,
          },
          decision.effects,
        );
        const patch = parent ? { postId: parent.id, askedAt: now, dueAt } : { state: decision.next };
        if (!(await claimCaseChange(tx, kase.id, kase.version, patch))) {
          throw new Error(`steward case ${kase.id} changed while locked`);
        }
        await appendEvents(tx, 'stewardCase', kase.id, [
          {
            type: action,
            at: now,
            actorId: null,
            round: 1,
            fromState: kase.state,
            toState: decision.next,
            data: parent
              ? {
                  fromPostId: kase.postId,
                  toPostId: parent.id,
                  toLevel: parent.level,
                  overdueSince: clock.dueAt.toISOString(),
                  dueAt: dueAt.toISOString(),
                }
              : { postId: kase.postId, overdueSince: clock.dueAt.toISOString() },
          },
        ]);
        if (parent) result.movedUp++;
        else result.lapsed++;
      }
      return clocks.length;
    });
    if (claimed === 0) return result;
  }
}

/**
 * Runs the steward chain once: asks the stewards of new appeals, then moves up or lapses the cases
 * left unanswered for 24 hours. Safe to run on several instances at once.
 */
export async function runStewardChain(
  deps: Deps,
  options: StewardChainOptions = {},
): Promise<StewardChainResult> {
  const asked = await askForNewAppeals(deps, options.batchSize ?? 500);
  const { movedUp, lapsed } = await moveOverdueCases(deps, options.clockBatchSize ?? 100);
  return { asked, movedUp, lapsed };
}
