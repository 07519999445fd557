/**
 * Turns whistle records into what a reader may see: the summary counts, each summons with its
 * check-in and part, the escalation ladder, the timeline and the actions the reader may take now.
 * Invariants: a responsible person's phone is masked (`138****1234`) unless the reader holds
 * personalData.readFull over the whistle's place (the service logs such a read); the ladder is read
 * from the events (the `blown` rung, then one rung per `escalate`), never from the present columns.
 */
import { maskPhone, type WhistleLevel } from '@huizhi/domain';
import type {
  TWhistleDetail,
  TWhistleEvent,
  TWhistleSummary,
  TWhistleSummons,
  ZLadderStep,
  ZWhistleListItem,
} from '@huizhi/contracts';
import type { z } from 'zod';
import { allowedWhistleActionsFor, mySummonsOf, type WhistleReader } from './whistle-policy.ts';
import type {
  SummonsRecord,
  WhistleEventRecord,
  WhistleRow,
  WhistleSummaryRecord,
  WhistleWithNames,
} from './whistles.repository.ts';

type TLadderStep = z.infer<typeof ZLadderStep>;
type TWhistleListItem = z.infer<typeof ZWhistleListItem>;

/** Everything a whistle's page is made of. */
export interface WhistleBundle {
  found: WhistleWithNames;
  summons: readonly SummonsRecord[];
  events: readonly WhistleEventRecord[];
  /** Territories the ladder names, by id. */
  territories: ReadonlyMap<string, { id: string; name: string; level: string }>;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** True while a summons waits for its check-in past the deadline. */
function isOverdue(summons: SummonsRecord, now: Date): boolean {
  return (
    summons.checkedInAt === null &&
    summons.state !== 'withdrawn' &&
    summons.checkInDueAt.getTime() < now.getTime()
  );
}

/** One summons as a reader sees it; the phone in full only when `fullPhone`. */
export function presentSummons(
  summons: SummonsRecord,
  whistle: Pick<WhistleRow, 'dueAt'>,
  now: Date,
  fullPhone: boolean,
): TWhistleSummons {
  const phone = summons.responsiblePhone;
  return {
    id: summons.id,
    unit: { id: summons.unitId, name: summons.unitName },
    role: summons.role as TWhistleSummons['role'],
    state: summons.state as TWhistleSummons['state'],
    summonedAt: summons.summonedAt.toISOString(),
    checkInDueAt: summons.checkInDueAt.toISOString(),
    checkedInAt: iso(summons.checkedInAt),
    late: summons.late,
    overdue: isOverdue(summons, now),
    missedAt: iso(summons.missedAt),
    responsibleName: summons.responsibleName,
    responsiblePhone: phone === null ? null : fullPhone ? phone : maskPhone(phone),
    part: summons.part,
    partAt: iso(summons.partAt),
    partOnTime:
      summons.partAt === null || whistle.dueAt === null
        ? null
        : summons.partAt.getTime() <= whistle.dueAt.getTime(),
    withdrawnAt: iso(summons.withdrawnAt),
    withdrawReason: summons.withdrawReason as TWhistleSummons['withdrawReason'],
  };
}

/** How many live summonses there are, have checked in, were late, and are missing (overdue or missed). */
function countSummons(summons: readonly SummonsRecord[], now: Date) {
  const live = summons.filter((s) => s.state !== 'withdrawn');
  return {
    summoned: live.length,
    checkedIn: live.filter((s) => s.checkedInAt !== null).length,
    late: live.filter((s) => s.late).length,
    missing: live.filter((s) => s.checkedInAt === null && (s.missedAt !== null || isOverdue(s, now))).length,
  };
}

interface SummaryNames {
  territoryName: string;
  territoryLevel: string;
  leadUnitName: string;
  appealNumber: string | null;
}

function presentSummary(
  row: WhistleRow,
  names: SummaryNames,
  summons: readonly SummonsRecord[],
  now: Date,
): TWhistleSummary {
  return {
    id: row.id,
    number: row.number,
    state: row.state as TWhistleSummary['state'],
    title: row.title,
    urgency: row.urgency as TWhistleSummary['urgency'],
    territory: { id: row.territoryId, name: names.territoryName, level: names.territoryLevel },
    level: row.level as WhistleLevel,
    leadUnit: { id: row.leadUnitId, name: names.leadUnitName },
    appeal:
      row.appealId !== null && names.appealNumber !== null
        ? { id: row.appealId, number: names.appealNumber }
        : null,
    createdAt: row.createdAt.toISOString(),
    checkInDueAt: row.checkInDueAt.toISOString(),
    dueAt: iso(row.dueAt),
    ...countSummons(summons, now),
  };
}

/** A list row: the summary and, when the reader's unit is summoned, its summons (phone always masked). */
export function presentWhistleListItem(
  record: WhistleSummaryRecord,
  summons: readonly SummonsRecord[],
  reader: WhistleReader,
  now: Date,
): TWhistleListItem {
  const mine = mySummonsOf(reader.actor, summons);
  return {
    ...presentSummary(record.whistle, record, summons, now),
    mySummons: mine ? presentSummons(mine, record.whistle, now, false) : null,
  };
}

function presentEvent(event: WhistleEventRecord): TWhistleEvent {
  return {
    seq: event.seq,
    type: event.type,
    at: event.at.toISOString(),
    actor:
      event.actorId !== null && event.actorName !== null
        ? { id: event.actorId, name: event.actorName }
        : null,
    unit:
      event.actorUnitId !== null && event.actorUnitName !== null
        ? { id: event.actorUnitId, name: event.actorUnitName }
        : null,
    fromState: event.fromState as TWhistleEvent['fromState'],
    toState: event.toState as TWhistleEvent['toState'],
    data: (event.data ?? {}) as Record<string, unknown>,
  };
}

/** The territory ids the ladder names (the responsible territory of each rung). */
export function ladderTerritoryIds(events: readonly WhistleEventRecord[]): string[] {
  return events.flatMap((event) => {
    const id = (event.data as Record<string, unknown> | null)?.responsibleTerritoryId;
    return (event.type === 'blown' || event.type === 'escalate') && typeof id === 'string' ? [id] : [];
  });
}

/** The escalation ladder: where the matter started, then each step up with its reason, time and actor. */
function presentLadder(bundle: WhistleBundle): TLadderStep[] {
  const { whistle } = bundle.found;
  const rungs: TLadderStep[] = [];
  for (const event of bundle.events) {
    if (event.type !== 'blown' && event.type !== 'escalate') continue;
    const data = (event.data ?? {}) as Record<string, unknown>;
    const territory = bundle.territories.get(String(data.responsibleTerritoryId));
    const level = (event.type === 'blown' ? data.level : data.toLevel) as WhistleLevel | undefined;
    if (!territory || !level) continue;
    rungs.push({
      level,
      territory: { id: territory.id, name: territory.name },
      at: event.at.toISOString(),
      actor:
        event.actorId !== null && event.actorName !== null
          ? { id: event.actorId, name: event.actorName }
          : null,
      reason: typeof data.reason === 'string' && event.type === 'escalate' ? data.reason : null,
    });
  }
  if (rungs.length === 0) {
    // A whistle always starts with its `blown` event; this only keeps a damaged history readable.
    rungs.push({
      level: whistle.level as WhistleLevel,
      territory: { id: whistle.responsibleTerritoryId, name: bundle.found.responsibleName },
      at: whistle.createdAt.toISOString(),
      actor: null,
      reason: null,
    });
  }
  return rungs;
}

/** The whole whistle as a reader may see it, with the actions they may take now. */
export function presentWhistleDetail(
  bundle: WhistleBundle,
  reader: WhistleReader,
  now: Date,
  fullPhone: boolean,
): TWhistleDetail {
  const { found } = bundle;
  const row = found.whistle;
  const mine = mySummonsOf(reader.actor, bundle.summons);
  return {
    ...presentSummary(row, found, bundle.summons, now),
    version: row.version,
    reason: row.reason,
    address: row.address,
    location: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
    responsibleTerritory: {
      id: row.responsibleTerritoryId,
      name: found.responsibleName,
      level: found.responsibleLevel,
    },
    blownBy: { id: row.blownBy, name: found.blownByName },
    blowerUnit:
      row.blowerUnitId !== null && found.blowerUnitName !== null
        ? { id: row.blowerUnitId, name: found.blowerUnitName }
        : null,
    meetingAt: iso(row.meetingAt),
    meetingPlace: row.meetingPlace,
    result: row.result,
    resultAt: iso(row.resultAt),
    closedAt: iso(row.closedAt),
    cancelReason: row.cancelReason,
    summons: bundle.summons.map((s) => presentSummons(s, row, now, fullPhone)),
    ladder: presentLadder(bundle),
    events: bundle.events.map(presentEvent),
    allowedActions: allowedWhistleActionsFor(reader, row, bundle.summons),
    mySummonsId: mine?.id ?? null,
  };
}
