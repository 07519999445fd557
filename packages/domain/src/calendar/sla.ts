/**
 * Time limits (时限) of appeals: the four default tiers, the choice of tier, and deadlines.
 * Invariants: limits in hours or minutes run on the clock, nights and holidays included; limits in
 * working days follow the legal rule for periods (民法典 第201条: the day the period starts is not
 * counted), so a limit of N working days ends at 24:00 local time of the N-th working day after the
 * start's local date (00:00 of the following day). Paused time does not count toward a deadline: a
 * pause moves it by the clock time paused (clock limits) or by the working days paused (working-day
 * limits). A deadline that reaches into a year the calendar does not cover is provisional. The
 * warning falls at a configurable share of the clock time between start and deadline.
 */
import { AppError } from '../errors.ts';
import {
  isCovered,
  isWorkingDay,
  localDateOf,
  shiftIsoDate,
  startOfLocalDay,
  type BusinessCalendar,
} from './business-calendar.ts';

/** How a limit is counted: on the clock, or in working days. */
export type SlaLimitUnit = 'hours' | 'minutes' | 'workdays';

/** A time limit: an amount of a unit. */
export interface SlaLimit {
  unit: SlaLimitUnit;
  amount: number;
}

/** A computed deadline; provisional when it reaches into a year without calendar data. */
export interface Deadline {
  dueAt: Date;
  provisional: boolean;
}

/** The largest limit accepted, in each unit (a year of working days; 90 days on the clock). */
export const SLA_LIMIT_MAX: Readonly<Record<SlaLimitUnit, number>> = {
  workdays: 366,
  hours: 24 * 90,
  minutes: 60 * 24 * 90,
};

const MINUTE_MS = 60_000;

function checkLimit(limit: SlaLimit): void {
  if (!Number.isInteger(limit.amount) || limit.amount < 1 || limit.amount > SLA_LIMIT_MAX[limit.unit]) {
    throw new AppError(
      'VALIDATION_FAILED',
      `A time limit must be 1–${SLA_LIMIT_MAX[limit.unit]} ${limit.unit}.`,
    );
  }
}

/** The years from one local date to another, both included. */
function yearsBetween(from: string, to: string): number[] {
  const years: number[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) years.push(year);
  return years;
}

/** Returns the N-th working day after a local date (the date itself is not counted), and whether it was guessed. */
function nthWorkingDayAfter(
  cal: BusinessCalendar,
  date: string,
  count: number,
): { date: string; provisional: boolean } {
  let day = date;
  for (let counted = 0; counted < count;) {
    day = shiftIsoDate(day, 1);
    if (isWorkingDay(cal, day)) counted++;
  }
  const provisional = count > 0 && yearsBetween(shiftIsoDate(date, 1), day).some((y) => !isCovered(cal, y));
  return { date: day, provisional };
}

/**
 * Computes when a limit started at `start` runs out: on the clock for hours and minutes; for working
 * days at 24:00 local time of the N-th working day after the start's local date.
 */
export function computeDeadline(cal: BusinessCalendar, start: Date, limit: SlaLimit): Deadline {
  checkLimit(limit);
  if (limit.unit === 'hours') {
    return { dueAt: new Date(start.getTime() + limit.amount * 60 * MINUTE_MS), provisional: false };
  }
  if (limit.unit === 'minutes') {
    return { dueAt: new Date(start.getTime() + limit.amount * MINUTE_MS), provisional: false };
  }
  const last = nthWorkingDayAfter(cal, localDateOf(cal, start), limit.amount);
  return { dueAt: startOfLocalDay(cal, shiftIsoDate(last.date, 1)), provisional: last.provisional };
}

/** Returns when the warning is due: `percent` per cent of the clock time from start to deadline. */
export function warnAt(start: Date, due: Date, percent: number): Date {
  if (!(percent >= 0 && percent <= 100)) throw new AppError('VALIDATION_FAILED', 'A share is 0–100 %.');
  return new Date(start.getTime() + Math.floor(((due.getTime() - start.getTime()) * percent) / 100));
}

/**
 * Counts the working days a pause took: the working days after the pause's local date up to and
 * including the resumption's (a pause within one day takes none, as the start day is not counted).
 */
export function workingDaysPaused(cal: BusinessCalendar, pausedAt: Date, resumedAt: Date): number {
  const last = localDateOf(cal, resumedAt);
  let count = 0;
  for (let day = shiftIsoDate(localDateOf(cal, pausedAt), 1); day <= last; day = shiftIsoDate(day, 1)) {
    if (isWorkingDay(cal, day)) count++;
  }
  return count;
}

/**
 * Moves a deadline by the time an appeal was paused: by the clock time paused for hour and minute
 * limits, by the working days paused for working-day limits (keeping the deadline's time of day).
 */
export function resumeDeadline(
  cal: BusinessCalendar,
  unit: SlaLimitUnit,
  dueAt: Date,
  pausedAt: Date,
  resumedAt: Date,
): Deadline {
  if (resumedAt.getTime() < pausedAt.getTime()) {
    throw new AppError('VALIDATION_FAILED', 'A pause cannot end before it starts.');
  }
  if (unit !== 'workdays') {
    return {
      dueAt: new Date(dueAt.getTime() + resumedAt.getTime() - pausedAt.getTime()),
      provisional: false,
    };
  }
  const paused = workingDaysPaused(cal, pausedAt, resumedAt);
  // The last counted day is the one the deadline ends (a 24:00 deadline belongs to the day before).
  const lastDay = localDateOf(cal, new Date(dueAt.getTime() - 1));
  const timeOfDay = dueAt.getTime() - startOfLocalDay(cal, lastDay).getTime();
  if (paused === 0) {
    const provisional = !isCovered(cal, Number(lastDay.slice(0, 4)));
    return { dueAt, provisional };
  }
  const moved = nthWorkingDayAfter(cal, lastDay, paused);
  return {
    dueAt: new Date(startOfLocalDay(cal, moved.date).getTime() + timeOfDay),
    provisional: moved.provisional,
  };
}

/** The urgency of an appeal as the tier choice sees it. */
export type SlaUrgency = 'normal' | 'urgent';

/** A tier's limits: replying (in hours or working days), accepting and contacting (in minutes). */
export interface SlaTierConfig {
  code: string;
  replyUnit: 'hours' | 'workdays';
  replyAmount: number;
  acceptMinutes: number;
  contactMinutes: number;
  /** The share of each limit, in per cent, after which a warning is raised. */
  warnPercent: number;
}

/** The four tiers of 接诉即办 (RULES.md): 2 hours, 24 hours, 7 and 15 working days; a warning at 80 %. */
export const DEFAULT_SLA_TIERS: readonly SlaTierConfig[] = [
  { code: '2h', replyUnit: 'hours', replyAmount: 2, acceptMinutes: 30, contactMinutes: 60, warnPercent: 80 },
  {
    code: '24h',
    replyUnit: 'hours',
    replyAmount: 24,
    acceptMinutes: 120,
    contactMinutes: 240,
    warnPercent: 80,
  },
  {
    code: '7d',
    replyUnit: 'workdays',
    replyAmount: 7,
    acceptMinutes: 240,
    contactMinutes: 1440,
    warnPercent: 80,
  },
  {
    code: '15d',
    replyUnit: 'workdays',
    replyAmount: 15,
    acceptMinutes: 240,
    contactMinutes: 1440,
    warnPercent: 80,
  },
];

/** The tier of ordinary appeals. */
export const DEFAULT_SLA_TIER = '7d';
/** The tier of urgent appeals when no rule names urgent ones. */
export const URGENT_SLA_TIER = '2h';

/** One deadline with its warning. */
export interface PlannedDeadline {
  dueAt: Date;
  warnAt: Date;
}

/** The three deadlines of one handling round. */
export interface DeadlinePlan {
  tier: string;
  accept: PlannedDeadline;
  contact: PlannedDeadline;
  reply: PlannedDeadline;
  provisional: boolean;
}

/**
 * Plans the accept, contact and reply deadlines of a round started at `start`. All three count from
 * the start (intake, dispatch or reopening): contacting is not pushed back by a late acceptance.
 */
export function planDeadlines(cal: BusinessCalendar, tier: SlaTierConfig, start: Date): DeadlinePlan {
  const plan = (limit: SlaLimit) => {
    const deadline = computeDeadline(cal, start, limit);
    return { dueAt: deadline.dueAt, warnAt: warnAt(start, deadline.dueAt, tier.warnPercent), deadline };
  };
  const accept = plan({ unit: 'minutes', amount: tier.acceptMinutes });
  const contact = plan({ unit: 'minutes', amount: tier.contactMinutes });
  const reply = plan({ unit: tier.replyUnit, amount: tier.replyAmount });
  return {
    tier: tier.code,
    accept: { dueAt: accept.dueAt, warnAt: accept.warnAt },
    contact: { dueAt: contact.dueAt, warnAt: contact.warnAt },
    reply: { dueAt: reply.dueAt, warnAt: reply.warnAt },
    provisional: reply.deadline.provisional,
  };
}

/** A configured rule: which tier applies to a category (and its subcategories), urgency and unit type. */
export interface SlaRule {
  id: string;
  categoryCode: string | null;
  urgency: SlaUrgency | null;
  unitType: string | null;
  tier: string;
}

/** What the tier choice looks at. */
export interface SlaTierInput {
  /** The appeal's category and its ancestors, leaf first (empty when uncategorised). */
  categoryAncestry: readonly string[];
  /** Each category's own tier (null: its parent's). */
  categoryTiers: ReadonlyMap<string, string | null>;
  urgency: SlaUrgency;
  /** The handling unit's type, when known (null at intake before dispatch). */
  unitType: string | null;
  rules: readonly SlaRule[];
  defaultTier?: string;
}

/** The chosen tier and why. */
export interface SlaTierChoice {
  tier: string;
  because: string;
  /** What decided: a rule, the urgency, a category's own tier, or the default. */
  decidedBy: 'rule' | 'urgency' | 'category' | 'default';
  ruleId?: string;
  categoryCode?: string;
}

/** Specificity of a rule that applies: [category depth, urgency named, unit type named]; null if it does not apply. */
function ruleSpecificity(rule: SlaRule, input: SlaTierInput): [number, number, number] | null {
  let categoryDepth = 0;
  if (rule.categoryCode !== null) {
    const index = input.categoryAncestry.indexOf(rule.categoryCode);
    if (index < 0) return null;
    categoryDepth = input.categoryAncestry.length - index;
  }
  if (rule.urgency !== null && rule.urgency !== input.urgency) return null;
  // An urgent appeal follows only rules written for urgent appeals; the others fall to the 2-hour tier.
  if (input.urgency === 'urgent' && rule.urgency === null) return null;
  if (rule.unitType !== null && rule.unitType !== input.unitType) return null;
  return [categoryDepth, rule.urgency === null ? 0 : 1, rule.unitType === null ? 0 : 1];
}

function compareSpecificity(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function describeRule(rule: SlaRule): string {
  const parts = [
    rule.categoryCode === null ? 'every category' : `category ${rule.categoryCode}`,
    rule.urgency === null ? null : `urgency ${rule.urgency}`,
    rule.unitType === null ? null : `unit type ${rule.unitType}`,
  ].filter((p) => p !== null);
  return `rule ${rule.id} (${parts.join(', ')})`;
}

/**
 * Chooses an appeal's tier: the most specific applying rule (deepest category, then urgency named,
 * then unit type named; ties to the smallest id); else 2 hours for an urgent appeal; else the nearest
 * category's own tier; else the default. An urgent appeal follows only rules that name urgent.
 */
export function chooseSlaTier(input: SlaTierInput): SlaTierChoice {
  let best: { rule: SlaRule; specificity: [number, number, number] } | null = null;
  for (const rule of input.rules) {
    const specificity = ruleSpecificity(rule, input);
    if (!specificity) continue;
    const order = best ? compareSpecificity(specificity, best.specificity) : 1;
    if (!best || order > 0 || (order === 0 && rule.id < best.rule.id)) best = { rule, specificity };
  }
  if (best) {
    return {
      tier: best.rule.tier,
      because: `${describeRule(best.rule)} is the most specific rule that applies`,
      decidedBy: 'rule',
      ruleId: best.rule.id,
    };
  }
  if (input.urgency === 'urgent') {
    return {
      tier: URGENT_SLA_TIER,
      because: 'urgent appeals are answered within 2 hours unless a rule for urgent appeals says otherwise',
      decidedBy: 'urgency',
    };
  }
  for (const code of input.categoryAncestry) {
    const tier = input.categoryTiers.get(code);
    if (tier)
      return {
        tier,
        because: `category ${code} has tier ${tier}`,
        decidedBy: 'category',
        categoryCode: code,
      };
  }
  const tier = input.defaultTier ?? DEFAULT_SLA_TIER;
  return { tier, because: `no rule or category tier applies; the default is ${tier}`, decidedBy: 'default' };
}
