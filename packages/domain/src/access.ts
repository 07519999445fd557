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
  | { kind: 'auditEntry'; scopePath: string | null };

/** What each role may do, wherever its scope allows. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  resident: [],
  operator: ['territory.read', 'unit.read', 'routing.use'],
  dispatcher: ['territory.read', 'unit.read', 'routing.use'],
  handler: ['territory.read', 'unit.read', 'routing.use'],
  unitLead: ['territory.read', 'unit.read', 'routing.use'],
  // Grid workers keep the resident ledger of their grid and call residents (full phone numbers, logged).
  gridWorker: [
    'territory.read',
    'unit.read',
    'routing.use',
    'ledger.read',
    'ledger.manage',
    'personalData.readFull',
  ],
  partyMember: ['territory.read'],
  volunteer: ['territory.read'],
  assessor: ['territory.read', 'unit.read'],
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
function assignmentCovers(assignment: Assignment, action: Action, subject: Subject): boolean {
  if (!ROLE_ACTIONS[assignment.role].includes(action)) return false;
  const { scope } = assignment;
  const path = scopePath(scope);
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
  }
}

/** Returns true when the actor may perform the action on the subject. */
export function can(actor: Actor, action: Action, subject: Subject): boolean {
  if (subject.kind === 'user' && subject.id === actor.userId && action === 'user.read') return true;
  return actor.assignments.some((assignment) => assignmentCovers(assignment, action, subject));
}

/** Returns the actions the actor holds somewhere, for the UI to enable what the server allows. */
export function grantedActions(actor: Actor): Action[] {
  const granted = new Set<Action>();
  for (const assignment of actor.assignments) {
    if (assignment.scope.kind === 'self') continue;
    for (const action of ROLE_ACTIONS[assignment.role]) granted.add(action);
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
}

/** Computes the scope filter of an action for an actor: the union of its assignments' scopes. */
export function scopeFilter(actor: Actor, action: Action): ScopeFilter {
  const territoryPaths = new Set<string>();
  const unitIds = new Set<string>();
  for (const { role, scope } of actor.assignments) {
    if (!ROLE_ACTIONS[role].includes(action)) continue;
    if (scope.kind === 'territory') territoryPaths.add(scope.path);
    if (scope.kind === 'unit') {
      if (action === 'unit.read') unitIds.add(scope.unitId);
      else territoryPaths.add(scope.territoryPath);
    }
  }
  return { territoryPaths: removeNestedPaths([...territoryPaths]), unitIds: [...unitIds] };
}

/** Drops paths already covered by a shorter path in the list, so filters stay small. */
function removeNestedPaths(paths: string[]): string[] {
  const sorted = [...paths].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const path of sorted) if (!kept.some((k) => isWithinPath(path, k))) kept.push(path);
  return kept;
}

/** The pages of the web app; each needs one action, or none for pages every signed-in person has. */
export const NAV_ITEMS = [
  { key: 'home', action: null },
  { key: 'territories', action: 'territory.read' },
  { key: 'territoryImport', action: 'territory.manage' },
  { key: 'units', action: 'unit.read' },
  { key: 'users', action: 'user.read' },
  { key: 'audit', action: 'audit.read' },
  { key: 'account', action: null },
] as const satisfies readonly { key: string; action: Action | null }[];
export type NavKey = (typeof NAV_ITEMS)[number]['key'];

/** Returns the navigation entries the actor may use, in menu order. */
export function navFor(actor: Actor): NavKey[] {
  const granted = new Set(grantedActions(actor));
  return NAV_ITEMS.filter((item) => item.action === null || granted.has(item.action)).map((item) => item.key);
}
