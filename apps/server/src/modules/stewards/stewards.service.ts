/**
 * The steward chain (院长长制): the posts a street names below itself (street → area → lane →
 * courtyard) and the cases that ask a steward to answer an appeal in their part within 24 hours.
 * Invariants: a post lies in one street and never moves to another; a street has at most one street
 * post, and every other post hangs under a post exactly one level up in the same street whose
 * territory holds its own; only a courtyard has its own outline, one simple polygon inside its
 * territory. Posts are kept by people holding steward.manage over the street; a case is answered by
 * the steward of the post now asked (or a manager of the street), once; every change of a case is a
 * version-checked write with its event (order kind 'stewardCase') in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import {
  AppError,
  STEWARD_ANSWER_HOURS,
  STEWARD_CASE_KIND,
  STEWARD_LEVELS,
  areaSquareMeters,
  can,
  checkGeometry,
  decide,
  isWithinPath,
  maskPhone,
  pathIds,
  pointInGeometry,
  repairGeometry,
  roundCoordinate,
  scopeFilter,
  type AreaGeometry,
  type PolygonGeometry,
  type StewardCaseEffect,
  type StewardCaseState,
  type StewardLevel,
  type Subject,
} from '@huizhi/domain';
import type { TStewardCase, TStewardPost, TStewardPostInput } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { stewardCases } from '../../db/schema.ts';
import { findAppealRow, listAssignmentRows } from '../appeals/appeal-actions.repository.ts';
import { appealSubject } from '../appeals/appeal-policy.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { findAssignmentsOfUsers } from '../auth/auth.repository.ts';
import { userScopePaths } from '../auth/actor.ts';
import { notifyUsers } from '../notifications/notifications.service.ts';
import { pathWithinScope } from '../scope-sql.ts';
import { startTimers, stopTimers } from '../work-orders/sla-timers.repository.ts';
import { appendEvents, type NewWorkOrderEvent } from '../work-orders/work-order-events.repository.ts';
import { chainOf } from './steward-matching.ts';
import {
  claimCaseChange,
  countCasesOfPost,
  deletePost,
  ensureWatermark,
  findCaseRecord,
  findEnabledUser,
  findPostRecord,
  findStreetPost,
  findTerritoryWithGeometry,
  insertCaseIfNew,
  insertPost,
  isStewardUser,
  listCaseRecords,
  listChildPosts,
  listPostIdsOfUser,
  listPostRecords,
  listPostsOfStreets,
  listTerritoriesByIds,
  lockStreetTerritory,
  postStreet,
  updatePost,
  type StewardCaseRecord,
  listUnitTypes,
  type StewardCaseRow,
  type StewardPostRecord,
  type StewardPostRow,
} from './stewards.repository.ts';

/** The name of the steward-chain job's watermark in job_watermarks. */
export const STEWARD_CHAIN_WATERMARK = 'stewardChain';

/** How many cases one list returns at most (open cases first, soonest due first). */
export const STEWARD_CASE_LIST_MAX = 200;

/** How long a steward has to answer, in milliseconds. */
export const STEWARD_ANSWER_MS = STEWARD_ANSWER_HOURS * 3_600_000;

function validation(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { in: 'body', issues: [{ path, message }] });
}

function streetSubject(post: { streetId: string; streetPath: string }): Subject {
  return { kind: 'territory', id: post.streetId, path: post.streetPath };
}

/** Offices that keep steward rolls through a unit scope (a street office keeps its street's). */
const KEEPING_UNIT_TYPES: ReadonlySet<string> = new Set(['street', 'community']);

/**
 * The person as a keeper of steward rolls: their territory scopes, and the unit scopes of street and
 * community offices only. A department's lead holds steward.manage over its whole district (roles are
 * not typed by unit), but a department keeps no street's roll.
 */
async function asKeeper(db: DbOrTx, actor: ActorContext): Promise<ActorContext> {
  const unitIds = actor.assignments.flatMap((a) => (a.scope.kind === 'unit' ? [a.scope.unitId] : []));
  if (unitIds.length === 0) return actor;
  const types = await listUnitTypes(db, unitIds);
  return {
    ...actor,
    assignments: actor.assignments.filter(
      (a) => a.scope.kind !== 'unit' || KEEPING_UNIT_TYPES.has(types.get(a.scope.unitId) ?? ''),
    ),
  };
}

/** True when the person keeps the steward roll of the post's street. */
function managesStreet(actor: ActorContext, post: { streetId: string; streetPath: string }): boolean {
  return can(actor, 'steward.manage', streetSubject(post));
}

// ---- Posts ----

/**
 * Presents a post. The steward's phone is shown in full to the people who keep the street's roll
 * (they entered it and must correct it; the roll is posted publicly on 街巷长公示牌 anyway) and to
 * those who read personal data in full there; masked to everyone else.
 */
function presentPost(actor: ActorContext, row: StewardPostRecord): TStewardPost {
  const fullPhone =
    managesStreet(actor, row) ||
    can(actor, 'personalData.readFull', { kind: 'territory', id: row.territoryId, path: row.territoryPath });
  return {
    id: row.id,
    street: { id: row.streetId, name: row.streetName },
    parentId: row.parentId,
    level: row.level as StewardLevel,
    name: row.name,
    territory: { id: row.territoryId, name: row.territoryName, level: row.territoryLevel },
    geometry: (row.geometry as Record<string, unknown> | null) ?? null,
    steward: {
      userId: row.stewardUserId,
      name: row.stewardName,
      phone: row.stewardPhone === null ? null : fullPhone ? row.stewardPhone : maskPhone(row.stewardPhone),
    },
  };
}

/** The posts of the streets whose roll the person keeps (one street with `streetId`). */
export async function listStewardPostsFor(
  deps: Deps,
  actor: ActorContext,
  query: { streetId?: string | undefined },
): Promise<{ items: TStewardPost[] }> {
  const keeper = await asKeeper(deps.database.db, actor);
  const scope = scopeFilter(keeper, 'steward.manage');
  if (scope.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const where = and(
    pathWithinScope(postStreet.path, scope),
    query.streetId ? eq(postStreet.id, query.streetId) : undefined,
  )!;
  const rows = await listPostRecords(deps.database.db, where);
  return { items: rows.map((row) => presentPost(keeper, row)) };
}

/** One post the person may manage, or NOT_FOUND. */
async function findManagedPost(
  tx: DbOrTx,
  actor: ActorContext,
  id: string,
  lock: boolean,
): Promise<StewardPostRecord> {
  const post = await findPostRecord(tx, id, lock);
  if (!post || !managesStreet(actor, post)) throw new AppError('NOT_FOUND');
  return post;
}

/**
 * Checks a courtyard's outline: a Polygon in range, one simple ring set (no crossing edges, no ring
 * with fewer than three corners), with an area, inside its territory's own outline when that has one.
 * Small defects (an open ring, a repeated point) are repaired; the repaired outline is returned.
 */
function checkCourtyardOutline(geometry: unknown, territory: { geometry: unknown }): PolygonGeometry {
  const problem = checkGeometry(geometry);
  if (problem !== null) {
    throw validation('/geometry', `The outline is not a usable GeoJSON polygon (${problem}).`);
  }
  const { geometry: repaired, repairs } = repairGeometry(geometry as AreaGeometry);
  if (
    repaired === null ||
    repaired.type !== 'Polygon' ||
    repairs.includes('selfIntersectionSplit') ||
    repairs.includes('degenerateRingDropped')
  ) {
    throw validation(
      '/geometry',
      'The outline must be one simple polygon: no crossing edges, three corners or more.',
    );
  }
  if (!(areaSquareMeters(repaired) > 0)) throw validation('/geometry', 'The outline has no area.');
  const outer = repaired.coordinates[0]!;
  const territoryGeometry = territory.geometry as AreaGeometry | null;
  if (
    territoryGeometry !== null &&
    checkGeometry(territoryGeometry) === null &&
    !outer.every((position) => pointInGeometry(position, territoryGeometry))
  ) {
    throw validation('/geometry', 'The outline must lie within the territory of the post.');
  }
  return {
    type: 'Polygon',
    coordinates: repaired.coordinates.map((ring) =>
      ring.map(([x, y]) => [roundCoordinate(x), roundCoordinate(y)] as [number, number]),
    ),
  };
}

interface PostPlan {
  streetId: string;
  streetPath: string;
  territoryId: string;
  territoryPath: string;
  geometry: PolygonGeometry | null;
}

/**
 * Checks a post's input against the rules of the chain (see the module comment) inside the caller's
 * transaction, for a new post or a change of `existing`; throws FORBIDDEN when the person does not
 * keep the roll of the street the territory lies in.
 */
async function planPost(
  tx: DbOrTx,
  actor: ActorContext,
  input: TStewardPostInput,
  existing: StewardPostRecord | null,
): Promise<PostPlan> {
  const territory = await findTerritoryWithGeometry(tx, input.territoryId);
  if (!territory) throw validation('/territoryId', 'Unknown territory.');
  const ancestors = await listTerritoriesByIds(tx, pathIds(territory.path));
  const street = ancestors.find((t) => t.level === 'street');
  if (!street) throw validation('/territoryId', 'The territory must be a street or lie within one.');
  if (!can(actor, 'steward.manage', { kind: 'territory', id: street.id, path: street.path })) {
    throw new AppError('FORBIDDEN');
  }
  if (existing && existing.streetId !== street.id) {
    throw validation('/territoryId', 'A post stays in its street; name a new post in the other street.');
  }

  const levelIndex = STEWARD_LEVELS.indexOf(input.level);
  if (input.level === 'street') {
    if (input.parentId !== null)
      throw validation('/parentId', "A street steward's post has no post above it.");
    if (territory.id !== street.id)
      throw validation('/territoryId', "A street steward's part is the street itself.");
    await lockStreetTerritory(tx, street.id);
    const other = await findStreetPost(tx, street.id);
    if (other && other.id !== existing?.id) {
      throw new AppError('CONFLICT', 'The street has its street steward post already.', {
        reason: 'streetPostExists',
        postId: other.id,
      });
    }
  } else {
    if (input.parentId === null) throw validation('/parentId', 'Choose the post above this one.');
    // Locked: the post above cannot be deleted while this one is written under it.
    const parent = await findPostRecord(tx, input.parentId, true);
    if (!parent || parent.streetId !== street.id) {
      throw validation('/parentId', 'The post above must be a post of the same street.');
    }
    const expected = STEWARD_LEVELS[levelIndex - 1]!;
    if (parent.level !== expected) {
      throw validation('/parentId', `The post above a ${input.level} post must be a ${expected} post.`);
    }
    if (!isWithinPath(territory.path, parent.territoryPath)) {
      throw validation(
        '/territoryId',
        "The post's territory must lie within the territory of the post above.",
      );
    }
  }

  let geometry: PolygonGeometry | null = null;
  if (input.geometry !== null) {
    if (input.level !== 'courtyard') throw validation('/geometry', 'Only a courtyard has its own outline.');
    geometry = checkCourtyardOutline(input.geometry, territory);
  }

  if (input.stewardUserId !== null && input.stewardUserId !== existing?.stewardUserId) {
    await checkStewardUser(tx, actor, input.stewardUserId, street.path);
  }

  if (existing) {
    const children = await listChildPosts(tx, existing.id);
    if (children.length > 0 && input.level !== existing.level) {
      throw validation('/level', 'A post with posts below it keeps its level.');
    }
    if (children.some((child) => !isWithinPath(child.territoryPath, territory.path))) {
      throw validation('/territoryId', 'The posts below this one must stay within its territory.');
    }
  }
  return {
    streetId: street.id,
    streetPath: street.path,
    territoryId: territory.id,
    territoryPath: territory.path,
    geometry,
  };
}

/**
 * A steward's account must be an enabled person who belongs to the street (a role over it or a part
 * of it) or whom the manager may read (an administrator naming anyone in their area); anyone else is
 * "unknown", so ids cannot be probed.
 */
async function checkStewardUser(tx: DbOrTx, actor: ActorContext, userId: string, streetPath: string) {
  const user = await findEnabledUser(tx, userId);
  const paths = user ? userScopePaths(await findAssignmentsOfUsers(tx, [userId])) : [];
  const belongs = paths.some((p) => isWithinPath(p, streetPath));
  if (!user || !(belongs || can(actor, 'user.read', { kind: 'user', id: userId, scopePaths: paths }))) {
    throw validation('/stewardUserId', 'Unknown user.');
  }
}

function postValues(input: TStewardPostInput, plan: PostPlan) {
  return {
    streetId: plan.streetId,
    parentId: input.parentId,
    level: input.level,
    name: input.name,
    territoryId: plan.territoryId,
    territoryPath: plan.territoryPath,
    geometry: plan.geometry,
    stewardUserId: input.stewardUserId,
    stewardName: input.stewardName,
    stewardPhone: input.stewardPhone,
  };
}

async function presentPostById(deps: Deps, actor: ActorContext, id: string): Promise<TStewardPost> {
  const row = await findPostRecord(deps.database.db, id);
  if (!row) throw new AppError('NOT_FOUND');
  return presentPost(actor, row);
}

/**
 * Names a new post. The first post of the city also starts the steward-chain job's watermark, so
 * appeals from then on are matched even if the job has not run yet (earlier history never is).
 */
export async function createStewardPost(
  deps: Deps,
  actor: ActorContext,
  input: TStewardPostInput,
  request: RequestInfo | null,
): Promise<TStewardPost> {
  actor = await asKeeper(deps.database.db, actor);
  const id = randomUUID();
  await deps.database.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const plan = await planPost(tx, actor, input, null);
    const row: StewardPostRow = { id, ...postValues(input, plan), createdAt: now, updatedAt: now };
    await insertPost(tx, row);
    await ensureWatermark(tx, STEWARD_CHAIN_WATERMARK, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'stewardPost.create',
      entityType: 'stewardPost',
      entityId: id,
      scopePath: plan.streetPath,
      details: { level: input.level, name: input.name, stewardUserId: input.stewardUserId },
    });
  });
  return presentPostById(deps, actor, id);
}

/** Changes a post (every field; the street stays). */
export async function updateStewardPost(
  deps: Deps,
  actor: ActorContext,
  id: string,
  input: TStewardPostInput,
  request: RequestInfo | null,
): Promise<TStewardPost> {
  actor = await asKeeper(deps.database.db, actor);
  await deps.database.db.transaction(async (tx) => {
    const existing = await findManagedPost(tx, actor, id, true);
    if (input.parentId === id) throw validation('/parentId', 'A post cannot be above itself.');
    const plan = await planPost(tx, actor, input, existing);
    await updatePost(tx, id, { ...postValues(input, plan), updatedAt: deps.clock.now() });
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'stewardPost.update',
      entityType: 'stewardPost',
      entityId: id,
      scopePath: plan.streetPath,
      details: { level: input.level, name: input.name, stewardUserId: input.stewardUserId },
    });
  });
  return presentPostById(deps, actor, id);
}

/**
 * Removes a post. Refused (CONFLICT) while posts hang under it or a case waits on it, and also once
 * any case went through it: the record keeps its cases' chain, and a steward who leaves is replaced
 * by changing the post, not by removing it.
 */
export async function deleteStewardPost(
  deps: Deps,
  actor: ActorContext,
  id: string,
  request: RequestInfo | null,
): Promise<{ ok: true }> {
  actor = await asKeeper(deps.database.db, actor);
  await deps.database.db.transaction(async (tx) => {
    const post = await findManagedPost(tx, actor, id, true);
    if ((await listChildPosts(tx, id)).length > 0) {
      throw new AppError('CONFLICT', 'Remove or move the posts below this one first.', {
        reason: 'hasChildPosts',
      });
    }
    const cases = await countCasesOfPost(tx, id);
    if (cases.open > 0) {
      throw new AppError('CONFLICT', 'A case is waiting on this post.', { reason: 'hasOpenCases' });
    }
    if (cases.all > 0) {
      throw new AppError('CONFLICT', 'Cases went through this post; change its steward instead.', {
        reason: 'hasCaseHistory',
      });
    }
    await deletePost(tx, id);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'stewardPost.delete',
      entityType: 'stewardPost',
      entityId: id,
      scopePath: post.streetPath,
      details: { level: post.level, name: post.name },
    });
  });
  return { ok: true };
}

/** True when the person is named steward of some post (their menu then has the steward tasks). */
export async function isSteward(deps: Deps, userId: string): Promise<boolean> {
  return isStewardUser(deps.database.db, userId);
}

// ---- Cases ----

function presentCase(
  row: StewardCaseRecord,
  postsById: ReadonlyMap<string, StewardPostRow>,
  now: Date,
): TStewardCase {
  const first = postsById.get(row.firstPostId);
  const chain = first ? chainOf(first, (id) => postsById.get(id)) : [];
  return {
    id: row.id,
    state: row.state as StewardCaseState,
    version: row.version,
    appeal: {
      id: row.appealId,
      number: row.appealNumber,
      excerpt: row.appealExcerpt,
      address: row.appealAddress,
      receivedAt: row.appealReceivedAt.toISOString(),
    },
    post: { id: row.postId, name: row.postName, level: row.postLevel as StewardLevel },
    chain: chain.map((post) => ({
      id: post.id,
      name: post.name,
      level: post.level as StewardLevel,
      stewardName: post.stewardName,
    })),
    askedAt: row.askedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    overdue: row.state === 'waiting' && row.dueAt.getTime() <= now.getTime(),
    answer: row.answer,
    answeredAt: row.answeredAt?.toISOString() ?? null,
  };
}

async function presentCases(
  db: DbOrTx,
  rows: readonly StewardCaseRecord[],
  now: Date,
): Promise<TStewardCase[]> {
  const posts = await listPostsOfStreets(db, [...new Set(rows.map((r) => r.streetId))]);
  const byId = new Map(posts.map((p) => [p.id, p]));
  return rows.map((row) => presentCase(row, byId, now));
}

/** True when the person may read the appeal (its page would open for them). */
async function mayReadAppeal(db: DbOrTx, actor: ActorContext, appealId: string): Promise<boolean> {
  const appeal = await findAppealRow(db, appealId);
  if (!appeal) return false;
  const unitIds = [...new Set((await listAssignmentRows(db, appeal.id)).map((a) => a.unitId))];
  return can(actor, 'appeal.read', appealSubject(appeal, unitIds));
}

/**
 * Lists cases. `mine`: the cases now asking one of the person's posts. `street`: the cases of the
 * streets whose roll the person keeps; with `appealId`, also that appeal's case for anyone who may
 * read the appeal (its page shows the steward's answer).
 */
export async function listStewardCasesFor(
  deps: Deps,
  actor: ActorContext,
  query: { view: 'mine' | 'street'; appealId?: string | undefined; open: boolean },
): Promise<{ items: TStewardCase[] }> {
  const { db } = deps.database;
  const conditions: (SQL | undefined)[] = [
    query.open ? eq(stewardCases.state, 'waiting') : undefined,
    query.appealId ? eq(stewardCases.appealId, query.appealId) : undefined,
  ];
  if (query.view === 'mine') {
    const postIds = await listPostIdsOfUser(db, actor.userId);
    if (postIds.length === 0) return { items: [] };
    conditions.push(inArray(stewardCases.postId, postIds));
  } else {
    const scope = scopeFilter(await asKeeper(db, actor), 'steward.manage');
    const readsAppeal = query.appealId ? await mayReadAppeal(db, actor, query.appealId) : false;
    if (scope.territoryPaths.length === 0 && !query.appealId) throw new AppError('FORBIDDEN');
    conditions.push(readsAppeal ? sql`true` : pathWithinScope(postStreet.path, scope));
  }
  const rows = await listCaseRecords(db, and(...conditions)!, STEWARD_CASE_LIST_MAX);
  return { items: await presentCases(db, rows, deps.clock.now()) };
}

/** The data of a 'stewardAsked' notification. */
function askedData(appeal: { number: string; content: string }, post: { name: string }, dueAt: Date) {
  return {
    appealNumber: appeal.number,
    excerpt: appeal.content.slice(0, 80),
    postName: post.name,
    dueAt: dueAt.toISOString(),
  };
}

/** What running a case's effects needs: the case, the post asked after the change, the appeal. */
export interface CaseEffectRun {
  tx: DbOrTx;
  deps: Deps;
  caseId: string;
  /** The post asked once the change is made (the parent after moveUp). */
  post: Pick<StewardPostRow, 'id' | 'name' | 'stewardUserId'>;
  appeal: { number: string; content: string };
  now: Date;
  /** The answer deadline of a newly started clock. */
  dueAt: Date;
  /** The clock's round: 1 for the first post asked, one more per move up. */
  round: number;
}

/** Runs the effects of a case decision (clocks and the steward's notification) in the caller's transaction. */
export async function runCaseEffects(
  run: CaseEffectRun,
  effects: readonly StewardCaseEffect[],
): Promise<void> {
  for (const effect of effects) {
    switch (effect.type) {
      case 'stopAnswerClock':
        await stopTimers(run.tx, 'stewardCase', run.caseId, ['answer'], run.now);
        break;
      case 'startAnswerClock':
        await startTimers(run.tx, 'stewardCase', run.caseId, [
          {
            clock: 'answer',
            round: run.round,
            startedAt: run.now,
            dueAt: run.dueAt,
            // Warned at 80 % of the span, like the other clocks (nothing sweeps the warning yet).
            warnAt: new Date(run.now.getTime() + (run.dueAt.getTime() - run.now.getTime()) * 0.8),
          },
        ]);
        break;
      case 'notifySteward':
        await askSteward(run);
        break;
    }
  }
}

/** Tells the steward of the post asked (when the post has an account) that an appeal waits for them. */
export async function askSteward(run: CaseEffectRun): Promise<void> {
  if (run.post.stewardUserId === null) return;
  await notifyUsers(run.tx, run.deps, [run.post.stewardUserId], {
    kind: 'stewardAsked',
    orderKind: 'stewardCase',
    orderId: run.caseId,
    data: askedData(run.appeal, run.post, run.dueAt),
  });
}

/** Opens a case for an appeal at its deepest post (the job's step); false when it had one already. */
export async function openStewardCase(
  tx: DbOrTx,
  deps: Deps,
  appeal: { id: string; number: string; content: string },
  post: Pick<StewardPostRow, 'id' | 'name' | 'level' | 'stewardUserId'>,
  now: Date,
): Promise<boolean> {
  const id = randomUUID();
  const dueAt = new Date(now.getTime() + STEWARD_ANSWER_MS);
  const row: StewardCaseRow = {
    id,
    appealId: appeal.id,
    postId: post.id,
    firstPostId: post.id,
    state: 'waiting',
    version: 1,
    askedAt: now,
    dueAt,
    answer: null,
    answeredAt: null,
    answeredBy: null,
    createdAt: now,
  };
  if (!(await insertCaseIfNew(tx, row))) return false;
  await appendEvents(tx, 'stewardCase', id, [
    {
      type: 'opened',
      at: now,
      actorId: null,
      round: 1,
      fromState: null,
      toState: 'waiting',
      data: {
        appealId: appeal.id,
        appealNumber: appeal.number,
        postId: post.id,
        level: post.level,
        dueAt: dueAt.toISOString(),
      },
    },
  ]);
  await runCaseEffects({ tx, deps, caseId: id, post, appeal, now, dueAt, round: 1 }, [
    { type: 'startAnswerClock' },
    { type: 'notifySteward' },
  ]);
  return true;
}

/**
 * Records a steward's answer: the steward of the post now asked, or a keeper of the street's roll.
 * Someone who sees the case (a steward further down or up its chain) but is not asked gets FORBIDDEN;
 * anyone else NOT_FOUND. A stale `version` is a CONFLICT; an answered or lapsed case
 * STEWARD_CASE_TRANSITION_NOT_ALLOWED.
 */
export async function answerStewardCase(
  deps: Deps,
  actor: ActorContext,
  id: string,
  body: { version?: number | undefined; answer: string },
  request: RequestInfo | null,
): Promise<TStewardCase> {
  return deps.database.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const kase = await findCaseRecord(tx, id, true);
    if (!kase) throw new AppError('NOT_FOUND');
    const posts = new Map((await listPostsOfStreets(tx, [kase.streetId])).map((p) => [p.id, p]));
    const first = posts.get(kase.firstPostId);
    const chain = first ? chainOf(first, (postId) => posts.get(postId)) : [];
    const manages = managesStreet(await asKeeper(tx, actor), kase);
    const asked = kase.postStewardUserId !== null && kase.postStewardUserId === actor.userId;
    if (!manages && !asked) {
      if (chain.some((p) => p.stewardUserId === actor.userId)) throw new AppError('FORBIDDEN');
      throw new AppError('NOT_FOUND');
    }
    if (body.version !== undefined && body.version !== kase.version) {
      throw new AppError('CONFLICT', undefined, { version: kase.version });
    }
    const post = posts.get(kase.postId);
    const decision = decide(STEWARD_CASE_KIND, kase.state as StewardCaseState, 'answer', {
      hasPostAbove: (post?.parentId ?? null) !== null,
    });
    await runCaseEffects(
      {
        tx,
        deps,
        caseId: id,
        post: { id: kase.postId, name: kase.postName, stewardUserId: kase.postStewardUserId },
        appeal: { number: kase.appealNumber, content: kase.appealExcerpt },
        now,
        dueAt: kase.dueAt,
        round: 1,
      },
      decision.effects,
    );
    const changed = await claimCaseChange(tx, id, kase.version, {
      state: decision.next,
      answer: body.answer,
      answeredAt: now,
      answeredBy: actor.userId,
    });
    if (!changed) throw new AppError('CONFLICT');
    const event: NewWorkOrderEvent = {
      type: 'answer',
      at: now,
      actorId: actor.userId,
      round: 1,
      fromState: kase.state,
      toState: decision.next,
      data: { postId: kase.postId, level: kase.postLevel, answer: body.answer, asSteward: asked },
    };
    await appendEvents(tx, 'stewardCase', id, [event]);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'stewardCase.answer',
      entityType: 'stewardCase',
      entityId: id,
      scopePath: kase.streetPath,
      details: { appealNumber: kase.appealNumber, postId: kase.postId, asSteward: asked },
    });
    const updated = await findCaseRecord(tx, id);
    return (await presentCases(tx, [updated!], now))[0]!;
  });
}
