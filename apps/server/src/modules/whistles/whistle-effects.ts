/**
 * Runs the effects the whistle transition table returns, in the transaction of the transition:
 * check-in clocks (sla_timers, order_kind 'whistleSummons', one 'checkIn' clock per summons) and
 * notifications to the people concerned.
 * Invariants: effects never decide anything the table did not; one notification of a kind per person
 * and transition; the person who acted is never notified of their own action. Notification `data` has
 * the same fields for every kind (see WhistleNotificationData), so the bell can show any of them.
 */
import {
  pathIds,
  ROLE_ACTIONS,
  ROLES,
  warnAt,
  type Role,
  type WhistleEffect,
  type WhistleNotificationKind,
} from '@huizhi/domain';
import type { DbOrTx, Deps } from '../../context.ts';
import { audienceUserIds, notifyUsers } from '../notifications/notifications.service.ts';
import { startTimers } from '../work-orders/sla-timers.repository.ts';
import {
  listUnitIdsOnTerritory,
  stopCheckInTimers,
  type SummonsRecord,
  type WhistleRow,
} from './whistles.repository.ts';

const unitRoleUsers = (tx: DbOrTx, unitIds: readonly string[], roles: readonly string[]) =>
  audienceUserIds(tx, { kind: 'unitRoles', unitIds, roles });
const coveringRoleUsers = (tx: DbOrTx, territoryPath: string, roles: readonly string[]) =>
  audienceUserIds(tx, { kind: 'coveringRoles', territoryPath, roles });

/** The share of a check-in limit after which its clock counts as due soon. */
export const CHECK_IN_WARN_PERCENT = 80;

/** Roles that read whistles: who hears of a whistle over their territory or unit. */
const WHISTLE_READER_ROLES: readonly Role[] = ROLES.filter((role) =>
  ROLE_ACTIONS[role].includes('whistle.read'),
);
/** Roles of a unit's own people (its handlers and its lead). */
const UNIT_ROLES: readonly Role[] = ['handler', 'unitLead'];
/** The offices that stand for a level of the ladder (the community's, the street's, the district's). */
const LEVEL_OFFICE_TYPES = ['community', 'street', 'districtGovernment'] as const;

/** Who acted (null fields for the system, i.e. the sweeper). */
export interface WhistleActor {
  userId: string | null;
  name: string | null;
  unitId: string | null;
}

/** What a whistle notification carries, for every kind alike (null where it does not apply). */
export interface WhistleNotificationData extends Record<string, unknown> {
  number: string;
  title: string;
  urgency: string;
  /** The whistle's state and level after the action. */
  state: string;
  level: string;
  /** The event type that caused it: blown, checkIn, markMissed, reportPart, … */
  action: string;
  actorName: string | null;
  /** The unit the action is about (the one that checked in, missed, reported, was withdrawn, now leads). */
  unitId: string | null;
  unitName: string | null;
  /** Whether that unit checked in late (null when no unit is concerned). */
  late: boolean | null;
  /** That unit's check-in deadline, or the whistle's when no unit is concerned. */
  checkInDueAt: string;
}

/** Everything one run of effects works on. */
export interface WhistleRun {
  tx: DbOrTx;
  deps: Pick<Deps, 'clock'>;
  /** The whistle as it is after the transition (state, level, lead). */
  whistle: WhistleRow;
  /** The summonses as they are after the transition. */
  summons: readonly SummonsRecord[];
  /** The event type of the action. */
  action: string;
  now: Date;
  actor: WhistleActor;
  /** The summons the action is about (checked in, missed, reported, withdrawn, made lead), if any. */
  target?: SummonsRecord | undefined;
  /** Summonses the action created (a blow, summonMore): the new clocks and who is summoned. */
  created?: readonly SummonsRecord[] | undefined;
  /** The new responsible territory's path (after an escalation). */
  responsiblePath?: string | undefined;
  /** `kind:userId` of the notifications this run created. */
  notified?: Set<string>;
}

/** Runs the effects in order. */
export async function runWhistleEffects(run: WhistleRun, effects: readonly WhistleEffect[]): Promise<void> {
  for (const effect of effects) {
    switch (effect.type) {
      case 'startCheckInClocks':
        await startCheckInClocks(run);
        break;
      case 'stopCheckInClock':
        if (run.target) await stopCheckInTimers(run.tx, [run.target.id], run.now);
        break;
      case 'stopAllClocks':
        await stopCheckInTimers(
          run.tx,
          run.summons.map((s) => s.id),
          run.now,
        );
        break;
      case 'notifySummoned':
        await notify(run, effect.kind, await summonedUsers(run));
        break;
      case 'notifyWhistler':
        await notify(run, effect.kind, await whistlerUsers(run));
        break;
      case 'notifyLead':
        await notify(run, effect.kind, await leadUsers(run, effect.kind));
        break;
      case 'notifyDistrict':
        await notify(run, effect.kind, await districtUsers(run));
        break;
      case 'notifyLevel':
        await notify(run, effect.kind, await levelUsers(run));
        break;
    }
  }
}

/** One check-in clock per new summons, due at its deadline, due soon at 80 % of the span. */
async function startCheckInClocks(run: WhistleRun): Promise<void> {
  for (const summons of run.created ?? []) {
    await startTimers(run.tx, 'whistleSummons', summons.id, [
      {
        clock: 'checkIn',
        round: 1,
        startedAt: run.now,
        dueAt: summons.checkInDueAt,
        warnAt: warnAt(run.now, summons.checkInDueAt, CHECK_IN_WARN_PERCENT),
      },
    ]);
  }
}

// ---- Audiences ----

/** The people of the summoned units: the new ones when the action summoned some, else every live one. */
async function summonedUsers(run: WhistleRun): Promise<string[]> {
  const summons = run.created ?? run.summons.filter((s) => s.state !== 'withdrawn');
  return unitRoleUsers(
    run.tx,
    summons.map((s) => s.unitId),
    UNIT_ROLES,
  );
}

/** The person who blew the whistle and the people of the office it was blown through. */
async function whistlerUsers(run: WhistleRun): Promise<string[]> {
  const office = run.whistle.blowerUnitId
    ? await unitRoleUsers(run.tx, [run.whistle.blowerUnitId], UNIT_ROLES)
    : [];
  return [run.whistle.blownBy, ...office];
}

/** The people of the lead unit (and, for a withdrawal, of the unit withdrawn: it is released). */
async function leadUsers(run: WhistleRun, kind: WhistleNotificationKind): Promise<string[]> {
  const unitIds = [run.whistle.leadUnitId];
  if (kind === 'withdrawn' && run.target) unitIds.push(run.target.unitId);
  return unitRoleUsers(run.tx, unitIds, UNIT_ROLES);
}

/**
 * The district of the whistle: people reading whistles over a territory containing the district,
 * and the people of the district government.
 */
async function districtUsers(run: WhistleRun): Promise<string[]> {
  const ids = pathIds(run.whistle.territoryPath);
  if (ids.length < 2) return [];
  const districtPath = `/${ids[0]}/${ids[1]}/`;
  const governments = await listUnitIdsOnTerritory(run.tx, ids[1]!, ['districtGovernment']);
  return [
    ...(await coveringRoleUsers(run.tx, districtPath, WHISTLE_READER_ROLES)),
    ...(await unitRoleUsers(run.tx, governments, WHISTLE_READER_ROLES)),
  ];
}

/**
 * The level the matter moved to: people reading whistles over a territory containing the new
 * responsible territory, and the people of its office (community, street office, district government).
 */
async function levelUsers(run: WhistleRun): Promise<string[]> {
  if (!run.responsiblePath) return [];
  const offices = await listUnitIdsOnTerritory(
    run.tx,
    run.whistle.responsibleTerritoryId,
    LEVEL_OFFICE_TYPES,
  );
  return [
    ...(await coveringRoleUsers(run.tx, run.responsiblePath, WHISTLE_READER_ROLES)),
    ...(await unitRoleUsers(run.tx, offices, WHISTLE_READER_ROLES)),
  ];
}

// ---- Notifications ----

function notificationData(run: WhistleRun): WhistleNotificationData {
  const unit = run.target;
  return {
    number: run.whistle.number,
    title: run.whistle.title,
    urgency: run.whistle.urgency,
    state: run.whistle.state,
    level: run.whistle.level,
    action: run.action,
    actorName: run.actor.name,
    unitId: unit?.unitId ?? null,
    unitName: unit?.unitName ?? null,
    late: unit ? unit.late : null,
    checkInDueAt: (unit?.checkInDueAt ?? run.whistle.checkInDueAt).toISOString(),
  };
}

async function notify(run: WhistleRun, kind: WhistleNotificationKind, userIds: readonly string[]) {
  const notified = (run.notified ??= new Set<string>());
  const recipients = [...new Set(userIds)].filter((id) => !notified.has(`${kind}:${id}`));
  for (const id of recipients) notified.add(`${kind}:${id}`);
  await notifyUsers(
    run.tx,
    run.deps,
    recipients,
    { kind, orderKind: 'whistle', orderId: run.whistle.id, data: notificationData(run) },
    run.actor.userId,
  );
}
