/**
 * Runs the effects the appeal transition table returns, in the transaction of the transition:
 * clocks, unit assignments, notifications to staff, messages to the appellant, the review link and
 * the outcome of a parent reaching the appeals merged into it.
 * Invariants: effects never decide anything the table did not; they only write what follows from the
 * decision. Messages to appellants carry a template name, the appeal number and public facts (never
 * internal notes). The review-link token exists only in the message sent to the appellant; the
 * database keeps its SHA-256.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  APPEAL_KIND,
  AppError,
  chooseHandlingUnit,
  DISTRICT_GOVERNMENT_TYPE,
  decide,
  findServingUnit,
  pathIds,
  STREET_UNIT_TYPE,
  warnAt,
  type AppealEffect,
  type AppealNotificationKind,
  type AppealState,
  type AppellantMessage,
} from '@huizhi/domain';
import type { DbOrTx, Deps } from '../../context.ts';
import {
  listRulesOnTerritories,
  listUnitsByIds,
  listUnitsOnTerritories,
} from '../dispatch-rules/dispatch-rules.repository.ts';
import { messengerFor } from '../messages/appellant-messenger.ts';
import {
  audienceUserIds,
  notifyUsers,
  type NotificationAudience,
} from '../notifications/notifications.service.ts';
import { listCategoryAncestry } from '../sla/sla.repository.ts';
import { getSlaTiers, planAppealDeadlines, type AppealDeadlinePlan } from '../sla/sla.service.ts';
import { appendEvents, type NewWorkOrderEvent } from '../work-orders/work-order-events.repository.ts';
import { listTimers, moveTimer, startTimers, stopTimers } from '../work-orders/sla-timers.repository.ts';
import { appealContextOf } from './appeal-policy.ts';
import {
  claimAppealTransition,
  deactivateAssignments,
  insertAssignments,
  listAssignmentRows,
  listMergedChildren,
  type AppealPatch,
  type AppealRow,
  type AssignmentRow,
} from './appeal-actions.repository.ts';

/** The path of the appellant's review page; the token follows it. */
export const REVIEW_LINK_PATH = '/review/';
/** How many characters of the content notifications show. */
const EXCERPT_LENGTH = 80;

/** Who acted, as effects need it (null fields for the system). */
export interface EffectActor {
  userId: string | null;
  name: string | null;
  unitId: string | null;
}

/** A unit as a dispatch names it. */
export interface DispatchUnit {
  id: string;
  name: string;
  type: string;
}

/** The units of a dispatch, resolved and checked before the effects run. */
export interface DispatchPlan {
  lead: DispatchUnit;
  assisting: DispatchUnit[];
  copies: DispatchUnit[];
}

/** Everything one run of effects works on; effects add to `patch`, which the service writes. */
export interface EffectRun {
  tx: DbOrTx;
  deps: Deps;
  /** The appeal as it was read, before the transition. */
  appeal: AppealRow;
  action: string;
  next: AppealState;
  /** The round after the transition (a reopening starts the next one). */
  round: number;
  now: Date;
  actor: EffectActor;
  /** Columns to write after the effects. */
  patch: AppealPatch;
  /** The appeal's assignments (all rounds), kept current by the effects that change them. */
  assignments: AssignmentRow[];
  dispatch?: DispatchPlan;
  /** The new review-link token, once issueReviewLink ran (sent with the 'replied' message). */
  reviewToken?: string;
  /** `kind:userId` of the notifications this run created. */
  notified?: Set<string>;
}

type Clock = 'accept' | 'contact' | 'reply';

/** Runs the effects in order. */
export async function runAppealEffects(run: EffectRun, effects: readonly AppealEffect[]): Promise<void> {
  for (const effect of effects) {
    switch (effect.type) {
      case 'stopClocks':
        await stopTimers(run.tx, 'appeal', run.appeal.id, effect.clocks, run.now);
        break;
      case 'startClocks':
        await startClocks(run, effect.clocks);
        break;
      case 'setAssignments':
        await setAssignments(run);
        break;
      case 'endAssignments':
        await deactivateAssignments(run.tx, run.appeal.id);
        break;
      case 'notifyUnit':
        await notifyUnit(run, effect.kind);
        break;
      case 'notifyUnitLead':
        await notifyAudience(run, effect.kind, { kind: 'unitLeads', unitIds: leadUnitIds(run) });
        break;
      case 'notifyDispatchers':
        await notifyAudience(run, effect.kind, {
          kind: 'dispatchers',
          territoryPath: run.appeal.territoryPath,
        });
        break;
      case 'notifyAppellant':
        await notifyAppellant(run, effect.template);
        break;
      case 'extendReplyDeadline':
        await extendReplyDeadline(run);
        break;
      case 'passOutcomeToMerged':
        await passOutcomeToMerged(run);
        break;
      case 'issueReviewLink':
        issueReviewLink(run);
        break;
    }
  }
}

function activeAssignments(run: EffectRun): AssignmentRow[] {
  return run.assignments.filter((a) => a.active);
}

function leadUnitIds(run: EffectRun): string[] {
  return activeAssignments(run)
    .filter((a) => a.role === 'lead')
    .map((a) => a.unitId);
}

/** Reloads the assignments after a change to them. */
export async function reloadAssignments(run: EffectRun): Promise<void> {
  run.assignments = await listAssignmentRows(run.tx, run.appeal.id);
}

// ---- Clocks ----

async function planFor(run: EffectRun, options: { chooseTier: boolean }): Promise<AppealDeadlinePlan> {
  const lead = activeAssignments(run).find((a) => a.role === 'lead');
  return planAppealDeadlines(run.deps, run.tx, {
    categoryCode: run.appeal.categoryCode,
    urgency: run.appeal.urgency as 'normal' | 'urgent',
    unitType: run.dispatch?.lead.type ?? lead?.unitType ?? null,
    start: run.now,
    ...(options.chooseTier ? {} : { tier: run.appeal.tier }),
  });
}

/**
 * Starts clocks from now. A dispatch chooses the tier again with the handling unit's type; when the
 * tier changes, the running reply clock (started at intake) is recounted from its start.
 */
async function startClocks(run: EffectRun, clocks: readonly Clock[]): Promise<void> {
  const chooseTier = run.action === 'dispatch';
  const plan = await planFor(run, { chooseTier });
  await startTimers(
    run.tx,
    'appeal',
    run.appeal.id,
    clocks.map((clock) => ({
      clock,
      round: run.round,
      startedAt: run.now,
      dueAt: plan[clock].dueAt,
      warnAt: plan[clock].warnAt,
    })),
  );
  if (clocks.includes('reply')) run.patch.replyDueAt = plan.reply.dueAt;
  if (chooseTier) await followTier(run, plan.tier);
}

async function followTier(run: EffectRun, tier: string): Promise<void> {
  if (run.appeal.replyDueAt === null) {
    // No reply clock was started at intake (a record from before clocks existed): start it now.
    const plan = await planAppealDeadlines(run.deps, run.tx, {
      categoryCode: run.appeal.categoryCode,
      urgency: run.appeal.urgency as 'normal' | 'urgent',
      unitType: null,
      start: run.appeal.receivedAt,
      tier,
    });
    await startTimers(run.tx, 'appeal', run.appeal.id, [
      {
        clock: 'reply',
        round: run.round,
        startedAt: run.appeal.receivedAt,
        dueAt: plan.reply.dueAt,
        warnAt: plan.reply.warnAt,
      },
    ]);
    run.patch.tier = tier;
    run.patch.replyDueAt = plan.reply.dueAt;
    return;
  }
  if (tier === run.appeal.tier) return;
  // The handling unit's type chose another tier: recount the running reply clock from its start.
  const timers = await listTimers(run.tx, 'appeal', run.appeal.id);
  const reply = timers.find((t) => t.clock === 'reply' && t.stoppedAt === null);
  const plan = await planAppealDeadlines(run.deps, run.tx, {
    categoryCode: run.appeal.categoryCode,
    urgency: run.appeal.urgency as 'normal' | 'urgent',
    unitType: null,
    start: reply?.startedAt ?? run.appeal.receivedAt,
    tier,
  });
  await moveTimer(run.tx, 'appeal', run.appeal.id, 'reply', plan.reply.dueAt, plan.reply.warnAt);
  run.patch.tier = tier;
  run.patch.replyDueAt = plan.reply.dueAt;
}

/** Moves the reply deadline to the approved extension's date. */
async function extendReplyDeadline(run: EffectRun): Promise<void> {
  const until = run.appeal.extensionRequestedUntil;
  if (!until) return;
  const timers = await listTimers(run.tx, 'appeal', run.appeal.id);
  const reply = timers.find((t) => t.clock === 'reply' && t.stoppedAt === null);
  const tier = (await getSlaTiers(run.deps, run.tx)).get(run.appeal.tier);
  if (reply) {
    const warning = warnAt(reply.startedAt, until, tier?.warnPercent ?? 80);
    await moveTimer(run.tx, 'appeal', run.appeal.id, 'reply', until, warning);
  }
  run.patch.replyDueAt = until;
}

// ---- Assignments ----

async function setAssignments(run: EffectRun): Promise<void> {
  const plan = run.dispatch;
  if (!plan) throw new Error('setAssignments needs a dispatch plan');
  await deactivateAssignments(run.tx, run.appeal.id);
  const rows = [
    { unit: plan.lead, role: 'lead' as const },
    ...plan.assisting.map((unit) => ({ unit, role: 'assisting' as const })),
    ...plan.copies.map((unit) => ({ unit, role: 'copy' as const })),
  ].map(({ unit, role }) => ({
    id: randomUUID(),
    appealId: run.appeal.id,
    unitId: unit.id,
    role,
    round: run.round,
    active: true,
    createdAt: run.now,
  }));
  await insertAssignments(run.tx, rows);
  const units = new Map([plan.lead, ...plan.assisting, ...plan.copies].map((u) => [u.id, u]));
  run.assignments = [
    ...run.assignments.map((a) => ({ ...a, active: false })),
    ...rows.map((r) => ({
      id: r.id,
      unitId: r.unitId,
      unitName: units.get(r.unitId)!.name,
      unitType: units.get(r.unitId)!.type,
      role: r.role,
      round: r.round,
      active: true,
    })),
  ];
  run.patch.handlingUnitId = plan.lead.id;
  // The new unit contacts the appellant itself; a pending extension belonged to the old one.
  run.patch.contacted = false;
  run.patch.extensionRequestedUntil = null;
}

/**
 * The units a dispatch copies when the dispatcher named none: the catalogue's copy-to when the
 * dispatcher kept the suggested unit (a rule's own copy-to unit, or the district government for a
 * street office); for a street office chosen by hand, its district government.
 */
export async function defaultCopyUnits(
  tx: DbOrTx,
  appeal: AppealRow,
  lead: { id: string; type: string; territoryPath: string },
): Promise<DispatchUnit[]> {
  const locationPath = pathIds(appeal.territoryPath);
  const rules = await listRulesOnTerritories(tx, locationPath);
  // Without a rule naming its own copy-to unit, only a street office is copied (to its district).
  if (appeal.categoryCode && rules.some((r) => r.copyToUnitId !== null)) {
    const unitsServing = await listUnitsOnTerritories(tx, locationPath);
    const ancestry = await listCategoryAncestry(tx, appeal.categoryCode);
    const referenced = [
      ...new Set(rules.flatMap((r) => [r.unitId, r.copyToUnitId]).filter((id) => id !== null)),
    ];
    const choice = chooseHandlingUnit({
      locationPath,
      categoryAncestry: ancestry.map((c) => c.code),
      rules,
      unitsServing,
      ruleUnits: await listUnitsByIds(tx, referenced),
    });
    if (choice.unit?.id === lead.id) return choice.copyTo ? [choice.copyTo] : [];
  }
  if (lead.type !== STREET_UNIT_TYPE) return [];
  const leadPath = pathIds(lead.territoryPath);
  const government = findServingUnit(
    DISTRICT_GOVERNMENT_TYPE,
    leadPath,
    await listUnitsOnTerritories(tx, leadPath),
  );
  return government && government.id !== lead.id ? [government] : [];
}

// ---- Notifications to staff ----

function notificationData(run: EffectRun): Record<string, unknown> {
  return {
    number: run.appeal.number,
    excerpt: run.appeal.content.slice(0, EXCERPT_LENGTH),
    action: run.action,
    actorName: run.actor.name,
    state: run.next,
    replyDueAt: (run.patch.replyDueAt ?? run.appeal.replyDueAt)?.toISOString() ?? null,
  };
}

async function notifyAudience(
  run: EffectRun,
  kind: AppealNotificationKind,
  audience: NotificationAudience,
): Promise<void> {
  // One notification of a kind per person, even when two effects name them (a unit and its head).
  const notified = (run.notified ??= new Set<string>());
  const userIds = (await audienceUserIds(run.tx, audience)).filter((id) => !notified.has(`${kind}:${id}`));
  for (const id of userIds) notified.add(`${kind}:${id}`);
  await notifyUsers(
    run.tx,
    run.deps,
    userIds,
    { kind, orderKind: 'appeal', orderId: run.appeal.id, data: notificationData(run) },
    run.actor.userId,
  );
}

/** Which active units hear of each kind: a dispatch reaches the copies too, a decision only the lead. */
const UNIT_ROLES: Readonly<Record<AppealNotificationKind, readonly AssignmentRow['role'][]>> = {
  dispatched: ['lead', 'assisting', 'copy'],
  returned: ['lead'],
  returnRefused: ['lead'],
  extensionRequested: ['lead'],
  extensionDecided: ['lead'],
  urged: ['lead', 'assisting'],
  supervised: ['lead', 'assisting'],
  reopened: ['lead', 'assisting'],
  slaWarning: ['lead'],
  slaOverdue: ['lead'],
};

async function notifyUnit(run: EffectRun, kind: AppealNotificationKind): Promise<void> {
  const roles = UNIT_ROLES[kind];
  const unitIds = activeAssignments(run)
    .filter((a) => roles.includes(a.role))
    .map((a) => a.unitId);
  await notifyAudience(run, kind, { kind: 'units', unitIds: [...new Set(unitIds)] });
}

// ---- The appellant ----

async function notifyAppellant(run: EffectRun, template: AppellantMessage): Promise<void> {
  const phone = run.appeal.appellantPhone;
  if (!phone) return; // no number to text: the appellant follows it on the portal, if at all
  const data: Record<string, unknown> = { number: run.appeal.number, template };
  if (template === 'replied' && run.reviewToken) data.reviewLink = `${REVIEW_LINK_PATH}${run.reviewToken}`;
  if (template === 'extended') {
    data.replyDueAt = (run.patch.replyDueAt ?? run.appeal.replyDueAt)?.toISOString() ?? null;
  }
  if (template === 'closed') data.closeKind = run.patch.closeKind ?? run.appeal.closeKind ?? null;
  await messengerFor(run.deps).sms.send(
    run.tx,
    { recipient: phone, template, data, orderKind: 'appeal', orderId: run.appeal.id },
    run.now,
  );
}

/** The SHA-256 (hex) of a review-link token, as stored in appeals.review_token_hash. */
export function hashReviewToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function issueReviewLink(run: EffectRun): void {
  const token = randomBytes(24).toString('base64url');
  run.reviewToken = token;
  run.patch.reviewTokenHash = hashReviewToken(token);
}

// ---- Merged appeals ----

/**
 * Every appeal merged into this one and still waiting gets the parent's reply ('replyViaParent'):
 * its own event, its own review link and message, its own review later.
 */
async function passOutcomeToMerged(run: EffectRun): Promise<void> {
  const reply = run.patch.reply ?? run.appeal.reply;
  for (const child of await listMergedChildren(run.tx, run.appeal.id)) {
    const ctx = appealContextOf(child, run.now, run.deps.config.appealMaxRounds);
    const decision = decide(APPEAL_KIND, child.state as AppealState, 'replyViaParent', ctx);
    const childRun: EffectRun = {
      tx: run.tx,
      deps: run.deps,
      appeal: child,
      action: 'replyViaParent',
      next: decision.next,
      round: child.round,
      now: run.now,
      actor: { userId: null, name: null, unitId: null },
      patch: { reply, repliedAt: run.now },
      assignments: await listAssignmentRows(run.tx, child.id),
    };
    await runAppealEffects(childRun, decision.effects);
    const claimed = await claimAppealTransition(
      run.tx,
      child.id,
      child.version,
      decision.next,
      run.now,
      childRun.patch,
    );
    if (!claimed) throw new AppError('APPEAL_VERSION_CONFLICT', undefined, { appealId: child.id });
    const event: NewWorkOrderEvent = {
      type: 'replyViaParent',
      at: run.now,
      actorId: null,
      round: child.round,
      fromState: child.state,
      toState: decision.next,
      data: { parentId: run.appeal.id, parentNumber: run.appeal.number, reply },
    };
    await appendEvents(run.tx, 'appeal', child.id, [event]);
  }
}
