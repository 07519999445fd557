import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ScopeFilter } from '@huizhi/domain';
import { listEventsWithNames } from '../work-orders/work-order-events.repository.ts';
import type { DbOrTx } from '../../context.ts';
import {
  appealAssignments,
  appeals,
  attachments,
  categories,
  changeCounters,
  territories,
  units,
  users,
} from '../../db/schema.ts';
import { escapeLike, pathWithinScope } from '../scope-sql.ts';

export type AppealRecord = typeof appeals.$inferSelect;
export type AttachmentRecord = typeof attachments.$inferSelect;

// ---- Intake ----

/** One event of a new appeal, numbered by the caller (a new appeal has no earlier events). */
export interface IntakeEvent {
  seq: number;
  type: string;
  fromState: string | null;
  toState: string;
  data: Record<string, unknown>;
}

/** Everything intake writes: the appeal (its number is made here), its events, its reply clock, its files. */
export interface IntakeWrite {
  /** The appeal row without its number; the number is `numberPrefix` and the sequence's next value. */
  appeal: Omit<typeof appeals.$inferInsert, 'number'>;
  numberPrefix: string;
  events: readonly IntakeEvent[];
  actorId: string;
  timer: { id: string; dueAt: Date; warnAt: Date; stoppedAt: Date | null };
  /** Uploaded files to link (already checked to be the actor's and unlinked). */
  attachmentIds: readonly string[];
}

/**
 * Whether the hot statements are named prepared statements (parsed and planned once per connection).
 * Only on PostgreSQL: PGlite serves every socket connection from one session, where a name prepared
 * by an earlier connection would collide with the next connection's.
 */
export interface StatementOptions {
  named: boolean;
}

/** The digits of an appeal number after the date: 8, more only once the sequence outgrows them. */
const NUMBER_DIGITS = 8;

/** The intake statement's text for a number of events, with or without files to link (see insertIntake). */
function intakeStatementText(eventCount: number, linksFiles: boolean): string {
  const events = Array.from({ length: eventCount }, (_, i) => {
    const p = 30 + i * 4;
    return `('appeal', $1, ${i + 1}, $${p}, $24, $25, null, 1, $${p + 1}, $${p + 2}, false, $${p + 3}::jsonb)`;
  });
  return `with n as (select nextval('appeal_number_seq')::text as v),
    a as (
      insert into appeals (id, number, source, channel, type, category_code, content, address, lng, lat,
        territory_id, territory_path, urgency, tier, state, round, version, appellant_name, appellant_phone,
        appellant_user_id, confidential, hard_case, contacted, reply_due_at, reply, replied_at, close_kind,
        closed_at, received_at, created_by, updated_at)
      values ($1, $2 || (select lpad(v, greatest(${NUMBER_DIGITS}, length(v)), '0') from n), 'live', $3, $4, $5,
        $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, 1, $15, $16, $17, $18, false, false, $19, $20, $21, $22,
        $23, $24, $25, $24)
      returning number
    ),
    e as (
      insert into work_order_events (order_kind, order_id, seq, type, at, actor_id, actor_unit_id, round,
        from_state, to_state, internal, data)
      values ${events.join(', ')}
    ),
    t as (
      insert into sla_timers (id, order_kind, order_id, clock, round, started_at, due_at, warn_at, stopped_at)
      values ($26, 'appeal', $1, 'reply', 1, $24, $27, $28, $29)
    )${
      linksFiles
        ? `,
    l as (
      update attachments set appeal_id = $1
      where id = any($${30 + eventCount * 4}::uuid[]) and appeal_id is null and uploaded_by = $25
    )`
        : ''
    }
    select number from a`;
}

/**
 * Writes a new appeal, its events, its reply clock and its attachment links in ONE statement (data-
 * modifying CTEs), so an intake is a single round trip and atomic even outside a transaction. On
 * PostgreSQL the statement is a named prepared statement (one per shape), parsed and planned once per
 * connection, which matters at thousands of intakes a second. Returns the appeal's number.
 */
export async function insertIntake(
  db: DbOrTx,
  write: IntakeWrite,
  options: StatementOptions,
): Promise<string> {
  const a = write.appeal;
  const linksFiles = write.attachmentIds.length > 0;
  const params: unknown[] = [
    a.id,
    write.numberPrefix,
    a.channel,
    a.type,
    a.categoryCode ?? null,
    a.content,
    a.address ?? null,
    a.lng ?? null,
    a.lat ?? null,
    a.territoryId,
    a.territoryPath,
    a.urgency,
    a.tier,
    a.state,
    a.appellantName ?? null,
    a.appellantPhone ?? null,
    a.appellantUserId ?? null,
    a.confidential,
    a.replyDueAt ?? null,
    a.reply ?? null,
    a.repliedAt ?? null,
    a.closeKind ?? null,
    a.closedAt ?? null,
    a.receivedAt,
    write.actorId,
    write.timer.id,
    write.timer.dueAt,
    write.timer.warnAt,
    write.timer.stoppedAt,
  ];
  write.events.forEach((event, i) => {
    if (event.seq !== i + 1) throw new Error('intake events are numbered 1, 2, …');
    params.push(event.type, event.fromState, event.toState, JSON.stringify(event.data));
  });
  if (linksFiles) params.push([...write.attachmentIds]);
  const name = options.named
    ? `appeals_intake_${write.events.length}${linksFiles ? '_files' : ''}`
    : undefined;
  const text = intakeStatementText(write.events.length, linksFiles);
  const result = (await db._.session
    .prepareQuery({ sql: text, params }, undefined, name, false)
    .execute()) as { rows: { number: string }[] };
  return result.rows[0]!.number;
}

/** The statement writing plain intakes (received, one event, no files) in bulk; see insertPlainIntakes. */
const PLAIN_INTAKES_TEXT = `with input as (
    select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::float8[], $9::float8[], $10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
      $16::uuid[], $17::bool[], $18::timestamptz[], $19::timestamptz[], $20::uuid[], $21::uuid[],
      $22::timestamptz[], $23::text[])
      as x(id, prefix, channel, type, category_code, content, address, lng, lat, territory_id, territory_path,
        urgency, tier, appellant_name, appellant_phone, appellant_user_id, confidential, reply_due_at,
        received_at, created_by, timer_id, timer_warn_at, event_data)
  ),
  a as (
    insert into appeals (id, number, source, channel, type, category_code, content, address, lng, lat,
      territory_id, territory_path, urgency, tier, state, round, version, appellant_name, appellant_phone,
      appellant_user_id, confidential, hard_case, contacted, reply_due_at, received_at, created_by, updated_at)
    select id, prefix || lpad(n, greatest(${NUMBER_DIGITS}, length(n)), '0'), 'live', channel, type, category_code,
      content, address, lng, lat, territory_id, territory_path, urgency, tier, 'received', 1, 1, appellant_name,
      appellant_phone, appellant_user_id, confidential, false, false, reply_due_at, received_at, created_by,
      received_at
    from (select input.*, nextval('appeal_number_seq')::text as n from input) numbered
    returning id, number
  ),
  e as (
    insert into work_order_events (order_kind, order_id, seq, type, at, actor_id, actor_unit_id, round,
      from_state, to_state, internal, data)
    select 'appeal', id, 1, 'received', received_at, created_by, null, 1, null, 'received', false, event_data::jsonb
    from input
  ),
  t as (
    insert into sla_timers (id, order_kind, order_id, clock, round, started_at, due_at, warn_at)
    select timer_id, 'appeal', id, 'reply', 1, received_at, reply_due_at, timer_warn_at from input
  )
  select id, number from a`;

/** True when an intake is plain: received, its one `received` event, a running clock, no files. */
export function isPlainIntake(write: IntakeWrite): boolean {
  return (
    write.appeal.state === 'received' &&
    write.events.length === 1 &&
    write.events[0]!.type === 'received' &&
    write.timer.stoppedAt === null &&
    write.attachmentIds.length === 0
  );
}

/**
 * Writes several plain intakes with ONE statement (arrays unnested into the three tables): one round
 * trip and one commit for the lot. Returns each appeal's number, in the order given.
 */
export async function insertPlainIntakes(
  db: DbOrTx,
  writes: readonly IntakeWrite[],
  options: StatementOptions,
): Promise<string[]> {
  if (writes.some((write) => !isPlainIntake(write))) throw new Error('not a plain intake');
  // Instants go as ISO text: cheaper for the driver to put into array literals than Date objects.
  const column = <V>(pick: (write: IntakeWrite) => V): V[] => writes.map(pick);
  const params: unknown[] = [
    column((w) => w.appeal.id),
    column((w) => w.numberPrefix),
    column((w) => w.appeal.channel),
    column((w) => w.appeal.type),
    column((w) => w.appeal.categoryCode ?? null),
    column((w) => w.appeal.content),
    column((w) => w.appeal.address ?? null),
    column((w) => w.appeal.lng ?? null),
    column((w) => w.appeal.lat ?? null),
    column((w) => w.appeal.territoryId),
    column((w) => w.appeal.territoryPath),
    column((w) => w.appeal.urgency),
    column((w) => w.appeal.tier),
    column((w) => w.appeal.appellantName ?? null),
    column((w) => w.appeal.appellantPhone ?? null),
    column((w) => w.appeal.appellantUserId ?? null),
    column((w) => w.appeal.confidential),
    column((w) => w.timer.dueAt.toISOString()),
    column((w) => w.appeal.receivedAt.toISOString()),
    column((w) => w.actorId),
    column((w) => w.timer.id),
    column((w) => w.timer.warnAt.toISOString()),
    column((w) => JSON.stringify(w.events[0]!.data)),
  ];
  const result = (await db._.session
    .prepareQuery(
      { sql: PLAIN_INTAKES_TEXT, params },
      undefined,
      options.named ? 'appeals_plain_intakes' : undefined,
      false,
    )
    .execute()) as { rows: { id: string; number: string }[] };
  const numbers = new Map(result.rows.map((row) => [row.id, row.number]));
  return writes.map((write) => {
    const number = numbers.get(write.appeal.id);
    if (number === undefined) throw new Error(`intake ${write.appeal.id} was not written`);
    return number;
  });
}

/**
 * The uploaded files among `ids` that may be linked to a new appeal by this person (not linked yet,
 * uploaded by them), locked until the transaction ends.
 */
export async function listLinkableAttachments(
  tx: DbOrTx,
  ids: readonly string[],
  uploadedBy: string,
): Promise<AttachmentRecord[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(attachments)
    .where(
      and(
        inArray(attachments.id, [...ids]),
        isNull(attachments.appealId),
        eq(attachments.uploadedBy, uploadedBy),
      ),
    )
    .for('update');
}

/** The versions of change counters by name (0 for a counter never bumped). */
export async function readChangeCounters(db: DbOrTx, names: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .select({ name: changeCounters.name, version: changeCounters.version })
    .from(changeCounters)
    .where(inArray(changeCounters.name, [...names]));
  const versions = new Map(names.map((name) => [name, 0]));
  for (const row of rows) versions.set(row.name, row.version);
  return versions;
}

/** Every category with what intake needs. */
export async function listIntakeCategories(db: DbOrTx) {
  return db
    .select({
      code: categories.code,
      parentCode: categories.parentCode,
      nameZh: categories.nameZh,
      nameEn: categories.nameEn,
      active: categories.active,
    })
    .from(categories)
    .orderBy(asc(categories.code));
}

/** The root of the territory tree (the oldest city when there are several). */
export async function findCityRoot(db: DbOrTx) {
  const rows = await db
    .select({ id: territories.id, name: territories.name, level: territories.level, path: territories.path })
    .from(territories)
    .where(eq(territories.level, 'city'))
    .orderBy(asc(territories.createdAt), asc(territories.id))
    .limit(1);
  return rows[0] ?? null;
}

/** A territory by id, with what intake needs. */
export async function findIntakeTerritory(db: DbOrTx, id: string) {
  const rows = await db
    .select({ id: territories.id, name: territories.name, level: territories.level, path: territories.path })
    .from(territories)
    .where(eq(territories.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export type IntakeTerritory = NonNullable<Awaited<ReturnType<typeof findIntakeTerritory>>>;

/** A person's name and phone as their account holds them. */
export async function findUserContact(db: DbOrTx, userId: string) {
  const rows = await db
    .select({ displayName: users.displayName, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return rows[0] ?? null;
}

// ---- One appeal ----

const parentAppeals = alias(appeals, 'parent_appeal');
const handlingUnits = alias(units, 'handling_unit');

/** An appeal with the names its page shows: territory, category, handling unit, parent number. */
export async function findAppealWithNames(db: DbOrTx, id: string) {
  const rows = await db
    .select({
      appeal: appeals,
      territoryName: territories.name,
      territoryLevel: territories.level,
      categoryNameZh: categories.nameZh,
      categoryNameEn: categories.nameEn,
      handlingUnitName: handlingUnits.name,
      parentNumber: parentAppeals.number,
    })
    .from(appeals)
    .innerJoin(territories, eq(territories.id, appeals.territoryId))
    .leftJoin(categories, eq(categories.code, appeals.categoryCode))
    .leftJoin(handlingUnits, eq(handlingUnits.id, appeals.handlingUnitId))
    .leftJoin(parentAppeals, eq(parentAppeals.id, appeals.parentId))
    .where(eq(appeals.id, id))
    .limit(1);
  return rows[0] ?? null;
}

export type AppealWithNames = NonNullable<Awaited<ReturnType<typeof findAppealWithNames>>>;

/** An appeal's unit assignments with each unit's name and phone policy, oldest first. */
export async function listAppealAssignments(db: DbOrTx, appealId: string) {
  return db
    .select({
      unitId: appealAssignments.unitId,
      unitName: units.name,
      appellantPhoneAccess: units.appellantPhoneAccess,
      role: appealAssignments.role,
      round: appealAssignments.round,
      active: appealAssignments.active,
    })
    .from(appealAssignments)
    .innerJoin(units, eq(units.id, appealAssignments.unitId))
    .where(eq(appealAssignments.appealId, appealId))
    .orderBy(asc(appealAssignments.round), asc(appealAssignments.createdAt), asc(appealAssignments.id));
}

export type AppealAssignmentRecord = Awaited<ReturnType<typeof listAppealAssignments>>[number];

/** An appeal's events in order, with the names of the person and unit that acted. */
export async function listAppealEvents(db: DbOrTx, appealId: string) {
  return listEventsWithNames(db, 'appeal', appealId);
}

export type AppealEventRecord = Awaited<ReturnType<typeof listAppealEvents>>[number];

/** The files of an appeal, oldest first. */
export async function listAppealAttachments(db: DbOrTx, appealId: string): Promise<AttachmentRecord[]> {
  return db
    .select()
    .from(attachments)
    .where(eq(attachments.appealId, appealId))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
}

/** The appeals merged into this one (their id and number), oldest first. */
export async function listMergedAppeals(db: DbOrTx, parentId: string) {
  return db
    .select({ id: appeals.id, number: appeals.number })
    .from(appeals)
    .where(eq(appeals.parentId, parentId))
    .orderBy(asc(appeals.receivedAt), asc(appeals.id));
}

// ---- Lists and queues ----

/** What a list shows of an appeal (a summary row). */
export type AppealSummaryRecord = {
  id: string;
  number: string;
  source: string;
  state: string;
  type: string;
  channel: string;
  category_code: string | null;
  category_name_zh: string | null;
  category_name_en: string | null;
  excerpt: string;
  address: string | null;
  territory_id: string;
  territory_name: string;
  territory_level: string;
  handling_unit_id: string | null;
  handling_unit_name: string | null;
  urgency: string;
  tier: string;
  round: number;
  hard_case: boolean;
  received_at: Date;
  reply_due_at: Date | null;
  due_soon: boolean;
  overdue: boolean;
};

/** The length of a summary's excerpt. */
export const EXCERPT_LENGTH = 200;

/** States in which the appellant still waits for a reply of this round. */
const AWAITING_REPLY = sql`('received','dispatched','accepted','inProgress','returned')`;

const openTimer = (now: Date, condition: SQL) => sql`exists (
  select 1 from sla_timers s
  where s.order_kind = 'appeal' and s.order_id = ${appeals.id} and s.stopped_at is null
    and s.paused_at is null and ${condition})`;

/** An open clock has passed its warning but not its deadline. */
const dueSoonSql = (now: Date) => openTimer(now, sql`s.warn_at <= ${now} and s.due_at > ${now}`);
/** An open clock has passed its deadline, or the reply deadline passed while no reply was given. */
const overdueSql = (now: Date) =>
  sql`(${openTimer(now, sql`s.due_at <= ${now}`)} or (${appeals.replyDueAt} <= ${now} and ${appeals.state} in ${AWAITING_REPLY}))`;

const summaryColumns = (now: Date) => sql`
  ${appeals.id} as id, ${appeals.number} as number, ${appeals.source} as source, ${appeals.state} as state,
  ${appeals.type} as type, ${appeals.channel} as channel, ${appeals.categoryCode} as category_code,
  c.name_zh as category_name_zh, c.name_en as category_name_en,
  left(${appeals.content}, ${EXCERPT_LENGTH}) as excerpt, ${appeals.address} as address,
  ${appeals.territoryId} as territory_id, t.name as territory_name, t.level as territory_level,
  ${appeals.handlingUnitId} as handling_unit_id, hu.name as handling_unit_name,
  ${appeals.urgency} as urgency, ${appeals.tier} as tier, ${appeals.round} as round,
  ${appeals.hardCase} as hard_case, ${appeals.receivedAt} as received_at,
  ${appeals.replyDueAt} as reply_due_at, ${dueSoonSql(now)} as due_soon, ${overdueSql(now)} as overdue`;

const summaryJoins = sql`
  join territories t on t.id = ${appeals.territoryId}
  left join categories c on c.code = ${appeals.categoryCode}
  left join units hu on hu.id = ${appeals.handlingUnitId}`;

/**
 * The appeals a reader may see: inside their territories, assigned to their units (with
 * `activeUnitOnly`, only where the unit's assignment is active), or raised by themself.
 */
export function appealScopeSql(scope: ScopeFilter, activeUnitOnly: boolean): SQL {
  const parts: SQL[] = [];
  if (scope.territoryPaths.length > 0) parts.push(pathWithinScope(appeals.territoryPath, scope));
  if (scope.unitIds.length > 0) {
    parts.push(sql`exists (
      select 1 from appeal_assignments aa
      where aa.appeal_id = ${appeals.id} and aa.unit_id in ${scope.unitIds}
        ${activeUnitOnly ? sql`and aa.active` : sql``})`);
  }
  if (scope.selfUserId !== undefined) parts.push(sql`${appeals.appellantUserId} = ${scope.selfUserId}`);
  if (parts.length === 0) return sql`false`;
  return sql`(${or(...parts)})`;
}

export type QueueName =
  | 'toDispatch'
  | 'returned'
  | 'toAccept'
  | 'inProgress'
  | 'dueSoon'
  | 'overdue'
  | 'toReview'
  | 'closed'
  | 'all';

/** The condition of a queue. */
export function queueSql(queue: QueueName, now: Date): SQL {
  switch (queue) {
    case 'toDispatch':
      return sql`${appeals.state} = 'received'`;
    case 'returned':
      return sql`${appeals.state} = 'returned'`;
    case 'toAccept':
      return sql`${appeals.state} = 'dispatched'`;
    case 'inProgress':
      return sql`${appeals.state} in ('accepted','inProgress')`;
    case 'dueSoon':
      return dueSoonSql(now);
    case 'overdue':
      return overdueSql(now);
    case 'toReview':
      return sql`${appeals.state} = 'replied'`;
    case 'closed':
      return sql`${appeals.state} = 'closed'`;
    case 'all':
      return sql`true`;
  }
}

export interface AppealListFilter {
  scope: ScopeFilter;
  queue: QueueName;
  now: Date;
  q?: string | undefined;
  state?: string | undefined;
  categoryCode?: string | undefined;
  territoryPath?: string | undefined;
  unitId?: string | undefined;
  appellantPhone?: string | undefined;
  /** With `appellantPhone`: the appeals are also limited to these subtrees (where the reader may read it). */
  phoneScope?: ScopeFilter | undefined;
  source?: string | undefined;
  receivedFrom?: Date | undefined;
  receivedTo?: Date | undefined;
  after?: { receivedAt: Date; id: string } | undefined;
  limit: number;
}

/** A page of appeal summaries, newest first (keyset on received_at, id). */
export async function listAppealSummaries(
  db: DbOrTx,
  filter: AppealListFilter,
): Promise<AppealSummaryRecord[]> {
  const conditions: SQL[] = [
    appealScopeSql(filter.scope, filter.queue !== 'all'),
    queueSql(filter.queue, filter.now),
  ];
  if (filter.q !== undefined) {
    conditions.push(
      sql`(${appeals.number} = ${filter.q} or ${appeals.content} ilike ${`%${escapeLike(filter.q)}%`})`,
    );
  }
  if (filter.state !== undefined) conditions.push(sql`${appeals.state} = ${filter.state}`);
  if (filter.categoryCode !== undefined) {
    conditions.push(sql`${appeals.categoryCode} like ${`${escapeLike(filter.categoryCode)}%`}`);
  }
  if (filter.territoryPath !== undefined) {
    conditions.push(sql`${appeals.territoryPath} like ${`${escapeLike(filter.territoryPath)}%`}`);
  }
  if (filter.unitId !== undefined) {
    conditions.push(sql`exists (select 1 from appeal_assignments ua
      where ua.appeal_id = ${appeals.id} and ua.unit_id = ${filter.unitId})`);
  }
  if (filter.appellantPhone !== undefined) {
    conditions.push(sql`${appeals.appellantPhone} = ${filter.appellantPhone}`);
    if (filter.phoneScope) conditions.push(pathWithinScope(appeals.territoryPath, filter.phoneScope));
  }
  if (filter.source !== undefined) conditions.push(sql`${appeals.source} = ${filter.source}`);
  if (filter.receivedFrom !== undefined)
    conditions.push(sql`${appeals.receivedAt} >= ${filter.receivedFrom}`);
  if (filter.receivedTo !== undefined) conditions.push(sql`${appeals.receivedAt} < ${filter.receivedTo}`);
  if (filter.after !== undefined) {
    conditions.push(
      sql`(${appeals.receivedAt}, ${appeals.id}) < (${filter.after.receivedAt}, ${filter.after.id})`,
    );
  }
  const result = await db.execute<AppealSummaryRecord>(sql`
    select ${summaryColumns(filter.now)}
    from ${appeals} ${summaryJoins}
    where ${sql.join(conditions, sql` and `)}
    order by ${appeals.receivedAt} desc, ${appeals.id} desc
    limit ${filter.limit}`);
  return result.rows.map(normaliseSummary);
}

/** node-postgres returns timestamps as Date already; integers may come as strings from some drivers. */
function normaliseSummary(row: AppealSummaryRecord): AppealSummaryRecord {
  return {
    ...row,
    round: Number(row.round),
    received_at: new Date(row.received_at),
    reply_due_at: row.reply_due_at === null ? null : new Date(row.reply_due_at),
  };
}

/** How many appeals wait in each queue for a reader, each counted up to `cap`. */
export async function countAppealQueues(
  db: DbOrTx,
  scope: ScopeFilter,
  queues: readonly QueueName[],
  now: Date,
  cap: number,
): Promise<Record<string, number>> {
  const columns = queues.map(
    (queue) => sql`(select count(*) from (
      select 1 from ${appeals}
      where ${appealScopeSql(scope, queue !== 'all')} and ${queueSql(queue, now)}
      limit ${cap}) x)::int as ${sql.identifier(queue)}`,
  );
  const result = await db.execute<Record<string, number>>(sql`select ${sql.join(columns, sql`, `)}`);
  const row = result.rows[0] ?? {};
  return Object.fromEntries(queues.map((queue) => [queue, Number(row[queue] ?? 0)]));
}

// ---- Similar appeals ----

export type SimilarCandidateRecord = AppealSummaryRecord & {
  content: string;
  lng: number | null;
  lat: number | null;
  appellant_phone: string | null;
};

export interface SimilarSearch {
  scope: ScopeFilter;
  now: Date;
  excludeId: string | null;
  /** Same category near a point since a moment (a bounding box; the caller measures the distance). */
  nearby: {
    categoryCode: string;
    since: Date;
    west: number;
    south: number;
    east: number;
    north: number;
  } | null;
  /** Appeals of a subtree since a moment whose text is compared (the newest `limit`). */
  text: { territoryPath: string; since: Date; limit: number } | null;
  /** The same appellant phone since a moment. */
  phone: { phone: string; since: Date } | null;
  /** How many rows each of the other branches returns at most. */
  branchLimit: number;
}

/** Candidates for likely duplicates, from up to three branches in one round trip (may repeat rows). */
export async function listSimilarCandidates(
  db: DbOrTx,
  search: SimilarSearch,
): Promise<SimilarCandidateRecord[]> {
  const base = (condition: SQL, limit: number) => sql`(
    select ${summaryColumns(search.now)}, ${appeals.content} as content, ${appeals.lng} as lng,
      ${appeals.lat} as lat, ${appeals.appellantPhone} as appellant_phone
    from ${appeals} ${summaryJoins}
    where ${appealScopeSql(search.scope, false)}
      ${search.excludeId ? sql`and ${appeals.id} <> ${search.excludeId}` : sql``}
      and ${condition}
    order by ${appeals.receivedAt} desc
    limit ${limit})`;
  const branches: SQL[] = [];
  if (search.nearby) {
    const n = search.nearby;
    branches.push(
      base(
        sql`${appeals.categoryCode} = ${n.categoryCode} and ${appeals.receivedAt} >= ${n.since}
          and ${appeals.lng} between ${n.west} and ${n.east} and ${appeals.lat} between ${n.south} and ${n.north}`,
        search.branchLimit,
      ),
    );
  }
  if (search.text) {
    branches.push(
      base(
        sql`${appeals.territoryPath} like ${`${escapeLike(search.text.territoryPath)}%`}
          and ${appeals.receivedAt} >= ${search.text.since}`,
        search.text.limit,
      ),
    );
  }
  if (search.phone) {
    branches.push(
      base(
        sql`${appeals.appellantPhone} = ${search.phone.phone} and ${appeals.receivedAt} >= ${search.phone.since}`,
        search.branchLimit,
      ),
    );
  }
  if (branches.length === 0) return [];
  const result = await db.execute<SimilarCandidateRecord>(sql.join(branches, sql` union all `));
  return result.rows.map((row) => ({
    ...normaliseSummary(row),
    content: row.content,
    lng: row.lng === null ? null : Number(row.lng),
    lat: row.lat === null ? null : Number(row.lat),
    appellant_phone: row.appellant_phone,
  }));
}
