/**
 * Whistles (吹哨报到): blowing one, reading one, the board and the inbox, the check-in limits and the
 * assessment inputs. The actions after the blow are in whistle-actions.service.ts.
 * Invariants: a whistle's place is the appeal's (when blown from one), else the territory named,
 * else the grid of the point; the blower holds whistle.blow over that place, through a territory
 * scope or a street or community office (recorded as the blower unit); the whistle starts at the
 * level of the blower's own scope and the responsible territory is the place's ancestor at that level;
 * every summoned unit gets a summons with a check-in deadline and a running clock, all in the blow's
 * transaction with its `blown` event. A reader who may not read a whistle gets NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  can,
  DEFAULT_CHECK_IN_MINUTES,
  DEFAULT_UTC_OFFSET,
  grantedActions,
  parseUtcOffset,
  pathIds,
  scopeFilter,
  WHISTLE_URGENCIES,
  type Actor,
  type Assignment,
  type ScopeFilter,
  type WhistleLevel,
  type WhistleUrgency,
} from '@huizhi/domain';
import type {
  TBlowWhistle,
  TCheckInLimits,
  TWhistleDetail,
  TWhistleList,
  TWhistleListQuery,
  TWhistleStats,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { listAssignmentRows } from '../appeals/appeal-actions.repository.ts';
import { locatePoint } from '../routing/locate.service.ts';
import { appendEvents } from '../work-orders/work-order-events.repository.ts';
import { runWhistleEffects } from './whistle-effects.ts';
import {
  blowsThrough,
  mayReadWhistle,
  supervisedPaths,
  whistleSubject,
  type WhistleReader,
} from './whistle-policy.ts';
import {
  ladderTerritoryIds,
  presentWhistleDetail,
  presentWhistleListItem,
  type WhistleBundle,
} from './whistle-presenter.ts';
import {
  countStreetStats,
  countUnitStats,
  findAppealPlace,
  findWhistleWithNames,
  insertSummons,
  insertWhistle,
  listCheckInLimitRows,
  listSummonsRows,
  listTerritoryRows,
  listUnitRecords,
  listWhistleEvents,
  listWhistleSummaries,
  nextWhistleNumber,
  upsertCheckInLimits,
  type SummonsInsert,
  type SummonsRecord,
  type TerritoryRecord,
} from './whistles.repository.ts';

const MINUTE_MS = 60_000;
/** Whistle numbers carry the Beijing date, like appeal numbers. */
const NUMBER_OFFSET_MS = parseUtcOffset(DEFAULT_UTC_OFFSET) * MINUTE_MS;

/** The whistle ladder level a scope at a territory level blows at (above the street, the district). */
const LEVEL_OF_SCOPE: Readonly<Record<string, WhistleLevel>> = {
  city: 'district',
  district: 'district',
  street: 'street',
  community: 'community',
  grid: 'grid',
  building: 'grid',
};

export function validation(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { path, in: 'body', issues: [{ path, message }] });
}

function numberDateOf(at: Date): string {
  return new Date(at.getTime() + NUMBER_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

// ---- The reader ----

/** The reader with the types of the units they are scoped to (to tell a street or community office). */
export async function readerOf(db: DbOrTx, actor: Actor): Promise<WhistleReader> {
  const unitIds = actor.assignments.flatMap((a) => (a.scope.kind === 'unit' ? [a.scope.unitId] : []));
  const units = await listUnitRecords(db, unitIds);
  return { actor, unitTypes: new Map(units.map((u) => [u.id, u.type])) };
}

/**
 * The reader's scope over whistles (with the areas they supervise as a district government), or
 * FORBIDDEN when they may read none.
 */
async function readScopeOf(db: DbOrTx, actor: Actor): Promise<ScopeFilter> {
  const scope = scopeFilter(actor, 'whistle.read');
  const supervised = supervisedPaths(await readerOf(db, actor));
  const withSupervised = { ...scope, territoryPaths: [...scope.territoryPaths, ...supervised] };
  if (withSupervised.territoryPaths.length === 0 && scope.unitIds.length === 0)
    throw new AppError('FORBIDDEN');
  return withSupervised;
}

/** An appeal the actor may read (its place, for a whistle blown from it), or null. */
async function findReadableAppeal(db: DbOrTx, actor: Actor, appealId: string) {
  const appeal = await findAppealPlace(db, appealId);
  if (!appeal) return null;
  const assignments = await listAssignmentRows(db, appeal.id);
  const readable = can(actor, 'appeal.read', {
    kind: 'appeal',
    territoryPath: appeal.territoryPath,
    unitIds: [...new Set(assignments.map((a) => a.unitId))],
    appellantUserId: appeal.appellantUserId,
  });
  return readable ? appeal : null;
}

// ---- Check-in limits ----

/** The check-in limit of each urgency in minutes: the stored one, else the default. */
export async function checkInMinutes(db: DbOrTx): Promise<Record<WhistleUrgency, number>> {
  const stored = new Map((await listCheckInLimitRows(db)).map((row) => [row.urgency, row.minutes]));
  return Object.fromEntries(
    WHISTLE_URGENCIES.map((urgency) => [urgency, stored.get(urgency) ?? DEFAULT_CHECK_IN_MINUTES[urgency]]),
  ) as Record<WhistleUrgency, number>;
}

function presentLimits(minutes: Record<WhistleUrgency, number>): TCheckInLimits {
  return { limits: WHISTLE_URGENCIES.map((urgency) => ({ urgency, minutes: minutes[urgency] })) };
}

/** The check-in limits, for anyone who reads whistles. */
export async function getCheckInLimitsFor(deps: Deps, actor: ActorContext): Promise<TCheckInLimits> {
  if (!grantedActions(actor, 'scope').includes('whistle.read')) throw new AppError('FORBIDDEN');
  return presentLimits(await checkInMinutes(deps.database.db));
}

/**
 * Sets check-in limits (the urgencies listed; the others keep theirs). They apply to the whole
 * installation, so only whistle.configure over the whole tree (the city's administrators) may set them;
 * running summonses keep their deadlines, new ones use the new limits.
 */
export async function setCheckInLimitsFor(
  deps: Deps,
  actor: ActorContext,
  input: TCheckInLimits,
  request: RequestInfo,
): Promise<TCheckInLimits> {
  const scope = scopeFilter(actor, 'whistle.configure');
  if (!scope.territoryPaths.some((path) => pathIds(path).length === 1)) throw new AppError('FORBIDDEN');
  const seen = new Set<string>();
  input.limits.forEach((limit, i) => {
    if (seen.has(limit.urgency)) throw validation(`/limits/${i}/urgency`, 'Each urgency at most once.');
    seen.add(limit.urgency);
  });
  const now = deps.clock.now();
  return deps.database.db.transaction(async (tx) => {
    const before = await checkInMinutes(tx);
    await upsertCheckInLimits(
      tx,
      input.limits.map((limit) => ({
        urgency: limit.urgency,
        minutes: limit.minutes,
        updatedAt: now,
        updatedBy: actor.userId,
      })),
    );
    const after = await checkInMinutes(tx);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'whistle.checkInLimits.update',
      entityType: 'whistleCheckInLimits',
      details: { before, after },
    });
    return presentLimits(after);
  });
}

// ---- Blowing a whistle ----

interface Place {
  territory: TerritoryRecord;
  lng: number | null;
  lat: number | null;
  address: string | null;
  appealId: string | null;
}

/** The whistle's place: the appeal's, else the territory named, else the grid the point lies in. */
async function placeOf(
  tx: DbOrTx,
  actor: Actor,
  input: TBlowWhistle,
  locatedGridId: string | undefined,
): Promise<Place> {
  const address = input.address ?? null;
  if (input.appealId !== undefined) {
    const appeal = await findReadableAppeal(tx, actor, input.appealId);
    if (!appeal) throw validation('/appealId', 'Unknown appeal.');
    const [territory] = await listTerritoryRows(tx, [appeal.territoryId]);
    return {
      territory: territory!,
      lng: appeal.lng,
      lat: appeal.lat,
      address: address ?? appeal.address,
      appealId: appeal.id,
    };
  }
  const lng = input.location?.lng ?? null;
  const lat = input.location?.lat ?? null;
  if (input.territoryId !== undefined) {
    const [territory] = await listTerritoryRows(tx, [input.territoryId]);
    if (!territory || territory.level === 'city') {
      throw validation('/territoryId', 'Unknown place: name a district or a place inside one.');
    }
    return { territory, lng, lat, address, appealId: null };
  }
  if (input.location !== undefined) {
    const [territory] = locatedGridId ? await listTerritoryRows(tx, [locatedGridId]) : [];
    if (!territory) throw validation('/location', 'The point lies outside every grid.');
    return { territory, lng, lat, address, appealId: null };
  }
  throw validation('/territoryId', 'Give the appeal, the territory or the location of the matter.');
}

/** The assignment the whistle is blown through: the most local one that may blow here (a territory on ties). */
function blowingAssignment(
  actor: Actor,
  territoryPath: string,
  unitTypes: ReadonlyMap<string, string>,
): Assignment | null {
  const depth = (a: Assignment) =>
    pathIds(
      a.scope.kind === 'territory' ? a.scope.path : a.scope.kind === 'unit' ? a.scope.territoryPath : '',
    ).length;
  const candidates = actor.assignments.filter((a) => blowsThrough(actor, a, territoryPath, unitTypes));
  candidates.sort(
    (a, b) => depth(b) - depth(a) || Number(a.scope.kind === 'unit') - Number(b.scope.kind === 'unit'),
  );
  return candidates[0] ?? null;
}

/** The ancestor of a place (or the place itself) at a level of the ladder, or null. */
export async function ancestorAt(
  db: DbOrTx,
  territoryPath: string,
  level: WhistleLevel,
): Promise<TerritoryRecord | null> {
  const chain = await listTerritoryRows(db, pathIds(territoryPath));
  return chain.find((t) => t.level === level) ?? null;
}

function instantOf(value: string | undefined): Date | null {
  return value === undefined ? null : new Date(value);
}

/** Summons records as the effects need them, for rows just written. */
function summonsRecordsOf(
  rows: readonly SummonsInsert[],
  units: ReadonlyMap<string, { name: string; type: string }>,
): SummonsRecord[] {
  return rows.map((row) => ({
    id: row.id,
    whistleId: row.whistleId,
    unitId: row.unitId,
    unitName: units.get(row.unitId)?.name ?? '',
    unitType: units.get(row.unitId)?.type ?? '',
    role: row.role,
    state: row.state,
    summonedAt: row.summonedAt,
    checkInDueAt: row.checkInDueAt,
    checkedInAt: null,
    checkedInBy: null,
    late: false,
    missedAt: null,
    responsibleName: null,
    responsiblePhone: null,
    part: null,
    partAt: null,
    withdrawnAt: null,
    withdrawReason: null,
  }));
}

/**
 * Blows a whistle inside the caller's transaction (the demo seed, the idempotent API call): checks
 * the place, the blower and the units, writes the whistle, its summonses, their clocks, its `blown`
 * event, the notifications and the audit entry. A point must have been located before the transaction
 * (`locatedGridId`). Returns the new whistle's id.
 */
export async function blowWhistleIn(
  tx: DbOrTx,
  deps: Deps,
  actor: ActorContext,
  input: TBlowWhistle,
  request: RequestInfo | null,
  locatedGridId?: string,
): Promise<string> {
  const now = deps.clock.now();
  const place = await placeOf(tx, actor, input, locatedGridId);
  const reader = await readerOf(tx, actor);
  const through = blowingAssignment(actor, place.territory.path, reader.unitTypes);
  if (!through) throw new AppError('FORBIDDEN', 'You may not blow a whistle at this place.');
  const blowerUnitId = through.scope.kind === 'unit' ? through.scope.unitId : null;
  const scopePath =
    through.scope.kind === 'territory'
      ? through.scope.path
      : through.scope.kind === 'unit'
        ? through.scope.territoryPath
        : '';
  const [scopeTerritory] = await listTerritoryRows(tx, [pathIds(scopePath).at(-1)!]);
  const level = LEVEL_OF_SCOPE[scopeTerritory?.level ?? 'city'] ?? 'district';
  const responsible = await ancestorAt(tx, place.territory.path, level);
  if (!responsible) {
    throw validation('/territoryId', `The place lies outside any ${level}: name a place inside one.`);
  }

  const unitIds = [...new Set(input.unitIds)];
  if (!unitIds.includes(input.leadUnitId)) {
    throw validation('/leadUnitId', 'The lead unit must be one of the units summoned.');
  }
  const units = new Map((await listUnitRecords(tx, unitIds)).map((u) => [u.id, u]));
  unitIds.forEach((id) => {
    const i = input.unitIds.indexOf(id);
    if (!units.has(id)) throw validation(`/unitIds/${i}`, 'Unknown unit.');
    if (id === blowerUnitId) {
      throw validation(`/unitIds/${i}`, 'A whistle summons other units, not the office blowing it.');
    }
  });

  const checkInBy = instantOf(input.checkInBy);
  const dueAt = instantOf(input.dueAt);
  if (checkInBy && checkInBy.getTime() <= now.getTime()) {
    throw validation('/checkInBy', 'The check-in deadline must lie in the future.');
  }
  if (dueAt && dueAt.getTime() <= now.getTime()) {
    throw validation('/dueAt', 'The due time must lie in the future.');
  }
  const limits = await checkInMinutes(tx);
  const checkInDueAt = checkInBy ?? new Date(now.getTime() + limits[input.urgency] * MINUTE_MS);

  const id = randomUUID();
  const number = await nextWhistleNumber(tx, numberDateOf(now));
  const row = {
    id,
    number,
    state: 'summoning',
    version: 1,
    title: input.title,
    reason: input.reason,
    urgency: input.urgency,
    territoryId: place.territory.id,
    territoryPath: place.territory.path,
    address: place.address,
    lng: place.lng,
    lat: place.lat,
    level,
    responsibleTerritoryId: responsible.id,
    appealId: place.appealId,
    leadUnitId: input.leadUnitId,
    blownBy: actor.userId,
    blowerUnitId,
    checkInDueAt,
    meetingAt: instantOf(input.meetingAt),
    meetingPlace: input.meetingPlace ?? null,
    dueAt,
    result: null,
    resultAt: null,
    closedAt: null,
    cancelReason: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertWhistle(tx, row);
  const ordered = [input.leadUnitId, ...unitIds.filter((u) => u !== input.leadUnitId)];
  const summonsRows: SummonsInsert[] = ordered.map((unitId) => ({
    id: randomUUID(),
    whistleId: id,
    unitId,
    role: unitId === input.leadUnitId ? 'lead' : 'assisting',
    state: 'summoned',
    summonedAt: now,
    checkInDueAt,
    late: false,
  }));
  await insertSummons(tx, summonsRows);
  await appendEvents(tx, 'whistle', id, [
    {
      type: 'blown',
      at: now,
      actorId: actor.userId,
      actorUnitId: blowerUnitId,
      round: 1,
      fromState: null,
      toState: 'summoning',
      data: {
        unitIds: ordered,
        leadUnitId: input.leadUnitId,
        level,
        appealId: place.appealId,
        responsibleTerritoryId: responsible.id,
        urgency: input.urgency,
        checkInDueAt: checkInDueAt.toISOString(),
      },
    },
  ]);
  const created = summonsRecordsOf(summonsRows, units);
  await runWhistleEffects(
    {
      tx,
      deps,
      whistle: row,
      summons: created,
      action: 'blown',
      now,
      actor: { userId: actor.userId, name: actor.displayName, unitId: blowerUnitId },
      created,
    },
    [{ type: 'startCheckInClocks' }, { type: 'notifySummoned', kind: 'summoned' }],
  );
  await recordAudit(tx, deps, actor.userId, request, {
    action: 'whistle.blow',
    entityType: 'whistle',
    entityId: id,
    scopePath: place.territory.path,
    details: { number, toState: 'summoning', level, unitIds: ordered },
  });
  return id;
}

/**
 * Blows a whistle for a signed-in person (Idempotency-Key honoured: a retry with the same key answers
 * the first whistle and creates nothing) and returns it as they see it.
 */
export async function blowWhistleFor(
  deps: Deps,
  actor: ActorContext,
  input: TBlowWhistle,
  idempotencyKey: string | undefined,
  request: RequestInfo,
): Promise<IdempotentResult<TWhistleDetail>> {
  if (!grantedActions(actor, 'scope').includes('whistle.blow')) throw new AppError('FORBIDDEN');
  // The spatial index reads through the pool: locate before the transaction holds the connection.
  let locatedGridId: string | undefined;
  if (input.appealId === undefined && input.territoryId === undefined && input.location !== undefined) {
    locatedGridId = (await locatePoint(deps, input.location)).grid?.id;
  }
  return runIdempotent(deps, actor.userId, idempotencyKey, input, 201, async (tx) => {
    const id = await blowWhistleIn(tx, deps, actor, input, request, locatedGridId);
    return presentWhistleFor(tx, deps, actor, id, request);
  });
}

// ---- One whistle ----

/** Loads everything a whistle's page shows, or null. */
export async function loadWhistleBundle(db: DbOrTx, id: string): Promise<WhistleBundle | null> {
  const found = await findWhistleWithNames(db, id);
  if (!found) return null;
  const summons = await listSummonsRows(db, [id]);
  const events = await listWhistleEvents(db, id);
  const territories = await listTerritoryRows(db, [...new Set(ladderTerritoryIds(events))]);
  return { found, summons, events, territories: new Map(territories.map((t) => [t.id, t])) };
}

/**
 * The whistle as the actor may see it; NOT_FOUND when out of their scope. Responsible people's
 * phones are shown in full only to readers of personal data over the place, and every such read is
 * logged (like revealing an appellant).
 */
export async function presentWhistleFor(
  db: DbOrTx,
  deps: Deps,
  actor: ActorContext,
  id: string,
  request: RequestInfo | null,
): Promise<TWhistleDetail> {
  const bundle = await loadWhistleBundle(db, id);
  if (!bundle) throw new AppError('NOT_FOUND');
  const subject = whistleSubject(bundle.found.whistle, bundle.summons);
  if (!mayReadWhistle(await readerOf(db, actor), subject)) throw new AppError('NOT_FOUND');
  const fullPhone = can(actor, 'personalData.readFull', subject);
  const withPhone = bundle.summons.filter((s) => s.responsiblePhone !== null);
  if (fullPhone && withPhone.length > 0) {
    await recordAudit(db, deps, actor.userId, request, {
      action: 'personalData.reveal',
      entityType: 'whistle',
      entityId: id,
      scopePath: bundle.found.whistle.territoryPath,
      details: {
        number: bundle.found.whistle.number,
        fields: ['responsiblePhone'],
        summonsIds: withPhone.map((s) => s.id),
        reason: 'whistle page',
      },
    });
  }
  return presentWhistleDetail(bundle, await readerOf(db, actor), deps.clock.now(), fullPhone);
}

/** GET /whistles/:id. */
export async function getWhistleFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
  request: RequestInfo,
): Promise<TWhistleDetail> {
  return presentWhistleFor(deps.database.db, deps, actor, id, request);
}

// ---- Lists ----

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id ?? '');
  if (Number.isNaN(createdAt.getTime()) || !isUuid) {
    throw new AppError('VALIDATION_FAILED', 'Not a cursor of this list.', {
      path: '/cursor',
      in: 'querystring',
      issues: [{ path: '/cursor', message: 'Not a cursor of this list.' }],
    });
  }
  return { createdAt, id: id! };
}

/**
 * A board (whistles in the reader's area or blown through their office) or an inbox (whistles
 * summoning the reader's units), newest first, a page at a time. With `appealId`, the whistles blown
 * from that appeal, which the reader must be able to read (else NOT_FOUND).
 */
export async function listWhistlesFor(
  deps: Deps,
  actor: ActorContext,
  query: TWhistleListQuery,
): Promise<TWhistleList> {
  const { db } = deps.database;
  const scope = await readScopeOf(deps.database.db, actor);
  if (query.appealId !== undefined) {
    if (!(await findReadableAppeal(db, actor, query.appealId))) throw new AppError('NOT_FOUND');
  }
  const rows = await listWhistleSummaries(db, {
    view: query.view,
    scope,
    open: query.open,
    appealId: query.appealId,
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const summons = await listSummonsRows(
    db,
    page.map((r) => r.whistle.id),
  );
  const byWhistle = new Map<string, SummonsRecord[]>();
  for (const s of summons) byWhistle.set(s.whistleId, [...(byWhistle.get(s.whistleId) ?? []), s]);
  const reader = await readerOf(db, actor);
  const now = deps.clock.now();
  const last = page.at(-1);
  return {
    items: page.map((row) => presentWhistleListItem(row, byWhistle.get(row.whistle.id) ?? [], reader, now)),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor(last.whistle.createdAt, last.whistle.id) : null,
  };
}

// ---- Assessment inputs ----

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/**
 * The assessment inputs over [from, to) (双考核), counted from the whistle events alone, over the
 * whistles the reader may read. The on-time check-in rate is check-ins on time over summonses received.
 */
export async function whistleStatsFor(
  deps: Deps,
  actor: ActorContext,
  query: { from: string; to: string },
): Promise<TWhistleStats> {
  const scope = await readScopeOf(deps.database.db, actor);
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (from.getTime() >= to.getTime()) {
    throw new AppError('VALIDATION_FAILED', 'The period must end after it starts.', {
      path: '/to',
      in: 'querystring',
      issues: [{ path: '/to', message: 'The period must end after it starts.' }],
    });
  }
  const { db } = deps.database;
  const [units, streets] = await Promise.all([
    countUnitStats(db, from, to, scope),
    countStreetStats(db, from, to, scope),
  ]);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    units: units.map((u) => ({
      unit: { id: u.unit_id, name: u.unit_name },
      summonsReceived: u.summons_received,
      checkedInOnTime: u.checked_in_on_time,
      checkedInLate: u.checked_in_late,
      missed: u.missed,
      onTimeCheckInRate: rate(u.checked_in_on_time, u.summons_received),
      partsDelivered: u.parts_delivered,
      partsOnTime: u.parts_on_time,
      outcomesConfirmed: u.outcomes_confirmed,
    })),
    streets: streets.map((s) => ({
      street: { id: s.street_id, name: s.street_name },
      whistlesBlown: s.whistles_blown,
      whistlesResolved: s.whistles_resolved,
      resolvedRate: rate(s.whistles_resolved, s.whistles_blown),
    })),
  };
}
