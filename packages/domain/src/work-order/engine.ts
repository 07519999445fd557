/**
 * The work-order engine: one explicit transition table per kind of work order (appeals, whistle
 * summons, service orders), shared by all of them.
 * Invariants: a state changes only through a row of its table; an action missing from the row of the
 * present state, or whose guard refuses, changes nothing and raises the kind's typed error with the
 * state, the action and the guard's reason; effects are plain data that the service runs in the same
 * transaction; the decision depends on nothing but the state, the action and the context passed in.
 */
import { AppError, type ErrorCode } from '../errors.ts';

/** One allowed move: where it goes, when it may happen, and what must follow. */
export interface Transition<S extends string, E, C> {
  /** The next state, fixed or decided from the context (e.g. a review that closes or reopens). */
  to: S | ((ctx: C) => S);
  /** Returns why the move is refused in this context (a stable reason code), or null to allow it. */
  guard?: (ctx: C) => string | null;
  /** The effects the service must run, fixed or decided from the context. */
  effects?: readonly E[] | ((ctx: C, next: S) => readonly E[]);
}

/** A transition table: for every state, the actions allowed in it. Final states map to {}. */
export type TransitionTable<S extends string, A extends string, E, C> = {
  readonly [state in S]: Partial<Readonly<Record<A, Transition<S, E, C>>>>;
};

/** The outcome of an allowed action. */
export interface Decision<S extends string, E> {
  next: S;
  effects: readonly E[];
}

/** A work-order kind: its table, its error code and its lists of states and actions (for exhaustive tests). */
export interface WorkOrderKind<S extends string, A extends string, E, C> {
  name: string;
  states: readonly S[];
  actions: readonly A[];
  finalStates: readonly S[];
  table: TransitionTable<S, A, E, C>;
  errorCode: ErrorCode;
}

/** Returns the reason an action is refused in a state and context, or null when it is allowed. */
export function refusalReason<S extends string, A extends string, E, C>(
  kind: WorkOrderKind<S, A, E, C>,
  state: S,
  action: A,
  ctx: C,
): string | null {
  const transition = kind.table[state][action];
  if (!transition) return 'notAllowedInState';
  return transition.guard ? transition.guard(ctx) : null;
}

/** Decides an action: the next state and its effects, or throws the kind's typed error. */
export function decide<S extends string, A extends string, E, C>(
  kind: WorkOrderKind<S, A, E, C>,
  state: S,
  action: A,
  ctx: C,
): Decision<S, E> {
  const transition = kind.table[state][action];
  const reason = refusalReason(kind, state, action, ctx);
  if (!transition || reason !== null) {
    throw new AppError(kind.errorCode, undefined, { state, action, reason: reason ?? 'notAllowedInState' });
  }
  const next = typeof transition.to === 'function' ? transition.to(ctx) : transition.to;
  const effects =
    typeof transition.effects === 'function' ? transition.effects(ctx, next) : (transition.effects ?? []);
  return { next, effects };
}

/** Returns the actions allowed in a state and context, in the kind's action order. */
export function allowedActions<S extends string, A extends string, E, C>(
  kind: WorkOrderKind<S, A, E, C>,
  state: S,
  ctx: C,
): A[] {
  return kind.actions.filter((action) => refusalReason(kind, state, action, ctx) === null);
}
