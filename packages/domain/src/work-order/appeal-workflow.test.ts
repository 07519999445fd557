import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import {
  APPEAL_ACTIONS,
  APPEAL_KIND,
  APPEAL_STATES,
  appellantStatusOf,
  isDoublySatisfied,
  type AppealAction,
  type AppealContext,
  type AppealState,
} from './appeal-workflow.ts';
import { allowedActions, decide, refusalReason } from './engine.ts';

/** A context in which every guard passes for the "normal" path of each state. */
const base: AppealContext = {
  type: 'complaint',
  contacted: true,
  extensionPending: false,
  hardCase: false,
  round: 1,
  maxRounds: 2,
  replyOverdue: true,
  review: { resolved: true, satisfaction: 'satisfied' },
};

/**
 * Written by hand from RULES.md, independent of the table: for every state, each action that is
 * allowed with the base context and the state it leads to. Anything not listed must be refused.
 */
const EXPECTED: Record<AppealState, Partial<Record<AppealAction, AppealState>>> = {
  received: {
    closeWithoutDispatch: 'closed',
    dispatch: 'dispatched',
    merge: 'merged',
    flagHardCase: 'received',
    formTaskForce: 'received',
    addNote: 'received',
  },
  dispatched: {
    dispatch: 'dispatched',
    merge: 'merged',
    accept: 'accepted',
    return: 'returned',
    review: 'closed',
    flagHardCase: 'dispatched',
    formTaskForce: 'dispatched',
    addNote: 'dispatched',
    urge: 'dispatched',
    supervise: 'dispatched',
  },
  accepted: {
    contact: 'inProgress',
    reply: 'replied',
    return: 'returned',
    requestExtension: 'accepted',
    review: 'closed',
    flagHardCase: 'accepted',
    formTaskForce: 'accepted',
    addNote: 'accepted',
    urge: 'accepted',
    supervise: 'accepted',
  },
  inProgress: {
    reply: 'replied',
    return: 'returned',
    requestExtension: 'inProgress',
    review: 'closed',
    flagHardCase: 'inProgress',
    formTaskForce: 'inProgress',
    addNote: 'inProgress',
    urge: 'inProgress',
    supervise: 'inProgress',
  },
  returned: {
    dispatch: 'dispatched',
    rejectReturn: 'dispatched',
    closeWithoutDispatch: 'closed',
    flagHardCase: 'returned',
    formTaskForce: 'returned',
    addNote: 'returned',
    urge: 'returned',
    supervise: 'returned',
  },
  replied: { review: 'closed', closeWithoutReview: 'closed', addNote: 'replied' },
  merged: { replyViaParent: 'replied', addNote: 'merged' },
  closed: {},
};

describe('the appeal transition table, every state × every action', () => {
  const cases = APPEAL_STATES.flatMap((state) => APPEAL_ACTIONS.map((action) => [state, action] as const));
  it('covers all states and actions', () => {
    expect(cases).toHaveLength(APPEAL_STATES.length * APPEAL_ACTIONS.length);
  });
  it.each(cases)('%s × %s', (state, action) => {
    const expected = EXPECTED[state][action];
    if (expected === undefined) {
      expect(() => decide(APPEAL_KIND, state, action, base)).toThrowError(AppError);
      try {
        decide(APPEAL_KIND, state, action, base);
      } catch (error) {
        expect((error as AppError).code).toBe('APPEAL_TRANSITION_NOT_ALLOWED');
        expect((error as AppError).details).toMatchObject({ state, action });
      }
    } else {
      expect(decide(APPEAL_KIND, state, action, base).next).toBe(expected);
    }
  });
  it('lists exactly the expected actions as allowed', () => {
    for (const state of APPEAL_STATES) {
      expect(allowedActions(APPEAL_KIND, state, base).sort()).toEqual(Object.keys(EXPECTED[state]).sort());
    }
  });
  it('has no way out of closed', () => {
    for (const action of APPEAL_ACTIONS) {
      expect(refusalReason(APPEAL_KIND, 'closed', action, base)).toBe('notAllowedInState');
    }
  });
});

describe('guards', () => {
  it('answers at intake only consultations', () => {
    expect(decide(APPEAL_KIND, 'received', 'answerAtIntake', { ...base, type: 'consultation' }).next).toBe(
      'closed',
    );
    expect(refusalReason(APPEAL_KIND, 'received', 'answerAtIntake', base)).toBe('onlyConsultations');
  });
  it('refuses a reply before the appellant was contacted', () => {
    for (const state of ['accepted', 'inProgress'] as const) {
      expect(refusalReason(APPEAL_KIND, state, 'reply', { ...base, contacted: false })).toBe('contactFirst');
    }
  });
  it('allows one pending extension at a time', () => {
    const pending = { ...base, extensionPending: true };
    expect(refusalReason(APPEAL_KIND, 'inProgress', 'requestExtension', pending)).toBe('extensionPending');
    expect(decide(APPEAL_KIND, 'inProgress', 'approveExtension', pending).effects).toContainEqual({
      type: 'extendReplyDeadline',
    });
    expect(decide(APPEAL_KIND, 'accepted', 'refuseExtension', pending).next).toBe('accepted');
    expect(refusalReason(APPEAL_KIND, 'inProgress', 'approveExtension', base)).toBe('noExtensionPending');
  });
  it('tells the appellant about an approved extension and not about a refused one', () => {
    const pending = { ...base, extensionPending: true };
    expect(decide(APPEAL_KIND, 'inProgress', 'approveExtension', pending).effects).toContainEqual({
      type: 'notifyAppellant',
      template: 'extended',
    });
    expect(
      decide(APPEAL_KIND, 'inProgress', 'refuseExtension', pending).effects.some(
        (e) => e.type === 'notifyAppellant',
      ),
    ).toBe(false);
  });
  it('flags a hard case once', () => {
    expect(refusalReason(APPEAL_KIND, 'dispatched', 'flagHardCase', { ...base, hardCase: true })).toBe(
      'alreadyHardCase',
    );
  });
  it('reviews an unreplied appeal only once its reply deadline has passed', () => {
    expect(refusalReason(APPEAL_KIND, 'inProgress', 'review', { ...base, replyOverdue: false })).toBe(
      'notYetDue',
    );
    expect(refusalReason(APPEAL_KIND, 'replied', 'review', { ...base, replyOverdue: false })).toBeNull();
  });
  it('needs the review answers to review', () => {
    const { review: _omit, ...withoutReview } = base;
    expect(refusalReason(APPEAL_KIND, 'replied', 'review', withoutReview)).toBe('reviewMissing');
  });
});

describe('review outcomes', () => {
  it.each([
    ['resolved and satisfied closes', true, 'satisfied', 1, 'closed'],
    ['resolved and fair closes', true, 'fair', 1, 'closed'],
    ['resolved but dissatisfied reopens', true, 'dissatisfied', 1, 'accepted'],
    ['not resolved reopens even when satisfied', false, 'satisfied', 1, 'accepted'],
    ['not resolved in the last round closes', false, 'dissatisfied', 2, 'closed'],
  ] as const)('%s', (_name, resolved, satisfaction, round, next) => {
    const ctx = { ...base, round, review: { resolved, satisfaction } };
    const decision = decide(APPEAL_KIND, 'replied', 'review', ctx);
    expect(decision.next).toBe(next);
    if (next === 'accepted') {
      expect(decision.effects).toContainEqual({ type: 'notifyUnit', kind: 'reopened' });
      expect(decision.effects).toContainEqual({ type: 'startClocks', clocks: ['contact', 'reply'] });
    } else {
      expect(decision.effects).toContainEqual({ type: 'notifyAppellant', template: 'closed' });
    }
  });
  it('counts 双满 as resolved and not dissatisfied', () => {
    expect(isDoublySatisfied({ resolved: true, satisfaction: 'fair' })).toBe(true);
    expect(isDoublySatisfied({ resolved: false, satisfaction: 'satisfied' })).toBe(false);
  });
});

describe('effects of the main path', () => {
  it('starts the accept and contact clocks and assigns units on dispatch (the reply clock runs from intake)', () => {
    const { effects } = decide(APPEAL_KIND, 'received', 'dispatch', base);
    expect(effects).toEqual([
      { type: 'stopClocks', clocks: ['accept', 'contact'] },
      { type: 'setAssignments' },
      { type: 'startClocks', clocks: ['accept', 'contact'] },
      { type: 'notifyUnit', kind: 'dispatched' },
    ]);
  });
  it('stops the accept clock on accept and the contact clock on contact', () => {
    expect(decide(APPEAL_KIND, 'dispatched', 'accept', base).effects).toEqual([
      { type: 'stopClocks', clocks: ['accept'] },
    ]);
    expect(decide(APPEAL_KIND, 'accepted', 'contact', base).effects).toEqual([
      { type: 'stopClocks', clocks: ['contact'] },
    ]);
  });
  it('passes a reply on to merged appeals and issues a review link', () => {
    const types = decide(APPEAL_KIND, 'inProgress', 'reply', base).effects.map((e) => e.type);
    expect(types).toEqual(['stopClocks', 'passOutcomeToMerged', 'issueReviewLink', 'notifyAppellant']);
  });
  it('tells the dispatchers about a return', () => {
    expect(decide(APPEAL_KIND, 'accepted', 'return', base).effects).toContainEqual({
      type: 'notifyDispatchers',
      kind: 'returned',
    });
  });
});

describe('the appellant’s view', () => {
  it.each([
    ['received', 'received'],
    ['dispatched', 'inProgress'],
    ['accepted', 'inProgress'],
    ['inProgress', 'inProgress'],
    ['returned', 'inProgress'],
    ['merged', 'inProgress'],
    ['replied', 'replied'],
    ['closed', 'closed'],
  ] as const)('%s shows as %s', (state, status) => {
    expect(appellantStatusOf(state)).toBe(status);
  });
});
