/**
 * Queries of the steward chain (院长长制): posts, cases and the job's watermark. Plain records in,
 * plain records out; no access decisions and no HTTP errors here.
 */
import { and, asc, desc, eq, inArray, isNull, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../context.ts';
import {
  appeals,
  jobWatermarks,
  slaTimers,
  stewardCases,
  stewardPosts,
  territories,
  units,
  users,
} from '../../db/schema.ts';
import { EXCERPT_LENGTH } from '../appeals/appeals.repository.ts';

export type StewardPostRow = typeof stewardPosts.$inferSelect;
export type StewardCaseRow = typeof stewardCases.$inferSelect;

const streets = alias(territories, 'street');
const postTerritories = alias(territories, 'post_territory');

/** A post with the names a page shows (its street, its territory). */
export interface StewardPostRecord extends StewardPostRow {
  streetName: string;
  streetPath: string;
  territoryName: string;
  territoryLevel: string;
}

const postRecordColumns = {
  post: stewardPosts,
  streetName: streets.name,
  streetPath: streets.path,
  territoryName: postTerritories.name,
  territoryLevel: postTerritories.level,
};

function toRecord(row: {
  post: StewardPostRow;
  streetName: string;
  streetPath: string;
  territoryName: string;
  territoryLevel: string;
}): StewardPostRecord {
  return {
    ...row.post,
    streetName: row.streetName,
    streetPath: row.streetPath,
    territoryName: row.territoryName,
    territoryLevel: row.territoryLevel,
  };
}

/** Posts whose street satisfies `streetWhere` (a condition on the street's path or id). */
export async function listPostRecords(db: DbOrTx, streetWhere: SQL): Promise<StewardPostRecord[]> {
  const rows = await db
    .select(postRecordColumns)
    .from(stewardPosts)
    .innerJoin(streets, eq(streets.id, stewardPosts.streetId))
    .innerJoin(postTerritories, eq(postTerritories.id, stewardPosts.territoryId))
    .where(streetWhere)
    // Street by street, then by the code of the post's territory (grid 1 before grid 2), then by name.
    .orderBy(asc(streets.code), asc(postTerritories.code), asc(stewardPosts.name), asc(stewardPosts.id));
  return rows.map(toRecord);
}

/** The street alias of the list queries, for building `streetWhere`. */
export const postStreet = streets;

/** One post with its names; `lock` takes the row FOR UPDATE (deleting, or adding a child under it). */
export async function findPostRecord(
  db: DbOrTx,
  id: string,
  lock = false,
): Promise<StewardPostRecord | null> {
  const query = db
    .select(postRecordColumns)
    .from(stewardPosts)
    .innerJoin(streets, eq(streets.id, stewardPosts.streetId))
    .innerJoin(postTerritories, eq(postTerritories.id, stewardPosts.territoryId))
    .where(eq(stewardPosts.id, id))
    .limit(1);
  const rows = lock ? await query.for('update', { of: stewardPosts }) : await query;
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Every post (the job matches new appeals against all of them; a city has a few thousand at most). */
export async function listAllPosts(db: DbOrTx): Promise<StewardPostRow[]> {
  return db.select().from(stewardPosts).orderBy(asc(stewardPosts.id));
}

/** Posts by id. */
export async function listPostsByIds(db: DbOrTx, ids: readonly string[]): Promise<StewardPostRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(stewardPosts)
    .where(inArray(stewardPosts.id, [...ids]));
}

/**
 * Takes a KEY SHARE lock on the posts that still exist (a case about to point at them keeps them
 * from being deleted until it commits) and returns their ids.
 */
export async function keepPosts(tx: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .select({ id: stewardPosts.id })
    .from(stewardPosts)
    .where(inArray(stewardPosts.id, [...ids]))
    .for('key share');
  return new Set(rows.map((r) => r.id));
}

export async function insertPost(tx: DbOrTx, row: StewardPostRow): Promise<void> {
  await tx.insert(stewardPosts).values(row);
}

export async function updatePost(
  tx: DbOrTx,
  id: string,
  patch: Partial<Omit<StewardPostRow, 'id' | 'createdAt'>>,
): Promise<void> {
  await tx.update(stewardPosts).set(patch).where(eq(stewardPosts.id, id));
}

export async function deletePost(tx: DbOrTx, id: string): Promise<void> {
  await tx.delete(stewardPosts).where(eq(stewardPosts.id, id));
}

/** The post of a street's own steward, if any (one per street). */
export async function findStreetPost(db: DbOrTx, streetId: string): Promise<StewardPostRow | null> {
  const rows = await db
    .select()
    .from(stewardPosts)
    .where(and(eq(stewardPosts.streetId, streetId), eq(stewardPosts.level, 'street')))
    .limit(1);
  return rows[0] ?? null;
}

/** The posts directly below a post. */
export async function listChildPosts(db: DbOrTx, parentId: string): Promise<StewardPostRow[]> {
  return db.select().from(stewardPosts).where(eq(stewardPosts.parentId, parentId));
}

/** How many cases point at a post (now asked, or where they started), and how many of them are open. */
export async function countCasesOfPost(db: DbOrTx, postId: string): Promise<{ all: number; open: number }> {
  const rows = await db
    .select({
      all: sql<number>`count(*)::int`,
      open: sql<number>`(count(*) filter (where ${stewardCases.state} = 'waiting'))::int`,
    })
    .from(stewardCases)
    .where(sql`${stewardCases.postId} = ${postId} or ${stewardCases.firstPostId} = ${postId}`);
  return { all: rows[0]?.all ?? 0, open: rows[0]?.open ?? 0 };
}

/** True when the person is named steward of any post. */
export async function isStewardUser(db: DbOrTx, userId: string): Promise<boolean> {
  const rows = await db
    .select({ id: stewardPosts.id })
    .from(stewardPosts)
    .where(eq(stewardPosts.stewardUserId, userId))
    .limit(1);
  return rows.length > 0;
}

/** The ids of the posts a person holds. */
export async function listPostIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: stewardPosts.id })
    .from(stewardPosts)
    .where(eq(stewardPosts.stewardUserId, userId));
  return rows.map((r) => r.id);
}

/** A territory with its outline, for checking a post's place. */
export async function findTerritoryWithGeometry(db: DbOrTx, id: string) {
  const rows = await db
    .select({
      id: territories.id,
      level: territories.level,
      name: territories.name,
      path: territories.path,
      geometry: territories.geometry,
    })
    .from(territories)
    .where(eq(territories.id, id))
    .limit(1);
  return rows[0] ?? null;
}

/** Territories by id (the ancestors of a territory, to find its street). */
export async function listTerritoriesByIds(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: territories.id, level: territories.level, name: territories.name, path: territories.path })
    .from(territories)
    .where(inArray(territories.id, [...ids]));
}

/**
 * Takes the street's territory row FOR UPDATE: two managers naming the street's own steward at the
 * same time are serialised, so the street keeps one.
 */
export async function lockStreetTerritory(tx: DbOrTx, streetId: string): Promise<void> {
  await tx.select({ id: territories.id }).from(territories).where(eq(territories.id, streetId)).for('update');
}

/** An enabled user, or null. */
export async function findEnabledUser(db: DbOrTx, id: string) {
  const rows = await db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)))
    .limit(1);
  return rows[0] ?? null;
}

// ---- Cases ----

/** A case with what its page shows of the appeal and the post now asked. */
export interface StewardCaseRecord extends StewardCaseRow {
  appealNumber: string;
  appealExcerpt: string;
  appealAddress: string | null;
  appealReceivedAt: Date;
  postName: string;
  postLevel: string;
  postStewardUserId: string | null;
  streetId: string;
  streetPath: string;
}

const caseColumns = {
  kase: stewardCases,
  appealNumber: appeals.number,
  appealExcerpt: sql<string>`left(${appeals.content}, ${EXCERPT_LENGTH})`,
  appealAddress: appeals.address,
  appealReceivedAt: appeals.receivedAt,
  postName: stewardPosts.name,
  postLevel: stewardPosts.level,
  postStewardUserId: stewardPosts.stewardUserId,
  streetId: stewardPosts.streetId,
  streetPath: streets.path,
};

type CaseSelection = {
  kase: StewardCaseRow;
  appealNumber: string;
  appealExcerpt: string;
  appealAddress: string | null;
  appealReceivedAt: Date;
  postName: string;
  postLevel: string;
  postStewardUserId: string | null;
  streetId: string;
  streetPath: string;
};

function toCaseRecord({ kase, ...rest }: CaseSelection): StewardCaseRecord {
  return { ...kase, ...rest };
}

/** Cases matching the condition (on cases, their post or its street), newest asks first. */
export async function listCaseRecords(db: DbOrTx, where: SQL, limit: number): Promise<StewardCaseRecord[]> {
  const rows = await db
    .select(caseColumns)
    .from(stewardCases)
    .innerJoin(appeals, eq(appeals.id, stewardCases.appealId))
    .innerJoin(stewardPosts, eq(stewardPosts.id, stewardCases.postId))
    .innerJoin(streets, eq(streets.id, stewardPosts.streetId))
    .where(where)
    // Waiting cases first, soonest due first; then the rest, latest asked first.
    .orderBy(
      sql`${stewardCases.state} = 'waiting' desc`,
      sql`case when ${stewardCases.state} = 'waiting' then ${stewardCases.dueAt} end asc`,
      desc(stewardCases.askedAt),
      asc(stewardCases.id),
    )
    .limit(limit);
  return rows.map(toCaseRecord);
}

/** One case with its names; `lock` takes the case row FOR UPDATE. */
export async function findCaseRecord(
  db: DbOrTx,
  id: string,
  lock = false,
): Promise<StewardCaseRecord | null> {
  const query = db
    .select(caseColumns)
    .from(stewardCases)
    .innerJoin(appeals, eq(appeals.id, stewardCases.appealId))
    .innerJoin(stewardPosts, eq(stewardPosts.id, stewardCases.postId))
    .innerJoin(streets, eq(streets.id, stewardPosts.streetId))
    .where(eq(stewardCases.id, id))
    .limit(1);
  const rows = lock ? await query.for('update', { of: stewardCases }) : await query;
  return rows[0] ? toCaseRecord(rows[0]) : null;
}

/** The posts of the given streets (to draw the chains of cases). */
export async function listPostsOfStreets(
  db: DbOrTx,
  streetIds: readonly string[],
): Promise<StewardPostRow[]> {
  if (streetIds.length === 0) return [];
  return db
    .select()
    .from(stewardPosts)
    .where(inArray(stewardPosts.streetId, [...streetIds]));
}

/** Opens a case unless the appeal has one already; returns whether this call inserted it. */
export async function insertCaseIfNew(tx: DbOrTx, row: StewardCaseRow): Promise<boolean> {
  const inserted = await tx
    .insert(stewardCases)
    .values(row)
    .onConflictDoNothing({ target: stewardCases.appealId })
    .returning({ id: stewardCases.id });
  return inserted.length > 0;
}

/** Writes a case's change, guarded by the version read; returns false when someone changed it first. */
export async function claimCaseChange(
  tx: DbOrTx,
  id: string,
  version: number,
  patch: Partial<Omit<StewardCaseRow, 'id' | 'version'>>,
): Promise<boolean> {
  const rows = await tx
    .update(stewardCases)
    .set({ ...patch, version: version + 1 })
    .where(and(eq(stewardCases.id, id), eq(stewardCases.version, version)))
    .returning({ id: stewardCases.id });
  return rows.length > 0;
}

// ---- The job ----

/** The job's watermark, taken FOR UPDATE SKIP LOCKED: null while another run holds it. */
export async function lockWatermark(tx: DbOrTx, name: string) {
  const rows = await tx
    .select()
    .from(jobWatermarks)
    .where(eq(jobWatermarks.name, name))
    .for('update', { skipLocked: true });
  return rows[0] ?? null;
}

/** Creates the watermark at `at` unless it exists (the first run, or the first post, sets where it starts). */
export async function ensureWatermark(db: DbOrTx, name: string, at: Date): Promise<void> {
  await db
    .insert(jobWatermarks)
    .values({ name, at, lastId: null, updatedAt: at })
    .onConflictDoNothing({ target: jobWatermarks.name });
}

export async function moveWatermark(
  tx: DbOrTx,
  name: string,
  to: { at: Date; lastId: string },
  now: Date,
): Promise<void> {
  await tx
    .update(jobWatermarks)
    .set({ at: to.at, lastId: to.lastId, updatedAt: now })
    .where(eq(jobWatermarks.name, name));
}

/** The smallest uuid: a watermark with no last id takes every appeal received at its instant. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Live appeals received after (at, id), in (received_at, id) order, still being handled (a consultation
 * answered at intake or a merged duplicate needs no steward), each with whether it has its case already.
 */
export async function listNewAppeals(tx: DbOrTx, after: { at: Date; lastId: string | null }, limit: number) {
  return tx
    .select({
      id: appeals.id,
      number: appeals.number,
      content: appeals.content,
      territoryPath: appeals.territoryPath,
      lng: appeals.lng,
      lat: appeals.lat,
      receivedAt: appeals.receivedAt,
      // Seen by an earlier run (inside the settle window): passed over, but still moves the watermark.
      hasCase: sql<boolean>`exists (select 1 from steward_cases sc where sc.appeal_id = ${appeals.id})`,
    })
    .from(appeals)
    .where(
      and(
        sql`(${appeals.receivedAt}, ${appeals.id}) > (${after.at}::timestamptz, ${after.lastId ?? NIL_UUID}::uuid)`,
        eq(appeals.source, 'live'),
        notInArray(appeals.state, ['closed', 'merged']),
      ),
    )
    .orderBy(asc(appeals.receivedAt), asc(appeals.id))
    .limit(limit);
}

export type NewAppealRow = Awaited<ReturnType<typeof listNewAppeals>>[number];

/** Answer clocks past their deadline, claimed FOR UPDATE SKIP LOCKED (another run takes the others). */
export async function claimOverdueAnswerClocks(
  tx: DbOrTx,
  now: Date,
  limit: number,
  skip: readonly string[],
) {
  return tx
    .select()
    .from(slaTimers)
    .where(
      and(
        eq(slaTimers.orderKind, 'stewardCase'),
        eq(slaTimers.clock, 'answer'),
        isNull(slaTimers.stoppedAt),
        lte(slaTimers.dueAt, now),
        skip.length > 0 ? notInArray(slaTimers.id, [...skip]) : undefined,
      ),
    )
    .orderBy(asc(slaTimers.dueAt), asc(slaTimers.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Locks the waiting cases among `ids`, skipping those another transaction holds. */
export async function lockWaitingCases(tx: DbOrTx, ids: readonly string[]): Promise<StewardCaseRow[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(stewardCases)
    .where(and(inArray(stewardCases.id, [...ids]), eq(stewardCases.state, 'waiting')))
    .orderBy(asc(stewardCases.id))
    .for('update', { skipLocked: true });
}

/** Marks a clock stopped at its deadline's passing (it ran out). */
export async function stopOverdueClock(tx: DbOrTx, timerId: string, now: Date): Promise<void> {
  await tx.update(slaTimers).set({ stoppedAt: now, overdueAt: now }).where(eq(slaTimers.id, timerId));
}

/** The appeal fields a notification quotes. */
export async function findAppealBrief(db: DbOrTx, id: string) {
  const rows = await db
    .select({ id: appeals.id, number: appeals.number, content: appeals.content })
    .from(appeals)
    .where(eq(appeals.id, id))
    .limit(1);
  return rows[0] ?? null;
}

/** The types of units (street, community, department …) by id. */
export async function listUnitTypes(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: units.id, type: units.type })
    .from(units)
    .where(inArray(units.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row.type]));
}
