import { randomUUID } from 'node:crypto';
import {
  AppError,
  chooseSlaTier,
  computeDeadline,
  DEFAULT_SLA_TIER,
  DEFAULT_SLA_TIERS,
  planDeadlines,
  warnAt,
  type DeadlinePlan,
  type SlaRule,
  type SlaTierChoice,
  type SlaTierConfig,
  type SlaUrgency,
} from '@huizhi/domain';
import type {
  TCalendarDeadline,
  TCalendarDeadlineQuery,
  TCreateSlaRule,
  TSlaRule,
  TSlaRuleList,
  TSlaTier,
  TSlaTierList,
  TUnitType,
  TUpdateSlaTier,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import type { Database } from '../../db/connect.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { assertMayManageCalendar, loadBusinessCalendar } from '../calendar/calendar.service.ts';
import { findCategoryByCode } from '../categories/categories.repository.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { readChangeCounter } from '../routing/locate.repository.ts';
import { bumpChangeCounter } from '../territories/territory-import.repository.ts';
import {
  deleteSlaRuleRow,
  findSlaRuleRow,
  findSlaTierRow,
  insertSlaRuleRow,
  listCategoryAncestry,
  listSlaRuleRows,
  listSlaTierRows,
  SLA_COUNTER,
  upsertSlaTierRow,
  type SlaRuleRow,
  type SlaTierRow,
} from './sla.repository.ts';

/** How often (ms) a server checks whether another instance changed the tiers or rules. */
export const SLA_CHECK_INTERVAL_MS = 1000;

interface LoadedSla {
  version: number;
  tiers: Map<string, SlaTierConfig>;
  tierRows: SlaTierRow[];
  rules: SlaRuleRow[];
}

interface SlaState {
  loaded: LoadedSla | null;
  checkedAt: number;
  pending: Promise<LoadedSla> | null;
}

const states = new WeakMap<Database, SlaState>();

function stateOf(database: Database): SlaState {
  let state = states.get(database);
  if (!state) {
    state = { loaded: null, checkedAt: -Infinity, pending: null };
    states.set(database, state);
  }
  return state;
}

function tierConfigOf(row: SlaTierRow): SlaTierConfig {
  return {
    code: row.code,
    replyUnit: row.replyUnit as SlaTierConfig['replyUnit'],
    replyAmount: row.replyAmount,
    acceptMinutes: row.acceptMinutes,
    contactMinutes: row.contactMinutes,
    warnPercent: row.warnPercent,
  };
}

async function readSla(db: DbOrTx, state: SlaState): Promise<LoadedSla> {
  const version = await readChangeCounter(db, SLA_COUNTER);
  state.checkedAt = performance.now();
  if (state.loaded && state.loaded.version === version) return state.loaded;
  const [tierRows, rules] = [await listSlaTierRows(db), await listSlaRuleRows(db)];
  // The defaults stand in for a tier missing from the table (a database not yet given its reference data).
  const tiers = new Map<string, SlaTierConfig>(DEFAULT_SLA_TIERS.map((tier) => [tier.code, tier]));
  for (const row of tierRows) tiers.set(row.code, tierConfigOf(row));
  state.loaded = { version, tiers, tierRows, rules };
  return state.loaded;
}

/** The tiers and rules, kept in memory and reloaded when the 'sla' change counter moved. */
async function loadSla(deps: Pick<Deps, 'database'>, db: DbOrTx = deps.database.db): Promise<LoadedSla> {
  const state = stateOf(deps.database);
  if (state.loaded && performance.now() - state.checkedAt < SLA_CHECK_INTERVAL_MS) return state.loaded;
  if (db !== deps.database.db) return readSla(db, state);
  if (state.pending) return state.pending;
  state.pending = readSla(db, state).finally(() => {
    state.pending = null;
  });
  return state.pending;
}

function invalidateSla(database: Database): void {
  stateOf(database).checkedAt = -Infinity;
}

/**
 * Returns the time-limit tiers by code (cached; reloaded when the 'sla' change counter moved). Pass
 * the transaction when calling inside one (PGlite has a single connection).
 */
export async function getSlaTiers(
  deps: Pick<Deps, 'database'>,
  db: DbOrTx = deps.database.db,
): Promise<ReadonlyMap<string, SlaTierConfig>> {
  return (await loadSla(deps, db)).tiers;
}

function ruleOf(row: SlaRuleRow): SlaRule {
  return {
    id: row.id,
    categoryCode: row.categoryCode,
    urgency: row.urgency as SlaUrgency | null,
    unitType: row.unitType,
    tier: row.tier,
  };
}

/** What decides an appeal's tier. */
export interface TierQuestion {
  categoryCode: string | null;
  urgency: SlaUrgency;
  /** The handling unit's type; null before dispatch. */
  unitType: string | null;
}

/**
 * Chooses the tier of an appeal from the rules, its urgency and its category's own tier (see
 * chooseSlaTier); a chosen tier that is not configured gives way to the default tier.
 */
export async function chooseTierFor(
  deps: Pick<Deps, 'database'>,
  db: DbOrTx,
  question: TierQuestion,
): Promise<SlaTierChoice> {
  const sla = await loadSla(deps, db);
  const ancestry = question.categoryCode ? await listCategoryAncestry(db, question.categoryCode) : [];
  const choice = chooseSlaTier({
    categoryAncestry: ancestry.map((c) => c.code),
    categoryTiers: new Map(ancestry.map((c) => [c.code, c.slaTier])),
    urgency: question.urgency,
    unitType: question.unitType,
    rules: sla.rules.map(ruleOf),
    defaultTier: DEFAULT_SLA_TIER,
  });
  if (sla.tiers.has(choice.tier)) return choice;
  return {
    tier: DEFAULT_SLA_TIER,
    because: `${choice.because}, but tier ${choice.tier} is not configured; the default ${DEFAULT_SLA_TIER} applies`,
    decidedBy: 'default',
  };
}

/** An appeal's tier and its accept, contact and reply deadlines. */
export interface AppealDeadlinePlan extends DeadlinePlan {
  because: string;
  /** What decided the tier; 'given' when the caller named it. */
  decidedBy: SlaTierChoice['decidedBy'] | 'given';
}

/**
 * Plans an appeal's deadlines for a round that starts at `start` (intake, dispatch or reopening):
 * chooses the tier (or takes the one given) and counts accept, contact and reply on the calendar.
 * Call it with the transaction of the change.
 */
export async function planAppealDeadlines(
  deps: Pick<Deps, 'database' | 'config'>,
  db: DbOrTx,
  input: TierQuestion & { start: Date; tier?: string },
): Promise<AppealDeadlinePlan> {
  const tiers = await getSlaTiers(deps, db);
  const given = input.tier !== undefined ? tiers.get(input.tier) : undefined;
  const choice: Pick<AppealDeadlinePlan, 'tier' | 'because' | 'decidedBy'> = given
    ? { tier: given.code, because: `tier ${given.code} was given`, decidedBy: 'given' }
    : await chooseTierFor(deps, db, input);
  const tier = tiers.get(choice.tier)!;
  const calendar = await loadBusinessCalendar(deps, db);
  return {
    ...planDeadlines(calendar, tier, input.start),
    because: choice.because,
    decidedBy: choice.decidedBy,
  };
}

/** When a tier's reply limit started at `start` runs out, for other systems (public). */
export async function deadlineFor(deps: Deps, query: TCalendarDeadlineQuery): Promise<TCalendarDeadline> {
  const tier = (await getSlaTiers(deps)).get(query.tier);
  if (!tier) throw new AppError('VALIDATION_FAILED', `Unknown tier: ${query.tier}`, { path: '/tier' });
  const start = new Date(query.start);
  const calendar = await loadBusinessCalendar(deps);
  const deadline = computeDeadline(calendar, start, { unit: tier.replyUnit, amount: tier.replyAmount });
  return {
    start: start.toISOString(),
    tier: tier.code,
    dueAt: deadline.dueAt.toISOString(),
    warnAt: warnAt(start, deadline.dueAt, tier.warnPercent).toISOString(),
    provisional: deadline.provisional,
    timeZone: calendar.timeZone,
  };
}

function presentTier(row: SlaTierRow): TSlaTier {
  return { ...tierConfigOf(row), updatedAt: row.updatedAt.toISOString() };
}

/** Orders tiers from the shortest reply limit to the longest: hours before working days. */
function compareTiers(a: SlaTierRow, b: SlaTierRow): number {
  const unitRank = (row: SlaTierRow) => (row.replyUnit === 'hours' ? 0 : 1);
  return unitRank(a) - unitRank(b) || a.replyAmount - b.replyAmount || a.code.localeCompare(b.code);
}

/** Lists the time-limit tiers to staff (anyone with a role over a territory or unit), shortest first. */
export async function listSlaTiersFor(deps: Deps, actor: ActorContext): Promise<TSlaTierList> {
  if (!actor.assignments.some((a) => a.scope.kind !== 'self')) throw new AppError('FORBIDDEN');
  return { items: [...(await loadSla(deps)).tierRows].sort(compareTiers).map(presentTier) };
}

/** Sets a tier's limits (creating the tier when it is new); every instance reloads. */
export async function updateSlaTierFor(
  deps: Deps,
  actor: ActorContext,
  code: string,
  input: TUpdateSlaTier,
  request: RequestInfo,
): Promise<TSlaTier> {
  assertMayManageCalendar(actor);
  const tier = await deps.database.db.transaction(async (tx) => {
    const before = await findSlaTierRow(tx, code);
    const now = deps.clock.now();
    const row: SlaTierRow = { code, ...input, updatedAt: now };
    await upsertSlaTierRow(tx, row);
    await bumpChangeCounter(tx, SLA_COUNTER, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'sla.setTier',
      entityType: 'slaTier',
      entityId: code,
      details: { ...input, before: before ? tierConfigOf(before) : null },
    });
    return presentTier(row);
  });
  invalidateSla(deps.database);
  return tier;
}

function presentRule(row: SlaRuleRow): TSlaRule {
  return {
    id: row.id,
    categoryCode: row.categoryCode,
    categoryName:
      row.categoryCode === null ? null : { zh: row.categoryNameZh ?? '', en: row.categoryNameEn ?? '' },
    urgency: row.urgency as SlaUrgency | null,
    unitType: row.unitType as TUnitType | null,
    tier: row.tier,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Lists the tier rules (admins of the whole city). */
export async function listSlaRulesFor(deps: Deps, actor: ActorContext): Promise<TSlaRuleList> {
  assertMayManageCalendar(actor);
  return { items: (await loadSla(deps)).rules.map(presentRule) };
}

/** Adds a tier rule; a rule for the same category, urgency and unit type is a conflict. */
export async function createSlaRuleFor(
  deps: Deps,
  actor: ActorContext,
  input: TCreateSlaRule,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TSlaRule>> {
  assertMayManageCalendar(actor);
  const result = await runIdempotent(deps, actor.userId, idempotencyKey, input, 201, async (tx) => {
    if (input.categoryCode !== null && !(await findCategoryByCode(tx, input.categoryCode))) {
      throw new AppError('VALIDATION_FAILED', 'Unknown category.', { path: '/categoryCode' });
    }
    if (!(await findSlaTierRow(tx, input.tier))) {
      throw new AppError('VALIDATION_FAILED', 'Unknown tier.', { path: '/tier' });
    }
    const same = (await listSlaRuleRows(tx)).find(
      (r) =>
        r.categoryCode === input.categoryCode && r.urgency === input.urgency && r.unitType === input.unitType,
    );
    if (same) {
      throw new AppError('CONFLICT', 'A rule for this category, urgency and unit type exists.', {
        id: same.id,
      });
    }
    const id = randomUUID();
    const now = deps.clock.now();
    await insertSlaRuleRow(tx, { id, ...input, createdAt: now });
    await bumpChangeCounter(tx, SLA_COUNTER, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'sla.createRule',
      entityType: 'slaRule',
      entityId: id,
      details: { ...input },
    });
    return presentRule((await findSlaRuleRow(tx, id))!);
  });
  invalidateSla(deps.database);
  return result;
}

/** Removes a tier rule. */
export async function deleteSlaRuleFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
  request: RequestInfo,
): Promise<{ ok: true }> {
  assertMayManageCalendar(actor);
  await deps.database.db.transaction(async (tx) => {
    const rule = await findSlaRuleRow(tx, id);
    if (!rule || !(await deleteSlaRuleRow(tx, id))) throw new AppError('NOT_FOUND');
    await bumpChangeCounter(tx, SLA_COUNTER, deps.clock.now());
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'sla.deleteRule',
      entityType: 'slaRule',
      entityId: id,
      details: {
        categoryCode: rule.categoryCode,
        urgency: rule.urgency,
        unitType: rule.unitType,
        tier: rule.tier,
      },
    });
  });
  invalidateSla(deps.database);
  return { ok: true };
}
