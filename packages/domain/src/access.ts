/**
 * Access policies as pure predicates over plain data: can(actor, action, subject).
 * Invariants: a role grants an action; the assignment's scope decides where. A territory scope covers
 * its whole subtree; a unit scope covers that unit and the area it serves; a person always sees
 * themself. Anything not granted is refused. The server filters every list by scopeFilter(), and the
 * web shows only the navigation navFor() returns.
 */
import type { Role } from './roles.ts';
import { isOverlappingPath, isWithinPath, pathIds } from './territory.ts';

export const ACTIONS = [
  'territory.read',
  'territory.manage',
  'unit.read',
  'unit.manage',
  'user.read',
  'user.manage',
  'audit.read',
  'personalData.readFull',
  'routing.use',
  'dispatchRule.manage',
  'grid.manage',
  'ledger.read',
  'ledger.manage',
  'ledger.readSensitive',
  // Appeals (接诉即办).
  'appeal.create',
  'appeal.read',
  'appeal.dispatch',
  'appeal.handle',
  'appeal.approve',
  'appeal.review',
  'appeal.supervise',
  'appeal.import',
  'category.manage',
  'calendar.manage',
  // Whistles (吹哨报到) and the steward chain (院长长制).
  'whistle.blow',
  'whistle.read',
  'whistle.respond',
  'whistle.configure',
  'steward.manage',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Where an assignment applies: a territory subtree, or a unit (with the area the unit serves). */
export type Scope =
  | { kind: 'territory'; territoryId: string; path: string }
  | { kind: 'unit'; unitId: string; territoryPath: string }
  | { kind: 'self' };

export interface Assignment {
  role: Role;
  scope: Scope;
}

export interface Actor {
  userId: string;
  assignments: readonly Assignment[];
}

export type Subject =
  | { kind: 'territory'; id: string; path: string }
  | { kind: 'unit'; id: string; territoryPath: string }
  | { kind: 'user'; id: string; scopePaths: readonly string[] }
  | { kind: 'auditEntry'; scopePath: string | null }
  /** An appeal: where it is, the units it was ever assigned to, and the resident who raised it. */
  | { kind: 'appeal'; territoryPath: string; unitIds: readonly string[]; appellantUserId: string | null }
  /**
   * A whistle: where the matter is, the units summoned (withdrawn ones included: they keep reading what
   * they took part in) and the unit through which it was blown, if any.
   */
  | { kind: 'whistle'; territoryPath: string; unitIds: readonly string[]; blowerUnitId: string | null };

/** Actions a unit-scoped assignment grants on its unit's own records, not on the area the unit serves. */
const UNIT_BOUND_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'unit.read',
  'appeal.read',
  'appeal.handle',
  'appeal.approve',
  'whistle.read',
  'whistle.respond',
]);

/** Actions a personal (self) scope grants on the person's own records. */
const SELF_ACTIONS: ReadonlySet<Action> = new Set<Action>(['appeal.create', 'appeal.read', 'appeal.review']);

/** What each role may do, wherever its scope allows. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  // Residents raise appeals, follow and rate their own (self scope).
  resident: ['appeal.create', 'appeal.read', 'appeal.review'],
  // Hotline operators record appeals, call appellants back for review (full numbers, logged) and urge.
  operator: [
    'territory.read',
    'unit.read',
    'routing.use',
    'appeal.create',
    'appeal.read',
    'appeal.review',
    'personalData.readFull',
    'whistle.read',
  ],
  // Dispatchers (the centre) dispatch, decide returns and extensions, merge, urge and supervise.
  dispatcher: [
    'territory.read',
    'unit.read',
    'routing.use',
    'appeal.read',
    'appeal.dispatch',
    'appeal.approve',
    'appeal.supervise',
    'whistle.blow',
    'whistle.read',
  ],
  // Handlers of a unit also answer the whistles that summon it (check in, report their part).
  handler: [
    'territory.read',
    'unit.read',
    'routing.use',
    'appeal.read',
    'appeal.handle',
    'whistle.read',
    'whistle.respond',
  ],
  // A unit's lead handles too and approves its handlers' extension requests. The lead of a street or
  // community office blows whistles over its area and names its stewards.
  unitLead: [
    'territory.read',
    'unit.read',
    'routing.use',
    'appeal.read',
    'appeal.handle',
    'appeal.approve',
    'whistle.blow',
    'whistle.read',
    'whistle.respond',
    'steward.manage',
  ],
  // Grid workers keep the resident ledger of their grid and call residents (full phone numbers, logged).
  gridWorker: [
    'territory.read',
    'unit.read',
    'routing.use',
    'ledger.read',
    'ledger.manage',
    'personalData.readFull',
    'appeal.create',
    'appeal.read',
    'whistle.blow',
    'whistle.read',
  ],
  partyMember: ['territory.read'],
  volunteer: ['territory.read'],
  assessor: ['territory.read', 'unit.read', 'appeal.read', 'whistle.read'],
  // Administrators hold every action, within their scope.
  admin: ACTIONS,
};

/** Returns the territory path an assignment's scope covers, or null for a personal scope. */
function scopePath(scope: Scope): string | null {
  if (scope.kind === 'territory') return scope.path;
  if (scope.kind === 'unit') return scope.territoryPath;
  return null;
}

/** Returns true when one assignment allows the action on the subject. */
function assignmentCovers(
  actorId: string,
  assignment: Assignment,
  action: Action,
  subject: Subject,
): boolean {
  if (!ROLE_ACTIONS[assignment.role].includes(action)) return false;
  const { scope } = assignment;
  const path = scopePath(scope);
  if (scope.kind === 'self') {
    return subject.kind === 'appeal' && SELF_ACTIONS.has(action) && subject.appellantUserId === actorId;
  }
  switch (subject.kind) {
    case 'territory':
      return path !== null && isWithinPath(subject.path, path);
    case 'unit':
      if (scope.kind === 'unit') return scope.unitId === subject.id;
      return path !== null && isOverlappingPath(subject.territoryPath, path);
    case 'user':
      if (path === null) return false;
      // A person tied to no territory (a resident without a home community) is for admins of the whole tree.
      if (subject.scopePaths.length === 0) return pathIds(path).length === 1;
      return subject.scopePaths.some((p) => isWithinPath(p, path));
    case 'auditEntry':
      if (path === null) return false;
      // Entries about nothing territorial (logins, settings) are for admins of the whole tree only.
      return subject.scopePath === null ? pathIds(path).length === 1 : isWithinPath(subject.scopePath, path);
    case 'appeal':
      // Units see the appeals assigned to them, wherever they are; territories see what lies inside.
      if (scope.kind === 'unit') return subject.unitIds.includes(scope.unitId);
      return path !== null && isWithinPath(subject.territoryPath, path);
    case 'whistle':
      // A unit reads and answers the whistles that summon it (or that it blew); a street or community
      // office blows whistles over its area (the service checks the unit's type).
      if (scope.kind === 'unit' && UNIT_BOUND_ACTIONS.has(action)) {
        return subject.unitIds.includes(scope.unitId) || subject.blowerUnitId === scope.unitId;
      }
      return path !== null && isWithinPath(subject.territoryPath, path);
  }
}

/** Returns true when the actor may perform the action on the subject. */
export function can(actor: Actor, action: Action, subject: Subject): boolean {
  if (subject.kind === 'user' && subject.id === actor.userId && action === 'user.read') return true;
  return actor.assignments.some((assignment) => assignmentCovers(actor.userId, assignment, action, subject));
}

/**
 * Returns the actions the actor holds somewhere, for the UI to enable what the server allows. With
 * `via: 'self'` only those held over the actor's own records (a resident's), with `via: 'scope'` only
 * those held over a territory or unit.
 */
export function grantedActions(actor: Actor, via: 'any' | 'self' | 'scope' = 'any'): Action[] {
  const granted = new Set<Action>();
  for (const assignment of actor.assignments) {
    const isSelf = assignment.scope.kind === 'self';
    if ((via === 'self' && !isSelf) || (via === 'scope' && isSelf)) continue;
    for (const action of ROLE_ACTIONS[assignment.role]) {
      if (!isSelf || SELF_ACTIONS.has(action)) granted.add(action);
    }
  }
  return ACTIONS.filter((action) => granted.has(action));
}

/**
 * The rows an actor may see for an action, as data a repository turns into a WHERE clause:
 * rows inside any of `territoryPaths` (subtree), rows overlapping any of `overlapPaths` (ancestor or
 * subtree, used for units serving an area), or rows of the listed units. Empty lists mean nothing.
 */
export interface ScopeFilter {
  territoryPaths: string[];
  unitIds: string[];
  /** Set when the actor may also act on records they raised themself (a resident's own appeals). */
  selfUserId?: string;
}

/** Computes the scope filter of an action for an actor: the union of its assignments' scopes. */
export function scopeFilter(actor: Actor, action: Action): ScopeFilter {
  const territoryPaths = new Set<string>();
  const unitIds = new Set<string>();
  let selfUserId: string | undefined;
  for (const { role, scope } of actor.assignments) {
    if (!ROLE_ACTIONS[role].includes(action)) continue;
    if (scope.kind === 'territory') territoryPaths.add(scope.path);
    if (scope.kind === 'unit') {
      if (UNIT_BOUND_ACTIONS.has(action)) unitIds.add(scope.unitId);
      else territoryPaths.add(scope.territoryPath);
    }
    if (scope.kind === 'self' && SELF_ACTIONS.has(action)) selfUserId = actor.userId;
  }
  const filter: ScopeFilter = {
    territoryPaths: removeNestedPaths([...territoryPaths]),
    unitIds: [...unitIds],
  };
  if (selfUserId !== undefined) filter.selfUserId = selfUserId;
  return filter;
}

/** Drops paths already covered by a shorter path in the list, so filters stay small. */
function removeNestedPaths(paths: string[]): string[] {
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const path of sorted) if (!kept.some((k) => isWithinPath(path, k))) kept.push(path);
  return kept;
}

/**
 * The pages of the web app; each needs one action (held over a territory or unit, or with
 * `via: 'self'` over one's own records), or none for pages every signed-in person has.
 */
export const NAV_ITEMS = [
  { key: 'home', action: null },
  { key: 'appeals', action: 'appeal.read' },
  { key: 'appealIntake', action: 'appeal.create' },
  { key: 'myAppeals', action: 'appeal.create', via: 'self' },
  { key: 'appealImport', action: 'appeal.import' },
  { key: 'whistleBoard', action: 'whistle.blow' },
  { key: 'whistleInbox', action: 'whistle.respond' },
  { key: 'stewards', action: 'steward.manage' },
  // Only for people named as a steward (院长长制) somewhere: see navFor's `steward`.
  { key: 'stewardTasks', action: null, steward: true },
  { key: 'territories', action: 'territory.read' },
  { key: 'territoryImport', action: 'territory.manage' },
  { key: 'units', action: 'unit.read' },
  { key: 'categories', action: 'category.manage' },
  { key: 'calendar', action: 'calendar.manage' },
  { key: 'users', action: 'user.read' },
  { key: 'audit', action: 'audit.read' },
  { key: 'account', action: null },
] as const satisfies readonly { key: string; action: Action | null; via?: 'self'; steward?: true }[];
export type NavKey = (typeof NAV_ITEMS)[number]['key'];

/**
 * Returns the navigation entries the actor may use, in menu order. `steward`: the person is named as a
 * steward of some part of the territory (a fact of the data, not of a role).
 */
export function navFor(actor: Actor, facts: { steward?: boolean } = {}): NavKey[] {
  const viaScope = new Set(grantedActions(actor, 'scope'));
  const viaSelf = new Set(grantedActions(actor, 'self'));
  return NAV_ITEMS.filter((item) => {
    if ('steward' in item) return facts.steward === true;
    if (item.action === null) return true;
    return 'via' in item ? viaSelf.has(item.action) : viaScope.has(item.action);
  }).map((item) => item.key);
}
