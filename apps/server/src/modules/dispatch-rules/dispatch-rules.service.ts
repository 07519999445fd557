import { randomUUID } from 'node:crypto';
import { AppError, can, isOverlappingPath, scopeFilter, summariseRule } from '@huizhi/domain';
import type {
  TCreateDispatchRule,
  TDispatchRule,
  TDispatchRuleList,
  TDispatchRuleListQuery,
  TUnitType,
  TUpdateDispatchRule,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { territories } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { findCategoryByCode } from '../categories/categories.repository.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { pathOverlapsScope } from '../scope-sql.ts';
import { findTerritoryById } from '../territories/territories.repository.ts';
import { findUnitById } from '../units/units.repository.ts';
import {
  deleteDispatchRule,
  findDispatchRuleById,
  insertDispatchRule,
  listDispatchRules,
  lockDispatchRule,
  updateDispatchRule,
  type DispatchRuleRecord,
  type DispatchRuleRow,
} from './dispatch-rules.repository.ts';

/** Summarises a rule row in both languages, e.g. 「和平街道·市容环境→街道办事处」. */
export function summariseRuleRow(row: DispatchRuleRow) {
  return summariseRule({
    territoryName: row.territoryName,
    category:
      row.categoryCode === null
        ? null
        : { zh: row.categoryNameZh ?? row.categoryCode, en: row.categoryNameEn ?? row.categoryCode },
    unitName: row.unitName,
    unitType: row.unitType,
    copyToName: row.copyToName,
  });
}

function mayManage(actor: ActorContext, territoryPath: string): boolean {
  return can(actor, 'dispatchRule.manage', { kind: 'territory', id: '', path: territoryPath });
}

/** A rule is visible to an admin whose scope lies inside or above its territory: it applies there. */
function mayRead(actor: ActorContext, territoryPath: string): boolean {
  return scopeFilter(actor, 'dispatchRule.manage').territoryPaths.some((p) =>
    isOverlappingPath(territoryPath, p),
  );
}

function present(actor: ActorContext, row: DispatchRuleRow): TDispatchRule {
  const manageable = mayManage(actor, row.territoryPath);
  return {
    id: row.id,
    categoryCode: row.categoryCode,
    categoryName:
      row.categoryCode === null ? null : { zh: row.categoryNameZh ?? '', en: row.categoryNameEn ?? '' },
    territoryId: row.territoryId,
    territoryName: row.territoryName,
    unit:
      row.unitId === null
        ? null
        : { id: row.unitId, name: row.unitName ?? '', type: row.unitTypeOfUnit as TUnitType },
    unitType: row.unitType as TUnitType | null,
    copyTo:
      row.copyToUnitId === null
        ? null
        : { id: row.copyToUnitId, name: row.copyToName ?? '', type: row.copyToType as TUnitType },
    priority: row.priority,
    note: row.note,
    active: row.active,
    summary: summariseRuleRow(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    actions: manageable ? ['update', 'delete'] : [],
  };
}

/** Lists the rules that apply somewhere in the admin's scope (set inside it or on an area above it). */
export async function listDispatchRulesFor(
  deps: Deps,
  actor: ActorContext,
  query: TDispatchRuleListQuery,
): Promise<TDispatchRuleList> {
  const filter = scopeFilter(actor, 'dispatchRule.manage');
  if (filter.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const scope = pathOverlapsScope(territories.path, territories.id, {
    territoryPaths: filter.territoryPaths,
    unitIds: [],
  });
  const { rows, total } = await listDispatchRules(deps.database.db, {
    ...query,
    active: query.active === undefined ? undefined : query.active === 'true',
    scope,
  });
  return { items: rows.map((row) => present(actor, row)), total };
}

/** Reads one rule; one that applies nowhere in the reader's scope is not found. */
export async function getDispatchRuleFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<TDispatchRule> {
  const row = await findDispatchRuleById(deps.database.db, id);
  if (!row || !mayRead(actor, row.territoryPath)) throw new AppError('NOT_FOUND');
  return present(actor, row);
}

interface RuleTarget {
  categoryCode: string | null;
  territoryId: string;
  unitId: string | null;
  unitType: string | null;
  copyToUnitId: string | null;
}

/** Checks what a rule refers to; returns the path of its territory. The territory must be the admin's. */
async function validateTarget(tx: DbOrTx, actor: ActorContext, target: RuleTarget): Promise<string> {
  const territory = await findTerritoryById(tx, target.territoryId);
  if (!territory) throw new AppError('VALIDATION_FAILED', 'Unknown territory.', { path: '/territoryId' });
  if (!mayManage(actor, territory.path)) {
    throw new AppError('FORBIDDEN', 'A rule must lie inside your own scope.');
  }
  if (target.categoryCode !== null && !(await findCategoryByCode(tx, target.categoryCode))) {
    throw new AppError('VALIDATION_FAILED', 'Unknown category.', { path: '/categoryCode' });
  }
  if ((target.unitId === null) === (target.unitType === null)) {
    throw new AppError('VALIDATION_FAILED', 'Give exactly one of unitId and unitType.', { path: '/unitId' });
  }
  if (target.unitId !== null) {
    const unit = await findUnitById(tx, target.unitId);
    if (!unit || !can(actor, 'unit.read', { kind: 'unit', id: unit.id, territoryPath: unit.territoryPath })) {
      throw new AppError('VALIDATION_FAILED', 'Unknown unit.', { path: '/unitId' });
    }
    if (!isOverlappingPath(unit.territoryPath, territory.path)) {
      throw new AppError('VALIDATION_FAILED', 'The unit does not serve this territory.', { path: '/unitId' });
    }
  }
  if (target.copyToUnitId !== null) {
    const unit = await findUnitById(tx, target.copyToUnitId);
    if (!unit || !can(actor, 'unit.read', { kind: 'unit', id: unit.id, territoryPath: unit.territoryPath })) {
      throw new AppError('VALIDATION_FAILED', 'Unknown unit.', { path: '/copyToUnitId' });
    }
  }
  return territory.path;
}

/** Adds a rule to the catalogue inside the admin's scope; honours an Idempotency-Key. */
export async function createDispatchRule(
  deps: Deps,
  actor: ActorContext,
  input: TCreateDispatchRule,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TDispatchRule>> {
  return runIdempotent(deps, actor.userId, idempotencyKey, input, 201, async (tx) => {
    const territoryPath = await validateTarget(tx, actor, input);
    const now = deps.clock.now();
    const id = randomUUID();
    await insertDispatchRule(tx, { id, ...input, createdAt: now, updatedAt: now });
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'dispatchRule.create',
      entityType: 'dispatchRule',
      entityId: id,
      scopePath: territoryPath,
      details: { ...input },
    });
    return present(actor, (await findDispatchRuleById(tx, id))!);
  });
}

/** Loads a rule for a change: not found outside the reader's scope, forbidden outside the admin's. */
async function lockForChange(tx: DbOrTx, actor: ActorContext, id: string): Promise<DispatchRuleRecord> {
  const record = await lockDispatchRule(tx, id);
  const territory = record ? await findTerritoryById(tx, record.territoryId) : null;
  if (!record || !territory || !mayRead(actor, territory.path)) throw new AppError('NOT_FOUND');
  if (!mayManage(actor, territory.path))
    throw new AppError('FORBIDDEN', 'This rule is set above your scope.');
  return record;
}

function assertUnchanged(record: DispatchRuleRecord, updatedAt: string | undefined): void {
  if (updatedAt !== undefined && record.updatedAt.getTime() !== Date.parse(updatedAt)) {
    throw new AppError('CONFLICT', undefined, { updatedAt: record.updatedAt.toISOString() });
  }
}

/** Changes a rule if nobody changed it since the reader read `updatedAt` (else 409 CONFLICT). */
export async function updateDispatchRuleFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
  input: TUpdateDispatchRule,
  request: RequestInfo,
): Promise<TDispatchRule> {
  return deps.database.db.transaction(async (tx) => {
    const record = await lockForChange(tx, actor, id);
    assertUnchanged(record, input.updatedAt);
    const { updatedAt: _read, ...changes } = input;
    const next: RuleTarget & { priority: number; note: string | null; active: boolean } = {
      categoryCode: changes.categoryCode === undefined ? record.categoryCode : changes.categoryCode,
      territoryId: changes.territoryId ?? record.territoryId,
      unitId: changes.unitId === undefined ? record.unitId : changes.unitId,
      unitType: changes.unitType === undefined ? record.unitType : changes.unitType,
      copyToUnitId: changes.copyToUnitId === undefined ? record.copyToUnitId : changes.copyToUnitId,
      priority: changes.priority ?? record.priority,
      note: changes.note === undefined ? record.note : changes.note,
      active: changes.active ?? record.active,
    };
    // Setting one kind of target clears the other.
    if (changes.unitId) next.unitType = null;
    if (changes.unitType) next.unitId = null;
    const territoryPath = await validateTarget(tx, actor, next);
    const now = deps.clock.now();
    // Strictly later than the value read, even when the clock has not moved, so a stale copy is detected.
    const updatedAt = new Date(Math.max(now.getTime(), record.updatedAt.getTime() + 1));
    await updateDispatchRule(tx, id, { ...next, updatedAt });
    const before = Object.fromEntries(
      Object.keys(next).map((key) => [key, record[key as keyof typeof next]]),
    ) as Record<string, unknown>;
    const changed = Object.fromEntries(Object.entries(next).filter(([key, value]) => before[key] !== value));
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'dispatchRule.update',
      entityType: 'dispatchRule',
      entityId: id,
      scopePath: territoryPath,
      details: {
        changed,
        before: Object.fromEntries(Object.keys(changed).map((key) => [key, before[key]])),
      },
    });
    return present(actor, (await findDispatchRuleById(tx, id))!);
  });
}

/** Removes a rule from the catalogue; with `updatedAt`, only if nobody changed it meanwhile. */
export async function deleteDispatchRuleFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
  updatedAt: string | undefined,
  request: RequestInfo,
): Promise<{ ok: true }> {
  return deps.database.db.transaction(async (tx) => {
    const record = await lockForChange(tx, actor, id);
    assertUnchanged(record, updatedAt);
    const territory = await findTerritoryById(tx, record.territoryId);
    await deleteDispatchRule(tx, id);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'dispatchRule.delete',
      entityType: 'dispatchRule',
      entityId: id,
      scopePath: territory?.path ?? null,
      details: {
        categoryCode: record.categoryCode,
        territoryId: record.territoryId,
        unitId: record.unitId,
        unitType: record.unitType,
        copyToUnitId: record.copyToUnitId,
        priority: record.priority,
      },
    });
    return { ok: true as const };
  });
}
