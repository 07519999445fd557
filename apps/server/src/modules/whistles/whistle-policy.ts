/**
 * Who may do what on a whistle, as plain functions over the actor and the whistle's rows.
 * Invariants: the whistler's side (whistle.blow) is held over the whistle's place by a territory
 * scope, or by the scope of a street or community office (a department's lead holds whistle.blow
 * over its whole district but is no whistler); a summoned unit's side (whistle.respond) belongs only
 * to people scoped to that very unit; reading follows the access policy (a unit reads the whistles
 * that summon it or that it blew).
 */
import {
  allowedActions,
  can,
  isWithinPath,
  owesPart,
  ROLE_ACTIONS,
  SYSTEM_WHISTLE_ACTIONS,
  WHISTLE_ACTION_PERMISSION,
  WHISTLE_KIND,
  type Actor,
  type Assignment,
  type Subject,
  type SummonsRole,
  type SummonsState,
  type WhistleAction,
  type WhistleContext,
  type WhistleLevel,
  type WhistleState,
} from '@huizhi/domain';

/** Unit types that blow whistles through a unit scope (the street and community offices). */
export const WHISTLING_UNIT_TYPES: ReadonlySet<string> = new Set(['street', 'community']);

/** The fields of a whistle the policies look at. */
export interface WhistlePolicyRow {
  state: string;
  level: string;
  territoryPath: string;
  blowerUnitId: string | null;
  leadUnitId: string;
}

/** The fields of a summons the policies look at. */
export interface SummonsPolicyRow {
  id: string;
  unitId: string;
  role: string;
  state: string;
}

/** The reader as the whistle policies need them: the actor and the types of the units they are scoped to. */
export interface WhistleReader {
  actor: Actor;
  unitTypes: ReadonlyMap<string, string>;
}

/** The access subject of a whistle: its place, every unit ever summoned, the office that blew it. */
export function whistleSubject(
  row: WhistlePolicyRow,
  summons: readonly SummonsPolicyRow[],
): Subject & { kind: 'whistle' } {
  return {
    kind: 'whistle',
    territoryPath: row.territoryPath,
    unitIds: [...new Set(summons.map((s) => s.unitId))],
    blowerUnitId: row.blowerUnitId,
  };
}

/**
 * Unit types that supervise the whistles of their whole area: the district government, to which late and
 * missing check-ins and escalations go, must be able to open them (not only those summoning it).
 */
const SUPERVISING_UNIT_TYPES: ReadonlySet<string> = new Set(['districtGovernment']);

/** The areas whose whistles the reader reads as a supervising government. */
export function supervisedPaths(reader: WhistleReader): string[] {
  return reader.actor.assignments.flatMap((a) =>
    a.scope.kind === 'unit' &&
    ROLE_ACTIONS[a.role].includes('whistle.read') &&
    SUPERVISING_UNIT_TYPES.has(reader.unitTypes.get(a.scope.unitId) ?? '')
      ? [a.scope.territoryPath]
      : [],
  );
}

/** True when the reader may read the whistle: by their access, or as the supervising government of its area. */
export function mayReadWhistle(reader: WhistleReader, subject: Subject & { kind: 'whistle' }): boolean {
  if (can(reader.actor, 'whistle.read', subject)) return true;
  return supervisedPaths(reader).some((path) => isWithinPath(subject.territoryPath, path));
}

/** True when one assignment lets its holder act as a whistler over the place (see the invariants). */
export function blowsThrough(
  actor: Actor,
  assignment: Assignment,
  territoryPath: string,
  unitTypes: ReadonlyMap<string, string>,
): boolean {
  const subject: Subject = { kind: 'whistle', territoryPath, unitIds: [], blowerUnitId: null };
  if (!can({ ...actor, assignments: [assignment] }, 'whistle.blow', subject)) return false;
  if (assignment.scope.kind === 'unit') {
    return WHISTLING_UNIT_TYPES.has(unitTypes.get(assignment.scope.unitId) ?? '');
  }
  return assignment.scope.kind === 'territory';
}

/** True when the reader is on the whistler's side of a whistle at this place. */
export function isWhistler(reader: WhistleReader, territoryPath: string): boolean {
  return reader.actor.assignments.some((a) => blowsThrough(reader.actor, a, territoryPath, reader.unitTypes));
}

/** The units the reader answers summonses for: those of their unit-scoped assignments with whistle.respond. */
export function respondingUnitIds(actor: Actor): Set<string> {
  const ids = new Set<string>();
  for (const { role, scope } of actor.assignments) {
    if (scope.kind === 'unit' && ROLE_ACTIONS[role].includes('whistle.respond')) ids.add(scope.unitId);
  }
  return ids;
}

/** The units the reader belongs to through a unit scope (any role), for "my summons". */
export function memberUnitIds(actor: Actor): Set<string> {
  const ids = new Set<string>();
  for (const { scope } of actor.assignments) if (scope.kind === 'unit') ids.add(scope.unitId);
  return ids;
}

/** The table's context for a whistle with its summonses (action-specific fields are added by the caller). */
export function whistleContextOf(
  row: WhistlePolicyRow,
  summons: readonly SummonsPolicyRow[],
): WhistleContext {
  const live = summons.filter((s) => s.state !== 'withdrawn');
  return {
    level: row.level as WhistleLevel,
    partsOutstanding: summons.filter((s) =>
      owesPart({ role: s.role as SummonsRole, state: s.state as SummonsState }),
    ).length,
    activeSummons: live.length,
  };
}

/** The reader's own summons on a whistle: a live one of their units (the lead's first), else a withdrawn one. */
export function mySummonsOf<T extends SummonsPolicyRow>(actor: Actor, summons: readonly T[]): T | null {
  const mine = memberUnitIds(actor);
  const candidates = summons.filter((s) => mine.has(s.unitId));
  const rank = (s: T) => (s.state === 'withdrawn' ? 2 : s.role === 'lead' ? 0 : 1);
  return [...candidates].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * The actions the reader may take on the whistle now: allowed by the transition table in its state,
 * held by the reader's side (whistler or summoned unit) and possible for one of the reader's own
 * summonses; never the system's own (markMissed).
 */
export function allowedWhistleActionsFor(
  reader: WhistleReader,
  row: WhistlePolicyRow,
  summons: readonly SummonsPolicyRow[],
): WhistleAction[] {
  const ctx = whistleContextOf(row, summons);
  const responding = respondingUnitIds(reader.actor);
  const mine = summons.filter((s) => responding.has(s.unitId));
  const whistler = isWhistler(reader, row.territoryPath);
  return allowedActions(WHISTLE_KIND, row.state as WhistleState, ctx).filter((action) => {
    if (SYSTEM_WHISTLE_ACTIONS.has(action)) return false;
    const permission = WHISTLE_ACTION_PERMISSION[action];
    if (permission === 'whistle.read') return true;
    if (permission === 'whistle.blow') {
      if (!whistler) return false;
      // Leading passes to another live summons; there must be one.
      if (action === 'changeLead') return ctx.activeSummons > 1;
      return true;
    }
    switch (action) {
      case 'checkIn':
        return mine.some((s) => s.state === 'summoned' || s.state === 'missed');
      case 'reportPart':
        return mine.some((s) => s.role === 'assisting' && s.state === 'checkedIn');
      case 'reportResult':
        return mine.some((s) => s.role === 'lead' && s.unitId === row.leadUnitId && s.state !== 'withdrawn');
      default:
        return false;
    }
  });
}
