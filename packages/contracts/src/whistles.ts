import { z } from 'zod';
import {
  STEWARD_CASE_STATES,
  STEWARD_LEVELS,
  SUMMONS_ROLES,
  SUMMONS_STATES,
  WHISTLE_ACTIONS,
  WHISTLE_LEVELS,
  WHISTLE_STATES,
  WHISTLE_URGENCIES,
  WITHDRAW_REASONS,
} from '@huizhi/domain';
import { NAME_MAX, PHONE_MAX, PHONE_PATTERN, ZId } from './common.ts';
import { ZNamedRef } from './appeals.ts';

/** Shared limits of whistles. */
export const WHISTLE_TITLE_MAX = 100;
export const WHISTLE_REASON_MAX = 4000;
export const WHISTLE_TEXT_MAX = 4000;
export const WHISTLE_UNITS_MAX = 10;
export const WHISTLE_LIST_LIMIT_MAX = 200;
/** The check-in limit an admin may set per urgency, in minutes (1 minute to 7 days). */
export const CHECK_IN_MINUTES_MIN = 1;
export const CHECK_IN_MINUTES_MAX = 7 * 24 * 60;

export const ZWhistleState = z.enum(WHISTLE_STATES);
export const ZWhistleAction = z.enum(WHISTLE_ACTIONS);
export const ZWhistleLevel = z.enum(WHISTLE_LEVELS);
export const ZWhistleUrgency = z.enum(WHISTLE_URGENCIES);
export const ZSummonsState = z.enum(SUMMONS_STATES);
export const ZSummonsRole = z.enum(SUMMONS_ROLES);
export const ZWithdrawReason = z.enum(WITHDRAW_REASONS);
export const ZStewardLevel = z.enum(STEWARD_LEVELS);
export const ZStewardCaseState = z.enum(STEWARD_CASE_STATES);

const text = (min = 2, max = WHISTLE_TEXT_MAX) => z.string().trim().min(min).max(max);
const instant = z.iso.datetime({ offset: true });
const ZLocation = z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });

/**
 * A new whistle, from an appeal (`appealId`: its place is the appeal's) or from scratch (a patrol
 * finding, a meeting: give `territoryId` or `location`). `leadUnitId` must be one of `unitIds`.
 * `checkInBy` defaults to now + the urgency's check-in limit; when given it must lie in the future.
 */
export const ZBlowWhistle = z.object({
  appealId: ZId.optional(),
  title: text(2, WHISTLE_TITLE_MAX),
  reason: text(5, WHISTLE_REASON_MAX),
  urgency: ZWhistleUrgency.default('normal'),
  territoryId: ZId.optional(),
  location: ZLocation.optional(),
  address: z.string().trim().min(1).max(200).optional(),
  unitIds: z.array(ZId).min(1).max(WHISTLE_UNITS_MAX),
  leadUnitId: ZId,
  checkInBy: instant.optional(),
  meetingAt: instant.optional(),
  meetingPlace: z.string().trim().min(1).max(200).optional(),
  dueAt: instant.optional(),
});
export type TBlowWhistle = z.infer<typeof ZBlowWhistle>;

export const ZWhistleSummons = z.object({
  id: ZId,
  unit: ZNamedRef,
  role: ZSummonsRole,
  state: ZSummonsState,
  summonedAt: instant,
  checkInDueAt: instant,
  checkedInAt: instant.nullable(),
  /** Checked in after the deadline (a missed summons that checks in later is late too). */
  late: z.boolean(),
  /** The deadline has passed and there is no check-in yet. */
  overdue: z.boolean(),
  missedAt: instant.nullable(),
  responsibleName: z.string().nullable(),
  /** Masked unless the reader may see full numbers. */
  responsiblePhone: z.string().nullable(),
  part: z.string().nullable(),
  partAt: instant.nullable(),
  /** The part came by the whistle's due time (null while none, or when the whistle has no due time). */
  partOnTime: z.boolean().nullable(),
  withdrawnAt: instant.nullable(),
  withdrawReason: ZWithdrawReason.nullable(),
});
export type TWhistleSummons = z.infer<typeof ZWhistleSummons>;

export const ZWhistleSummary = z.object({
  id: ZId,
  number: z.string(),
  state: ZWhistleState,
  title: z.string(),
  urgency: ZWhistleUrgency,
  territory: z.object({ id: ZId, name: z.string(), level: z.string() }),
  level: ZWhistleLevel,
  leadUnit: ZNamedRef,
  appeal: z.object({ id: ZId, number: z.string() }).nullable(),
  createdAt: instant,
  checkInDueAt: instant,
  dueAt: instant.nullable(),
  /** Summons counts: how many units were summoned (not withdrawn), have checked in, are late or missing. */
  summoned: z.number().int(),
  checkedIn: z.number().int(),
  late: z.number().int(),
  missing: z.number().int(),
});
export type TWhistleSummary = z.infer<typeof ZWhistleSummary>;

export const ZWhistleEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: instant,
  actor: ZNamedRef.nullable(),
  unit: ZNamedRef.nullable(),
  fromState: ZWhistleState.nullable(),
  toState: ZWhistleState.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TWhistleEvent = z.infer<typeof ZWhistleEvent>;

/** One rung of the escalation ladder: the matter moved to `level` (the first rung is where it started). */
export const ZLadderStep = z.object({
  level: ZWhistleLevel,
  territory: z.object({ id: ZId, name: z.string() }),
  at: instant,
  actor: ZNamedRef.nullable(),
  reason: z.string().nullable(),
});

export const ZWhistleDetail = ZWhistleSummary.extend({
  version: z.number().int(),
  reason: z.string(),
  address: z.string().nullable(),
  location: ZLocation.nullable(),
  responsibleTerritory: z.object({ id: ZId, name: z.string(), level: z.string() }),
  blownBy: ZNamedRef,
  blowerUnit: ZNamedRef.nullable(),
  meetingAt: instant.nullable(),
  meetingPlace: z.string().nullable(),
  result: z.string().nullable(),
  resultAt: instant.nullable(),
  closedAt: instant.nullable(),
  cancelReason: z.string().nullable(),
  summons: z.array(ZWhistleSummons),
  ladder: z.array(ZLadderStep),
  events: z.array(ZWhistleEvent),
  /** What the reader may do now (the table and their access together); per-unit actions name the unit. */
  allowedActions: z.array(ZWhistleAction),
  /** The reader's own summons on this whistle (a summoned unit's handler), if any. */
  mySummonsId: ZId.nullable(),
});
export type TWhistleDetail = z.infer<typeof ZWhistleDetail>;

/**
 * Lists. `view`: `board` (whistles in the reader's area or blown by their office: the whistler's view),
 * `inbox` (summonses to the reader's units). `open` keeps whistles not yet closed or cancelled.
 */
export const ZWhistleListQuery = z.object({
  view: z.enum(['board', 'inbox']).default('board'),
  open: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  appealId: ZId.optional(),
  limit: z.coerce.number().int().min(1).max(WHISTLE_LIST_LIMIT_MAX).default(50),
  cursor: z.string().max(200).optional(),
});
export type TWhistleListQuery = z.infer<typeof ZWhistleListQuery>;

export const ZWhistleListItem = ZWhistleSummary.extend({
  /** In the inbox: the reader's unit's summons on this whistle. */
  mySummons: ZWhistleSummons.nullable(),
});
export const ZWhistleList = z.object({ items: z.array(ZWhistleListItem), nextCursor: z.string().nullable() });
export type TWhistleList = z.infer<typeof ZWhistleList>;

// ---- Actions. `version` (optional) must equal the whistle's present version when sent. ----
const version = { version: z.number().int().min(1).optional() };

export const ZCheckIn = z.object({
  ...version,
  /** The summons checking in (one of the reader's units). */
  summonsId: ZId,
  responsibleName: z.string().trim().min(1).max(NAME_MAX),
  responsiblePhone: z.string().trim().max(PHONE_MAX).regex(PHONE_PATTERN),
  note: text(1).optional(),
});
export const ZReportPart = z.object({ ...version, summonsId: ZId, part: text(2) });
export const ZReportResult = z.object({ ...version, result: text(2) });
export const ZConfirmWhistle = z.object({ ...version, note: text(1).optional() });
export const ZSendBackWhistle = z.object({ ...version, note: text(2) });
export const ZSummonMore = z.object({ ...version, unitIds: z.array(ZId).min(1).max(WHISTLE_UNITS_MAX) });
export const ZWithdrawSummons = z.object({
  ...version,
  summonsId: ZId,
  reason: ZWithdrawReason,
  note: text(1).optional(),
});
export const ZChangeLead = z.object({ ...version, unitId: ZId, note: text(1).optional() });
export const ZEscalateWhistle = z.object({ ...version, reason: text(2) });
export const ZWhistleNote = z.object({ ...version, note: text(1) });
export const ZCancelWhistle = z.object({ ...version, reason: text(2) });

export const ZCheckInLimits = z.object({
  limits: z.array(
    z.object({
      urgency: ZWhistleUrgency,
      minutes: z.number().int().min(CHECK_IN_MINUTES_MIN).max(CHECK_IN_MINUTES_MAX),
    }),
  ),
});
export type TCheckInLimits = z.infer<typeof ZCheckInLimits>;

/**
 * Assessment inputs (双考核) over [from, to): per summoned unit and per street, counted from the events.
 * Rates are null when there is nothing to divide by.
 */
export const ZWhistleStatsQuery = z.object({ from: instant, to: instant });
export const ZWhistleStats = z.object({
  from: instant,
  to: instant,
  units: z.array(
    z.object({
      unit: ZNamedRef,
      summonsReceived: z.number().int(),
      checkedInOnTime: z.number().int(),
      checkedInLate: z.number().int(),
      missed: z.number().int(),
      onTimeCheckInRate: z.number().nullable(),
      partsDelivered: z.number().int(),
      partsOnTime: z.number().int(),
      outcomesConfirmed: z.number().int(),
    }),
  ),
  streets: z.array(
    z.object({
      street: z.object({ id: ZId, name: z.string() }),
      whistlesBlown: z.number().int(),
      whistlesResolved: z.number().int(),
      resolvedRate: z.number().nullable(),
    }),
  ),
});
export type TWhistleStats = z.infer<typeof ZWhistleStats>;

// ---- The steward chain (院长长制) ----

export const ZStewardPost = z.object({
  id: ZId,
  street: z.object({ id: ZId, name: z.string() }),
  parentId: ZId.nullable(),
  level: ZStewardLevel,
  name: z.string(),
  territory: z.object({ id: ZId, name: z.string(), level: z.string() }),
  geometry: z.record(z.string(), z.unknown()).nullable(),
  steward: z.object({
    userId: ZId.nullable(),
    name: z.string(),
    /** Masked unless the reader may see full numbers. */
    phone: z.string().nullable(),
  }),
});
export type TStewardPost = z.infer<typeof ZStewardPost>;

export const ZStewardPostInput = z.object({
  parentId: ZId.nullable(),
  level: ZStewardLevel,
  name: z.string().trim().min(1).max(NAME_MAX),
  /** The territory holding the post's part (the street itself for a street steward). */
  territoryId: ZId,
  /** A courtyard's own outline (GeoJSON Polygon, WGS84), inside the territory. */
  geometry: z
    .object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.tuple([z.number(), z.number()]))) })
    .nullable()
    .default(null),
  stewardUserId: ZId.nullable().default(null),
  stewardName: z.string().trim().min(1).max(NAME_MAX),
  stewardPhone: z.string().trim().max(PHONE_MAX).regex(PHONE_PATTERN).nullable().default(null),
});
export type TStewardPostInput = z.infer<typeof ZStewardPostInput>;

export const ZStewardPostList = z.object({ items: z.array(ZStewardPost) });
export const ZStewardPostQuery = z.object({ streetId: ZId.optional() });

export const ZStewardCase = z.object({
  id: ZId,
  state: ZStewardCaseState,
  version: z.number().int(),
  appeal: z.object({
    id: ZId,
    number: z.string(),
    excerpt: z.string(),
    address: z.string().nullable(),
    receivedAt: instant,
  }),
  post: z.object({ id: ZId, name: z.string(), level: ZStewardLevel }),
  /** The chain from the first post asked up to the street steward, and who was asked when. */
  chain: z.array(z.object({ id: ZId, name: z.string(), level: ZStewardLevel, stewardName: z.string() })),
  askedAt: instant,
  dueAt: instant,
  overdue: z.boolean(),
  answer: z.string().nullable(),
  answeredAt: instant.nullable(),
});
export type TStewardCase = z.infer<typeof ZStewardCase>;

export const ZStewardCaseList = z.object({ items: z.array(ZStewardCase) });
export const ZStewardCaseQuery = z.object({
  /** `mine`: cases asking the reader's posts; `appeal`: the case of one appeal (appealId). */
  view: z.enum(['mine', 'street']).default('mine'),
  appealId: ZId.optional(),
  open: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export const ZAnswerStewardCase = z.object({ version: z.number().int().min(1).optional(), answer: text(2) });
