/**
 * Every action on an appeal after intake (dispatch, accept, contact, reply, return, extensions, hard
 * cases, urging, review, merging, closing) goes through `performAppealAction`: in one transaction it
 * loads the appeal, checks who may act, decides with the domain's transition table, claims the
 * transition with the version read (optimistic concurrency), runs the table's effects, writes the
 * appeal, appends the event and the audit entry.
 * Invariants: a reader who may not see the appeal gets NOT_FOUND, one who sees it but may not act
 * gets FORBIDDEN; two people acting on the same version produce one change and one
 * APPEAL_VERSION_CONFLICT; handling actions belong to the units whose assignment is active (earlier
 * units keep read access only); an appeal that is closed or merged has no running clock.
 */
import { randomUUID } from 'node:crypto';
import {
  APPEAL_ACTION_PERMISSION,
  APPEAL_KIND,
  AppError,
  can,
  computeDeadline,
  decide,
  type Action,
  type AppealAction,
  type AppealEffect,
  type AppealState,
  type Satisfaction,
  type Subject,
} from '@huizhi/domain';
import type { z } from 'zod';
import type { TAppealDetail, ZPublicReview } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { loadBusinessCalendar } from '../calendar/calendar.service.ts';
import { getSlaTiers } from '../sla/sla.service.ts';
import { appendEvents, type NewWorkOrderEvent } from '../work-orders/work-order-events.repository.ts';
import {
  claimAppealTransition,
  findAppealRow,
  findAppealRowByReviewTokenHash,
  findAppealRowForShare,
  insertAssignments,
  linkEvidence,
  listAssignmentRows,
  listUnitRows,
  reparentMergedAppeals,
  type AppealRow,
  type AssignmentRow,
} from './appeal-actions.repository.ts';
import {
  defaultCopyUnits,
  hashReviewToken,
  reloadAssignments,
  runAppealEffects,
  type DispatchPlan,
  type DispatchUnit,
  type EffectActor,
  type EffectRun,
} from './appeal-effects.ts';
import { appealContextOf, appealSubject } from './appeal-policy.ts';
import { getAppealFor } from './appeals.service.ts';

/** The actions people take through the API (the system's replyViaParent and intake's own are not here). */
export type PerformableAppealAction = Exclude<AppealAction, 'replyViaParent' | 'answerAtIntake'>;

type TPublicReview = z.infer<typeof ZPublicReview>;

/** Actions whose events are internal: never shown to appellants. */
const INTERNAL_ACTIONS: ReadonlySet<AppealAction> = new Set<AppealAction>([
  'addNote',
  'formTaskForce',
  'flagHardCase',
]);

/** Permissions that belong to the units whose assignment is active, not to every unit ever assigned. */
const ACTIVE_UNIT_PERMISSIONS: ReadonlySet<Action> = new Set<Action>(['appeal.handle', 'appeal.approve']);

/** A body as the routes pass it (every action body may carry the version the client read). */
export type AppealActionBody = { version?: number | undefined } & Record<string, unknown>;

/** Who acts: a signed-in person, or the appellant through their review link. */
type Performer = { kind: 'person'; actor: ActorContext } | { kind: 'reviewLink' };

function activeLeadUnitIds(assignments: readonly AssignmentRow[]): string[] {
  return assignments.filter((a) => a.active && a.role === 'lead').map((a) => a.unitId);
}

function subjectFor(row: AppealRow, assignments: readonly AssignmentRow[], permission: Action): Subject {
  const unitIds = ACTIVE_UNIT_PERMISSIONS.has(permission)
    ? activeLeadUnitIds(assignments)
    : [...new Set(assignments.map((a) => a.unitId))];
  return appealSubject(row, unitIds);
}

/** True when the actor holds the permission over the appeal only as the resident who raised it. */
function onlyAsAppellant(actor: ActorContext, permission: Action, subject: Subject): boolean {
  const staff = { ...actor, assignments: actor.assignments.filter((a) => a.scope.kind !== 'self') };
  return !can(staff, permission, subject);
}

/**
 * Checks that the actor may take the action: NOT_FOUND when they cannot read the appeal, FORBIDDEN
 * when they can but lack the action's permission there (handling and approving need the active lead
 * unit). Returns whether they act only as the appellant (a resident reviewing their own appeal).
 */
function authorise(
  actor: ActorContext,
  row: AppealRow,
  assignments: readonly AssignmentRow[],
  action: AppealAction,
): { asAppellant: boolean } {
  if (!can(actor, 'appeal.read', subjectFor(row, assignments, 'appeal.read')))
    throw new AppError('NOT_FOUND');
  const permission = APPEAL_ACTION_PERMISSION[action];
  const subject = subjectFor(row, assignments, permission);
  if (!can(actor, permission, subject)) throw new AppError('FORBIDDEN');
  const asAppellant = onlyAsAppellant(actor, permission, subject);
  if (asAppellant && action !== 'review') throw new AppError('FORBIDDEN');
  return { asAppellant };
}

/** The unit the actor acts for: one of theirs on the appeal, else their first unit, else none. */
function actorUnitOf(actor: ActorContext, assignments: readonly AssignmentRow[]): string | null {
  const units = actor.assignments.flatMap((a) => (a.scope.kind === 'unit' ? [a.scope.unitId] : []));
  const onAppeal = new Set(assignments.map((a) => a.unitId));
  return units.find((id) => onAppeal.has(id)) ?? units[0] ?? null;
}

function validation(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { in: 'body', issues: [{ path, message }] });
}

/** Resolves and checks the units of a dispatch; copies default to the catalogue's. */
async function planDispatch(tx: DbOrTx, row: AppealRow, body: AppealActionBody): Promise<DispatchPlan> {
  const leadUnitId = body.handlingUnitId as string;
  const assistingIds = [...new Set((body.assistingUnitIds as string[] | undefined) ?? [])].filter(
    (id) => id !== leadUnitId,
  );
  const givenCopies = body.copyToUnitIds as string[] | undefined;
  const known = new Map(
    (await listUnitRows(tx, [leadUnitId, ...assistingIds, ...(givenCopies ?? [])])).map((u) => [u.id, u]),
  );
  const lead = known.get(leadUnitId);
  if (!lead) throw validation('/handlingUnitId', 'Unknown unit.');
  const assisting = assistingIds.map((id, i) => {
    const unit = known.get(id);
    if (!unit) throw validation(`/assistingUnitIds/${i}`, 'Unknown unit.');
    return unit;
  });
  const copies = givenCopies
    ? givenCopies.map((id, i) => {
        const unit = known.get(id);
        if (!unit) throw validation(`/copyToUnitIds/${i}`, 'Unknown unit.');
        return unit;
      })
    : await defaultCopyUnits(tx, row, lead);
  const taken = new Set([leadUnitId, ...assistingIds]);
  const distinctCopies: DispatchUnit[] = [];
  for (const unit of copies) {
    if (taken.has(unit.id)) continue;
    taken.add(unit.id);
    distinctCopies.push(unit);
  }
  return { lead, assisting, copies: distinctCopies };
}

/** When a requested extension of `amount` (working days or hours, by the tier) would end the reply limit. */
async function extensionUntil(deps: Deps, tx: DbOrTx, row: AppealRow, amount: number, now: Date) {
  const tier = (await getSlaTiers(deps, tx)).get(row.tier);
  const base = row.replyDueAt ?? now;
  if (!tier || tier.replyUnit === 'hours') return new Date(base.getTime() + amount * 3_600_000);
  const calendar = await loadBusinessCalendar(deps, tx);
  // Count the working days after the day the present limit ends (a 24:00 deadline belongs to that day).
  return computeDeadline(calendar, new Date(base.getTime() - 1), { unit: 'workdays', amount }).dueAt;
}

/** Checks the parent of a merge: another open, unmerged appeal the dispatcher may dispatch. */
async function checkMergeParent(
  tx: DbOrTx,
  actor: ActorContext,
  row: AppealRow,
  parentId: string,
): Promise<AppealRow> {
  if (parentId === row.id) throw validation('/parentId', 'An appeal cannot be merged into itself.');
  // FOR SHARE: a concurrent reply of the parent waits, so its outcome reaches this appeal too.
  const parent = await findAppealRowForShare(tx, parentId);
  const assignments = parent ? await listAssignmentRows(tx, parent.id) : [];
  if (!parent || !can(actor, 'appeal.dispatch', subjectFor(parent, assignments, 'appeal.dispatch'))) {
    throw validation('/parentId', 'Unknown appeal.');
  }
  if (!['received', 'dispatched', 'accepted', 'inProgress', 'returned'].includes(parent.state)) {
    throw new AppError('APPEAL_TRANSITION_NOT_ALLOWED', 'The parent appeal is no longer being handled.', {
      state: row.state,
      action: 'merge',
      reason: 'parentNotOpen',
    });
  }
  return parent;
}

/** The body as the event keeps it: without the version (and never personal data: bodies hold none). */
function eventData(body: AppealActionBody): Record<string, unknown> {
  const { version: _version, ...rest } = body;
  return rest;
}

interface ApplyInput {
  row: AppealRow;
  action: PerformableAppealAction;
  body: AppealActionBody;
  performer: Performer;
  request: RequestInfo | null;
}

/** Decides and applies an action to a loaded appeal inside the caller's transaction. */
async function applyAppealAction(tx: DbOrTx, deps: Deps, input: ApplyInput): Promise<void> {
  const { row, action, performer } = input;
  const body = { ...input.body };
  const now = deps.clock.now();
  const assignments = await listAssignmentRows(tx, row.id);

  let actor: EffectActor = { userId: null, name: null, unitId: null };
  if (performer.kind === 'person') {
    const { asAppellant } = authorise(performer.actor, row, assignments, action);
    // A resident reviewing their own appeal does it on the portal, whatever the form said.
    if (asAppellant) body.method = 'portal';
    actor = {
      userId: performer.actor.userId,
      name: performer.actor.displayName,
      unitId: actorUnitOf(performer.actor, assignments),
    };
  }
  if (body.version !== undefined && body.version !== row.version) {
    throw new AppError('APPEAL_VERSION_CONFLICT', undefined, { version: row.version });
  }

  const review =
    action === 'review'
      ? { resolved: body.resolved as boolean, satisfaction: body.satisfaction as Satisfaction }
      : undefined;
  const ctx = appealContextOf(row, now, deps.config.appealMaxRounds, review);
  const decision = decide(APPEAL_KIND, row.state as AppealState, action, ctx);
  const next = decision.next;
  const reopened = action === 'review' && next !== 'closed';
  const round = reopened ? row.round + 1 : row.round;

  const run: EffectRun = { tx, deps, appeal: row, action, next, round, now, actor, patch: {}, assignments };
  const data = eventData(body);
  const effects: AppealEffect[] = [...decision.effects];

  switch (action) {
    case 'dispatch': {
      run.dispatch = await planDispatch(tx, row, body);
      data.assistingUnitIds = run.dispatch.assisting.map((u) => u.id);
      data.copyToUnitIds = run.dispatch.copies.map((u) => u.id);
      break;
    }
    case 'closeWithoutDispatch':
      Object.assign(run.patch, { closeKind: 'notDispatched', closeReason: body.reason, closedAt: now });
      break;
    case 'merge': {
      if (performer.kind !== 'person') throw new AppError('FORBIDDEN');
      const parent = await checkMergeParent(tx, performer.actor, row, body.parentId as string);
      run.patch.parentId = parent.id;
      data.parentNumber = parent.number;
      // Appeals merged into this one follow it into the parent.
      await reparentMergedAppeals(tx, row.id, parent.id);
      break;
    }
    case 'contact':
      run.patch.contacted = true;
      break;
    case 'reply': {
      const attachmentIds = (body.attachmentIds as string[] | undefined) ?? [];
      const linked = await linkEvidence(tx, row.id, attachmentIds, actor.userId ?? '');
      if (linked !== attachmentIds.length) {
        throw validation('/attachmentIds', 'Some files are unknown, already used or not yours.');
      }
      Object.assign(run.patch, { reply: body.reply, repliedAt: now });
      break;
    }
    case 'return':
      run.patch.extensionRequestedUntil = null;
      break;
    case 'requestExtension': {
      const until = await extensionUntil(deps, tx, row, body.amount as number, now);
      run.patch.extensionRequestedUntil = until;
      data.requestedUntil = until.toISOString();
      break;
    }
    case 'approveExtension':
      run.patch.extensionRequestedUntil = null;
      data.replyDueAt = row.extensionRequestedUntil?.toISOString() ?? null;
      break;
    case 'refuseExtension':
      run.patch.extensionRequestedUntil = null;
      data.requestedUntil = row.extensionRequestedUntil?.toISOString() ?? null;
      break;
    case 'flagHardCase':
      run.patch.hardCase = true;
      break;
    case 'formTaskForce':
      run.patch.hardCase = true;
      await joinTaskForce(run, body.unitIds as string[]);
      break;
    case 'review':
      data.round = row.round;
      if (next === 'closed') {
        Object.assign(run.patch, { closeKind: 'reviewed', closedAt: now });
      } else {
        Object.assign(run.patch, {
          round,
          contacted: false,
          reply: null,
          repliedAt: null,
          extensionRequestedUntil: null,
        });
        await assignParentLeadIfNone(run);
      }
      break;
    case 'closeWithoutReview':
      Object.assign(run.patch, { closeKind: 'closedWithoutReview', closeReason: body.reason, closedAt: now });
      break;
    default:
      break;
  }
  // A closed or merged appeal has no running clock, whatever the row of the table listed.
  if (
    (next === 'closed' || next === 'merged') &&
    !effects.some((e) => e.type === 'stopClocks' && e.clocks === 'all')
  ) {
    effects.unshift({ type: 'stopClocks', clocks: 'all' });
  }

  await runAppealEffects(run, effects);
  // The version guard: a concurrent transition from the same version loses here and everything it
  // wrote rolls back (on PostgreSQL the second UPDATE waits for the first to commit, then matches
  // nothing). The events come after it, so they are numbered only by the winner.
  if (!(await claimAppealTransition(tx, row.id, row.version, next, now, run.patch))) {
    throw new AppError('APPEAL_VERSION_CONFLICT');
  }

  const event: NewWorkOrderEvent = {
    type: action,
    at: now,
    actorId: actor.userId,
    actorUnitId: actor.unitId,
    round: row.round,
    fromState: row.state,
    toState: next,
    internal: INTERNAL_ACTIONS.has(action),
    data,
  };
  const events: NewWorkOrderEvent[] = [event];
  if (reopened) {
    events.push({
      type: 'reopen',
      at: now,
      actorId: null,
      round,
      fromState: next,
      toState: next,
      data: { previousRound: row.round },
    });
  }
  await appendEvents(tx, 'appeal', row.id, events);
  await recordAudit(tx, deps, actor.userId, input.request, {
    action: `appeal.${action}`,
    entityType: 'appeal',
    entityId: row.id,
    scopePath: row.territoryPath,
    details: { number: row.number, fromState: row.state, toState: next, round },
  });
}

/** Units of a task force join the appeal as assisting units of the present round. */
async function joinTaskForce(run: EffectRun, unitIds: string[]) {
  const wanted = [...new Set(unitIds)];
  const known = new Set((await listUnitRows(run.tx, wanted)).map((u) => u.id));
  wanted.forEach((id, i) => {
    if (!known.has(id)) throw validation(`/unitIds/${i}`, 'Unknown unit.');
  });
  const active = new Set(run.assignments.filter((a) => a.active).map((a) => a.unitId));
  await insertAssignments(
    run.tx,
    wanted
      .filter((id) => !active.has(id))
      .map((unitId) => ({
        id: randomUUID(),
        appealId: run.appeal.id,
        unitId,
        role: 'assisting',
        round: run.round,
        active: true,
        createdAt: run.now,
      })),
  );
  await reloadAssignments(run);
}

/**
 * A merged appeal reopened after its own review has no unit of its own: the parent's lead unit
 * handles the next round.
 */
async function assignParentLeadIfNone(run: EffectRun) {
  if (activeLeadUnitIds(run.assignments).length > 0 || !run.appeal.parentId) return;
  const parentLead = activeLeadUnitIds(await listAssignmentRows(run.tx, run.appeal.parentId))[0];
  if (!parentLead) return;
  await insertAssignments(run.tx, [
    {
      id: randomUUID(),
      appealId: run.appeal.id,
      unitId: parentLead,
      role: 'lead',
      round: run.round,
      active: true,
      createdAt: run.now,
    },
  ]);
  run.patch.handlingUnitId = parentLead;
  await reloadAssignments(run);
}

/**
 * Performs an action on an appeal for a signed-in person, in one transaction, and returns the appeal
 * as that person now sees it.
 */
export async function performAppealAction(
  deps: Deps,
  actor: ActorContext,
  id: string,
  action: PerformableAppealAction,
  body: AppealActionBody,
  request: RequestInfo,
): Promise<TAppealDetail> {
  await deps.database.db.transaction((tx) =>
    performAppealActionIn(tx, deps, actor, id, action, body, request),
  );
  return getAppealFor(deps, actor, id);
}

/**
 * Performs an action inside the caller's transaction (the demo seed, other modules' own
 * transactions); the same checks and effects as performAppealAction.
 */
export async function performAppealActionIn(
  tx: DbOrTx,
  deps: Deps,
  actor: ActorContext,
  id: string,
  action: PerformableAppealAction,
  body: AppealActionBody,
  request: RequestInfo | null,
): Promise<void> {
  const row = await findAppealRow(tx, id);
  if (!row) throw new AppError('NOT_FOUND');
  await applyAppealAction(tx, deps, { row, action, body, performer: { kind: 'person', actor }, request });
}

// ---- The appellant's review link (public) ----

function presentPublicReview(row: AppealRow): TPublicReview {
  return {
    number: row.number,
    excerpt: row.content.slice(0, 200),
    reply: row.reply,
    repliedAt: row.repliedAt?.toISOString() ?? null,
    appellantStatus: row.state === 'closed' ? 'closed' : row.state === 'replied' ? 'replied' : 'inProgress',
    open: row.state === 'replied',
  };
}

async function findByToken(db: DbOrTx, token: string): Promise<AppealRow> {
  const row = await findAppealRowByReviewTokenHash(db, hashReviewToken(token));
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

/** What the appellant sees behind their review link: the reply, no personal data. */
export async function getPublicReview(deps: Deps, token: string): Promise<TPublicReview> {
  return presentPublicReview(await findByToken(deps.database.db, token));
}

/**
 * Records the appellant's own review through the link (method 'link'), once per round: a link whose
 * round was reviewed already is refused with APPEAL_TRANSITION_NOT_ALLOWED.
 */
export async function submitPublicReview(
  deps: Deps,
  token: string,
  input: { resolved: boolean; satisfaction: Satisfaction; comment?: string | undefined },
  request: RequestInfo,
): Promise<TPublicReview> {
  return deps.database.db.transaction(async (tx) => {
    const row = await findByToken(tx, token);
    if (row.state !== 'replied') {
      throw new AppError('APPEAL_TRANSITION_NOT_ALLOWED', 'This reply was reviewed already.', {
        state: row.state,
        action: 'review',
        reason: 'alreadyReviewed',
      });
    }
    const body: AppealActionBody = {
      contacted: row.contacted,
      resolved: input.resolved,
      satisfaction: input.satisfaction,
      method: 'link',
    };
    if (input.comment !== undefined) body.comment = input.comment;
    await applyAppealAction(tx, deps, {
      row,
      action: 'review',
      body,
      performer: { kind: 'reviewLink' },
      request,
    });
    return presentPublicReview((await findAppealRow(tx, row.id))!);
  });
}
