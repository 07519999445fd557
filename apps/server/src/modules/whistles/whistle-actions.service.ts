/**
 * Every action on a whistle after the blow goes through `performWhistleAction`: in one transaction it
 * locks the whistle (FOR UPDATE), checks who may act, decides with the whistle and summons transition
 * tables, writes the summons and the whistle (bumping its version), runs the table's effects
 * (clocks, notifications) and appends the event and the audit entry.
 * Invariants: a reader who may not read the whistle gets NOT_FOUND, one who reads it but is not on
 * the side the action needs gets FORBIDDEN; the whistler's side is a territory scope or a street or
 * community office over the place; a summons is answered only by people scoped to its unit; a stale
 * `version` gets WHISTLE_VERSION_CONFLICT and changes nothing; events carry what the assessment
 * counts (unit ids, late, onTime), never a phone number.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  decide,
  isLateCheckIn,
  levelAbove,
  SUMMONS_KIND,
  SYSTEM_WHISTLE_ACTIONS,
  WHISTLE_ACTION_PERMISSION,
  WHISTLE_KIND,
  type SummonsAction,
  type SummonsRole,
  type SummonsState,
  type WhistleAction,
  type WhistleContext,
  type WhistleEffect,
  type WhistleLevel,
  type WhistleState,
} from '@huizhi/domain';
import type { TWhistleDetail } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { normalisePhone } from '../appeals/appeals.service.ts';
import { appendEvents } from '../work-orders/work-order-events.repository.ts';
import { runWhistleEffects, type WhistleActor } from './whistle-effects.ts';
import {
  blowsThrough,
  isWhistler,
  memberUnitIds,
  respondingUnitIds,
  whistleContextOf,
  mayReadWhistle,
  whistleSubject,
  type WhistleReader,
} from './whistle-policy.ts';
import { ancestorAt, checkInMinutes, presentWhistleFor, readerOf, validation } from './whistles.service.ts';
import {
  claimWhistleTransition,
  insertSummons,
  listSummonsRows,
  listUnitRecords,
  lockWhistleRow,
  markTimerOverdue,
  updateSummons,
  type SummonsInsert,
  type SummonsPatch,
  type SummonsRecord,
  type WhistlePatch,
  type WhistleRow,
} from './whistles.repository.ts';

/** The actions people take through the API (the sweeper's markMissed is not one). */
export type PerformableWhistleAction = Exclude<WhistleAction, 'markMissed'>;

/** A body as the routes pass it (every action body may carry the version the client read). */
export type WhistleActionBody = { version?: number | undefined } & Record<string, unknown>;

const MINUTE_MS = 60_000;

/** Decides a summons's own move (the check-in, the part, the withdrawal, the missed deadline). */
function decideSummons(summons: SummonsRecord, action: SummonsAction): SummonsState {
  return decide(SUMMONS_KIND, summons.state as SummonsState, action, {
    role: summons.role as SummonsRole,
  }).next;
}

function summonsOf(summons: readonly SummonsRecord[], id: unknown): SummonsRecord {
  const found = summons.find((s) => s.id === id);
  if (!found) throw validation('/summonsId', 'Unknown summons of this whistle.');
  return found;
}

/** The unit a whistler acts for: the street or community office they blow through here, if any. */
function whistlerUnitOf(reader: WhistleReader, row: WhistleRow): string | null {
  const through = reader.actor.assignments.find(
    (a) => a.scope.kind === 'unit' && blowsThrough(reader.actor, a, row.territoryPath, reader.unitTypes),
  );
  return through?.scope.kind === 'unit' ? through.scope.unitId : null;
}

/** What an action prepared before the decision: the context, the target, the writes to make. */
interface Plan {
  ctx: WhistleContext;
  target?: SummonsRecord;
  actorUnitId: string | null;
  data: Record<string, unknown>;
  patch: WhistlePatch;
  /** Summons changes to write after the decision. */
  summonsPatches: { id: string; patch: SummonsPatch }[];
  /** New summonses (summonMore). */
  newSummons: SummonsInsert[];
  responsiblePath?: string;
}

/** Checks the action's own rules and prepares its writes (nothing is written here). */
async function planAction(
  tx: DbOrTx,
  reader: WhistleReader,
  row: WhistleRow,
  summons: readonly SummonsRecord[],
  action: PerformableWhistleAction,
  body: WhistleActionBody,
  now: Date,
): Promise<Plan> {
  const plan: Plan = {
    ctx: whistleContextOf(row, summons),
    actorUnitId: null,
    data: {},
    patch: {},
    summonsPatches: [],
    newSummons: [],
  };
  const note = typeof body.note === 'string' ? { note: body.note } : {};
  const responding = respondingUnitIds(reader.actor);
  const answering = (target: SummonsRecord) => {
    if (!responding.has(target.unitId)) {
      throw new AppError('FORBIDDEN', 'Only the summoned unit’s own people answer its summons.');
    }
    plan.target = target;
    plan.actorUnitId = target.unitId;
  };
  const onTime = row.dueAt === null ? null : now.getTime() <= row.dueAt.getTime();
  if (WHISTLE_ACTION_PERMISSION[action] === 'whistle.blow') plan.actorUnitId = whistlerUnitOf(reader, row);

  switch (action) {
    case 'checkIn': {
      const target = summonsOf(summons, body.summonsId);
      answering(target);
      const state = decideSummons(target, 'checkIn');
      const late = isLateCheckIn(now, target.checkInDueAt);
      plan.ctx.byLead = target.role === 'lead';
      const responsibleName = body.responsibleName as string;
      plan.summonsPatches.push({
        id: target.id,
        patch: {
          state,
          checkedInAt: now,
          checkedInBy: reader.actor.userId,
          late,
          responsibleName,
          responsiblePhone: normalisePhone(body.responsiblePhone as string),
        },
      });
      plan.data = {
        summonsId: target.id,
        unitId: target.unitId,
        role: target.role,
        late,
        responsibleName,
        ...note,
      };
      break;
    }
    case 'reportPart': {
      const target = summonsOf(summons, body.summonsId);
      answering(target);
      const state = decideSummons(target, 'reportPart');
      plan.summonsPatches.push({ id: target.id, patch: { state, part: body.part as string, partAt: now } });
      plan.data = { summonsId: target.id, unitId: target.unitId, onTime, part: body.part };
      break;
    }
    case 'reportResult': {
      const lead = summons.find((s) => s.unitId === row.leadUnitId && s.state !== 'withdrawn');
      if (!lead) throw new AppError('FORBIDDEN', 'Only the lead unit reports the result.');
      if (!responding.has(lead.unitId))
        throw new AppError('FORBIDDEN', 'Only the lead unit reports the result.');
      plan.target = lead;
      plan.actorUnitId = lead.unitId;
      // The lead's result is its part (the assessment counts it as the lead's delivery).
      plan.summonsPatches.push({ id: lead.id, patch: { part: body.result as string, partAt: now } });
      plan.patch = { result: body.result as string, resultAt: now };
      plan.data = { summonsId: lead.id, unitId: lead.unitId, onTime, result: body.result };
      break;
    }
    case 'confirm':
      plan.patch = { closedAt: now };
      plan.data = {
        unitIds: summons.filter((s) => s.state !== 'withdrawn').map((s) => s.unitId),
        ...note,
      };
      break;
    case 'sendBack':
      plan.patch = { result: null, resultAt: null };
      plan.data = { ...note };
      break;
    case 'summonMore':
      await planSummonMore(tx, plan, row, summons, body.unitIds as string[], now);
      break;
    case 'withdrawSummons': {
      const target = summonsOf(summons, body.summonsId);
      plan.target = target;
      const state = decideSummons(target, 'withdraw');
      plan.ctx.withdrawingLead = target.role === 'lead';
      plan.summonsPatches.push({
        id: target.id,
        patch: { state, withdrawnAt: now, withdrawReason: body.reason as string },
      });
      plan.data = { summonsId: target.id, unitId: target.unitId, reason: body.reason, ...note };
      break;
    }
    case 'changeLead': {
      const next = summons.find((s) => s.unitId === body.unitId && s.state !== 'withdrawn');
      if (!next) throw validation('/unitId', 'Choose a unit summoned to this whistle (not withdrawn).');
      if (next.unitId === row.leadUnitId) throw validation('/unitId', 'This unit leads already.');
      const previous = summons.find((s) => s.unitId === row.leadUnitId);
      plan.target = next;
      plan.ctx.newLeadCheckedIn = next.checkedInAt !== null;
      if (previous) plan.summonsPatches.push({ id: previous.id, patch: { role: 'assisting' } });
      plan.summonsPatches.push({ id: next.id, patch: { role: 'lead' } });
      plan.patch = { leadUnitId: next.unitId };
      plan.data = { fromUnitId: row.leadUnitId, toUnitId: next.unitId, ...note };
      break;
    }
    case 'escalate': {
      const toLevel = levelAbove(row.level as WhistleLevel);
      // At the top the table refuses (topOfLadder) before anything is looked up.
      if (toLevel === null) break;
      const responsible = await ancestorAt(tx, row.territoryPath, toLevel);
      if (!responsible) {
        throw new AppError('WHISTLE_TRANSITION_NOT_ALLOWED', `The place lies in no ${toLevel}.`, {
          state: row.state,
          action,
          reason: 'noTerritoryAbove',
        });
      }
      plan.patch = { level: toLevel, responsibleTerritoryId: responsible.id };
      plan.responsiblePath = responsible.path;
      plan.data = {
        fromLevel: row.level,
        toLevel,
        reason: body.reason,
        responsibleTerritoryId: responsible.id,
      };
      break;
    }
    case 'addNote': {
      const mine = memberUnitIds(reader.actor);
      plan.actorUnitId =
        summons.find((s) => mine.has(s.unitId))?.unitId ??
        (row.blowerUnitId !== null && mine.has(row.blowerUnitId) ? row.blowerUnitId : null);
      plan.data = { ...note };
      break;
    }
    case 'cancel':
      plan.patch = { cancelReason: body.reason as string };
      plan.data = { reason: body.reason };
      break;
  }
  return plan;
}

/** New assisting summonses: known units, not summoned before (even if withdrawn), not the blowing office. */
async function planSummonMore(
  tx: DbOrTx,
  plan: Plan,
  row: WhistleRow,
  summons: readonly SummonsRecord[],
  requested: readonly string[],
  now: Date,
): Promise<void> {
  const unitIds = [...new Set(requested)];
  const units = new Map((await listUnitRecords(tx, unitIds)).map((u) => [u.id, u]));
  const summoned = new Set(summons.map((s) => s.unitId));
  unitIds.forEach((id) => {
    const i = requested.indexOf(id);
    if (!units.has(id)) throw validation(`/unitIds/${i}`, 'Unknown unit.');
    if (summoned.has(id))
      throw validation(`/unitIds/${i}`, 'This unit was summoned to this whistle already.');
    if (id === row.blowerUnitId) {
      throw validation(`/unitIds/${i}`, 'A whistle summons other units, not the office blowing it.');
    }
  });
  const minutes = (await checkInMinutes(tx))[row.urgency as 'normal' | 'urgent'];
  const checkInDueAt = new Date(now.getTime() + minutes * MINUTE_MS);
  plan.newSummons = unitIds.map((unitId) => ({
    id: randomUUID(),
    whistleId: row.id,
    unitId,
    role: 'assisting',
    state: 'summoned',
    summonedAt: now,
    checkInDueAt,
    late: false,
  }));
  plan.data = { unitIds, checkInDueAt: checkInDueAt.toISOString() };
}

interface ApplyInput {
  row: WhistleRow;
  action: WhistleAction;
  actor: WhistleActor;
  plan: Plan;
  request: RequestInfo | null;
  now: Date;
}

/** Decides the whistle's move, writes everything and runs the effects. */
async function applyPlan(tx: DbOrTx, deps: Deps, input: ApplyInput): Promise<void> {
  const { row, action, plan, now } = input;
  const decision = decide(WHISTLE_KIND, row.state as WhistleState, action, plan.ctx);
  for (const { id, patch } of plan.summonsPatches) await updateSummons(tx, id, patch);
  await insertSummons(tx, plan.newSummons);
  // The row is locked, so the version still matches; the guard stays as the last line of defence.
  if (!(await claimWhistleTransition(tx, row.id, row.version, decision.next, now, plan.patch))) {
    throw new AppError('WHISTLE_VERSION_CONFLICT', undefined, { version: row.version });
  }
  const summons = await listSummonsRows(tx, [row.id]);
  const whistle: WhistleRow = { ...row, ...plan.patch, state: decision.next, version: row.version + 1 };
  const created = new Set(plan.newSummons.map((s) => s.id));
  await runWhistleEffects(
    {
      tx,
      deps,
      whistle,
      summons,
      action,
      now,
      actor: input.actor,
      target: plan.target ? summons.find((s) => s.id === plan.target!.id) : undefined,
      created: created.size > 0 ? summons.filter((s) => created.has(s.id)) : undefined,
      responsiblePath: plan.responsiblePath,
    },
    decision.effects as readonly WhistleEffect[],
  );
  await appendEvents(tx, 'whistle', row.id, [
    {
      type: action,
      at: now,
      actorId: input.actor.userId,
      actorUnitId: plan.actorUnitId,
      round: 1,
      fromState: row.state,
      toState: decision.next,
      data: plan.data,
    },
  ]);
  if (input.actor.userId !== null) {
    await recordAudit(tx, deps, input.actor.userId, input.request, {
      action: `whistle.${action}`,
      entityType: 'whistle',
      entityId: row.id,
      scopePath: row.territoryPath,
      details: { number: row.number, fromState: row.state, toState: decision.next },
    });
  }
}

/**
 * Performs an action inside the caller's transaction (the demo seed uses it too); the same checks,
 * writes and effects as performWhistleAction.
 */
export async function performWhistleActionIn(
  tx: DbOrTx,
  deps: Deps,
  actor: ActorContext,
  id: string,
  action: PerformableWhistleAction,
  body: WhistleActionBody,
  request: RequestInfo | null,
): Promise<void> {
  const row = await lockWhistleRow(tx, id);
  if (!row) throw new AppError('NOT_FOUND');
  const summons = await listSummonsRows(tx, [id]);
  const reader = await readerOf(tx, actor);
  if (!mayReadWhistle(reader, whistleSubject(row, summons))) throw new AppError('NOT_FOUND');
  if (SYSTEM_WHISTLE_ACTIONS.has(action)) throw new AppError('FORBIDDEN');
  if (WHISTLE_ACTION_PERMISSION[action] === 'whistle.blow' && !isWhistler(reader, row.territoryPath)) {
    throw new AppError('FORBIDDEN', 'Only the whistler’s side may do this.');
  }
  if (body.version !== undefined && body.version !== row.version) {
    throw new AppError('WHISTLE_VERSION_CONFLICT', undefined, { version: row.version });
  }
  const now = deps.clock.now();
  const plan = await planAction(tx, reader, row, summons, action, body, now);
  await applyPlan(tx, deps, {
    row,
    action,
    actor: { userId: actor.userId, name: actor.displayName, unitId: plan.actorUnitId },
    plan,
    request,
    now,
  });
}

/** Performs an action for a signed-in person in one transaction; returns the whistle as they now see it. */
export async function performWhistleAction(
  deps: Deps,
  actor: ActorContext,
  id: string,
  action: PerformableWhistleAction,
  body: WhistleActionBody,
  request: RequestInfo,
): Promise<TWhistleDetail> {
  await deps.database.db.transaction((tx) =>
    performWhistleActionIn(tx, deps, actor, id, action, body, request),
  );
  return presentWhistleFor(deps.database.db, deps, actor, id, request);
}

/**
 * The sweeper's markMissed, inside its transaction, on a whistle it has locked: the summons whose
 * check-in clock ran out becomes missed, the whistle gets a `markMissed` event, the district and the
 * whistler are told. Returns false (marking only the clock) when the summons or the whistle no longer
 * waits for that check-in.
 */
export async function markSummonsMissedIn(
  tx: DbOrTx,
  deps: Deps,
  row: WhistleRow,
  timer: { id: string; orderId: string },
  now: Date,
): Promise<boolean> {
  await markTimerOverdue(tx, timer.id, now);
  const summons = await listSummonsRows(tx, [row.id]);
  const target = summons.find((s) => s.id === timer.orderId);
  const waiting =
    target !== undefined &&
    target.state === 'summoned' &&
    WHISTLE_KIND.table[row.state as WhistleState].markMissed !== undefined;
  if (!waiting) return false;
  const plan: Plan = {
    ctx: whistleContextOf(row, summons),
    target,
    actorUnitId: null,
    data: { summonsId: target.id, unitId: target.unitId, checkInDueAt: target.checkInDueAt.toISOString() },
    patch: {},
    summonsPatches: [{ id: target.id, patch: { state: decideSummons(target, 'markMissed'), missedAt: now } }],
    newSummons: [],
  };
  await applyPlan(tx, deps, {
    row,
    action: 'markMissed',
    actor: { userId: null, name: null, unitId: null },
    plan,
    request: null,
    now,
  });
  return true;
}
