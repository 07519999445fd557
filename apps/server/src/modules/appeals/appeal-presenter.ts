/**
 * Turns appeal records into what a reader may see.
 * Invariants: the appellant's identity is masked (`张*`, `138****1234`) for everyone but the appellant
 * themself, except the phone for a handling unit whose policy is 'full'; a confidential appellant is
 * never named to a reader who sees the appeal only through a unit; an appellant never sees internal
 * events, staff names or handlers' notes; nobody but the appellant sees which account raised it.
 */
import {
  appellantStatusOf,
  can,
  maskName,
  maskPhone,
  ROLE_ACTIONS,
  type Actor,
  type AppealState,
  type Subject,
} from '@huizhi/domain';
import type { TAppealDetail, TAppealEvent, TAppealSummary, TAttachment } from '@huizhi/contracts';
import type { ActorContext } from '../../context.ts';
import type { SlaTimerRow } from '../work-orders/sla-timers.repository.ts';
import { allowedAppealActionsFor } from './appeal-policy.ts';
import {
  EXCERPT_LENGTH,
  type AppealAssignmentRecord,
  type AppealEventRecord,
  type AppealRecord,
  type AppealSummaryRecord,
  type AttachmentRecord,
} from './appeals.repository.ts';

/** Everything an appeal's page is made of. */
export interface AppealBundle {
  row: AppealRecord;
  territory: { id: string; name: string; level: string };
  categoryNameZh: string | null;
  categoryNameEn: string | null;
  handlingUnitName: string | null;
  parentNumber: string | null;
  assignments: readonly AppealAssignmentRecord[];
  timers: readonly SlaTimerRow[];
  events: readonly AppealEventRecord[];
  attachments: readonly AttachmentRecord[];
  merged: readonly { id: string; number: string }[];
}

/** How a reader stands to one appeal's appellant. */
export interface ReaderView {
  /** The reader raised the appeal from their own account. */
  isAppellant: boolean;
  /** The reader sees the appeal only as its appellant (a resident), not as staff. */
  onlyAsAppellant: boolean;
  /** The reader may not know who raised it (confidential, seen only through a unit). */
  hidden: boolean;
  fullName: boolean;
  fullPhone: boolean;
  /** The reader may ask for the full name and phone (a logged reveal). */
  mayReveal: boolean;
}

/** States in which the appellant still waits for this round's reply. */
const AWAITING_REPLY: ReadonlySet<string> = new Set([
  'received',
  'dispatched',
  'accepted',
  'inProgress',
  'returned',
]);

/** Event data an appellant may see; everything else (notes, reasons, unit choices) stays with staff. */
const APPELLANT_EVENT_DATA: ReadonlySet<string> = new Set([
  'channel',
  'type',
  'categoryCode',
  'urgency',
  'tier',
  'reply',
  'replyDueAt',
  'closeKind',
  'resolved',
  'satisfaction',
  'attachments',
]);

function withScopes(actor: Actor, kinds: readonly string[]): Actor {
  return { ...actor, assignments: actor.assignments.filter((a) => kinds.includes(a.scope.kind)) };
}

/** Decides what a reader may know of an appeal's appellant. */
export function readerViewOf(
  actor: Actor,
  row: Pick<AppealRecord, 'territoryPath' | 'appellantUserId' | 'confidential'>,
  assignments: readonly Pick<AppealAssignmentRecord, 'unitId' | 'active' | 'appellantPhoneAccess'>[],
): ReaderView {
  const subject: Subject = {
    kind: 'appeal',
    territoryPath: row.territoryPath,
    unitIds: [...new Set(assignments.map((a) => a.unitId))],
    appellantUserId: row.appellantUserId,
  };
  const isAppellant = row.appellantUserId !== null && row.appellantUserId === actor.userId;
  const asStaff = can(withScopes(actor, ['territory', 'unit']), 'appeal.read', subject);
  const viaTerritory = can(withScopes(actor, ['territory']), 'appeal.read', subject);
  const hidden = row.confidential && !isAppellant && !viaTerritory;
  const readFull = can(actor, 'personalData.readFull', subject);
  const unitPhoneFull = actor.assignments.some(
    ({ role, scope }) =>
      scope.kind === 'unit' &&
      ROLE_ACTIONS[role].includes('appeal.read') &&
      assignments.some((a) => a.active && a.unitId === scope.unitId && a.appellantPhoneAccess === 'full'),
  );
  return {
    isAppellant,
    onlyAsAppellant: isAppellant && !asStaff,
    hidden,
    fullName: isAppellant,
    fullPhone: isAppellant || (unitPhoneFull && !hidden),
    mayReveal: !hidden && !isAppellant && (readFull || unitPhoneFull),
  };
}

/** The appellant block of an appeal for a reader. */
export function presentAppellant(
  row: Pick<AppealRecord, 'appellantName' | 'appellantPhone' | 'confidential'>,
  view: ReaderView,
): TAppealDetail['appellant'] {
  if (view.hidden) return { name: null, phone: null, masked: false, confidential: true, hidden: true };
  const name =
    row.appellantName === null ? null : view.fullName ? row.appellantName : maskName(row.appellantName);
  const phone =
    row.appellantPhone === null ? null : view.fullPhone ? row.appellantPhone : maskPhone(row.appellantPhone);
  return {
    name,
    phone,
    masked: (name !== null && !view.fullName) || (phone !== null && !view.fullPhone),
    confidential: row.confidential,
    hidden: false,
  };
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The category name in the reader's language. */
function categoryName(locale: ActorContext['locale'], zh: string | null, en: string | null): string | null {
  return locale === 'en' ? (en ?? zh) : (zh ?? en);
}

/** The first characters of an appeal's content, for lists. */
export function excerptOf(content: string): string {
  const chars = Array.from(content);
  return chars.length <= EXCERPT_LENGTH ? content : chars.slice(0, EXCERPT_LENGTH).join('');
}

/** A list row of an appeal. */
export function presentAppealSummary(
  row: AppealSummaryRecord,
  locale: ActorContext['locale'],
): TAppealSummary {
  return {
    id: row.id,
    number: row.number,
    source: row.source as TAppealSummary['source'],
    state: row.state as AppealState,
    appellantStatus: appellantStatusOf(row.state as AppealState),
    type: row.type as TAppealSummary['type'],
    channel: row.channel as TAppealSummary['channel'],
    categoryCode: row.category_code,
    categoryName: categoryName(locale, row.category_name_zh, row.category_name_en),
    excerpt: row.excerpt,
    address: row.address,
    territory: { id: row.territory_id, name: row.territory_name, level: row.territory_level },
    handlingUnit:
      row.handling_unit_id !== null && row.handling_unit_name !== null
        ? { id: row.handling_unit_id, name: row.handling_unit_name }
        : null,
    urgency: row.urgency as TAppealSummary['urgency'],
    tier: row.tier,
    round: row.round,
    hardCase: row.hard_case,
    receivedAt: row.received_at.toISOString(),
    replyDueAt: iso(row.reply_due_at),
    dueSoon: row.due_soon,
    overdue: row.overdue,
  };
}

/** The files of an appeal as links the web can fetch (same-origin, session-checked). */
export function presentAttachment(file: AttachmentRecord): TAttachment {
  return {
    id: file.id,
    fileName: file.fileName,
    contentType: file.contentType,
    kind: file.kind as TAttachment['kind'],
    size: file.size,
    purpose: file.purpose as TAttachment['purpose'],
    url: `/api/v1/attachments/${file.id}`,
  };
}

function presentEvent(
  event: AppealEventRecord,
  row: AppealRecord,
  actor: Actor,
  view: ReaderView,
): TAppealEvent {
  let who: TAppealEvent['actor'] =
    event.actorId !== null && event.actorName !== null ? { id: event.actorId, name: event.actorName } : null;
  // The account that raised the appeal is named only to the appellant; staff are not named to appellants.
  if (who && who.id === row.appellantUserId && !view.isAppellant) who = null;
  if (who && view.onlyAsAppellant && who.id !== actor.userId) who = null;
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    seq: event.seq,
    type: event.type,
    at: event.at.toISOString(),
    actor: who,
    unit:
      event.actorUnitId !== null && event.actorUnitName !== null
        ? { id: event.actorUnitId, name: event.actorUnitName }
        : null,
    round: event.round,
    fromState: event.fromState as TAppealEvent['fromState'],
    toState: event.toState as TAppealEvent['toState'],
    internal: event.internal,
    data: view.onlyAsAppellant
      ? Object.fromEntries(Object.entries(data).filter(([key]) => APPELLANT_EVENT_DATA.has(key)))
      : data,
  };
}

/** True when an open clock (not stopped, not paused) satisfies the test. */
function anyOpenTimer(timers: readonly SlaTimerRow[], test: (timer: SlaTimerRow) => boolean): boolean {
  return timers.some((timer) => timer.stoppedAt === null && timer.pausedAt === null && test(timer));
}

/** The whole appeal as a reader may see it, with the actions the reader may take now. */
export function presentAppealDetail(
  bundle: AppealBundle,
  actor: ActorContext,
  now: Date,
  maxRounds: number,
): TAppealDetail {
  const { row } = bundle;
  const view = readerViewOf(actor, row, bundle.assignments);
  const at = now.getTime();
  const dueSoon = anyOpenTimer(bundle.timers, (t) => t.warnAt.getTime() <= at && t.dueAt.getTime() > at);
  const overdue =
    anyOpenTimer(bundle.timers, (t) => t.dueAt.getTime() <= at) ||
    (row.replyDueAt !== null && row.replyDueAt.getTime() <= at && AWAITING_REPLY.has(row.state));
  const unitIds = [...new Set(bundle.assignments.map((a) => a.unitId))];
  // A voice recording identifies its speaker: kept from readers who may not know who raised it.
  const files = view.hidden
    ? bundle.attachments.filter((file) => !(file.purpose === 'intake' && file.kind === 'audio'))
    : bundle.attachments;
  return {
    id: row.id,
    number: row.number,
    source: row.source as TAppealDetail['source'],
    state: row.state as AppealState,
    appellantStatus: appellantStatusOf(row.state as AppealState),
    type: row.type as TAppealDetail['type'],
    channel: row.channel as TAppealDetail['channel'],
    categoryCode: row.categoryCode,
    categoryName: categoryName(actor.locale, bundle.categoryNameZh, bundle.categoryNameEn),
    excerpt: excerptOf(row.content),
    address: row.address,
    territory: bundle.territory,
    handlingUnit:
      row.handlingUnitId !== null && bundle.handlingUnitName !== null
        ? { id: row.handlingUnitId, name: bundle.handlingUnitName }
        : null,
    urgency: row.urgency as TAppealDetail['urgency'],
    tier: row.tier,
    round: row.round,
    hardCase: row.hardCase,
    receivedAt: row.receivedAt.toISOString(),
    replyDueAt: iso(row.replyDueAt),
    dueSoon,
    overdue,
    version: row.version,
    content: row.content,
    location: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
    appellant: presentAppellant(row, view),
    assignments: bundle.assignments.map((a) => ({
      unit: { id: a.unitId, name: a.unitName },
      role: a.role as 'lead' | 'assisting' | 'copy',
      round: a.round,
      active: a.active,
    })),
    deadlines: bundle.timers.map((timer) => ({
      clock: timer.clock as 'accept' | 'contact' | 'reply',
      round: timer.round,
      dueAt: timer.dueAt.toISOString(),
      warnAt: timer.warnAt.toISOString(),
      warnedAt: iso(timer.warnedAt),
      overdueAt: iso(timer.overdueAt),
      stoppedAt: iso(timer.stoppedAt),
    })),
    contacted: row.contacted,
    reply: row.reply,
    repliedAt: iso(row.repliedAt),
    closeKind: row.closeKind as TAppealDetail['closeKind'],
    closeReason: row.closeReason,
    closedAt: iso(row.closedAt),
    extensionRequestedUntil: iso(row.extensionRequestedUntil),
    parent:
      row.parentId !== null && bundle.parentNumber !== null
        ? { id: row.parentId, number: bundle.parentNumber }
        : null,
    merged: bundle.merged.map((m) => ({ id: m.id, number: m.number })),
    attachments: files.map(presentAttachment),
    events: bundle.events
      .filter((event) => !(view.onlyAsAppellant && event.internal))
      .map((event) => presentEvent(event, row, actor, view)),
    allowedActions: allowedAppealActionsFor(actor, row, unitIds, now, maxRounds),
  };
}
