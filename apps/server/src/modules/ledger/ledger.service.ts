import { randomUUID } from 'node:crypto';
import {
  AppError,
  CARE_GROUP_TAGS,
  SENSITIVE_TAGS,
  can,
  canReadSensitive,
  isOverlappingPath,
  isSensitiveTag,
  mergeResidentTags,
  pathIds,
  presentResident,
  scopeFilter,
  visibleTags,
  type Actor,
  type LedgerPlace,
} from '@huizhi/domain';
import type {
  TCreateHousehold,
  TCreateResident,
  THousehold,
  THouseholdDetail,
  THouseholdList,
  THouseholdListQuery,
  TLedgerSummary,
  TLedgerSummaryItem,
  TResident,
  TRevealedResident,
  TRevealResident,
  TUpdateResident,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { territories } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { pathWithinScope } from '../scope-sql.ts';
import { findTerritoryById } from '../territories/territories.repository.ts';
import {
  findHousehold,
  findResident,
  insertHousehold,
  insertResident,
  listChildrenInScope,
  listHouseholds,
  listResidentsOfHousehold,
  summarizeLedger,
  touchHousehold,
  updateResident,
  type HouseholdRow,
  type ResidentRow,
  type TagCounts,
} from './ledger.repository.ts';

/** The levels a household may be recorded in: a building, or a grid when the building is unknown. */
const HOUSEHOLD_LEVELS = new Set(['grid', 'building']);

function placeSubject(place: LedgerPlace) {
  return { kind: 'territory' as const, id: place.territoryId, path: place.territoryPath };
}

function presentHousehold(actor: Actor, row: HouseholdRow): THousehold {
  return {
    id: row.id,
    territoryId: row.territoryId,
    territoryName: row.territoryName,
    address: row.address,
    residentCount: Number(row.residentCount),
    tags: visibleTags(actor, row, row.tags ?? []),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toLedgerResident(row: ResidentRow) {
  return { ...row, tags: row.tags ?? [] };
}

/** Loads a household the actor may read; one outside the scope is not found. */
async function loadHousehold(db: DbOrTx, actor: Actor, id: string): Promise<HouseholdRow> {
  const row = await findHousehold(db, id);
  if (!row || !can(actor, 'ledger.read', placeSubject(row))) throw new AppError('NOT_FOUND');
  return row;
}

/** Loads a resident the actor may read; one outside the scope is not found. */
async function loadResident(db: DbOrTx, actor: Actor, id: string): Promise<ResidentRow> {
  const row = await findResident(db, id);
  if (!row || !can(actor, 'ledger.read', placeSubject(row))) throw new AppError('NOT_FOUND');
  return row;
}

function requireManage(actor: Actor, place: LedgerPlace): void {
  if (!can(actor, 'ledger.manage', placeSubject(place))) throw new AppError('FORBIDDEN');
}

/** Lists the households in the actor's scope; filtering by a sensitive tag needs its permission. */
export async function listHouseholdsFor(
  deps: Deps,
  actor: ActorContext,
  query: THouseholdListQuery,
): Promise<THouseholdList> {
  const action = query.tag && isSensitiveTag(query.tag) ? 'ledger.readSensitive' : 'ledger.read';
  const scope = scopeFilter(actor, action);
  if (scope.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const { db } = deps.database;
  let withinPath: string | undefined;
  if (query.territoryId) {
    const territory = await findTerritoryById(db, query.territoryId);
    if (!territory) return { items: [], total: 0 };
    withinPath = territory.path;
  }
  const { rows, total } = await listHouseholds(db, {
    scope: pathWithinScope(territories.path, scope),
    withinPath,
    q: query.q,
    tag: query.tag,
    limit: query.limit,
    offset: query.offset,
  });
  return { items: rows.map((row) => presentHousehold(actor, row)), total };
}

/** Reads one household with its residents, masked. */
export async function getHouseholdFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<THouseholdDetail> {
  const { db } = deps.database;
  const household = await loadHousehold(db, actor, id);
  const residentRows = await listResidentsOfHousehold(db, id);
  return {
    ...presentHousehold(actor, household),
    residents: residentRows.map((row) => presentResident(actor, toLedgerResident(row))),
  };
}

/** Records a household in a grid or building inside the actor's scope. */
export async function createHousehold(
  deps: Deps,
  actor: ActorContext,
  input: TCreateHousehold,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<THouseholdDetail>> {
  return runIdempotent(deps, actor.userId, idempotencyKey, input, 201, async (tx) => {
    const territory = await findTerritoryById(tx, input.territoryId);
    if (!territory) {
      throw new AppError('VALIDATION_FAILED', 'Unknown territory.', { path: '/territoryId' });
    }
    const place = { territoryId: territory.id, territoryPath: territory.path };
    requireManage(actor, place);
    if (!HOUSEHOLD_LEVELS.has(territory.level)) {
      throw new AppError('VALIDATION_FAILED', 'A household lies in a grid or a building.', {
        path: '/territoryId',
      });
    }
    const id = randomUUID();
    const now = deps.clock.now();
    await insertHousehold(tx, {
      id,
      territoryId: territory.id,
      address: input.address,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'household.create',
      entityType: 'household',
      entityId: id,
      scopePath: territory.path,
      details: { territoryId: territory.id },
    });
    const created = await findHousehold(tx, id);
    return { ...presentHousehold(actor, created!), residents: [] };
  });
}

/** Names of the fields a change sets (never their values: the audit log holds no personal data). */
function changedFields(input: object): string[] {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key)
    .sort();
}

/** Adds a resident to a household; sensitive tags need 'ledger.readSensitive' there. */
export async function addResident(
  deps: Deps,
  actor: ActorContext,
  householdId: string,
  input: TCreateResident,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TResident>> {
  return runIdempotent(deps, actor.userId, idempotencyKey, { householdId, input }, 201, async (tx) => {
    const household = await loadHousehold(tx, actor, householdId);
    requireManage(actor, household);
    const tags = mergeResidentTags(actor, household, [], input.tags);
    if (tags === null) throw new AppError('FORBIDDEN', 'You may not record sensitive tags here.');
    const id = randomUUID();
    const now = deps.clock.now();
    await insertResident(tx, {
      id,
      householdId,
      name: input.name,
      gender: input.gender ?? null,
      birthYear: input.birthYear ?? null,
      idNumber: input.idNumber ?? null,
      phone: input.phone ?? null,
      relation: input.relation ?? null,
      tags,
      createdAt: now,
      updatedAt: now,
    });
    await touchHousehold(tx, householdId, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'resident.create',
      entityType: 'resident',
      entityId: id,
      scopePath: household.territoryPath,
      details: { householdId, fields: changedFields(input) },
    });
    return presentResident(actor, toLedgerResident((await findResident(tx, id))!));
  });
}

/** Changes a resident; an actor without the sensitive permission keeps the sensitive tags as stored. */
export async function updateResidentFor(
  deps: Deps,
  actor: ActorContext,
  residentId: string,
  input: TUpdateResident,
  request: RequestInfo,
): Promise<TResident> {
  return deps.database.db.transaction(async (tx) => {
    const resident = await loadResident(tx, actor, residentId);
    requireManage(actor, resident);
    const { tags: requestedTags, ...fields } = input;
    const changes: Parameters<typeof updateResident>[2] = { ...fields, updatedAt: deps.clock.now() };
    if (requestedTags !== undefined) {
      const tags = mergeResidentTags(actor, resident, resident.tags ?? [], requestedTags);
      if (tags === null) throw new AppError('FORBIDDEN', 'You may not record sensitive tags here.');
      changes.tags = tags;
    }
    await updateResident(tx, residentId, changes);
    await touchHousehold(tx, resident.householdId, deps.clock.now());
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'resident.update',
      entityType: 'resident',
      entityId: residentId,
      scopePath: resident.territoryPath,
      details: { householdId: resident.householdId, fields: changedFields(input) },
    });
    return presentResident(actor, toLedgerResident((await findResident(tx, residentId))!));
  });
}

/**
 * Returns the full phone or ID number of a resident to an actor holding 'personalData.readFull'
 * there, and logs the read with the actor, the fields and the reason (never the values).
 */
export async function revealResident(
  deps: Deps,
  actor: ActorContext,
  residentId: string,
  input: TRevealResident,
  request: RequestInfo,
): Promise<TRevealedResident> {
  return deps.database.db.transaction(async (tx) => {
    const resident = await loadResident(tx, actor, residentId);
    if (!can(actor, 'personalData.readFull', placeSubject(resident))) throw new AppError('FORBIDDEN');
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'personalData.reveal',
      entityType: 'resident',
      entityId: residentId,
      scopePath: resident.territoryPath,
      details: { fields: input.fields, reason: input.reason, householdId: resident.householdId },
    });
    const shown = presentResident(actor, toLedgerResident(resident), { reveal: input.fields });
    const result: TRevealedResident = { residentId };
    if (input.fields.includes('phone')) result.phone = shown.phone;
    if (input.fields.includes('idNumber')) result.idNumber = shown.idNumber;
    return result;
  });
}

function presentCounts(
  actor: Actor,
  place: LedgerPlace,
  counts: { households: number; residents: number } & Partial<TagCounts>,
): TLedgerSummaryItem {
  const careGroups: TLedgerSummaryItem['careGroups'] = {};
  for (const tag of CARE_GROUP_TAGS) careGroups[tag] = counts[tag] ?? 0;
  if (canReadSensitive(actor, place)) {
    for (const tag of SENSITIVE_TAGS) careGroups[tag] = counts[tag] ?? 0;
  }
  return {
    territoryId: place.territoryId,
    households: counts.households,
    residents: counts.residents,
    careGroups,
  };
}

/** Ledger counts for each child of a territory inside the actor's scope, in one grouped query. */
export async function ledgerSummaryFor(
  deps: Deps,
  actor: ActorContext,
  parentId: string,
): Promise<TLedgerSummary> {
  const { db } = deps.database;
  const parent = await findTerritoryById(db, parentId);
  const scope = scopeFilter(actor, 'ledger.read');
  if (!parent || !scope.territoryPaths.some((path) => isOverlappingPath(path, parent.path))) {
    throw new AppError('NOT_FOUND');
  }
  const scopeSql = pathWithinScope(territories.path, scope);
  const children = await listChildrenInScope(db, parentId, scopeSql);
  if (children.length === 0) return { items: [] };
  const counts = await summarizeLedger(db, {
    withinPath: parent.path,
    keyPosition: pathIds(parent.path).length + 2,
    scope: scopeSql,
  });
  const byId = new Map(counts.map((row) => [row.territoryId, row]));
  return {
    items: children.map((child) =>
      presentCounts(
        actor,
        { territoryId: child.id, territoryPath: child.path },
        byId.get(child.id) ?? { households: 0, residents: 0 },
      ),
    ),
  };
}

/** Ledger counts of one territory for an actor who may read its ledger there; otherwise null. */
export async function summarizePlaceLedger(
  db: DbOrTx,
  actor: Actor,
  place: LedgerPlace,
): Promise<TLedgerSummaryItem | null> {
  if (!can(actor, 'ledger.read', placeSubject(place))) return null;
  const counts = await summarizeLedger(db, {
    withinPath: place.territoryPath,
    keyPosition: pathIds(place.territoryPath).length + 1,
    scope: pathWithinScope(territories.path, scopeFilter(actor, 'ledger.read')),
  });
  return presentCounts(actor, place, counts[0] ?? { households: 0, residents: 0 });
}
