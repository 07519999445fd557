/**
 * 吹哨报到 as two transition tables: the whistle (吹哨单), the matter a street, community or grid cannot
 * solve alone, and each summons (one per summoned department), which must check in (报到) in time.
 * Invariants:
 * - A whistle summons at least one unit; exactly one summoned unit leads (牵头), the others assist (配合).
 * - A summons checks in once. A check-in after its deadline is recorded as late; a summons whose
 *   deadline passes without a check-in is marked missed by the sweeper and escalated to the district,
 *   and may still check in (late) afterwards.
 * - The whistle is `summoning` until its lead unit has checked in, then `handling`.
 * - Every assisting unit that is still summoned reports its part; the lead reports the result only when
 *   all parts are in (a unit that never checks in must be withdrawn, with a reason, by the whistler).
 * - The whistler confirms the result (closing the whistle) or sends it back for more work.
 * - The escalation ladder (小事不出网格、大事不出社区) moves the responsible level up one step at a time,
 *   grid → community → street → district, each step with a reason; it never moves down.
 * Who may do what is access policy (WHISTLE_ACTION_PERMISSION); the tables decide only what may happen.
 */
import type { Action } from '../access.ts';
import type { TransitionTable, WorkOrderKind } from './engine.ts';

export const WHISTLE_STATES = ['summoning', 'handling', 'resultReported', 'closed', 'cancelled'] as const;
export type WhistleState = (typeof WHISTLE_STATES)[number];

export const WHISTLE_ACTIONS = [
  'checkIn',
  'summonMore',
  'withdrawSummons',
  'changeLead',
  'markMissed',
  'reportPart',
  'reportResult',
  'confirm',
  'sendBack',
  'escalate',
  'addNote',
  'cancel',
] as const;
export type WhistleAction = (typeof WHISTLE_ACTIONS)[number];

/** The levels of the escalation ladder, lowest first. */
export const WHISTLE_LEVELS = ['grid', 'community', 'street', 'district'] as const;
export type WhistleLevel = (typeof WHISTLE_LEVELS)[number];

export const WHISTLE_URGENCIES = ['normal', 'urgent'] as const;
export type WhistleUrgency = (typeof WHISTLE_URGENCIES)[number];

/** Default check-in limits in minutes (configurable per urgency): 30 minutes urgent, 24 hours normal. */
export const DEFAULT_CHECK_IN_MINUTES: Readonly<Record<WhistleUrgency, number>> = {
  urgent: 30,
  normal: 24 * 60,
};

/** Why a summons is withdrawn, or a whistle cancelled. */
export const WITHDRAW_REASONS = ['summonedByMistake', 'neverCheckedIn', 'notNeeded', 'other'] as const;
export type WithdrawReason = (typeof WITHDRAW_REASONS)[number];

/** Returns the level above, or null at the top of the ladder. */
export function levelAbove(level: WhistleLevel): WhistleLevel | null {
  return WHISTLE_LEVELS[WHISTLE_LEVELS.indexOf(level) + 1] ?? null;
}

/** Everything the whistle table's guards look at. */
export interface WhistleContext {
  /** The responsible level now. */
  level: WhistleLevel;
  /** For checkIn: the unit checking in is the lead. */
  byLead?: boolean;
  /** For changeLead: the new lead has already checked in. */
  newLeadCheckedIn?: boolean;
  /** Assisting summons still owing their part (summoned, missed or checked in, not withdrawn). */
  partsOutstanding: number;
  /** Summons not withdrawn (a whistle keeps at least one, its lead). */
  activeSummons: number;
  /** For withdrawSummons: the summons withdrawn is the lead's. */
  withdrawingLead?: boolean;
}

/**
 * Effects the whistle service runs in the same transaction as the state change. The appeal a whistle
 * came from is never written to (its page lists its whistles instead), so no effect touches it.
 */
export type WhistleEffect =
  /** Tell every summoned unit that is not withdrawn (what happened is `kind`). */
  | { type: 'notifySummoned'; kind: WhistleNotificationKind }
  | { type: 'notifyWhistler'; kind: WhistleNotificationKind }
  | { type: 'notifyLead'; kind: WhistleNotificationKind }
  | { type: 'notifyDistrict'; kind: WhistleNotificationKind }
  | { type: 'notifyLevel'; kind: WhistleNotificationKind }
  | { type: 'startCheckInClocks' }
  | { type: 'stopCheckInClock' }
  | { type: 'stopAllClocks' };

export const WHISTLE_NOTIFICATION_KINDS = [
  'summoned',
  'checkedIn',
  'checkInMissed',
  'partReported',
  'resultReported',
  'sentBack',
  'confirmed',
  'escalated',
  'cancelled',
  'leadChanged',
  'withdrawn',
] as const;
export type WhistleNotificationKind = (typeof WHISTLE_NOTIFICATION_KINDS)[number];

const notTop = (ctx: WhistleContext) => (levelAbove(ctx.level) === null ? 'topOfLadder' : null);
const partsIn = (ctx: WhistleContext) => (ctx.partsOutstanding === 0 ? null : 'partsOutstanding');
const keepsLead = (ctx: WhistleContext) =>
  ctx.withdrawingLead ? 'changeLeadFirst' : ctx.activeSummons <= 1 ? 'lastSummons' : null;

const open = (state: 'summoning' | 'handling') =>
  ({
    summonMore: {
      to: state,
      effects: [{ type: 'startCheckInClocks' }, { type: 'notifySummoned', kind: 'summoned' }],
    },
    withdrawSummons: {
      to: state,
      guard: keepsLead,
      effects: [{ type: 'stopCheckInClock' }, { type: 'notifyLead', kind: 'withdrawn' }],
    },
    changeLead: {
      to: (ctx: WhistleContext) => (ctx.newLeadCheckedIn ? 'handling' : 'summoning'),
      effects: [{ type: 'notifySummoned', kind: 'leadChanged' }],
    },
    markMissed: {
      to: state,
      effects: [
        { type: 'notifyDistrict', kind: 'checkInMissed' },
        { type: 'notifyWhistler', kind: 'checkInMissed' },
      ],
    },
    escalate: { to: state, guard: notTop, effects: [{ type: 'notifyLevel', kind: 'escalated' }] },
    addNote: { to: state },
    cancel: {
      to: 'cancelled',
      effects: [{ type: 'stopAllClocks' }, { type: 'notifySummoned', kind: 'cancelled' }],
    },
  }) as const;

/** The whistle transition table. */
export const WHISTLE_TRANSITIONS: TransitionTable<
  WhistleState,
  WhistleAction,
  WhistleEffect,
  WhistleContext
> = {
  summoning: {
    checkIn: {
      to: (ctx) => (ctx.byLead ? 'handling' : 'summoning'),
      effects: [{ type: 'stopCheckInClock' }, { type: 'notifyWhistler', kind: 'checkedIn' }],
    },
    // An assisting unit may deliver its part before the lead has checked in.
    reportPart: { to: 'summoning', effects: [{ type: 'notifyLead', kind: 'partReported' }] },
    ...open('summoning'),
  },
  handling: {
    checkIn: {
      to: 'handling',
      effects: [{ type: 'stopCheckInClock' }, { type: 'notifyWhistler', kind: 'checkedIn' }],
    },
    reportPart: { to: 'handling', effects: [{ type: 'notifyLead', kind: 'partReported' }] },
    reportResult: {
      to: 'resultReported',
      guard: partsIn,
      effects: [{ type: 'notifyWhistler', kind: 'resultReported' }],
    },
    ...open('handling'),
  },
  resultReported: {
    confirm: {
      to: 'closed',
      effects: [
        { type: 'stopAllClocks' },
        { type: 'notifySummoned', kind: 'confirmed' },
        { type: 'notifyWhistler', kind: 'confirmed' },
      ],
    },
    sendBack: { to: 'handling', effects: [{ type: 'notifyLead', kind: 'sentBack' }] },
    addNote: { to: 'resultReported' },
  },
  closed: {},
  cancelled: {},
};

/** The whistle kind of work order, for the engine. */
export const WHISTLE_KIND: WorkOrderKind<WhistleState, WhistleAction, WhistleEffect, WhistleContext> = {
  name: 'whistle',
  states: WHISTLE_STATES,
  actions: WHISTLE_ACTIONS,
  finalStates: ['closed', 'cancelled'],
  table: WHISTLE_TRANSITIONS,
  errorCode: 'WHISTLE_TRANSITION_NOT_ALLOWED',
};

/** The access action each whistle action needs: the whistler's side, or the summoned unit's. */
export const WHISTLE_ACTION_PERMISSION: Readonly<Record<WhistleAction, Action>> = {
  checkIn: 'whistle.respond',
  summonMore: 'whistle.blow',
  withdrawSummons: 'whistle.blow',
  changeLead: 'whistle.blow',
  markMissed: 'whistle.blow',
  reportPart: 'whistle.respond',
  reportResult: 'whistle.respond',
  confirm: 'whistle.blow',
  sendBack: 'whistle.blow',
  escalate: 'whistle.blow',
  addNote: 'whistle.read',
  cancel: 'whistle.blow',
};

/** Actions the system performs (the sweeper), never offered to people. */
export const SYSTEM_WHISTLE_ACTIONS: ReadonlySet<WhistleAction> = new Set<WhistleAction>(['markMissed']);

// ---- One summons: a summoned unit's part in a whistle ----

export const SUMMONS_STATES = ['summoned', 'missed', 'checkedIn', 'partReported', 'withdrawn'] as const;
export type SummonsState = (typeof SUMMONS_STATES)[number];

export const SUMMONS_ACTIONS = ['checkIn', 'markMissed', 'reportPart', 'withdraw'] as const;
export type SummonsAction = (typeof SUMMONS_ACTIONS)[number];

export const SUMMONS_ROLES = ['lead', 'assisting'] as const;
export type SummonsRole = (typeof SUMMONS_ROLES)[number];

export interface SummonsContext {
  role: SummonsRole;
}

/** A summons's effects are its whistle's; the summons table records only where the unit stands. */
export type SummonsEffect = never;

const assistingOnly = (ctx: SummonsContext) => (ctx.role === 'assisting' ? null : 'leadReportsTheResult');

export const SUMMONS_TRANSITIONS: TransitionTable<
  SummonsState,
  SummonsAction,
  SummonsEffect,
  SummonsContext
> = {
  summoned: {
    checkIn: { to: 'checkedIn' },
    markMissed: { to: 'missed' },
    withdraw: { to: 'withdrawn' },
  },
  // A missed check-in may still come, late.
  missed: { checkIn: { to: 'checkedIn' }, withdraw: { to: 'withdrawn' } },
  checkedIn: { reportPart: { to: 'partReported', guard: assistingOnly }, withdraw: { to: 'withdrawn' } },
  partReported: {},
  withdrawn: {},
};

export const SUMMONS_KIND: WorkOrderKind<SummonsState, SummonsAction, SummonsEffect, SummonsContext> = {
  name: 'whistleSummons',
  states: SUMMONS_STATES,
  actions: SUMMONS_ACTIONS,
  finalStates: ['partReported', 'withdrawn'],
  table: SUMMONS_TRANSITIONS,
  errorCode: 'WHISTLE_TRANSITION_NOT_ALLOWED',
};

/** True when an assisting summons still owes its part (it is neither reported nor withdrawn). */
export function owesPart(summons: { role: SummonsRole; state: SummonsState }): boolean {
  return summons.role === 'assisting' && summons.state !== 'partReported' && summons.state !== 'withdrawn';
}

/** True when a check-in at `at` is late for a deadline. */
export function isLateCheckIn(at: Date, dueAt: Date): boolean {
  return at.getTime() > dueAt.getTime();
}

// ---- The steward chain (院长长制): street → area → lane → courtyard stewards ----

export const STEWARD_LEVELS = ['street', 'area', 'lane', 'courtyard'] as const;
export type StewardLevel = (typeof STEWARD_LEVELS)[number];

/** A steward must answer an appeal in their part of the territory within this many hours. */
export const STEWARD_ANSWER_HOURS = 24;

/** Notifications of the steward chain: a steward is asked to answer an appeal in their part. */
export const STEWARD_NOTIFICATION_KINDS = ['stewardAsked'] as const;
export type StewardNotificationKind = (typeof STEWARD_NOTIFICATION_KINDS)[number];

export const STEWARD_CASE_STATES = ['waiting', 'answered', 'lapsed'] as const;
export type StewardCaseState = (typeof STEWARD_CASE_STATES)[number];

export const STEWARD_CASE_ACTIONS = ['answer', 'moveUp', 'lapse'] as const;
export type StewardCaseAction = (typeof STEWARD_CASE_ACTIONS)[number];

export interface StewardCaseContext {
  /** The post now asked has a post above it in the chain. */
  hasPostAbove: boolean;
}

export type StewardCaseEffect =
  { type: 'notifySteward' } | { type: 'startAnswerClock' } | { type: 'stopAnswerClock' };

/**
 * A steward case: an appeal in a steward's part of the territory. The steward asked must answer within
 * STEWARD_ANSWER_HOURS; unanswered, the case moves up the chain (courtyard → lane → area → street),
 * and lapses, unanswered, above the street steward.
 */
export const STEWARD_CASE_TRANSITIONS: TransitionTable<
  StewardCaseState,
  StewardCaseAction,
  StewardCaseEffect,
  StewardCaseContext
> = {
  waiting: {
    answer: { to: 'answered', effects: [{ type: 'stopAnswerClock' }] },
    moveUp: {
      to: 'waiting',
      guard: (ctx) => (ctx.hasPostAbove ? null : 'topOfChain'),
      effects: [{ type: 'stopAnswerClock' }, { type: 'startAnswerClock' }, { type: 'notifySteward' }],
    },
    lapse: {
      to: 'lapsed',
      guard: (ctx) => (ctx.hasPostAbove ? 'moveUpFirst' : null),
      effects: [{ type: 'stopAnswerClock' }],
    },
  },
  answered: {},
  lapsed: {},
};

export const STEWARD_CASE_KIND: WorkOrderKind<
  StewardCaseState,
  StewardCaseAction,
  StewardCaseEffect,
  StewardCaseContext
> = {
  name: 'stewardCase',
  states: STEWARD_CASE_STATES,
  actions: STEWARD_CASE_ACTIONS,
  finalStates: ['answered', 'lapsed'],
  table: STEWARD_CASE_TRANSITIONS,
  errorCode: 'STEWARD_CASE_TRANSITION_NOT_ALLOWED',
};
