import { randomUUID } from 'node:crypto';
import { area } from '@turf/area';
import {
  AppError,
  can,
  hasRiskColor,
  isStaffPeriodCurrent,
  isStaffPeriodValid,
  pathIds,
  type Actor,
  type GridStaffPosition,
  type RiskColor,
  type TerritoryLevel,
} from '@huizhi/domain';
import type {
  TCreateGridStaff,
  TEndGridStaff,
  TGridCard,
  TGridDetail,
  TGridStaff,
  TGridStaffList,
  TPublicGridCard,
  TPutGridCard,
  TPutRiskColor,
  TRiskChange,
  TRiskHistory,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { summarizePlaceLedger } from '../ledger/ledger.service.ts';
import {
  findCard,
  findGeometry,
  findNames,
  findPlace,
  findPlaceForUpdate,
  findStaff,
  insertRiskChange,
  insertStaff,
  listRiskChanges,
  listStaff,
  setRiskColor,
  updateStaffEnd,
  upsertCard,
  userExists,
  type CardRow,
  type PlaceRow,
  type RiskChangeRow,
  type StaffRow,
} from './grids.repository.ts';

/** Today's calendar date (YYYY-MM-DD) in the configured time zone: staff periods are local dates. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

function today(deps: Deps): string {
  return localDate(deps.clock.now(), deps.config.timeZone);
}

function subjectOf(place: PlaceRow) {
  return { kind: 'territory' as const, id: place.id, path: place.path };
}

function presentStaff(row: StaffRow, day: string): TGridStaff {
  return {
    ...row,
    position: row.position as GridStaffPosition,
    current: isStaffPeriodCurrent(row, day),
  };
}

function presentCard(row: CardRow): TGridCard {
  return {
    supervisionPhone: row.supervisionPhone,
    duties: (row.duties as string[] | null) ?? [],
    updatedAt: row.updatedAt.toISOString(),
  };
}

function presentRiskChange(row: RiskChangeRow): TRiskChange {
  return {
    ...row,
    color: row.color as RiskColor,
    previousColor: row.previousColor as RiskColor | null,
    actorName: row.actorName ?? null,
    at: row.at.toISOString(),
  };
}

/** The geodesic area of a stored Polygon or MultiPolygon in square metres, or null without one. */
export function areaOf(geometry: unknown): number | null {
  const type = (geometry as { type?: unknown } | null)?.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') return null;
  return Math.round(area(geometry as Parameters<typeof area>[0]));
}

/** Loads a grid the actor may read; anything else (missing, another level, outside scope) is not found. */
async function loadGrid(db: DbOrTx, actor: Actor, id: string): Promise<PlaceRow> {
  const place = await findPlace(db, id);
  if (!place || place.level !== 'grid' || !can(actor, 'territory.read', subjectOf(place))) {
    throw new AppError('NOT_FOUND');
  }
  return place;
}

async function loadManagedGrid(db: DbOrTx, actor: Actor, id: string): Promise<PlaceRow> {
  const grid = await loadGrid(db, actor, id);
  if (!can(actor, 'grid.manage', subjectOf(grid))) throw new AppError('FORBIDDEN');
  return grid;
}

/** The territories from the root down to the node, with names and levels. */
async function pathNames(db: DbOrTx, path: string) {
  const ids = pathIds(path);
  const byId = new Map((await findNames(db, ids)).map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ id, name: row.name, level: row.level as TerritoryLevel }] : [];
  });
}

/** A grid's page: card, current staff, published figures, area, risk colour and ledger counts. */
export async function getGridDetailFor(deps: Deps, actor: ActorContext, id: string): Promise<TGridDetail> {
  const { db } = deps.database;
  const grid = await loadGrid(db, actor, id);
  const day = today(deps);
  const path = await pathNames(db, grid.path);
  const card = await findCard(db, id);
  const staff = await listStaff(db, id);
  const geometry = await findGeometry(db, id);
  const ledgerSummary = await summarizePlaceLedger(db, actor, {
    territoryId: grid.id,
    territoryPath: grid.path,
  });
  return {
    grid: { id: grid.id, name: grid.name, code: grid.code, path },
    card: card ? presentCard(card) : null,
    currentStaff: staff.map((row) => presentStaff(row, day)).filter((row) => row.current),
    households: grid.households,
    population: grid.population,
    areaSquareMeters: areaOf(geometry),
    riskColor: grid.riskColor as RiskColor | null,
    ledgerSummary,
  };
}

/** The public card of a grid (no login): name, area, households, staff and phones, supervision, duties. */
export async function getPublicGridCard(deps: Deps, id: string): Promise<TPublicGridCard> {
  const { db } = deps.database;
  const grid = await findPlace(db, id);
  if (!grid || grid.level !== 'grid') throw new AppError('NOT_FOUND');
  const day = today(deps);
  const path = await pathNames(db, grid.path);
  const card = await findCard(db, id);
  const staff = await listStaff(db, id);
  return {
    name: grid.name,
    communityName: path.find((p) => p.level === 'community')?.name ?? null,
    streetName: path.find((p) => p.level === 'street')?.name ?? null,
    areaSquareMeters: areaOf(await findGeometry(db, id)),
    households: grid.households,
    staff: staff
      .filter((row) => isStaffPeriodCurrent(row, day))
      .map((row) => ({ name: row.name, position: row.position as GridStaffPosition, phone: row.phone })),
    supervisionPhone: card?.supervisionPhone ?? null,
    duties: card ? presentCard(card).duties : [],
  };
}

/** Every staff period of a grid, each marked current or not. */
export async function listGridStaffFor(deps: Deps, actor: ActorContext, id: string): Promise<TGridStaffList> {
  const { db } = deps.database;
  await loadGrid(db, actor, id);
  const day = today(deps);
  return { items: (await listStaff(db, id)).map((row) => presentStaff(row, day)) };
}

/** Appoints a person to a grid post for a period. */
export async function createGridStaff(
  deps: Deps,
  actor: ActorContext,
  gridId: string,
  input: TCreateGridStaff,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TGridStaff>> {
  return runIdempotent(deps, actor.userId, idempotencyKey, { gridId, input }, 201, async (tx) => {
    const grid = await loadManagedGrid(tx, actor, gridId);
    if (input.userId && !(await userExists(tx, input.userId))) {
      throw new AppError('VALIDATION_FAILED', 'Unknown user.', { path: '/userId' });
    }
    const row = await insertStaff(tx, {
      id: randomUUID(),
      gridId,
      userId: input.userId ?? null,
      name: input.name,
      phone: input.phone,
      position: input.position,
      startsOn: input.startsOn,
      endsOn: input.endsOn ?? null,
      createdAt: deps.clock.now(),
    });
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'gridStaff.create',
      entityType: 'gridStaff',
      entityId: row.id,
      scopePath: grid.path,
      details: {
        gridId,
        position: row.position,
        userId: row.userId,
        startsOn: row.startsOn,
        endsOn: row.endsOn,
      },
    });
    return presentStaff(row, today(deps));
  });
}

/** Ends (or corrects the end of) a staff period; the end day is the last day of service. */
export async function endGridStaff(
  deps: Deps,
  actor: ActorContext,
  gridId: string,
  staffId: string,
  input: TEndGridStaff,
  request: RequestInfo,
): Promise<TGridStaff> {
  return deps.database.db.transaction(async (tx) => {
    const grid = await loadManagedGrid(tx, actor, gridId);
    const staff = await findStaff(tx, gridId, staffId);
    if (!staff) throw new AppError('NOT_FOUND');
    if (!isStaffPeriodValid({ startsOn: staff.startsOn, endsOn: input.endsOn })) {
      throw new AppError('VALIDATION_FAILED', 'endsOn cannot be before startsOn.', { path: '/endsOn' });
    }
    const row = await updateStaffEnd(tx, staffId, input.endsOn);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'gridStaff.end',
      entityType: 'gridStaff',
      entityId: staffId,
      scopePath: grid.path,
      details: { gridId, endsOn: input.endsOn, previousEndsOn: staff.endsOn },
    });
    return presentStaff(row, today(deps));
  });
}

/** Sets a grid's published supervision phone and duty list. */
export async function putGridCard(
  deps: Deps,
  actor: ActorContext,
  gridId: string,
  input: TPutGridCard,
  request: RequestInfo,
): Promise<TGridCard> {
  return deps.database.db.transaction(async (tx) => {
    const grid = await loadManagedGrid(tx, actor, gridId);
    const row = await upsertCard(tx, {
      territoryId: gridId,
      supervisionPhone: input.supervisionPhone,
      duties: input.duties,
      updatedAt: deps.clock.now(),
    });
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'gridCard.update',
      entityType: 'gridCard',
      entityId: gridId,
      scopePath: grid.path,
      details: { supervisionPhone: input.supervisionPhone, duties: input.duties.length },
    });
    return presentCard(row);
  });
}

/** Changes a community's or grid's 红黄绿 colour, keeping the previous colour and the reason. */
export async function changeRiskColor(
  deps: Deps,
  actor: ActorContext,
  territoryId: string,
  input: TPutRiskColor,
  request: RequestInfo,
): Promise<TRiskChange> {
  return deps.database.db.transaction(async (tx) => {
    const place = await findPlaceForUpdate(tx, territoryId);
    if (!place || !can(actor, 'territory.read', subjectOf(place))) throw new AppError('NOT_FOUND');
    if (!can(actor, 'grid.manage', subjectOf(place))) throw new AppError('FORBIDDEN');
    if (!hasRiskColor(place.level)) {
      throw new AppError('VALIDATION_FAILED', 'Only communities and grids carry a risk colour.', {
        path: '/id',
      });
    }
    const id = randomUUID();
    const now = deps.clock.now();
    await insertRiskChange(tx, {
      id,
      territoryId,
      color: input.color,
      previousColor: place.riskColor,
      reason: input.reason,
      actorId: actor.userId,
      at: now,
    });
    await setRiskColor(tx, territoryId, input.color, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'territory.riskColor',
      entityType: 'territory',
      entityId: territoryId,
      scopePath: place.path,
      details: { color: input.color, previousColor: place.riskColor, reason: input.reason },
    });
    const [created] = await listRiskChanges(tx, territoryId, [id]);
    return presentRiskChange(created!);
  });
}

/** The colour changes of a territory the actor may read, newest first. */
export async function listRiskHistoryFor(
  deps: Deps,
  actor: ActorContext,
  territoryId: string,
): Promise<TRiskHistory> {
  const { db } = deps.database;
  const place = await findPlace(db, territoryId);
  if (!place || !can(actor, 'territory.read', subjectOf(place))) throw new AppError('NOT_FOUND');
  return { items: (await listRiskChanges(db, territoryId)).map(presentRiskChange) };
}
