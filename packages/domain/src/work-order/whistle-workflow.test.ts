import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../errors.ts';
import { allowedActions, decide, refusalReason, type Decision, type WorkOrderKind } from './engine.ts';
import {
  DEFAULT_CHECK_IN_MINUTES,
  STEWARD_ANSWER_HOURS,
  STEWARD_CASE_ACTIONS,
  STEWARD_CASE_KIND,
  STEWARD_CASE_STATES,
  SUMMONS_ACTIONS,
  SUMMONS_KIND,
  SUMMONS_ROLES,
  SUMMONS_STATES,
  SYSTEM_WHISTLE_ACTIONS,
  WHISTLE_ACTION_PERMISSION,
  WHISTLE_ACTIONS,
  WHISTLE_KIND,
  WHISTLE_LEVELS,
  WHISTLE_NOTIFICATION_KINDS,
  WHISTLE_STATES,
  isLateCheckIn,
  levelAbove,
  owesPart,
  type StewardCaseAction,
  type StewardCaseContext,
  type StewardCaseEffect,
  type StewardCaseState,
  type SummonsAction,
  type SummonsContext,
  type SummonsRole,
  type SummonsState,
  type WhistleAction,
  type WhistleContext,
  type WhistleEffect,
  type WhistleLevel,
  type WhistleState,
} from './whistle-workflow.ts';

/** Returns the error an action raises, or fails the test when it is allowed. */
function refusal<S extends string, A extends string, E, C>(
  kind: WorkOrderKind<S, A, E, C>,
  state: S,
  action: A,
  ctx: C,
): AppError {
  try {
    decide(kind, state, action, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`${kind.name}: ${state} × ${action} was allowed`);
}

/** Checks that an action is refused with the kind's code, the state, the action and the reason. */
function expectRefused<S extends string, A extends string, E, C>(
  kind: WorkOrderKind<S, A, E, C>,
  state: S,
  action: A,
  ctx: C,
  reason: string,
  code: ErrorCode,
): void {
  const error = refusal(kind, state, action, ctx);
  expect(error.code).toBe(code);
  expect(error.details).toEqual({ state, action, reason });
  expect(refusalReason(kind, state, action, ctx)).toBe(reason);
}

// ---- The whistle ----

/**
 * A context in which every guard passes: a street-level whistle, the unit acting is the lead, the new
 * lead has checked in, no part is owed, two summons are active and the one withdrawn is not the lead's.
 */
const base: WhistleContext = {
  level: 'street',
  byLead: true,
  newLeadCheckedIn: true,
  partsOutstanding: 0,
  activeSummons: 2,
  withdrawingLead: false,
};

type Expected<S extends string, A extends string, E> = Record<
  S,
  Partial<Record<A, { next: S; effects: readonly E[] }>>
>;

const checkInEffects: WhistleEffect[] = [
  { type: 'stopCheckInClock' },
  { type: 'notifyWhistler', kind: 'checkedIn' },
];
const partEffects: WhistleEffect[] = [{ type: 'notifyLead', kind: 'partReported' }];
const summonMoreEffects: WhistleEffect[] = [
  { type: 'startCheckInClocks' },
  { type: 'notifySummoned', kind: 'summoned' },
];
const withdrawEffects: WhistleEffect[] = [
  { type: 'stopCheckInClock' },
  { type: 'notifyLead', kind: 'withdrawn' },
];
const changeLeadEffects: WhistleEffect[] = [{ type: 'notifySummoned', kind: 'leadChanged' }];
const missedEffects: WhistleEffect[] = [
  { type: 'notifyDistrict', kind: 'checkInMissed' },
  { type: 'notifyWhistler', kind: 'checkInMissed' },
];
const escalateEffects: WhistleEffect[] = [{ type: 'notifyLevel', kind: 'escalated' }];
const cancelEffects: WhistleEffect[] = [
  { type: 'stopAllClocks' },
  { type: 'notifySummoned', kind: 'cancelled' },
];

/**
 * Written by hand from the issue and the brief, independent of the table: for every state, each action
 * allowed with the base context, the state it leads to and its effects. Anything not listed is refused.
 */
const EXPECTED: Expected<WhistleState, WhistleAction, WhistleEffect> = {
  summoning: {
    checkIn: { next: 'handling', effects: checkInEffects },
    summonMore: { next: 'summoning', effects: summonMoreEffects },
    withdrawSummons: { next: 'summoning', effects: withdrawEffects },
    changeLead: { next: 'handling', effects: changeLeadEffects },
    markMissed: { next: 'summoning', effects: missedEffects },
    reportPart: { next: 'summoning', effects: partEffects },
    escalate: { next: 'summoning', effects: escalateEffects },
    addNote: { next: 'summoning', effects: [] },
    cancel: { next: 'cancelled', effects: cancelEffects },
  },
  handling: {
    checkIn: { next: 'handling', effects: checkInEffects },
    summonMore: { next: 'handling', effects: summonMoreEffects },
    withdrawSummons: { next: 'handling', effects: withdrawEffects },
    changeLead: { next: 'handling', effects: changeLeadEffects },
    markMissed: { next: 'handling', effects: missedEffects },
    reportPart: { next: 'handling', effects: partEffects },
    reportResult: { next: 'resultReported', effects: [{ type: 'notifyWhistler', kind: 'resultReported' }] },
    escalate: { next: 'handling', effects: escalateEffects },
    addNote: { next: 'handling', effects: [] },
    cancel: { next: 'cancelled', effects: cancelEffects },
  },
  resultReported: {
    confirm: {
      next: 'closed',
      effects: [
        { type: 'stopAllClocks' },
        { type: 'notifySummoned', kind: 'confirmed' },
        { type: 'notifyWhistler', kind: 'confirmed' },
      ],
    },
    sendBack: { next: 'handling', effects: [{ type: 'notifyLead', kind: 'sentBack' }] },
    addNote: { next: 'resultReported', effects: [] },
  },
  closed: {},
  cancelled: {},
};

describe('the whistle transition table, every state × every action', () => {
  const cases = WHISTLE_STATES.flatMap((state) => WHISTLE_ACTIONS.map((action) => [state, action] as const));
  it('covers all states and actions', () => {
    expect(cases).toHaveLength(WHISTLE_STATES.length * WHISTLE_ACTIONS.length);
    expect(cases).toHaveLength(60);
  });
  it.each(cases)('%s × %s', (state, action) => {
    const expected = EXPECTED[state][action];
    if (expected === undefined) {
      expectRefused(WHISTLE_KIND, state, action, base, 'notAllowedInState', 'WHISTLE_TRANSITION_NOT_ALLOWED');
    } else {
      expect(decide(WHISTLE_KIND, state, action, base)).toEqual(expected);
    }
  });
  it('lists exactly the expected actions as allowed', () => {
    for (const state of WHISTLE_STATES) {
      expect(allowedActions(WHISTLE_KIND, state, base).sort()).toEqual(Object.keys(EXPECTED[state]).sort());
    }
  });
  it('has no way out of its final states', () => {
    expect(WHISTLE_KIND.finalStates).toEqual(['closed', 'cancelled']);
    for (const state of WHISTLE_KIND.finalStates) {
      expect(WHISTLE_KIND.table[state]).toEqual({});
      for (const action of WHISTLE_ACTIONS) {
        expect(refusalReason(WHISTLE_KIND, state, action, base)).toBe('notAllowedInState');
      }
    }
  });
  it('reports its refusals with its own error code', () => {
    expect(WHISTLE_KIND.errorCode).toBe('WHISTLE_TRANSITION_NOT_ALLOWED');
    expect(WHISTLE_KIND.name).toBe('whistle');
  });
});

/** Every combination of the context's fields, to check the rules that hold in all of them. */
const ALL_CONTEXTS: WhistleContext[] = WHISTLE_LEVELS.flatMap((level) =>
  [true, false].flatMap((byLead) =>
    [true, false].flatMap((newLeadCheckedIn) =>
      [0, 1, 2].flatMap((partsOutstanding) =>
        [1, 2, 3].flatMap((activeSummons) =>
          [true, false].map((withdrawingLead) => ({
            level,
            byLead,
            newLeadCheckedIn,
            partsOutstanding,
            activeSummons,
            withdrawingLead,
          })),
        ),
      ),
    ),
  ),
);

describe('rules that hold in every context', () => {
  const moves = WHISTLE_STATES.flatMap((state) =>
    WHISTLE_ACTIONS.flatMap((action) =>
      ALL_CONTEXTS.flatMap((ctx) =>
        refusalReason(WHISTLE_KIND, state, action, ctx) === null
          ? [{ state, action, ctx, ...decide(WHISTLE_KIND, state, action, ctx) }]
          : [],
      ),
    ),
  );
  it('decides and refuses consistently', () => {
    // Collected first and compared once: 17,280 cases are too many for one expect() each.
    const mismatches: string[] = [];
    for (const state of WHISTLE_STATES) {
      for (const action of WHISTLE_ACTIONS) {
        for (const ctx of ALL_CONTEXTS) {
          const reason = refusalReason(WHISTLE_KIND, state, action, ctx);
          let outcome: string;
          try {
            outcome = `next:${decide(WHISTLE_KIND, state, action, ctx).next}`;
          } catch (error) {
            const { code, details } = error as AppError;
            outcome = `${code}:${JSON.stringify(details)}`;
          }
          const expected =
            reason === null
              ? /^next:(summoning|handling|resultReported|closed|cancelled)$/
              : `WHISTLE_TRANSITION_NOT_ALLOWED:${JSON.stringify({ state, action, reason })}`;
          const matches = typeof expected === 'string' ? outcome === expected : expected.test(outcome);
          if (!matches) mismatches.push(`${state} × ${action} ${JSON.stringify(ctx)} → ${outcome}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
  it('enters handling from summoning only when the lead has checked in', () => {
    for (const move of moves.filter((m) => m.state === 'summoning' && m.next === 'handling')) {
      const leadIn =
        (move.action === 'checkIn' && move.ctx.byLead === true) ||
        (move.action === 'changeLead' && move.ctx.newLeadCheckedIn === true);
      expect(leadIn, `${move.action} ${JSON.stringify(move.ctx)}`).toBe(true);
    }
  });
  it('falls back to summoning only when the lead changes to a unit not yet checked in', () => {
    for (const move of moves.filter((m) => m.state !== 'summoning' && m.next === 'summoning')) {
      expect(move.action).toBe('changeLead');
      expect(move.ctx.newLeadCheckedIn).toBe(false);
    }
  });
  it('reaches resultReported only by the result, with no part owed', () => {
    for (const move of moves.filter((m) => m.next === 'resultReported' && m.state !== 'resultReported')) {
      expect(move.action).toBe('reportResult');
      expect(move.state).toBe('handling');
      expect(move.ctx.partsOutstanding).toBe(0);
    }
  });
  it('closes only by the whistler’s confirmation of a reported result', () => {
    const closing = moves.filter((m) => m.next === 'closed');
    expect(new Set(closing.map((m) => `${m.state}:${m.action}`))).toEqual(
      new Set(['resultReported:confirm']),
    );
  });
  it('never escalates past the district', () => {
    for (const move of moves.filter((m) => m.action === 'escalate')) {
      expect(move.ctx.level).not.toBe('district');
    }
  });
  it('never withdraws the lead’s summons nor the last one', () => {
    for (const move of moves.filter((m) => m.action === 'withdrawSummons')) {
      expect(move.ctx.withdrawingLead).toBe(false);
      expect(move.ctx.activeSummons).toBeGreaterThan(1);
    }
  });
  it('uses every notification kind, and no effect writes to the appeal', () => {
    const kinds = new Set<string>();
    for (const move of moves) {
      for (const effect of move.effects) if ('kind' in effect) kinds.add(effect.kind);
    }
    expect([...kinds].sort()).toEqual([...WHISTLE_NOTIFICATION_KINDS].sort());
    const types = new Set(moves.flatMap((m) => m.effects.map((e) => e.type)));
    expect([...types].sort()).toEqual([
      'notifyDistrict',
      'notifyLead',
      'notifyLevel',
      'notifySummoned',
      'notifyWhistler',
      'startCheckInClocks',
      'stopAllClocks',
      'stopCheckInClock',
    ]);
  });
});

describe('whistle guards', () => {
  const code = 'WHISTLE_TRANSITION_NOT_ALLOWED';
  it('lets the lead report the result only when every part is in', () => {
    expectRefused(
      WHISTLE_KIND,
      'handling',
      'reportResult',
      { ...base, partsOutstanding: 1 },
      'partsOutstanding',
      code,
    );
    expectRefused(
      WHISTLE_KIND,
      'handling',
      'reportResult',
      { ...base, partsOutstanding: 3 },
      'partsOutstanding',
      code,
    );
    expect(decide(WHISTLE_KIND, 'handling', 'reportResult', { ...base, partsOutstanding: 0 }).next).toBe(
      'resultReported',
    );
  });
  it('refuses the result before the lead has checked in, whatever the parts', () => {
    expectRefused(WHISTLE_KIND, 'summoning', 'reportResult', base, 'notAllowedInState', code);
  });
  it.each(['summoning', 'handling'] as const)('escalates from %s until the top of the ladder', (state) => {
    for (const level of ['grid', 'community', 'street'] as const) {
      expect(decide(WHISTLE_KIND, state, 'escalate', { ...base, level }).next).toBe(state);
    }
    expectRefused(WHISTLE_KIND, state, 'escalate', { ...base, level: 'district' }, 'topOfLadder', code);
  });
  it.each(['summoning', 'handling'] as const)('in %s, keeps the lead and at least one summons', (state) => {
    expectRefused(
      WHISTLE_KIND,
      state,
      'withdrawSummons',
      { ...base, withdrawingLead: true },
      'changeLeadFirst',
      code,
    );
    // Withdrawing the lead is refused as such even when it is the only summons left.
    expectRefused(
      WHISTLE_KIND,
      state,
      'withdrawSummons',
      { ...base, withdrawingLead: true, activeSummons: 1 },
      'changeLeadFirst',
      code,
    );
    expectRefused(WHISTLE_KIND, state, 'withdrawSummons', { ...base, activeSummons: 1 }, 'lastSummons', code);
    expect(decide(WHISTLE_KIND, state, 'withdrawSummons', { ...base, activeSummons: 2 }).next).toBe(state);
  });
  it('does not withdraw, summon, re-lead, escalate or cancel once the result is reported', () => {
    for (const action of ['withdrawSummons', 'summonMore', 'changeLead', 'escalate', 'cancel'] as const) {
      expectRefused(WHISTLE_KIND, 'resultReported', action, base, 'notAllowedInState', code);
    }
  });
});

describe('check-in and the lead', () => {
  it('moves summoning → handling when the lead checks in, not when an assisting unit does', () => {
    expect(decide(WHISTLE_KIND, 'summoning', 'checkIn', { ...base, byLead: true }).next).toBe('handling');
    expect(decide(WHISTLE_KIND, 'summoning', 'checkIn', { ...base, byLead: false }).next).toBe('summoning');
    const { byLead: _omit, ...unknownUnit } = base;
    expect(decide(WHISTLE_KIND, 'summoning', 'checkIn', unknownUnit).next).toBe('summoning');
  });
  it('stays in handling when a unit summoned later checks in', () => {
    for (const byLead of [true, false]) {
      expect(decide(WHISTLE_KIND, 'handling', 'checkIn', { ...base, byLead }).next).toBe('handling');
    }
  });
  it('stops only the unit’s clock and tells the whistler, whoever checks in', () => {
    for (const byLead of [true, false]) {
      expect(decide(WHISTLE_KIND, 'summoning', 'checkIn', { ...base, byLead }).effects).toEqual(
        checkInEffects,
      );
    }
  });
  it.each([
    ['summoning', true, 'handling'],
    ['summoning', false, 'summoning'],
    ['handling', true, 'handling'],
    ['handling', false, 'summoning'],
  ] as const)('changes the lead in %s (new lead checked in: %s) → %s', (state, newLeadCheckedIn, next) => {
    expect(decide(WHISTLE_KIND, state, 'changeLead', { ...base, newLeadCheckedIn }).next).toBe(next);
  });
  it('lets an assisting unit deliver its part before the lead has checked in', () => {
    expect(decide(WHISTLE_KIND, 'summoning', 'reportPart', { ...base, byLead: false }).next).toBe(
      'summoning',
    );
  });
});

describe('who may take each action, and what the system alone does', () => {
  it.each([
    ['checkIn', 'whistle.respond'],
    ['reportPart', 'whistle.respond'],
    ['reportResult', 'whistle.respond'],
    ['summonMore', 'whistle.blow'],
    ['withdrawSummons', 'whistle.blow'],
    ['changeLead', 'whistle.blow'],
    ['markMissed', 'whistle.blow'],
    ['confirm', 'whistle.blow'],
    ['sendBack', 'whistle.blow'],
    ['escalate', 'whistle.blow'],
    ['cancel', 'whistle.blow'],
    ['addNote', 'whistle.read'],
  ] as const)('%s needs %s', (action, permission) => {
    expect(WHISTLE_ACTION_PERMISSION[action]).toBe(permission);
  });
  it('names a permission for every action and keeps markMissed for the sweeper', () => {
    expect(Object.keys(WHISTLE_ACTION_PERMISSION).sort()).toEqual([...WHISTLE_ACTIONS].sort());
    expect([...SYSTEM_WHISTLE_ACTIONS]).toEqual(['markMissed']);
  });
});

describe('the escalation ladder (小事不出网格、大事不出社区)', () => {
  it.each([
    ['grid', 'community'],
    ['community', 'street'],
    ['street', 'district'],
    ['district', null],
  ] as const)('above %s is %s', (level, above) => {
    expect(levelAbove(level)).toBe(above);
  });
  it('climbs from a grid to the district in three escalations, then stops', () => {
    let level: WhistleLevel = 'grid';
    const rungs: WhistleLevel[] = [level];
    for (;;) {
      if (refusalReason(WHISTLE_KIND, 'handling', 'escalate', { ...base, level }) !== null) break;
      const next = levelAbove(level);
      if (next === null) throw new Error('escalate was allowed at the top');
      level = next;
      rungs.push(level);
    }
    expect(rungs).toEqual(['grid', 'community', 'street', 'district']);
    expect(WHISTLE_LEVELS).toEqual(rungs);
  });
});

describe('check-in time', () => {
  const due = new Date('2026-03-02T09:30:00+08:00');
  it.each([
    ['a minute early', '2026-03-02T09:29:00+08:00', false],
    ['a millisecond early', '2026-03-02T09:29:59.999+08:00', false],
    ['exactly at the deadline (on time)', '2026-03-02T09:30:00+08:00', false],
    ['a millisecond late', '2026-03-02T09:30:00.001+08:00', true],
    ['a day late', '2026-03-03T09:30:00+08:00', true],
  ] as const)('%s', (_name, at, late) => {
    expect(isLateCheckIn(new Date(at), due)).toBe(late);
  });
  it('compares instants, not wall-clock strings', () => {
    expect(isLateCheckIn(new Date('2026-03-02T01:30:00Z'), due)).toBe(false);
    expect(isLateCheckIn(new Date('2026-03-02T01:30:01Z'), due)).toBe(true);
  });
  it('defaults to 30 minutes when urgent and 24 hours otherwise', () => {
    expect(DEFAULT_CHECK_IN_MINUTES).toEqual({ urgent: 30, normal: 1440 });
  });
});

// ---- One summons ----

const EXPECTED_SUMMONS: Record<SummonsState, Partial<Record<SummonsAction, SummonsState>>> = {
  summoned: { checkIn: 'checkedIn', markMissed: 'missed', withdraw: 'withdrawn' },
  // A missed check-in may still come (late); it is not missed twice.
  missed: { checkIn: 'checkedIn', withdraw: 'withdrawn' },
  checkedIn: { reportPart: 'partReported', withdraw: 'withdrawn' },
  partReported: {},
  withdrawn: {},
};

describe('the summons transition table, every state × every action × both roles', () => {
  const cases = SUMMONS_STATES.flatMap((state) =>
    SUMMONS_ACTIONS.flatMap((action) => SUMMONS_ROLES.map((role) => [state, action, role] as const)),
  );
  it('covers all states, actions and roles', () => {
    expect(cases).toHaveLength(SUMMONS_STATES.length * SUMMONS_ACTIONS.length * SUMMONS_ROLES.length);
    expect(cases).toHaveLength(40);
  });
  it.each(cases)('%s × %s (%s)', (state, action, role) => {
    const ctx: SummonsContext = { role };
    const expected = EXPECTED_SUMMONS[state][action];
    const code = 'WHISTLE_TRANSITION_NOT_ALLOWED';
    if (expected === undefined) {
      expectRefused(SUMMONS_KIND, state, action, ctx, 'notAllowedInState', code);
    } else if (action === 'reportPart' && role === 'lead') {
      expectRefused(SUMMONS_KIND, state, action, ctx, 'leadReportsTheResult', code);
    } else {
      expect(decide(SUMMONS_KIND, state, action, ctx)).toEqual({ next: expected, effects: [] });
    }
  });
  it('has no way out of its final states', () => {
    expect(SUMMONS_KIND.finalStates).toEqual(['partReported', 'withdrawn']);
    for (const state of SUMMONS_KIND.finalStates) {
      for (const action of SUMMONS_ACTIONS) {
        for (const role of SUMMONS_ROLES) {
          expect(refusalReason(SUMMONS_KIND, state, action, { role })).toBe('notAllowedInState');
        }
      }
    }
  });
  it('lets the lead only check in, be marked missed or be withdrawn (its result is the whistle’s)', () => {
    const lead: SummonsContext = { role: 'lead' };
    expect(allowedActions(SUMMONS_KIND, 'checkedIn', lead)).toEqual(['withdraw']);
    expect(allowedActions(SUMMONS_KIND, 'checkedIn', { role: 'assisting' })).toEqual([
      'reportPart',
      'withdraw',
    ]);
  });
});

describe('owesPart', () => {
  const cases = SUMMONS_ROLES.flatMap((role) => SUMMONS_STATES.map((state) => [role, state] as const));
  const owing: ReadonlySet<string> = new Set([
    'assisting:summoned',
    'assisting:missed',
    'assisting:checkedIn',
  ]);
  it.each(cases)('%s in %s', (role: SummonsRole, state: SummonsState) => {
    expect(owesPart({ role, state })).toBe(owing.has(`${role}:${state}`));
  });
});

// ---- Whole journeys through both tables, as the service runs them ----

interface SummonsRow {
  unit: string;
  role: SummonsRole;
  state: SummonsState;
  dueAt: Date;
  late?: boolean;
}

/**
 * A tiny stand-in for the service: it keeps a whistle and its summons, builds the whistle's context
 * from the summons exactly as the brief says (parts owed by owesPart, active = not withdrawn), and
 * decides each step with both tables.
 */
class Whistle {
  state: WhistleState = 'summoning';
  level: WhistleLevel = 'street';
  readonly effects: WhistleEffect[] = [];
  constructor(readonly summons: SummonsRow[]) {}

  private row(unit: string): SummonsRow {
    const row = this.summons.find((s) => s.unit === unit);
    if (!row) throw new Error(`no summons for ${unit}`);
    return row;
  }

  context(extra: Partial<WhistleContext> = {}): WhistleContext {
    return {
      level: this.level,
      partsOutstanding: this.summons.filter(owesPart).length,
      activeSummons: this.summons.filter((s) => s.state !== 'withdrawn').length,
      ...extra,
    };
  }

  private step(action: WhistleAction, ctx: WhistleContext): void {
    const decision = decide(WHISTLE_KIND, this.state, action, ctx);
    this.state = decision.next;
    this.effects.push(...decision.effects);
  }

  private moveSummons(unit: string, action: SummonsAction): void {
    const row = this.row(unit);
    row.state = decide(SUMMONS_KIND, row.state, action, { role: row.role }).next;
  }

  markMissed(unit: string): void {
    // The summons first: a summons that is not `summoned` any more refuses, and the whistle is untouched.
    this.moveSummons(unit, 'markMissed');
    this.step('markMissed', this.context());
  }

  checkIn(unit: string, at: Date): void {
    const row = this.row(unit);
    this.moveSummons(unit, 'checkIn');
    row.late = isLateCheckIn(at, row.dueAt);
    this.step('checkIn', this.context({ byLead: row.role === 'lead' }));
  }

  reportPart(unit: string): void {
    this.step('reportPart', this.context());
    this.moveSummons(unit, 'reportPart');
  }

  withdraw(unit: string): void {
    const row = this.row(unit);
    this.step('withdrawSummons', this.context({ withdrawingLead: row.role === 'lead' }));
    this.moveSummons(unit, 'withdraw');
  }

  changeLead(unit: string): void {
    const next = this.row(unit);
    this.step('changeLead', this.context({ newLeadCheckedIn: next.state === 'checkedIn' }));
    for (const row of this.summons) row.role = row === next ? 'lead' : 'assisting';
  }

  act(action: WhistleAction): void {
    this.step(action, this.context());
  }
}

describe('joint handling from start to finish', () => {
  const due = new Date('2026-03-02T09:30:00+08:00');
  const onTime = new Date('2026-03-02T09:20:00+08:00');
  const late = new Date('2026-03-02T11:00:00+08:00');
  const make = () =>
    new Whistle([
      { unit: 'lead', role: 'lead', state: 'summoned', dueAt: due },
      { unit: 'helper', role: 'assisting', state: 'summoned', dueAt: due },
      { unit: 'absent', role: 'assisting', state: 'summoned', dueAt: due },
    ]);

  it('runs the main path: everyone checks in on time, parts, result, confirmation', () => {
    const w = make();
    w.checkIn('helper', onTime);
    expect(w.state).toBe('summoning');
    w.checkIn('lead', onTime);
    expect(w.state).toBe('handling');
    w.checkIn('absent', due);
    expect(w.summons.map((s) => s.late)).toEqual([false, false, false]);
    expect(() => w.act('reportResult')).toThrowError(AppError);
    w.reportPart('helper');
    w.reportPart('absent');
    w.act('reportResult');
    expect(w.state).toBe('resultReported');
    w.act('sendBack');
    expect(w.state).toBe('handling');
    w.act('reportResult');
    w.act('confirm');
    expect(w.state).toBe('closed');
    expect(allowedActions(WHISTLE_KIND, w.state, w.context())).toEqual([]);
  });

  it('marks a department that never checks in as missed, tells the district, and checks it in late', () => {
    const w = make();
    w.checkIn('lead', onTime);
    w.checkIn('helper', onTime);
    w.markMissed('absent');
    expect(w.summons[2]?.state).toBe('missed');
    expect(w.state).toBe('handling');
    expect(w.effects).toContainEqual({ type: 'notifyDistrict', kind: 'checkInMissed' });
    expect(w.effects).toContainEqual({ type: 'notifyWhistler', kind: 'checkInMissed' });
    // Missed once is enough: the sweeper cannot mark it again.
    expect(() => w.markMissed('absent')).toThrowError(AppError);
    w.reportPart('helper');
    // The missing department still owes its part: the lead cannot finish.
    expect(w.context().partsOutstanding).toBe(1);
    expectRefused(
      WHISTLE_KIND,
      w.state,
      'reportResult',
      w.context(),
      'partsOutstanding',
      'WHISTLE_TRANSITION_NOT_ALLOWED',
    );
    w.checkIn('absent', late);
    expect(w.summons[2]).toMatchObject({ state: 'checkedIn', late: true });
    w.reportPart('absent');
    w.act('reportResult');
    w.act('confirm');
    expect(w.state).toBe('closed');
  });

  it('lets the whistler withdraw a department that never checks in, and then finish', () => {
    const w = make();
    w.checkIn('lead', onTime);
    w.checkIn('helper', onTime);
    w.markMissed('absent');
    w.reportPart('helper');
    // A missed summons cannot report a part without checking in first.
    expectRefused(
      SUMMONS_KIND,
      'missed',
      'reportPart',
      { role: 'assisting' },
      'notAllowedInState',
      'WHISTLE_TRANSITION_NOT_ALLOWED',
    );
    w.withdraw('absent');
    expect(w.summons[2]?.state).toBe('withdrawn');
    expect(w.context()).toMatchObject({ partsOutstanding: 0, activeSummons: 2 });
    w.act('reportResult');
    w.act('confirm');
    expect(w.state).toBe('closed');
    // A withdrawn department cannot check in afterwards.
    expect(() => w.checkIn('absent', late)).toThrowError(AppError);
  });

  it('finishes even when a department never checks in and is withdrawn before it is marked missed', () => {
    const w = make();
    w.checkIn('lead', onTime);
    w.withdraw('absent');
    expect(() => w.markMissed('absent')).toThrowError(AppError);
    w.checkIn('helper', late);
    w.reportPart('helper');
    w.act('reportResult');
    w.act('confirm');
    expect(w.state).toBe('closed');
  });

  it('keeps a whistle whose lead never checks in in summoning until the lead is changed', () => {
    const w = make();
    w.checkIn('helper', onTime);
    w.markMissed('lead');
    expect(w.state).toBe('summoning');
    expect(allowedActions(WHISTLE_KIND, w.state, w.context())).not.toContain('reportResult');
    expectRefused(
      WHISTLE_KIND,
      w.state,
      'withdrawSummons',
      w.context({ withdrawingLead: true }),
      'changeLeadFirst',
      'WHISTLE_TRANSITION_NOT_ALLOWED',
    );
    w.changeLead('helper');
    expect(w.state).toBe('handling');
    // The former lead now assists, owes a part, and can be withdrawn.
    expect(w.summons[0]).toMatchObject({ role: 'assisting', state: 'missed' });
    w.withdraw('lead');
    w.markMissed('absent');
    w.withdraw('absent');
    w.act('reportResult');
    w.act('confirm');
    expect(w.state).toBe('closed');
    expect(w.effects).toContainEqual({ type: 'notifySummoned', kind: 'leadChanged' });
  });

  it('goes back to summoning when the lead passes to a unit that has not checked in', () => {
    const w = make();
    w.checkIn('lead', onTime);
    w.changeLead('absent');
    expect(w.state).toBe('summoning');
    w.checkIn('absent', late);
    expect(w.state).toBe('handling');
  });

  it('escalates step by step while the matter is open, and cancels', () => {
    const w = make();
    w.level = 'grid';
    for (const expected of ['community', 'street', 'district'] as const) {
      w.act('escalate');
      const next = levelAbove(w.level);
      if (next === null) throw new Error('no level above');
      w.level = next;
      expect(w.level).toBe(expected);
    }
    expect(() => w.act('escalate')).toThrowError(AppError);
    w.act('cancel');
    expect(w.state).toBe('cancelled');
    expect(w.effects).toContainEqual({ type: 'stopAllClocks' });
    expect(allowedActions(WHISTLE_KIND, w.state, w.context())).toEqual([]);
  });
});

// ---- The steward chain (院长长制) ----

const EXPECTED_STEWARD: Record<
  'below' | 'top',
  Expected<StewardCaseState, StewardCaseAction, StewardCaseEffect>
> = {
  // A post with a post above it: unanswered, the case moves up; it cannot lapse yet.
  below: {
    waiting: {
      answer: { next: 'answered', effects: [{ type: 'stopAnswerClock' }] },
      moveUp: {
        next: 'waiting',
        effects: [{ type: 'stopAnswerClock' }, { type: 'startAnswerClock' }, { type: 'notifySteward' }],
      },
    },
    answered: {},
    lapsed: {},
  },
  // The street steward, at the top: unanswered, the case lapses.
  top: {
    waiting: {
      answer: { next: 'answered', effects: [{ type: 'stopAnswerClock' }] },
      lapse: { next: 'lapsed', effects: [{ type: 'stopAnswerClock' }] },
    },
    answered: {},
    lapsed: {},
  },
};

const GUARD_REASONS: Partial<Record<`${'below' | 'top'}:${StewardCaseAction}`, string>> = {
  'below:lapse': 'moveUpFirst',
  'top:moveUp': 'topOfChain',
};

describe('the steward case table, every state × every action × both places in the chain', () => {
  const cases = STEWARD_CASE_STATES.flatMap((state) =>
    STEWARD_CASE_ACTIONS.flatMap((action) =>
      (['below', 'top'] as const).map((where) => [state, action, where] as const),
    ),
  );
  it('covers all states, actions and places', () => {
    expect(cases).toHaveLength(18);
  });
  it.each(cases)('%s × %s (%s)', (state, action, where) => {
    const ctx: StewardCaseContext = { hasPostAbove: where === 'below' };
    const expected = EXPECTED_STEWARD[where][state][action];
    const code = 'STEWARD_CASE_TRANSITION_NOT_ALLOWED';
    if (expected !== undefined) {
      expect(decide(STEWARD_CASE_KIND, state, action, ctx)).toEqual(expected);
    } else if (state === 'waiting') {
      const reason = GUARD_REASONS[`${where}:${action}`];
      expect(reason).toBeDefined();
      expectRefused(STEWARD_CASE_KIND, state, action, ctx, reason ?? '', code);
    } else {
      expectRefused(STEWARD_CASE_KIND, state, action, ctx, 'notAllowedInState', code);
    }
  });
  it('has no way out of answered or lapsed', () => {
    expect(STEWARD_CASE_KIND.finalStates).toEqual(['answered', 'lapsed']);
    for (const hasPostAbove of [true, false]) {
      for (const state of STEWARD_CASE_KIND.finalStates) {
        expect(allowedActions(STEWARD_CASE_KIND, state, { hasPostAbove })).toEqual([]);
      }
    }
  });
  it('walks an unanswered courtyard case up to the street steward and lapses it there', () => {
    // courtyard → lane → area → street: three move-ups, then a lapse, each after STEWARD_ANSWER_HOURS.
    const chain = ['courtyard', 'lane', 'area', 'street'];
    let state: StewardCaseState = 'waiting';
    let post = 0;
    let clockStarts = 0;
    for (;;) {
      const ctx: StewardCaseContext = { hasPostAbove: post < chain.length - 1 };
      const action: StewardCaseAction | undefined = allowedActions(STEWARD_CASE_KIND, state, ctx).find(
        (a) => a !== 'answer',
      );
      if (action === undefined) break;
      const decision: Decision<StewardCaseState, StewardCaseEffect> = decide(
        STEWARD_CASE_KIND,
        state,
        action,
        ctx,
      );
      clockStarts += decision.effects.filter((e) => e.type === 'startAnswerClock').length;
      state = decision.next;
      if (action === 'moveUp') post += 1;
    }
    expect(state).toBe('lapsed');
    expect(chain[post]).toBe('street');
    expect(clockStarts).toBe(3);
    expect(STEWARD_ANSWER_HOURS).toBe(24);
  });
});
