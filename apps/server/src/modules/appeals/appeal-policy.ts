import {
  APPEAL_ACTION_PERMISSION,
  APPEAL_KIND,
  SYSTEM_APPEAL_ACTIONS,
  allowedActions,
  can,
  type Actor,
  type AppealAction,
  type AppealContext,
  type AppealState,
  type AppealType,
  type Satisfaction,
  type Subject,
} from '@huizhi/domain';

/** The fields of an appeal row that access and the transition table look at. */
export interface AppealPolicyRow {
  state: string;
  type: string;
  contacted: boolean;
  extensionRequestedUntil: Date | null;
  hardCase: boolean;
  round: number;
  territoryPath: string;
  appellantUserId: string | null;
  replyDueAt: Date | null;
}

/** The access subject of an appeal: where it is, every unit ever assigned to it, who raised it. */
export function appealSubject(row: AppealPolicyRow, unitIds: readonly string[]): Subject {
  return {
    kind: 'appeal',
    territoryPath: row.territoryPath,
    unitIds,
    appellantUserId: row.appellantUserId,
  };
}

/** Builds the transition table's context from an appeal row at a moment. */
export function appealContextOf(
  row: AppealPolicyRow,
  now: Date,
  maxRounds: number,
  review?: { resolved: boolean; satisfaction: Satisfaction },
): AppealContext {
  const ctx: AppealContext = {
    type: row.type as AppealType,
    contacted: row.contacted,
    extensionPending: row.extensionRequestedUntil !== null,
    hardCase: row.hardCase,
    round: row.round,
    maxRounds,
    replyOverdue: row.replyDueAt !== null && row.replyDueAt.getTime() <= now.getTime(),
  };
  if (review) ctx.review = review;
  return ctx;
}

/** True when the actor holds the action over the appeal only as its appellant (a resident's own). */
function onlyAsAppellant(actor: Actor, action: AppealAction, subject: Subject): boolean {
  const withoutSelf = { ...actor, assignments: actor.assignments.filter((a) => a.scope.kind !== 'self') };
  return !can(withoutSelf, APPEAL_ACTION_PERMISSION[action], subject);
}

/**
 * The actions the actor may take on the appeal now: allowed by the transition table in its state
 * (a review is assumed to be supplied), permitted by policy in the appeal's scope, and never the
 * system's own. An appellant may only review their appeal.
 */
export function allowedAppealActionsFor(
  actor: Actor,
  row: AppealPolicyRow,
  unitIds: readonly string[],
  now: Date,
  maxRounds: number,
): AppealAction[] {
  const subject = appealSubject(row, unitIds);
  const ctx = appealContextOf(row, now, maxRounds, { resolved: true, satisfaction: 'satisfied' });
  return allowedActions(APPEAL_KIND, row.state as AppealState, ctx).filter((action) => {
    if (SYSTEM_APPEAL_ACTIONS.has(action)) return false;
    if (!can(actor, APPEAL_ACTION_PERMISSION[action], subject)) return false;
    if (action !== 'review' && onlyAsAppellant(actor, action, subject)) return false;
    return true;
  });
}
