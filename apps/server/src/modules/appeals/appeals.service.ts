/**
 * Appeal intake and queries (接诉即办): every channel creates the same appeal with one `received`
 * event and its reply clock; readers list, count, open and compare appeals within their scope.
 * Intake is the hot path: categories, the city root and tier choices are cached in memory (reloaded
 * when a change counter moved, checked at most once a second), and the appeal, its events, its clock
 * and its file links are written by one statement.
 */
import { randomUUID } from 'node:crypto';
import {
  APPEAL_KIND,
  AppError,
  can,
  categoryAncestry,
  decide,
  DEFAULT_UTC_OFFSET,
  grantedActions,
  localDateOf,
  parseUtcOffset,
  pathIds,
  scopeFilter,
  type Actor,
  type AppealChannel,
  type AppealContext,
  type ScopeFilter,
  type Subject,
  warnAt,
} from '@huizhi/domain';
import {
  APPEAL_QUEUES,
  type TAppealDetail,
  type TAppealList,
  type TAppealListQuery,
  type TAppealQueueCounts,
  type TCreateAppeal,
  type TDispatchSuggestion,
  type TRevealedAppellant,
  type TSimilarAppeals,
  type TSimilarAppealsQuery,
} from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import type { Database } from '../../db/connect.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { loadBusinessCalendar } from '../calendar/calendar.service.ts';
import { CATEGORY_COUNTER } from '../categories/categories.repository.ts';
import { runDispatchCatalogue } from '../dispatch-rules/explain.service.ts';
import { getGazetteer, matchAddress, segmentAddress } from '../gazetteer/geocoder.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { messengerFor } from '../messages/appellant-messenger.ts';
import { SPATIAL_COUNTER } from '../routing/locate.repository.ts';
import { locatePoint } from '../routing/locate.service.ts';
import { SLA_COUNTER } from '../sla/sla.repository.ts';
import { chooseTierFor, getSlaTiers, planAppealDeadlines } from '../sla/sla.service.ts';
import { listTimers } from '../work-orders/sla-timers.repository.ts';
import { appealSubject } from './appeal-policy.ts';
import { MicroBatcher } from './intake-batcher.ts';
import {
  presentAppealDetail,
  presentAppealSummary,
  readerViewOf,
  type AppealBundle,
} from './appeal-presenter.ts';
import {
  countAppealQueues,
  findAppealWithNames,
  findCityRoot,
  findIntakeTerritory,
  findUserContact,
  insertIntake,
  insertPlainIntakes,
  isPlainIntake,
  listAppealAssignments,
  listAppealAttachments,
  listAppealEvents,
  listAppealSummaries,
  listIntakeCategories,
  listLinkableAttachments,
  listMergedAppeals,
  listSimilarCandidates,
  readChangeCounters,
  type AppealAssignmentRecord,
  type AppealRecord,
  type AttachmentRecord,
  type IntakeEvent,
  type IntakeTerritory,
  type IntakeWrite,
  type QueueName,
  type StatementOptions,
} from './appeals.repository.ts';
import {
  boundingBox,
  rankSimilar,
  scoreSimilar,
  SIMILAR_BRANCH_CANDIDATES,
  SIMILAR_NEARBY_DAYS,
  SIMILAR_NEARBY_METERS,
  SIMILAR_PHONE_DAYS,
  SIMILAR_TEXT_CANDIDATES,
  SIMILAR_TEXT_DAYS,
  wordSet,
  type GeoPoint,
  type SimilarProbe,
  type SimilarScore,
} from './similar-appeals.ts';

/** How often (ms) a server checks whether another instance changed categories, tiers or territories. */
export const INTAKE_CHECK_INTERVAL_MS = 1000;
/** Queue counts stop at this number (shown as "1000+"), so counting stays fast at millions of rows. */
export const QUEUE_COUNT_CAP = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Levels an operator may name as the place of an appeal (a grid, a building, a community). */
const PLACE_LEVELS: ReadonlySet<string> = new Set(['grid', 'building', 'community']);
/** The intake time zone's offset: appeal numbers carry the local date of receipt (Asia/Shanghai). */
const NUMBER_OFFSET_MS = parseUtcOffset(DEFAULT_UTC_OFFSET) * 60_000;

function validationError(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { path, in: 'body', issues: [{ path, message }] });
}

// ---- The intake cache ----

interface IntakeCategory {
  nameZh: string;
  nameEn: string;
  /** Active, and every ancestor active: intake may file appeals under it. */
  usable: boolean;
  ancestry: string[];
}

interface LoadedIntake {
  version: string;
  categories: Map<string, IntakeCategory>;
  cityRoot: IntakeTerritory | null;
  /** Tier choices by category and urgency, valid while `tierSource` is the SLA module's current tiers. */
  tierChoices: Map<string, string>;
  tierSource: unknown;
}

interface IntakeState {
  loaded: LoadedIntake | null;
  checkedAt: number;
  pending: Promise<LoadedIntake> | null;
}

const intakeStates = new WeakMap<Database, IntakeState>();

function intakeStateOf(database: Database): IntakeState {
  let state = intakeStates.get(database);
  if (!state) {
    state = { loaded: null, checkedAt: -Infinity, pending: null };
    intakeStates.set(database, state);
  }
  return state;
}

async function readIntake(db: DbOrTx, state: IntakeState): Promise<LoadedIntake> {
  const counters = await readChangeCounters(db, [CATEGORY_COUNTER, SLA_COUNTER, SPATIAL_COUNTER]);
  const version = [...counters.values()].join(':');
  state.checkedAt = performance.now();
  if (state.loaded && state.loaded.version === version) return state.loaded;
  const [rows, cityRoot] = [await listIntakeCategories(db), await findCityRoot(db)];
  const parentOf = new Map(rows.map((row) => [row.code, row.parentCode]));
  const activeOf = new Map(rows.map((row) => [row.code, row.active]));
  const categories = new Map<string, IntakeCategory>();
  for (const row of rows) {
    const ancestry = categoryAncestry(row.code, parentOf);
    categories.set(row.code, {
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      usable: ancestry.every((code) => activeOf.get(code) === true),
      ancestry,
    });
  }
  state.loaded = { version, categories, cityRoot, tierChoices: new Map(), tierSource: null };
  return state.loaded;
}

/** The categories, city root and tier choices of intake, kept in memory (see INTAKE_CHECK_INTERVAL_MS). */
async function loadIntake(deps: Pick<Deps, 'database'>): Promise<LoadedIntake> {
  const state = intakeStateOf(deps.database);
  if (state.loaded && performance.now() - state.checkedAt < INTAKE_CHECK_INTERVAL_MS) return state.loaded;
  if (state.pending) return state.pending;
  state.pending = readIntake(deps.database.db, state).finally(() => {
    state.pending = null;
  });
  return state.pending;
}

/** Makes the next intake check the change counters at once (after a change made by this process). */
export function invalidateAppealIntakeCache(database: Database): void {
  intakeStateOf(database).checkedAt = -Infinity;
}

/** The tier of a new appeal: chosen by the SLA module once per category and urgency, then remembered. */
async function tierFor(
  deps: Deps,
  loaded: LoadedIntake,
  categoryCode: string | null,
  urgency: 'normal' | 'urgent',
): Promise<string> {
  const { db } = deps.database;
  const tiers = await getSlaTiers(deps, db);
  if (loaded.tierSource !== tiers) {
    loaded.tierChoices.clear();
    loaded.tierSource = tiers;
  }
  const key = `${categoryCode ?? ''}|${urgency}`;
  let tier = loaded.tierChoices.get(key);
  if (tier === undefined) {
    tier = (await chooseTierFor(deps, db, { categoryCode, urgency, unitType: null })).tier;
    loaded.tierChoices.set(key, tier);
  }
  return tier;
}

/** Working-day reply deadlines by tier and local date of receipt, valid for one calendar and set of tiers. */
interface ReplyDeadlineCache {
  calendar: unknown;
  tiers: unknown;
  dueByDay: Map<string, Date>;
}

const replyDeadlineCaches = new WeakMap<Database, ReplyDeadlineCache>();

/**
 * The tier and reply clock of an appeal received at `start`, planned by the SLA module. A working-day
 * limit runs out at the end of the N-th working day after the local date of receipt, so its deadline
 * is the same for every appeal of a tier received that day: it is planned once per tier and day (until
 * the calendar or the tiers change) and only the warning, a share of the clock time, is worked out.
 */
async function replyPlanFor(
  deps: Deps,
  tierCode: string,
  start: Date,
  question: { categoryCode: string | null; urgency: 'normal' | 'urgent' },
): Promise<{ tier: string; reply: { dueAt: Date; warnAt: Date } }> {
  const { db } = deps.database;
  const plan = () => planAppealDeadlines(deps, db, { ...question, unitType: null, start, tier: tierCode });
  const [tiers, calendar] = [await getSlaTiers(deps, db), await loadBusinessCalendar(deps, db)];
  const tier = tiers.get(tierCode);
  if (!tier || tier.replyUnit !== 'workdays') return plan();
  let cache = replyDeadlineCaches.get(deps.database);
  if (!cache || cache.calendar !== calendar || cache.tiers !== tiers) {
    cache = { calendar, tiers, dueByDay: new Map() };
    replyDeadlineCaches.set(deps.database, cache);
  }
  const key = `${tierCode}|${localDateOf(calendar, start)}`;
  let dueAt = cache.dueByDay.get(key);
  if (dueAt === undefined) {
    dueAt = (await plan()).reply.dueAt;
    cache.dueByDay.set(key, dueAt);
  }
  return { tier: tierCode, reply: { dueAt, warnAt: warnAt(start, dueAt, tier.warnPercent) } };
}

// ---- Intake ----

/** The most intakes one group-commit statement writes, and how many such writes may run at once. */
const INTAKE_BATCH_MAX = 64;
const INTAKE_WRITES_IN_FLIGHT = 2;
const intakeBatchers = new WeakMap<Database, MicroBatcher<IntakeWrite, string>>();

/** Named prepared statements on PostgreSQL only (see StatementOptions). */
function statementOptionsOf(database: Database): StatementOptions {
  return { named: database.kind === 'postgres' };
}

/** The group commit of plain intakes of a database (one per process and database). */
function intakeBatcherFor(database: Database): MicroBatcher<IntakeWrite, string> {
  let batcher = intakeBatchers.get(database);
  if (!batcher) {
    batcher = new MicroBatcher<IntakeWrite, string>({
      writeBatch: (writes) => insertPlainIntakes(database.db, writes, statementOptionsOf(database)),
      writeOne: async (write) =>
        (await insertPlainIntakes(database.db, [write], statementOptionsOf(database)))[0]!,
      maxBatch: INTAKE_BATCH_MAX,
      maxInFlight: INTAKE_WRITES_IN_FLIGHT,
    });
    intakeBatchers.set(database, batcher);
  }
  return batcher;
}

/** Where an appeal was placed and how. */
interface Placement {
  territory: IntakeTerritory;
  lng: number | null;
  lat: number | null;
  locatedBy: 'point' | 'territory' | 'address' | 'default';
}

function withoutSelf(actor: Actor): Actor {
  return { ...actor, assignments: actor.assignments.filter((a) => a.scope.kind !== 'self') };
}

function holdsRole(actor: Actor, role: string): boolean {
  return actor.assignments.some((a) => a.role === role && a.scope.kind !== 'self');
}

/** The channels each kind of person may record, and their default. */
function channelFor(actor: Actor, asResident: boolean, asked: TCreateAppeal['channel']): AppealChannel {
  let allowed: readonly AppealChannel[];
  let fallback: AppealChannel;
  if (asResident) {
    allowed = ['web', 'mobile', 'wechat', 'api'];
    fallback = 'web';
  } else if (holdsRole(actor, 'operator') || holdsRole(actor, 'admin')) {
    allowed = ['hotline', 'web', 'mobile', 'wechat', 'patrol', 'api'];
    fallback = 'hotline';
  } else if (holdsRole(actor, 'gridWorker')) {
    allowed = ['patrol', 'api'];
    fallback = 'patrol';
  } else {
    allowed = ['hotline', 'api'];
    fallback = 'hotline';
  }
  if (asked === undefined) return fallback;
  if (!allowed.includes(asked)) {
    throw validationError('/channel', `You may record appeals on these channels: ${allowed.join(', ')}.`);
  }
  return asked;
}

/** Builds a materialised path from a located grid's chain (grid → city). */
function pathOfChain(chain: readonly { id: string }[]): string {
  return `/${chain
    .map((node) => node.id)
    .reverse()
    .join('/')}/`;
}

/** Places a new appeal: the grid of its point, the place named, the address geocoded, or the default. */
async function placeAppeal(
  deps: Deps,
  actor: ActorContext,
  input: TCreateAppeal,
  loaded: LoadedIntake,
): Promise<Placement> {
  const lng = input.location?.lng ?? null;
  const lat = input.location?.lat ?? null;
  if (input.location) {
    const located = await locatePoint(deps, input.location);
    if (located.grid) {
      return {
        territory: {
          id: located.grid.id,
          name: located.grid.name,
          level: 'grid',
          path: pathOfChain(located.path),
        },
        lng,
        lat,
        locatedBy: 'point',
      };
    }
  }
  if (input.territoryId !== undefined) {
    const territory = await findIntakeTerritory(deps.database.db, input.territoryId);
    const readsTerritories = grantedActions(actor, 'scope').includes('territory.read');
    const mayName =
      territory !== null &&
      PLACE_LEVELS.has(territory.level) &&
      (!readsTerritories ||
        can(actor, 'territory.read', { kind: 'territory', id: territory.id, path: territory.path }));
    if (!mayName) {
      throw validationError('/territoryId', 'Unknown place: give a grid, building or community you may see.');
    }
    return { territory: territory!, lng, lat, locatedBy: 'territory' };
  }
  if (input.address !== undefined) {
    const gazetteer = await getGazetteer(deps);
    const best = matchAddress(gazetteer, input.address, 1)[0];
    const entry = best ? gazetteer.index.entries.get(best.entryId) : undefined;
    if (entry) {
      const id = pathIds(entry.territoryPath).at(-1)!;
      const node = gazetteer.territories.get(id);
      const territory = node
        ? { id: node.id, name: node.name, level: node.level, path: node.path }
        : await findIntakeTerritory(deps.database.db, id);
      if (territory) return { territory, lng, lat, locatedBy: 'address' };
    }
  }
  if (!loaded.cityRoot)
    throw new AppError('VALIDATION_FAILED', 'There is no territory to place the appeal in.');
  return { territory: loaded.cityRoot, lng, lat, locatedBy: 'default' };
}

/**
 * A staff member whose create scope does not reach the city root (a grid worker) files an appeal
 * without a place in their own territory instead, where they may create it.
 */
async function defaultPlaceOf(deps: Deps, actor: Actor): Promise<IntakeTerritory | null> {
  const own = actor.assignments.find(
    (a) =>
      a.scope.kind === 'territory' &&
      can({ ...actor, assignments: [a] }, 'appeal.create', {
        kind: 'appeal',
        territoryPath: a.scope.path,
        unitIds: [],
        appellantUserId: null,
      }),
  );
  if (!own || own.scope.kind !== 'territory') return null;
  return findIntakeTerritory(deps.database.db, own.scope.territoryId);
}

/** Phone numbers are kept without spaces and dashes, so searches and comparisons match. */
export function normalisePhone(phone: string): string {
  return phone.replace(/[\s-]/g, '');
}

function numberPrefixOf(receivedAt: Date): string {
  return new Date(receivedAt.getTime() + NUMBER_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * Records a new appeal from any channel: places it, files it under its category and tier, starts the
 * reply clock and writes the appeal, its `received` event, its clock and its file links at once. A
 * consultation answered on the spot (`answerNow`) is closed in the same write. Honours an
 * Idempotency-Key: a retry with the same key answers the first appeal and creates nothing.
 */
export async function createAppealFor(
  deps: Deps,
  actor: ActorContext,
  input: TCreateAppeal,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TAppealDetail>> {
  const viaScope = grantedActions(actor, 'scope').includes('appeal.create');
  const asResident = !viaScope && grantedActions(actor, 'self').includes('appeal.create');
  if (!viaScope && !asResident) throw new AppError('FORBIDDEN');
  const channel = channelFor(actor, asResident, input.channel);
  const loaded = await loadIntake(deps);

  const categoryCode = input.categoryCode ?? null;
  const category = categoryCode === null ? null : loaded.categories.get(categoryCode);
  if (categoryCode !== null && !category?.usable) {
    throw validationError('/categoryCode', 'Unknown or inactive category.');
  }

  let placement = await placeAppeal(deps, actor, input, loaded);
  const subjectAt = (territoryPath: string): Subject => ({
    kind: 'appeal',
    territoryPath,
    unitIds: [],
    appellantUserId: asResident ? actor.userId : null,
  });
  if (!can(actor, 'appeal.create', subjectAt(placement.territory.path))) {
    const own = placement.locatedBy === 'default' ? await defaultPlaceOf(deps, actor) : null;
    if (!own) throw new AppError('FORBIDDEN', 'You may not record appeals at this place.');
    placement = { ...placement, territory: own, locatedBy: 'default' };
  }

  const now = deps.clock.now();
  let appellantName = input.appellant.name ?? null;
  let appellantPhone = input.appellant.phone ?? null;
  if (asResident) {
    const contact = await findUserContact(deps.database.db, actor.userId);
    appellantName = contact?.displayName ?? actor.displayName;
    appellantPhone = contact?.phone ?? null;
  }
  if (appellantPhone !== null) appellantPhone = normalisePhone(appellantPhone);

  // A consultation answered on the spot is decided by the transition table, like any other action.
  const answer = input.answerNow
    ? decide(APPEAL_KIND, 'received', 'answerAtIntake', {
        type: input.type,
        contacted: false,
        extensionPending: false,
        hardCase: false,
        round: 1,
        maxRounds: deps.config.appealMaxRounds,
        replyOverdue: false,
      } satisfies AppealContext)
    : null;

  const plan = await replyPlanFor(deps, await tierFor(deps, loaded, categoryCode, input.urgency), now, {
    categoryCode,
    urgency: input.urgency,
  });

  const id = randomUUID();
  const events: IntakeEvent[] = [
    {
      seq: 1,
      type: 'received',
      fromState: null,
      toState: 'received',
      data: {
        channel,
        type: input.type,
        categoryCode,
        urgency: input.urgency,
        tier: plan.tier,
        territoryId: placement.territory.id,
        locatedBy: placement.locatedBy,
        attachments: input.attachmentIds.length,
      },
    },
  ];
  if (answer) {
    events.push({
      seq: 2,
      type: 'answerAtIntake',
      fromState: 'received',
      toState: answer.next,
      data: { closeKind: 'answeredAtIntake', reply: input.answerNow!.reply },
    });
  }
  const row: AppealRecord = {
    id,
    number: '',
    source: 'live',
    importId: null,
    channel,
    type: input.type,
    categoryCode,
    content: input.content,
    address: input.address ?? null,
    lng: placement.lng,
    lat: placement.lat,
    territoryId: placement.territory.id,
    territoryPath: placement.territory.path,
    urgency: input.urgency,
    tier: plan.tier,
    state: answer ? answer.next : 'received',
    round: 1,
    version: 1,
    appellantName,
    appellantPhone,
    appellantUserId: asResident ? actor.userId : null,
    confidential: input.appellant.confidential,
    handlingUnitId: null,
    hardCase: false,
    parentId: null,
    contacted: false,
    extensionRequestedUntil: null,
    replyDueAt: plan.reply.dueAt,
    reply: answer ? input.answerNow!.reply : null,
    repliedAt: answer ? now : null,
    closeKind: answer ? 'answeredAtIntake' : null,
    closeReason: null,
    closedAt: answer ? now : null,
    reviewTokenHash: null,
    receivedAt: now,
    createdBy: actor.userId,
    updatedAt: now,
  };
  const timer = {
    id: randomUUID(),
    dueAt: plan.reply.dueAt,
    warnAt: plan.reply.warnAt,
    stoppedAt: answer ? now : null,
  };
  const { number: _number, ...appealRow } = row;
  const write: IntakeWrite = {
    appeal: appealRow,
    numberPrefix: numberPrefixOf(now),
    events,
    actorId: actor.userId,
    timer,
    attachmentIds: input.attachmentIds,
  };

  /** Writes the intake (unless `written` already has its number) and presents it to its recorder. */
  const intake = async (db: DbOrTx, written?: string): Promise<TAppealDetail> => {
    let files: AttachmentRecord[] = [];
    if (input.attachmentIds.length > 0) {
      files = await listLinkableAttachments(db, input.attachmentIds, actor.userId);
      const linkable = new Set(files.map((file) => file.id));
      const missing = input.attachmentIds.findIndex((fileId) => !linkable.has(fileId));
      if (missing >= 0) {
        throw validationError(
          `/attachmentIds/${missing}`,
          'Unknown file, or not yours to attach, or already attached.',
        );
      }
      const order = new Map(input.attachmentIds.map((fileId, i) => [fileId, i]));
      files.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    }
    const number = written ?? (await insertIntake(db, write, statementOptionsOf(deps.database)));
    const created: AppealRecord = { ...row, number };
    for (const effect of answer?.effects ?? []) {
      if (effect.type === 'notifyAppellant' && appellantPhone !== null) {
        await messengerFor(deps).sms.send(
          db,
          {
            recipient: appellantPhone,
            template: effect.template,
            data: { number, template: effect.template, closeKind: 'answeredAtIntake' },
            orderKind: 'appeal',
            orderId: id,
          },
          now,
        );
      }
    }
    return presentAppealDetail(
      {
        row: created,
        territory: {
          id: placement.territory.id,
          name: placement.territory.name,
          level: placement.territory.level,
        },
        categoryNameZh: category?.nameZh ?? null,
        categoryNameEn: category?.nameEn ?? null,
        handlingUnitName: null,
        parentNumber: null,
        assignments: [],
        timers: [
          {
            id: timer.id,
            orderKind: 'appeal',
            orderId: id,
            clock: 'reply',
            round: 1,
            startedAt: now,
            dueAt: timer.dueAt,
            warnAt: timer.warnAt,
            warnedAt: null,
            overdueAt: null,
            pausedAt: null,
            stoppedAt: timer.stoppedAt,
          },
        ],
        events: events.map((event) => ({
          seq: event.seq,
          type: event.type,
          at: now,
          actorId: actor.userId,
          actorName: actor.displayName,
          actorUnitId: null,
          actorUnitName: null,
          round: 1,
          fromState: event.fromState,
          toState: event.toState,
          internal: false,
          data: event.data,
        })),
        attachments: files.map((file) => ({ ...file, appealId: id })),
        merged: [],
      },
      actor,
      now,
      deps.config.appealMaxRounds,
    );
  };

  if (idempotencyKey !== undefined) {
    return runIdempotent(deps, actor.userId, idempotencyKey, input, 201, (tx) => intake(tx));
  }
  if (isPlainIntake(write)) {
    // The common case joins the group commit: one statement for all intakes arriving together.
    const number = await intakeBatcherFor(deps.database).submit(write);
    return { statusCode: 201, body: await intake(deps.database.db, number), replayed: false };
  }
  // One statement is atomic on its own; files to check and messages to queue need a transaction.
  const needsTransaction = input.attachmentIds.length > 0 || (answer !== null && appellantPhone !== null);
  const body = needsTransaction
    ? await deps.database.db.transaction((tx) => intake(tx))
    : await intake(deps.database.db);
  return { statusCode: 201, body, replayed: false };
}

// ---- One appeal ----

/** Loads everything an appeal's page shows, or null when there is no such appeal. */
async function loadAppealBundle(db: DbOrTx, id: string): Promise<AppealBundle | null> {
  const [found, assignments] = await Promise.all([
    findAppealWithNames(db, id),
    listAppealAssignments(db, id),
  ]);
  if (!found) return null;
  const [timers, events, files, merged] = await Promise.all([
    listTimers(db, 'appeal', id),
    listAppealEvents(db, id),
    listAppealAttachments(db, id),
    listMergedAppeals(db, id),
  ]);
  return {
    row: found.appeal,
    territory: { id: found.appeal.territoryId, name: found.territoryName, level: found.territoryLevel },
    categoryNameZh: found.categoryNameZh,
    categoryNameEn: found.categoryNameEn,
    handlingUnitName: found.handlingUnitName,
    parentNumber: found.parentNumber,
    assignments,
    timers,
    events,
    attachments: files,
    merged,
  };
}

function mayRead(actor: Actor, row: AppealRecord, assignments: readonly AppealAssignmentRecord[]): boolean {
  return can(actor, 'appeal.read', appealSubject(row, [...new Set(assignments.map((a) => a.unitId))]));
}

/** The appeal as the actor may see it (masked, filtered); NOT_FOUND when it is out of the actor's scope. */
export async function getAppealFor(deps: Deps, actor: ActorContext, id: string): Promise<TAppealDetail> {
  const bundle = await loadAppealBundle(deps.database.db, id);
  if (!bundle || !mayRead(actor, bundle.row, bundle.assignments)) throw new AppError('NOT_FOUND');
  return presentAppealDetail(bundle, actor, deps.clock.now(), deps.config.appealMaxRounds);
}

/**
 * Shows the full name and phone of an appeal's appellant to a reader allowed to ask (personal data in
 * full in scope, or a handling unit whose policy is 'full'), never a confidential appellant to a unit
 * reader, and logs every reveal with the reason (never the values).
 */
export async function revealAppellantFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
  reason: string,
  request: RequestInfo,
): Promise<TRevealedAppellant> {
  return deps.database.db.transaction(async (tx) => {
    const [found, assignments] = [await findAppealWithNames(tx, id), await listAppealAssignments(tx, id)];
    if (!found || !mayRead(actor, found.appeal, assignments)) throw new AppError('NOT_FOUND');
    const row = found.appeal;
    const view = readerViewOf(actor, row, assignments);
    if (!view.mayReveal) throw new AppError('FORBIDDEN', 'You may not see who raised this appeal.');
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'personalData.reveal',
      entityType: 'appeal',
      entityId: id,
      scopePath: row.territoryPath,
      details: { number: row.number, fields: ['name', 'phone'], reason },
    });
    return { name: row.appellantName, phone: row.appellantPhone };
  });
}

// ---- Lists and queues ----

/** The reader's scope over appeals, or FORBIDDEN when they may read none. */
function readScopeOf(actor: Actor): ScopeFilter {
  const scope = scopeFilter(actor, 'appeal.read');
  if (scope.territoryPaths.length === 0 && scope.unitIds.length === 0 && scope.selfUserId === undefined) {
    throw new AppError('FORBIDDEN');
  }
  return scope;
}

function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(`${receivedAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const receivedAt = new Date(at ?? '');
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id ?? '');
  if (Number.isNaN(receivedAt.getTime()) || !isUuid) {
    throw new AppError('VALIDATION_FAILED', 'Not a cursor of this list.', {
      path: '/cursor',
      in: 'querystring',
      issues: [{ path: '/cursor', message: 'Not a cursor of this list.' }],
    });
  }
  return { receivedAt, id: id! };
}

/**
 * Lists the appeals of a queue the reader may see, newest first, a page at a time (keyset cursor).
 * Searching by the appellant's phone needs personal data in full ('personalData.readFull') and covers
 * only where the reader holds it; anyone else asking is refused.
 */
export async function listAppealsFor(
  deps: Deps,
  actor: ActorContext,
  query: TAppealListQuery,
): Promise<TAppealList> {
  const scope = readScopeOf(actor);
  let phoneScope: ScopeFilter | undefined;
  if (query.appellantPhone !== undefined) {
    phoneScope = scopeFilter(actor, 'personalData.readFull');
    if (phoneScope.territoryPaths.length === 0) {
      throw new AppError('FORBIDDEN', 'Only readers of personal data may search by the appellant’s phone.');
    }
  }
  let territoryPath: string | undefined;
  if (query.territoryId !== undefined) {
    const territory = await findIntakeTerritory(deps.database.db, query.territoryId);
    if (!territory) return { items: [], nextCursor: null };
    territoryPath = territory.path;
  }
  const rows = await listAppealSummaries(deps.database.db, {
    scope,
    queue: query.queue,
    now: deps.clock.now(),
    q: query.q,
    state: query.state,
    categoryCode: query.categoryCode,
    territoryPath,
    unitId: query.unitId,
    appellantPhone: query.appellantPhone === undefined ? undefined : normalisePhone(query.appellantPhone),
    phoneScope,
    source: query.source,
    receivedFrom: query.receivedFrom === undefined ? undefined : new Date(query.receivedFrom),
    receivedTo: query.receivedTo === undefined ? undefined : new Date(query.receivedTo),
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => presentAppealSummary(row, actor.locale)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.received_at, last.id) : null,
  };
}

/** How many appeals wait in each queue for the reader, each counted up to QUEUE_COUNT_CAP. */
export async function countAppealQueuesFor(deps: Deps, actor: ActorContext): Promise<TAppealQueueCounts> {
  const scope = readScopeOf(actor);
  const counts = await countAppealQueues(
    deps.database.db,
    scope,
    APPEAL_QUEUES as readonly QueueName[],
    deps.clock.now(),
    QUEUE_COUNT_CAP,
  );
  return { counts: counts as TAppealQueueCounts['counts'], cap: QUEUE_COUNT_CAP };
}

// ---- Similar appeals ----

/** The street a path lies in (city / district / street), or the path itself above street level. */
function streetPathOf(path: string): string {
  const ids = pathIds(path);
  return ids.length >= 3 ? `/${ids.slice(0, 3).join('/')}/` : path;
}

function wordsOf(text: string): Set<string> {
  return wordSet(segmentAddress(text));
}

async function findSimilar(
  deps: Deps,
  actor: ActorContext,
  scope: ScopeFilter,
  probe: SimilarProbe,
  territoryPath: string | null,
  excludeId: string | null,
): Promise<TSimilarAppeals> {
  const now = probe.now;
  const since = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const rows = await listSimilarCandidates(deps.database.db, {
    scope,
    now,
    excludeId,
    nearby:
      probe.categoryCode !== null && probe.point !== null
        ? {
            categoryCode: probe.categoryCode,
            since: since(SIMILAR_NEARBY_DAYS),
            ...boundingBox(probe.point, SIMILAR_NEARBY_METERS),
          }
        : null,
    text:
      probe.words !== null && probe.words.size > 0
        ? {
            territoryPath: territoryPath === null ? '/' : streetPathOf(territoryPath),
            since: since(SIMILAR_TEXT_DAYS),
            limit: SIMILAR_TEXT_CANDIDATES,
          }
        : null,
    phone: probe.phone !== null ? { phone: probe.phone, since: since(SIMILAR_PHONE_DAYS) } : null,
    branchLimit: SIMILAR_BRANCH_CANDIDATES,
  });
  const seen = new Set<string>();
  const scored: { row: (typeof rows)[number]; score: SimilarScore; receivedAt: Date }[] = [];
  for (const row of rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const score = scoreSimilar(probe, {
      categoryCode: row.category_code,
      point: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
      words: probe.words && probe.words.size > 0 ? wordsOf(row.content) : new Set(),
      phone: row.appellant_phone,
      receivedAt: row.received_at,
    });
    if (score) scored.push({ row, score, receivedAt: row.received_at });
  }
  return {
    items: rankSimilar(scored).map(({ row, score }) => ({
      appeal: presentAppealSummary(row, actor.locale),
      reasons: score.reasons,
      score: score.score,
      distanceMeters: score.distanceMeters,
    })),
  };
}

/** Likely duplicates of a draft at intake (category, place, text), within the reader's scope. */
export async function similarToDraftFor(
  deps: Deps,
  actor: ActorContext,
  query: TSimilarAppealsQuery,
): Promise<TSimilarAppeals> {
  const scope = readScopeOf(actor);
  const point: GeoPoint | null =
    query.lng !== undefined && query.lat !== undefined ? { lng: query.lng, lat: query.lat } : null;
  let territoryPath: string | null = null;
  if (query.territoryId !== undefined) {
    territoryPath = (await findIntakeTerritory(deps.database.db, query.territoryId))?.path ?? null;
  } else if (point) {
    const located = await locatePoint(deps, point);
    if (located.grid) territoryPath = pathOfChain(located.path);
  }
  const probe: SimilarProbe = {
    categoryCode: query.categoryCode ?? null,
    point,
    words: query.content ? wordsOf(query.content) : null,
    phone: null,
    now: deps.clock.now(),
  };
  return findSimilar(deps, actor, scope, probe, territoryPath, query.excludeId ?? null);
}

/**
 * Likely duplicates of an appeal within the reader's scope. The same appellant is compared only for
 * readers who may know who raised it.
 */
export async function similarToAppealFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<TSimilarAppeals> {
  const scope = readScopeOf(actor);
  const { db } = deps.database;
  const [found, assignments] = await Promise.all([
    findAppealWithNames(db, id),
    listAppealAssignments(db, id),
  ]);
  if (!found || !mayRead(actor, found.appeal, assignments)) throw new AppError('NOT_FOUND');
  const row = found.appeal;
  const view = readerViewOf(actor, row, assignments);
  const probe: SimilarProbe = {
    categoryCode: row.categoryCode,
    point: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
    words: wordsOf(row.content),
    phone: view.hidden || view.onlyAsAppellant ? null : row.appellantPhone,
    now: deps.clock.now(),
  };
  return findSimilar(deps, actor, scope, probe, row.territoryPath, id);
}

// ---- Dispatch suggestion ----

/**
 * The unit the dispatch catalogue suggests for an appeal (its category at its place), with the
 * explanation in the reader's language. For staff who may read the appeal; appellants are refused.
 */
export async function dispatchSuggestionFor(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<TDispatchSuggestion> {
  const { db } = deps.database;
  const [found, assignments] = await Promise.all([
    findAppealWithNames(db, id),
    listAppealAssignments(db, id),
  ]);
  if (!found || !mayRead(actor, found.appeal, assignments)) throw new AppError('NOT_FOUND');
  if (
    !can(
      withoutSelf(actor),
      'appeal.read',
      appealSubject(
        found.appeal,
        assignments.map((a) => a.unitId),
      ),
    )
  ) {
    throw new AppError('FORBIDDEN');
  }
  const row = found.appeal;
  const loaded = await loadIntake(deps);
  const category = row.categoryCode === null ? undefined : loaded.categories.get(row.categoryCode);
  const { choice, explanation } = await runDispatchCatalogue(
    db,
    category && row.categoryCode !== null
      ? { code: row.categoryCode, nameZh: category.nameZh, nameEn: category.nameEn }
      : null,
    category?.ancestry ?? [],
    { id: row.territoryId, name: found.territoryName, path: row.territoryPath },
  );
  const present = (unit: { id: string; name: string; type: string } | null) =>
    unit ? { id: unit.id, name: unit.name, type: unit.type } : null;
  return {
    unit: present(choice.unit),
    copyTo: present(choice.copyTo),
    fallback: choice.fallback,
    explanation: [actor.locale === 'en' ? explanation.en : explanation.zh],
  };
}
