import { z } from 'zod';
import { isIsoDate, SLA_LIMIT_MAX } from '@huizhi/domain';
import { ZUnitType } from './units.ts';

/** Shared limits. */
export const CALENDAR_YEAR_MIN = 2000;
export const CALENDAR_YEAR_MAX = 2100;
export const CALENDAR_NAME_MAX = 50;
export const CALENDAR_SOURCE_MAX = 500;
export const SLA_TIER_CODE_PATTERN = /^[0-9a-z]{1,16}$/;
/** The longest accept or contact limit, in minutes (30 days). */
export const SLA_STEP_MINUTES_MAX = 60 * 24 * 30;

const ZIsoDate = z.string().refine(isIsoDate, 'a date written YYYY-MM-DD');
const ZYear = z.coerce.number().int().min(CALENDAR_YEAR_MIN).max(CALENDAR_YEAR_MAX);

// ---- The working-day calendar ----

export const ZCalendarDayKind = z.enum(['workday', 'weekend', 'holiday', 'makeupWorkday']);
export type TCalendarDayKind = z.infer<typeof ZCalendarDayKind>;

export const ZCalendarDay = z.object({
  date: z.string(),
  working: z.boolean(),
  kind: ZCalendarDayKind,
  /** The festival (春节, 国庆节, …) or an admin's name for the day. */
  name: z.string().nullable(),
  source: z.string().nullable(),
  /** True when an admin's entry decides the day instead of the shipped data. */
  overridden: z.boolean(),
});
export type TCalendarDay = z.infer<typeof ZCalendarDay>;

export const ZCalendarYearQuery = z.object({ year: ZYear });
export type TCalendarYearQuery = z.infer<typeof ZCalendarYearQuery>;

export const ZCalendarYear = z.object({
  year: z.number().int(),
  timeZone: z.string(),
  /** False for a year with no shipped data and no admin entries: plain Monday–Friday, deadlines provisional. */
  covered: z.boolean(),
  /** The State Council notice(s) of the shipped data, or null. */
  source: z.string().nullable(),
  days: z.array(ZCalendarDay),
});
export type TCalendarYear = z.infer<typeof ZCalendarYear>;

export const ZCalendarDateParams = z.object({ date: ZIsoDate });

export const ZSetCalendarDay = z.object({
  working: z.boolean(),
  name: z.string().trim().max(CALENDAR_NAME_MAX).nullish(),
  source: z.string().trim().max(CALENDAR_SOURCE_MAX).nullish(),
});
export type TSetCalendarDay = z.infer<typeof ZSetCalendarDay>;

export const ZCalendarDeadlineQuery = z.object({
  /** When the time limit starts, with a time-zone offset or Z. */
  start: z.iso.datetime({ offset: true }),
  tier: z.string().regex(SLA_TIER_CODE_PATTERN),
});
export type TCalendarDeadlineQuery = z.infer<typeof ZCalendarDeadlineQuery>;

export const ZCalendarDeadline = z.object({
  start: z.string(),
  tier: z.string(),
  dueAt: z.string(),
  warnAt: z.string(),
  /** True when the deadline reaches into a year the calendar does not cover yet. */
  provisional: z.boolean(),
  timeZone: z.string(),
});
export type TCalendarDeadline = z.infer<typeof ZCalendarDeadline>;

// ---- Time-limit tiers and rules ----

export const ZSlaReplyUnit = z.enum(['hours', 'workdays']);

export const ZSlaTierCodeParams = z.object({ code: z.string().regex(SLA_TIER_CODE_PATTERN) });

export const ZUpdateSlaTier = z
  .object({
    replyUnit: ZSlaReplyUnit,
    replyAmount: z.number().int().min(1),
    acceptMinutes: z.number().int().min(1).max(SLA_STEP_MINUTES_MAX),
    contactMinutes: z.number().int().min(1).max(SLA_STEP_MINUTES_MAX),
    warnPercent: z.number().int().min(1).max(99),
  })
  .refine((tier) => tier.replyAmount <= SLA_LIMIT_MAX[tier.replyUnit], {
    message: 'the reply limit is too long',
    path: ['replyAmount'],
  });
export type TUpdateSlaTier = z.infer<typeof ZUpdateSlaTier>;

export const ZSlaTier = z.object({
  code: z.string(),
  replyUnit: ZSlaReplyUnit,
  replyAmount: z.number().int(),
  acceptMinutes: z.number().int(),
  contactMinutes: z.number().int(),
  warnPercent: z.number().int(),
  updatedAt: z.string(),
});
export type TSlaTier = z.infer<typeof ZSlaTier>;

export const ZSlaTierList = z.object({ items: z.array(ZSlaTier) });
export type TSlaTierList = z.infer<typeof ZSlaTierList>;

export const ZSlaUrgency = z.enum(['normal', 'urgent']);

export const ZCreateSlaRule = z.object({
  /** A category code; the rule covers it and its subcategories. Null = every category. */
  categoryCode: z.string().nullable().default(null),
  urgency: ZSlaUrgency.nullable().default(null),
  unitType: ZUnitType.nullable().default(null),
  tier: z.string().regex(SLA_TIER_CODE_PATTERN),
});
export type TCreateSlaRule = z.infer<typeof ZCreateSlaRule>;

export const ZSlaRule = z.object({
  id: z.string(),
  categoryCode: z.string().nullable(),
  categoryName: z.object({ zh: z.string(), en: z.string() }).nullable(),
  urgency: ZSlaUrgency.nullable(),
  unitType: ZUnitType.nullable(),
  tier: z.string(),
  createdAt: z.string(),
});
export type TSlaRule = z.infer<typeof ZSlaRule>;

export const ZSlaRuleList = z.object({ items: z.array(ZSlaRule) });
export type TSlaRuleList = z.infer<typeof ZSlaRuleList>;
