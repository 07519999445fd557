/**
 * The appeal (诉求工单) lifecycle of 接诉即办 as a transition table (RULES.md, 北京市接诉即办工作条例).
 * Invariants:
 * - An appeal is received once, from any channel, and ends `closed` (answered at intake, not
 *   dispatched with an Art 11 reason, reviewed, or closed without review) or `merged` into a parent
 *   whose outcome reaches it (it then moves to `replied` and is reviewed on its own).
 * - The reply clock (the appellant's time limit) starts at intake and runs across re-dispatches; the
 *   accept and contact clocks start at each dispatch. A reopening starts new contact and reply clocks.
 * - A unit must accept (签收) and record contacting the appellant before it may reply.
 * - A return (退单) waits for the dispatcher: re-dispatch elsewhere, or refuse and send it back.
 * - One extension request may be pending at a time; the unit's lead or the centre decides it.
 * - A review that is not 双满 (resolved and satisfied) reopens the appeal for another round
 *   (二次办理) until `maxRounds`; the earlier rounds stay in the history.
 * - Urging, supervision, hard-case flags and notes never change the state.
 * Who may perform each action is access policy (APPEAL_ACTION_PERMISSION), not part of the table.
 */
import type { Action } from '../access.ts';
import type { TransitionTable, WorkOrderKind } from './engine.ts';

export const APPEAL_STATES = [
  'received',
  'dispatched',
  'accepted',
  'inProgress',
  'returned',
  'replied',
  'merged',
  'closed',
] as const;
export type AppealState = (typeof APPEAL_STATES)[number];

export const APPEAL_ACTIONS = [
  'answerAtIntake',
  'closeWithoutDispatch',
  'dispatch',
  'merge',
  'accept',
  'contact',
  'reply',
  'return',
  'rejectReturn',
  'requestExtension',
  'approveExtension',
  'refuseExtension',
  'flagHardCase',
  'formTaskForce',
  'addNote',
  'urge',
  'supervise',
  'replyViaParent',
  'review',
  'closeWithoutReview',
] as const;
export type AppealAction = (typeof APPEAL_ACTIONS)[number];

/** Appeal types (RULES.md): 咨询, 求助, 投诉, 举报, 建议. */
export const APPEAL_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];

/** Intake channels (GLOSSARY.md). `import` is only for historical work orders. */
export const APPEAL_CHANNELS = ['hotline', 'web', 'mobile', 'wechat', 'patrol', 'api', 'import'] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];

export const APPEAL_URGENCIES = ['normal', 'urgent'] as const;
export type AppealUrgency = (typeof APPEAL_URGENCIES)[number];

export const SATISFACTIONS = ['satisfied', 'fair', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/** Reasons an appeal is closed without dispatch (北京市接诉即办工作条例 Art 11), each a code. */
export const NON_DISPATCH_REASONS = [
  'emergencyService',
  'courtOrPetition',
  'repeatWithoutNewFacts',
  'secretOrPrivacy',
  'noResponsibleBody',
  'unlawfulDemand',
] as const;
export type NonDispatchReason = (typeof NON_DISPATCH_REASONS)[number];

/** How an appeal was closed. */
export const CLOSE_KINDS = [
  'answeredAtIntake',
  'notDispatched',
  'reviewed',
  'closedWithoutReview',
  'imported',
] as const;
export type CloseKind = (typeof CLOSE_KINDS)[number];

/** Why a unit returns an appeal (派单异议), or why an appeal is closed without review. */
export const RETURN_REASONS = ['notOurDuty', 'wrongLocation', 'needsOtherUnit', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** Everything the table's guards and branches look at. */
export interface AppealContext {
  type: AppealType;
  contacted: boolean;
  extensionPending: boolean;
  hardCase: boolean;
  round: number;
  maxRounds: number;
  /** True once the reply deadline has passed without a reply: a review may then be made (Art 23). */
  replyOverdue: boolean;
  /** The review being recorded, for the `review` action. */
  review?: { resolved: boolean; satisfaction: Satisfaction };
}

/** Effects the appeals service runs in the same transaction as the state change. */
export type AppealEffect =
  | { type: 'startClocks'; clocks: readonly ('accept' | 'contact' | 'reply')[] }
  | { type: 'stopClocks'; clocks: readonly ('accept' | 'contact' | 'reply')[] | 'all' }
  | { type: 'setAssignments' }
  | { type: 'endAssignments' }
  | { type: 'notifyUnit'; kind: AppealNotificationKind }
  | { type: 'notifyDispatchers'; kind: AppealNotificationKind }
  | { type: 'notifyUnitLead'; kind: AppealNotificationKind }
  | { type: 'notifyAppellant'; template: AppellantMessage }
  | { type: 'extendReplyDeadline' }
  | { type: 'passOutcomeToMerged' }
  | { type: 'issueReviewLink' };

export const APPEAL_NOTIFICATION_KINDS = [
  'dispatched',
  'returned',
  'returnRefused',
  'extensionRequested',
  'extensionDecided',
  'urged',
  'supervised',
  'reopened',
  'slaWarning',
  'slaOverdue',
] as const;
export type AppealNotificationKind = (typeof APPEAL_NOTIFICATION_KINDS)[number];

export const APPELLANT_MESSAGES = ['received', 'extended', 'replied', 'closed'] as const;
export type AppellantMessage = (typeof APPELLANT_MESSAGES)[number];

const needsConsultation = (ctx: AppealContext) => (ctx.type === 'consultation' ? null : 'onlyConsultations');
const needsContact = (ctx: AppealContext) => (ctx.contacted ? null : 'contactFirst');
const noPendingExtension = (ctx: AppealContext) => (ctx.extensionPending ? 'extensionPending' : null);
const pendingExtension = (ctx: AppealContext) => (ctx.extensionPending ? null : 'noExtensionPending');
const needsReview = (ctx: AppealContext) => (ctx.review ? null : 'reviewMissing');
const overdueReview = (ctx: AppealContext) => needsReview(ctx) ?? (ctx.replyOverdue ? null : 'notYetDue');
const notHardCase = (ctx: AppealContext) => (ctx.hardCase ? 'alreadyHardCase' : null);

/** True when a review is 双满: resolved and satisfied (fair counts as satisfied for reopening). */
export function isDoublySatisfied(review: { resolved: boolean; satisfaction: Satisfaction }): boolean {
  return review.resolved && review.satisfaction !== 'dissatisfied';
}

/** A review closes the appeal when 双满 or when the last round is used up; otherwise it reopens it. */
const afterReview = (ctx: AppealContext): AppealState =>
  ctx.review && !isDoublySatisfied(ctx.review) && ctx.round < ctx.maxRounds ? 'accepted' : 'closed';

const reviewEffects = (_ctx: AppealContext, next: AppealState) =>
  next === 'closed'
    ? [
        { type: 'stopClocks', clocks: 'all' } as const,
        { type: 'notifyAppellant', template: 'closed' } as const,
      ]
    : [
        { type: 'stopClocks', clocks: 'all' } as const,
        { type: 'startClocks', clocks: ['contact', 'reply'] } as const,
        { type: 'notifyUnit', kind: 'reopened' } as const,
      ];

/** Actions that leave the state where it is, allowed in every state where the appeal is being handled. */
function sideActions(state: AppealState) {
  return {
    flagHardCase: { to: state, guard: notHardCase },
    formTaskForce: { to: state },
    addNote: { to: state },
    urge: { to: state, effects: [{ type: 'notifyUnit', kind: 'urged' }] },
    supervise: {
      to: state,
      effects: [
        { type: 'notifyUnit', kind: 'supervised' },
        { type: 'notifyUnitLead', kind: 'supervised' },
      ],
    },
  } as const;
}

const extensionActions = (state: 'accepted' | 'inProgress') =>
  ({
    requestExtension: {
      to: state,
      guard: noPendingExtension,
      effects: [
        { type: 'notifyUnitLead', kind: 'extensionRequested' },
        { type: 'notifyDispatchers', kind: 'extensionRequested' },
      ],
    },
    approveExtension: {
      to: state,
      guard: pendingExtension,
      effects: [
        { type: 'extendReplyDeadline' },
        { type: 'notifyUnit', kind: 'extensionDecided' },
        { type: 'notifyAppellant', template: 'extended' },
      ],
    },
    refuseExtension: {
      to: state,
      guard: pendingExtension,
      effects: [{ type: 'notifyUnit', kind: 'extensionDecided' }],
    },
  }) as const;

const returnAction = {
  to: 'returned',
  effects: [
    { type: 'stopClocks', clocks: ['accept', 'contact'] },
    { type: 'notifyDispatchers', kind: 'returned' },
  ],
} as const;

const dispatchAction = {
  to: 'dispatched',
  effects: [
    { type: 'stopClocks', clocks: ['accept', 'contact'] },
    { type: 'setAssignments' },
    { type: 'startClocks', clocks: ['accept', 'contact'] },
    { type: 'notifyUnit', kind: 'dispatched' },
  ],
} as const;

const replyAction = {
  to: 'replied',
  guard: needsContact,
  effects: [
    { type: 'stopClocks', clocks: 'all' },
    { type: 'passOutcomeToMerged' },
    { type: 'issueReviewLink' },
    { type: 'notifyAppellant', template: 'replied' },
  ],
} as const;

const overdueReviewAction = { to: afterReview, guard: overdueReview, effects: reviewEffects } as const;

/** The appeal transition table: for every state, every action allowed in it. */
export const APPEAL_TRANSITIONS: TransitionTable<AppealState, AppealAction, AppealEffect, AppealContext> = {
  received: {
    answerAtIntake: {
      to: 'closed',
      guard: needsConsultation,
      effects: [{ type: 'notifyAppellant', template: 'closed' }],
    },
    closeWithoutDispatch: { to: 'closed', effects: [{ type: 'notifyAppellant', template: 'closed' }] },
    dispatch: dispatchAction,
    merge: { to: 'merged' },
    flagHardCase: { to: 'received', guard: notHardCase },
    formTaskForce: { to: 'received' },
    addNote: { to: 'received' },
  },
  dispatched: {
    dispatch: dispatchAction,
    merge: { to: 'merged', effects: [{ type: 'stopClocks', clocks: 'all' }, { type: 'endAssignments' }] },
    accept: { to: 'accepted', effects: [{ type: 'stopClocks', clocks: ['accept'] }] },
    return: returnAction,
    review: overdueReviewAction,
    ...sideActions('dispatched'),
  },
  accepted: {
    contact: { to: 'inProgress', effects: [{ type: 'stopClocks', clocks: ['contact'] }] },
    // Listed so that replying before contacting answers "contact the appellant first".
    reply: replyAction,
    return: returnAction,
    ...extensionActions('accepted'),
    review: overdueReviewAction,
    ...sideActions('accepted'),
  },
  inProgress: {
    reply: replyAction,
    return: returnAction,
    ...extensionActions('inProgress'),
    review: overdueReviewAction,
    ...sideActions('inProgress'),
  },
  returned: {
    dispatch: dispatchAction,
    rejectReturn: {
      to: 'dispatched',
      effects: [
        { type: 'startClocks', clocks: ['accept', 'contact'] },
        { type: 'notifyUnit', kind: 'returnRefused' },
      ],
    },
    closeWithoutDispatch: {
      to: 'closed',
      effects: [{ type: 'endAssignments' }, { type: 'notifyAppellant', template: 'closed' }],
    },
    ...sideActions('returned'),
  },
  replied: {
    review: { to: afterReview, guard: needsReview, effects: reviewEffects },
    closeWithoutReview: { to: 'closed' },
    addNote: { to: 'replied' },
  },
  merged: {
    replyViaParent: {
      to: 'replied',
      effects: [{ type: 'issueReviewLink' }, { type: 'notifyAppellant', template: 'replied' }],
    },
    addNote: { to: 'merged' },
  },
  closed: {},
};

/** The appeal kind of work order, for the engine. */
export const APPEAL_KIND: WorkOrderKind<AppealState, AppealAction, AppealEffect, AppealContext> = {
  name: 'appeal',
  states: APPEAL_STATES,
  actions: APPEAL_ACTIONS,
  finalStates: ['closed'],
  table: APPEAL_TRANSITIONS,
  errorCode: 'APPEAL_TRANSITION_NOT_ALLOWED',
};

/** The access action each appeal action needs (who may do it is policy; where, the scope). */
export const APPEAL_ACTION_PERMISSION: Readonly<Record<AppealAction, Action>> = {
  answerAtIntake: 'appeal.create',
  closeWithoutDispatch: 'appeal.dispatch',
  dispatch: 'appeal.dispatch',
  merge: 'appeal.dispatch',
  accept: 'appeal.handle',
  contact: 'appeal.handle',
  reply: 'appeal.handle',
  return: 'appeal.handle',
  rejectReturn: 'appeal.dispatch',
  requestExtension: 'appeal.handle',
  approveExtension: 'appeal.approve',
  refuseExtension: 'appeal.approve',
  flagHardCase: 'appeal.dispatch',
  formTaskForce: 'appeal.dispatch',
  addNote: 'appeal.read',
  urge: 'appeal.supervise',
  supervise: 'appeal.supervise',
  replyViaParent: 'appeal.dispatch',
  review: 'appeal.review',
  closeWithoutReview: 'appeal.review',
};

/** Actions that are never offered to people: the system performs them. */
export const SYSTEM_APPEAL_ACTIONS: ReadonlySet<AppealAction> = new Set<AppealAction>(['replyViaParent']);

/** What the appellant sees: plain progress, never the internal state (decidim-style public state). */
export const APPELLANT_STATUSES = ['received', 'inProgress', 'replied', 'closed'] as const;
export type AppellantStatus = (typeof APPELLANT_STATUSES)[number];

/** Maps an internal state to the status shown to the appellant. */
export function appellantStatusOf(state: AppealState): AppellantStatus {
  switch (state) {
    case 'received':
      return 'received';
    case 'dispatched':
    case 'accepted':
    case 'inProgress':
    case 'returned':
    case 'merged':
      return 'inProgress';
    case 'replied':
      return 'replied';
    case 'closed':
      return 'closed';
  }
}
