import { describe, expect, it } from 'vitest';
import { buildBusinessCalendar } from './business-calendar.ts';
import {
  chooseSlaTier,
  computeDeadline,
  DEFAULT_SLA_TIERS,
  planDeadlines,
  resumeDeadline,
  warnAt,
  workingDaysPaused,
  type SlaRule,
  type SlaTierInput,
} from './sla.ts';

const cal = buildBusinessCalendar();
const at = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => at(local).toISOString();

describe('working-day deadlines (the start day is not counted; due at 24:00 of the N-th working day)', () => {
  it.each([
    // A Friday before a holiday: 2026-04-03 before Qingming (4.4–4.6, Saturday to Monday).
    ['Friday before Qingming 2026, 1 day', '2026-04-03T17:00:00', 1, '2026-04-08T00:00:00'],
    // A Friday followed by a 调休 Sunday (2026-09-20 is worked for National Day).
    ['Friday before the 调休 Sunday 2026-09-20', '2026-09-18T10:00:00', 1, '2026-09-21T00:00:00'],
    // A Friday before the Mid-Autumn Festival 2024, whose Saturday 9.14 was worked.
    ['Friday before Mid-Autumn 2024, 1 day', '2024-09-13T16:00:00', 1, '2024-09-15T00:00:00'],
    ['Friday before Mid-Autumn 2024, 2 days', '2024-09-13T16:00:00', 2, '2024-09-19T00:00:00'],
    // The Tuesday before National Day 2025 (10.1–10.8; Saturday 10.11 worked).
    ['Tuesday before National Day 2025', '2025-09-30T10:00:00', 7, '2025-10-17T00:00:00'],
    // The Wednesday before Qingming 2024 (4.4–4.6; Sunday 4.7 worked).
    ['Wednesday before Qingming 2024, 1 day', '2024-04-03T15:00:00', 1, '2024-04-08T00:00:00'],
    ['Wednesday before Qingming 2024, 7 days', '2024-04-03T15:00:00', 7, '2024-04-16T00:00:00'],
    // 调休 Sundays count as working days.
    ['a 调休 Sunday after New Year 2026', '2026-01-03T12:00:00', 1, '2026-01-05T00:00:00'],
    ['a 调休 Sunday before National Day 2025', '2025-09-27T12:00:00', 1, '2025-09-29T00:00:00'],
    // Spring Festival 2026: Saturday 2.14 and Saturday 2.28 are worked, 2.15–2.23 are off.
    ['Spring Festival 2026', '2026-02-13T09:00:00', 7, '2026-03-03T00:00:00'],
    ['Spring Festival 2026, started on a holiday', '2026-02-18T09:00:00', 1, '2026-02-25T00:00:00'],
    // Across New Year: 12.26, 12.29–12.31, then 1.1–1.3 off, Sunday 1.4 worked, 1.5, 1.6.
    ['across New Year 2026', '2025-12-25T14:00:00', 7, '2026-01-07T00:00:00'],
    // Exactly at the day's boundaries (local time).
    ['a Monday at 00:00', '2026-03-02T00:00:00', 1, '2026-03-04T00:00:00'],
    ['a Monday at 23:59:59.999', '2026-03-02T23:59:59.999', 1, '2026-03-04T00:00:00'],
    ['a Sunday at 23:59:59.999', '2026-03-01T23:59:59.999', 1, '2026-03-03T00:00:00'],
    ['an ordinary week', '2026-03-02T09:00:00', 7, '2026-03-12T00:00:00'],
    ['15 working days across Labour Day 2026', '2026-04-27T09:00:00', 15, '2026-05-21T00:00:00'],
  ])('%s: %s + %i working days → %s', (_case, start, days, due) => {
    const deadline = computeDeadline(cal, at(start), { unit: 'workdays', amount: days });
    expect(deadline.dueAt.toISOString()).toBe(iso(due));
    expect(deadline.provisional).toBe(false);
  });

  it('counts the local date, not the UTC one', () => {
    // 2026-03-01T16:30Z is Monday 00:30 in Beijing (Sunday in UTC).
    const deadline = computeDeadline(cal, new Date('2026-03-01T16:30:00Z'), { unit: 'workdays', amount: 1 });
    expect(deadline.dueAt.toISOString()).toBe('2026-03-03T16:00:00.000Z');
  });

  it('marks a deadline provisional when it reaches into a year without data (2027)', () => {
    const late = computeDeadline(cal, at('2026-12-28T09:00:00'), { unit: 'workdays', amount: 7 });
    // 12.29–12.31, then 2027's plain weekdays 1.1, 1.4, 1.5, 1.6.
    expect(late.dueAt.toISOString()).toBe(iso('2027-01-07T00:00:00'));
    expect(late.provisional).toBe(true);
    expect(computeDeadline(cal, at('2027-03-01T09:00:00'), { unit: 'workdays', amount: 1 }).provisional).toBe(
      true,
    );
    // Ending on 2026-12-31 (24:00) stays inside 2026.
    expect(computeDeadline(cal, at('2026-12-30T09:00:00'), { unit: 'workdays', amount: 1 })).toEqual({
      dueAt: at('2027-01-01T00:00:00'),
      provisional: false,
    });
    // Once an admin entered 2027, it is no longer provisional.
    const entered = buildBusinessCalendar({
      overrides: [{ date: '2027-01-01', working: false, name: '元旦', source: 'notice' }],
    });
    expect(computeDeadline(entered, at('2026-12-28T09:00:00'), { unit: 'workdays', amount: 7 })).toEqual({
      dueAt: at('2027-01-08T00:00:00'),
      provisional: false,
    });
  });
});

describe('clock deadlines', () => {
  it.each([
    ['2 hours across midnight', '2026-03-02T23:00:00', 'hours', 2, '2026-03-03T01:00:00'],
    ['24 hours over a holiday', '2026-02-14T10:00:00', 'hours', 24, '2026-02-15T10:00:00'],
    ['30 minutes at 23:59:59.999', '2026-12-31T23:59:59.999', 'minutes', 30, '2027-01-01T00:29:59.999'],
    ['24 hours in an uncovered year', '2027-05-01T08:00:00', 'hours', 24, '2027-05-02T08:00:00'],
  ] as const)('%s', (_case, start, unit, amount, due) => {
    expect(computeDeadline(cal, at(start), { unit, amount })).toEqual({ dueAt: at(due), provisional: false });
  });

  it.each([
    ['zero', 'workdays', 0],
    ['negative', 'hours', -1],
    ['fractional', 'minutes', 1.5],
    ['too long', 'workdays', 367],
  ] as const)('refuses a %s limit', (_case, unit, amount) => {
    expect(() => computeDeadline(cal, at('2026-03-02T09:00:00'), { unit, amount })).toThrow(/time limit/);
  });
});

describe('warnings', () => {
  it.each([
    ['80 % of 2 hours', '2026-03-02T09:00:00', '2026-03-02T11:00:00', 80, '2026-03-02T10:36:00'],
    ['80 % of a 7-day limit', '2026-03-02T09:00:00', '2026-03-12T00:00:00', 80, '2026-03-10T01:48:00'],
    ['0 %', '2026-03-02T09:00:00', '2026-03-02T11:00:00', 0, '2026-03-02T09:00:00'],
    ['100 %', '2026-03-02T09:00:00', '2026-03-02T11:00:00', 100, '2026-03-02T11:00:00'],
  ])('%s', (_case, start, due, percent, expected) => {
    expect(warnAt(at(start), at(due), percent)).toEqual(at(expected));
  });

  it('refuses a share outside 0–100 %', () => {
    expect(() => warnAt(at('2026-03-02T09:00:00'), at('2026-03-02T11:00:00'), 101)).toThrow();
  });
});

describe('pauses', () => {
  it('moves a clock deadline by the time paused', () => {
    expect(
      resumeDeadline(
        cal,
        'hours',
        at('2026-03-02T11:00:00'),
        at('2026-03-02T09:30:00'),
        at('2026-03-02T10:00:00'),
      ),
    ).toEqual({ dueAt: at('2026-03-02T11:30:00'), provisional: false });
  });

  it.each([
    // Paused Tue, resumed Thu: Wed and Thu are lost, so Wed 3.11 → Fri 3.13.
    ['two working days', '2026-03-03T10:00:00', '2026-03-05T16:00:00', 2, '2026-03-14T00:00:00'],
    ['within one day', '2026-03-03T10:00:00', '2026-03-03T16:00:00', 0, '2026-03-12T00:00:00'],
    // Fri → Mon: only Monday counts.
    ['over a weekend', '2026-03-06T17:00:00', '2026-03-09T09:00:00', 1, '2026-03-13T00:00:00'],
  ])('moves a working-day deadline by the working days paused: %s', (_case, paused, resumed, days, due) => {
    expect(workingDaysPaused(cal, at(paused), at(resumed))).toBe(days);
    const moved = resumeDeadline(cal, 'workdays', at('2026-03-12T00:00:00'), at(paused), at(resumed));
    expect(moved).toEqual({ dueAt: at(due), provisional: false });
  });

  it('skips holidays when it moves a working-day deadline', () => {
    // Due at the end of Fri 2.13; paused one working day → the next working day is Saturday 2.14 (调休).
    const moved = resumeDeadline(
      cal,
      'workdays',
      at('2026-02-14T00:00:00'),
      at('2026-02-11T10:00:00'),
      at('2026-02-12T10:00:00'),
    );
    expect(moved.dueAt).toEqual(at('2026-02-15T00:00:00'));
    // Two working days → past the Spring Festival, to Tue 2.24.
    const longer = resumeDeadline(
      cal,
      'workdays',
      at('2026-02-14T00:00:00'),
      at('2026-02-10T10:00:00'),
      at('2026-02-12T10:00:00'),
    );
    expect(longer.dueAt).toEqual(at('2026-02-25T00:00:00'));
  });

  it('refuses a pause that ends before it starts', () => {
    expect(() =>
      resumeDeadline(
        cal,
        'hours',
        at('2026-03-02T11:00:00'),
        at('2026-03-02T10:00:00'),
        at('2026-03-02T09:00:00'),
      ),
    ).toThrow();
  });
});

describe('planning a round', () => {
  it('counts accept, contact and reply from the start with warnings at 80 %', () => {
    const tier = DEFAULT_SLA_TIERS.find((t) => t.code === '2h')!;
    const plan = planDeadlines(cal, tier, at('2026-03-02T09:00:00'));
    expect(plan).toEqual({
      tier: '2h',
      accept: { dueAt: at('2026-03-02T09:30:00'), warnAt: at('2026-03-02T09:24:00') },
      contact: { dueAt: at('2026-03-02T10:00:00'), warnAt: at('2026-03-02T09:48:00') },
      reply: { dueAt: at('2026-03-02T11:00:00'), warnAt: at('2026-03-02T10:36:00') },
      provisional: false,
    });
  });

  it('plans a 7-day round on working days and marks it provisional past the data', () => {
    const tier = DEFAULT_SLA_TIERS.find((t) => t.code === '7d')!;
    const plan = planDeadlines(cal, tier, at('2026-02-13T09:00:00'));
    expect(plan.accept.dueAt).toEqual(at('2026-02-13T13:00:00'));
    expect(plan.contact.dueAt).toEqual(at('2026-02-14T09:00:00'));
    expect(plan.reply.dueAt).toEqual(at('2026-03-03T00:00:00'));
    expect(plan.provisional).toBe(false);
    expect(planDeadlines(cal, tier, at('2026-12-28T09:00:00')).provisional).toBe(true);
  });

  it('ships the four default tiers', () => {
    expect(DEFAULT_SLA_TIERS.map((t) => [t.code, t.replyUnit, t.replyAmount, t.warnPercent])).toEqual([
      ['2h', 'hours', 2, 80],
      ['24h', 'hours', 24, 80],
      ['7d', 'workdays', 7, 80],
      ['15d', 'workdays', 15, 80],
    ]);
  });
});

describe('choosing a tier', () => {
  const rules: SlaRule[] = [
    { id: 'r-any-enterprise', categoryCode: null, urgency: null, unitType: 'enterprise', tier: '24h' },
    { id: 'r-05', categoryCode: '05', urgency: null, unitType: null, tier: '24h' },
    { id: 'r-0503', categoryCode: '0503', urgency: null, unitType: null, tier: '15d' },
    { id: 'r-0503-normal', categoryCode: '0503', urgency: 'normal', unitType: null, tier: '7d' },
    { id: 'r-0503-normal-street', categoryCode: '0503', urgency: 'normal', unitType: 'street', tier: '15d' },
    { id: 'r-050301-urgent', categoryCode: '050301', urgency: 'urgent', unitType: null, tier: '24h' },
    { id: 'r-urgent', categoryCode: null, urgency: 'urgent', unitType: null, tier: '2h' },
  ];
  const categoryTiers = new Map<string, string | null>([
    ['01', null],
    ['0101', '15d'],
    ['010101', null],
    ['05', '24h'],
  ]);
  const base: Omit<SlaTierInput, 'categoryAncestry'> = {
    categoryTiers,
    urgency: 'normal',
    unitType: null,
    rules,
  };

  it.each([
    ['the deepest category wins', ['050301', '0503', '05'], 'normal', null, '7d', 'r-0503-normal'],
    ['then the unit type', ['050301', '0503', '05'], 'normal', 'street', '15d', 'r-0503-normal-street'],
    ['a deeper category beats urgency', ['0503', '05'], 'normal', 'enterprise', '7d', 'r-0503-normal'],
    ['a category rule beats a unit-type rule', ['0501', '05'], 'normal', 'enterprise', '24h', 'r-05'],
    ['a rule for urgent appeals', ['050301', '0503', '05'], 'urgent', null, '24h', 'r-050301-urgent'],
    ['a general rule for urgent appeals', ['0503', '05'], 'urgent', null, '2h', 'r-urgent'],
    ['a unit-type rule with no category', ['0101', '01'], 'normal', 'enterprise', '24h', 'r-any-enterprise'],
  ] as const)('%s', (_case, ancestry, urgency, unitType, tier, ruleId) => {
    const choice = chooseSlaTier({ ...base, categoryAncestry: ancestry, urgency, unitType });
    expect(choice).toMatchObject({ tier, decidedBy: 'rule', ruleId });
    expect(choice.because).toContain(ruleId);
  });

  it('gives urgent appeals 2 hours unless a rule names urgent appeals', () => {
    const noUrgentRules = rules.filter((r) => r.urgency !== 'urgent');
    expect(
      chooseSlaTier({ ...base, rules: noUrgentRules, categoryAncestry: ['0503', '05'], urgency: 'urgent' }),
    ).toMatchObject({ tier: '2h', decidedBy: 'urgency' });
  });

  it("falls back to the nearest category's own tier, then the default", () => {
    expect(chooseSlaTier({ ...base, rules: [], categoryAncestry: ['010101', '0101', '01'] })).toMatchObject({
      tier: '15d',
      decidedBy: 'category',
      categoryCode: '0101',
    });
    expect(chooseSlaTier({ ...base, rules: [], categoryAncestry: ['020101', '0201', '02'] })).toMatchObject({
      tier: '7d',
      decidedBy: 'default',
    });
    expect(chooseSlaTier({ ...base, rules: [], categoryAncestry: [], defaultTier: '15d' }).tier).toBe('15d');
  });

  it('breaks a tie between equally specific rules by the smaller id, whatever the order', () => {
    const tied: SlaRule[] = [
      { id: 'b', categoryCode: '02', urgency: null, unitType: null, tier: '15d' },
      { id: 'a', categoryCode: '02', urgency: null, unitType: null, tier: '24h' },
    ];
    for (const order of [tied, [...tied].reverse()]) {
      expect(chooseSlaTier({ ...base, rules: order, categoryAncestry: ['0201', '02'] }).ruleId).toBe('a');
    }
  });
});
