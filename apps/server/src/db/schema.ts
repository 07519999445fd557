import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  date,
  doublePrecision,
  boolean,
  check,
  index,
  type AnyPgColumn,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull();

/** The territory tree (city → district → street → community → grid → building). */
export const territories = pgTable(
  'territories',
  {
    id: uuid('id').primaryKey(),
    parentId: uuid('parent_id').references((): AnyPgColumn => territories.id),
    level: text('level').notNull(),
    name: text('name').notNull(),
    code: text('code').notNull(),
    path: text('path').notNull(),
    geometry: jsonb('geometry'),
    /** Bounding box [west, south, east, north] of the geometry (WGS84), for quick filtering. */
    bbox: jsonb('bbox'),
    /** Households and residents as published for the territory (the grid card); null when unknown. */
    households: integer('households'),
    population: integer('population'),
    /** Current 红黄绿 risk colour (history in territory_risk_changes); null = not assessed. */
    riskColor: text('risk_color'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('territories_code_key').on(t.code),
    uniqueIndex('territories_path_key').on(t.path.op('text_pattern_ops')),
    index('territories_parent_idx').on(t.parentId),
    check('territories_risk_color_check', sql`${t.riskColor} in ('red','yellow','green')`),
    check(
      'territories_level_check',
      sql`${t.level} in ('city','district','street','community','grid','building')`,
    ),
  ],
);

/** Handling units (承办单位): district governments, street offices, communities, departments, utilities. */
export const units = pgTable(
  'units',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    code: text('code').notNull(),
    type: text('type').notNull(),
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    /** Whether the unit's handlers see appellants' full phone numbers ('full') or masked ('masked'). */
    appellantPhoneAccess: text('appellant_phone_access').notNull().default('masked'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('units_code_key').on(t.code),
    check('units_appellant_phone_access_check', sql`${t.appellantPhoneAccess} in ('masked','full')`),
    index('units_territory_idx').on(t.territoryId),
    check(
      'units_type_check',
      sql`${t.type} in ('districtGovernment','street','community','department','enterprise')`,
    ),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    phone: text('phone'),
    locale: text('locale').notNull().default('zh-CN'),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_username_key').on(sql`lower(${t.username})`)],
);

/** A role held by a user over a territory subtree or a unit (or over themself, for residents). */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    territoryId: uuid('territory_id').references(() => territories.id),
    unitId: uuid('unit_id').references(() => units.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('role_assignments_user_idx').on(t.userId),
    check('role_assignments_one_scope', sql`not (${t.territoryId} is not null and ${t.unitId} is not null)`),
  ],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Every sign-in attempt, for throttling per account and per address across server instances. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull(),
    ip: text('ip').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [
    index('login_attempts_username_at_idx').on(sql`lower(${t.username})`, t.at),
    index('login_attempts_ip_at_idx').on(t.ip, t.at),
  ],
);

/** Append-only audit log: who did what to which record, when and from where. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    scopePath: text('scope_path'),
    ip: text('ip'),
    requestId: text('request_id'),
    details: jsonb('details'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_scope_idx').on(t.scopePath.op('text_pattern_ops')),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
  ],
);

/** Remembered responses of requests sent with an Idempotency-Key, so a retry creates nothing twice. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    actorId: uuid('actor_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);

/**
 * A counter per shared in-memory structure (the spatial index, the gazetteer): bumped in the same
 * transaction as any change it depends on, so every server instance can tell its copy is stale.
 */
export const changeCounters = pgTable('change_counters', {
  name: text('name').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** Every territory import, applied or refused, with its full report. */
export const territoryImports = pgTable('territory_imports', {
  id: uuid('id').primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  actorId: uuid('actor_id'),
  format: text('format').notNull(),
  crs: text('crs').notNull(),
  applied: boolean('applied').notNull(),
  report: jsonb('report').notNull(),
});

/** History of a territory's 红黄绿 risk colour: each change with its reason. */
export const territoryRiskChanges = pgTable(
  'territory_risk_changes',
  {
    id: uuid('id').primaryKey(),
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    color: text('color').notNull(),
    previousColor: text('previous_color'),
    reason: text('reason').notNull(),
    actorId: uuid('actor_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('territory_risk_changes_territory_idx').on(t.territoryId, t.at),
    check('territory_risk_changes_color_check', sql`${t.color} in ('red','yellow','green')`),
  ],
);

/** The public card of a grid: supervision phone and duty list (staff come from grid_staff). */
export const gridCards = pgTable('grid_cards', {
  territoryId: uuid('territory_id')
    .primaryKey()
    .references(() => territories.id),
  supervisionPhone: text('supervision_phone'),
  duties: jsonb('duties').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** Grid staff assignments with periods: gridLeader, gridWorker, partTimeGridWorker, gridAdviser. */
export const gridStaff = pgTable(
  'grid_staff',
  {
    id: uuid('id').primaryKey(),
    gridId: uuid('grid_id')
      .notNull()
      .references(() => territories.id),
    userId: uuid('user_id').references(() => users.id),
    name: text('name').notNull(),
    phone: text('phone'),
    position: text('position').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('grid_staff_grid_idx').on(t.gridId),
    check(
      'grid_staff_position_check',
      sql`${t.position} in ('gridLeader','gridWorker','partTimeGridWorker','gridAdviser')`,
    ),
  ],
);

/** The three-level appeal category taxonomy (kept as data, edited by admins). */
export const categories = pgTable(
  'categories',
  {
    code: text('code').primaryKey(),
    parentCode: text('parent_code').references((): AnyPgColumn => categories.code),
    level: integer('level').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    active: boolean('active').notNull().default(true),
    /** The time-limit tier of appeals in this category ('2h','24h','7d','15d'); null = the parent's. */
    slaTier: text('sla_tier'),
  },
  (t) => [index('categories_parent_idx').on(t.parentCode)],
);

/** The dispatch catalogue (派单目录): category × territory subtree → responsible unit. */
export const dispatchRules = pgTable(
  'dispatch_rules',
  {
    id: uuid('id').primaryKey(),
    /** A category code; the rule covers it and its subcategories. Null = every category. */
    categoryCode: text('category_code').references(() => categories.code),
    /** The territory subtree the rule applies in. */
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    /** Either a fixed unit, or a unit type resolved to the unit of that type serving the location. */
    unitId: uuid('unit_id').references(() => units.id),
    unitType: text('unit_type'),
    copyToUnitId: uuid('copy_to_unit_id').references(() => units.id),
    priority: integer('priority').notNull().default(0),
    note: text('note'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('dispatch_rules_territory_idx').on(t.territoryId),
    check('dispatch_rules_target', sql`(${t.unitId} is not null) <> (${t.unitType} is not null)`),
  ],
);

/** Gazetteer: names of roads, compounds, buildings and landmarks, with aliases, for address matching. */
export const gazetteerEntries = pgTable(
  'gazetteer_entries',
  {
    id: uuid('id').primaryKey(),
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    aliases: jsonb('aliases').notNull(),
    /** A representative WGS84 point [lng, lat], when known. */
    point: jsonb('point'),
    createdAt: createdAt(),
  },
  (t) => [
    index('gazetteer_entries_territory_idx').on(t.territoryId),
    check('gazetteer_entries_kind_check', sql`${t.kind} in ('road','compound','building','landmark')`),
  ],
);

/** The resident ledger (民情图): households in buildings or grids. */
export const households = pgTable(
  'households',
  {
    id: uuid('id').primaryKey(),
    /** The building, or the grid when the building is not recorded. */
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    address: text('address').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('households_territory_idx').on(t.territoryId)],
);

/** Residents of a household. Phone and ID number are personal data: masked unless policy allows. */
export const residents = pgTable(
  'residents',
  {
    id: uuid('id').primaryKey(),
    householdId: uuid('household_id')
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    gender: text('gender'),
    birthYear: integer('birth_year'),
    idNumber: text('id_number'),
    phone: text('phone'),
    relation: text('relation'),
    /** Care-group tags (elderlyAlone, disabled, …) and sensitive tags (need their own permission). */
    tags: jsonb('tags').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('residents_household_idx').on(t.householdId)],
);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Working-calendar days set by admins on top of the shipped holiday file (later years, corrections):
 * a date that is a day off (holiday) or a working day (调休 weekend day), with its source.
 */
export const calendarDays = pgTable('calendar_days', {
  date: date('date', { mode: 'string' }).primaryKey(),
  working: boolean('working').notNull(),
  name: text('name'),
  source: text('source'),
  updatedBy: uuid('updated_by'),
  updatedAt: at('updated_at').notNull(),
});

/** Time-limit tiers (2h, 24h, 7d, 15d by default): how long accepting, contacting and replying may take. */
export const slaTiers = pgTable('sla_tiers', {
  code: text('code').primaryKey(),
  /** 'hours' counts on the clock, 'workdays' on the working-day calendar. */
  replyUnit: text('reply_unit').notNull(),
  replyAmount: integer('reply_amount').notNull(),
  acceptMinutes: integer('accept_minutes').notNull(),
  contactMinutes: integer('contact_minutes').notNull(),
  /** The share of the time limit after which a warning is raised, in per cent. */
  warnPercent: integer('warn_percent').notNull(),
  updatedAt: at('updated_at').notNull(),
});

/** Which tier applies: by category (and its subcategories), urgency and handling unit type; most specific wins. */
export const slaRules = pgTable('sla_rules', {
  id: uuid('id').primaryKey(),
  categoryCode: text('category_code').references(() => categories.code),
  urgency: text('urgency'),
  unitType: text('unit_type'),
  tier: text('tier')
    .notNull()
    .references(() => slaTiers.code),
  createdAt: createdAt(),
});

/** Historical work orders imported from a 12345 export: each import with its row-level report. */
export const appealImports = pgTable('appeal_imports', {
  id: uuid('id').primaryKey(),
  at: at('at').notNull(),
  actorId: uuid('actor_id'),
  fileName: text('file_name').notNull(),
  applied: boolean('applied').notNull(),
  rowCount: integer('row_count').notNull(),
  report: jsonb('report').notNull(),
});

/** Numbers appeals: the number is the intake date (Asia/Shanghai) and this sequence's next value. */
export const appealNumberSeq = pgSequence('appeal_number_seq', { startWith: 1 });

/**
 * Appeals (诉求工单). The state and the summary columns serve queues and pages; scores read the events.
 * `version` guards every transition (optimistic concurrency); `territory_path` scopes every query.
 */
export const appeals = pgTable(
  'appeals',
  {
    id: uuid('id').primaryKey(),
    /** The number people quote on the phone, e.g. 2026030200001234. */
    number: text('number').notNull(),
    /** 'live' intake or 'import' of historical work orders (kept apart from live intake). */
    source: text('source').notNull(),
    importId: uuid('import_id').references(() => appealImports.id),
    channel: text('channel').notNull(),
    type: text('type').notNull(),
    categoryCode: text('category_code').references(() => categories.code),
    content: text('content').notNull(),
    address: text('address'),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    /** The grid or building the appeal was located in; the city when it could not be located. */
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    territoryPath: text('territory_path').notNull(),
    urgency: text('urgency').notNull(),
    tier: text('tier').notNull(),
    state: text('state').notNull(),
    /** 1 for the first handling; 2 after a reopening (二次办理), and so on. */
    round: integer('round').notNull(),
    version: integer('version').notNull(),
    appellantName: text('appellant_name'),
    appellantPhone: text('appellant_phone'),
    /** The resident's account when the appellant submitted it themself. */
    appellantUserId: uuid('appellant_user_id').references(() => users.id),
    confidential: boolean('confidential').notNull(),
    handlingUnitId: uuid('handling_unit_id').references(() => units.id),
    hardCase: boolean('hard_case').notNull().default(false),
    /** The appeal this one was merged into; its outcome reaches this appellant too. */
    parentId: uuid('parent_id').references((): AnyPgColumn => appeals.id),
    contacted: boolean('contacted').notNull().default(false),
    /** A pending extension request: the requested new reply deadline. */
    extensionRequestedUntil: at('extension_requested_until'),
    replyDueAt: at('reply_due_at'),
    reply: text('reply'),
    repliedAt: at('replied_at'),
    closeKind: text('close_kind'),
    closeReason: text('close_reason'),
    closedAt: at('closed_at'),
    /** The secret of the appellant's review link (回访), hashed with SHA-256. */
    reviewTokenHash: text('review_token_hash'),
    receivedAt: at('received_at').notNull(),
    createdBy: uuid('created_by'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('appeals_number_key').on(t.number),
    // Columns empty at intake get partial indexes: an intake then writes 7 index entries, not 11.
    uniqueIndex('appeals_review_token_key')
      .on(t.reviewTokenHash)
      .where(sql`${t.reviewTokenHash} is not null`),
    index('appeals_territory_path_idx').on(t.territoryPath.op('text_pattern_ops'), t.receivedAt),
    index('appeals_received_idx').on(t.receivedAt, t.id),
    index('appeals_state_idx').on(t.state, t.receivedAt),
    index('appeals_handling_unit_idx')
      .on(t.handlingUnitId, t.state)
      .where(sql`${t.handlingUnitId} is not null`),
    index('appeals_appellant_phone_idx').on(t.appellantPhone, t.receivedAt),
    index('appeals_appellant_user_idx')
      .on(t.appellantUserId, t.receivedAt)
      .where(sql`${t.appellantUserId} is not null`),
    index('appeals_parent_idx')
      .on(t.parentId)
      .where(sql`${t.parentId} is not null`),
    index('appeals_category_received_idx').on(t.categoryCode, t.receivedAt),
    check('appeals_source_check', sql`${t.source} in ('live','import')`),
    check(
      'appeals_channel_check',
      sql`${t.channel} in ('hotline','web','mobile','wechat','patrol','api','import')`,
    ),
    check('appeals_type_check', sql`${t.type} in ('consultation','help','complaint','report','suggestion')`),
    check('appeals_urgency_check', sql`${t.urgency} in ('normal','urgent')`),
  ],
);

/** The units on an appeal per round: the lead (handling) unit, assisting units and copies (抄送). */
export const appealAssignments = pgTable(
  'appeal_assignments',
  {
    id: uuid('id').primaryKey(),
    appealId: uuid('appeal_id')
      .notNull()
      .references(() => appeals.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    role: text('role').notNull(),
    round: integer('round').notNull(),
    /** False once the appeal was returned from or re-dispatched away from this unit. */
    active: boolean('active').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('appeal_assignments_unit_idx').on(t.unitId, t.active),
    index('appeal_assignments_appeal_idx').on(t.appealId),
    check('appeal_assignments_role_check', sql`${t.role} in ('lead','assisting','copy')`),
  ],
);

/**
 * The event history of every work order, appended in the transaction that changes its state; the
 * source of scores and timelines. `internal` events (notes, consultations) are never shown to appellants.
 */
export const workOrderEvents = pgTable(
  'work_order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderKind: text('order_kind').notNull(),
    orderId: uuid('order_id').notNull(),
    /** 1, 2, 3 … per work order. */
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    at: at('at').notNull(),
    actorId: uuid('actor_id'),
    actorUnitId: uuid('actor_unit_id'),
    round: integer('round').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    internal: boolean('internal').notNull(),
    data: jsonb('data').notNull(),
  },
  (t) => [
    uniqueIndex('work_order_events_order_seq_key').on(t.orderKind, t.orderId, t.seq),
    index('work_order_events_type_at_idx').on(t.type, t.at),
  ],
);

/**
 * SLA clocks of work orders (accept, contact, reply, …): when each is due and when a warning is due.
 * The sweeper claims due rows with FOR UPDATE SKIP LOCKED, so several server instances sweep each once.
 */
export const slaTimers = pgTable(
  'sla_timers',
  {
    id: uuid('id').primaryKey(),
    orderKind: text('order_kind').notNull(),
    orderId: uuid('order_id').notNull(),
    clock: text('clock').notNull(),
    round: integer('round').notNull(),
    startedAt: at('started_at').notNull(),
    dueAt: at('due_at').notNull(),
    warnAt: at('warn_at').notNull(),
    warnedAt: at('warned_at'),
    overdueAt: at('overdue_at'),
    pausedAt: at('paused_at'),
    stoppedAt: at('stopped_at'),
  },
  (t) => [
    index('sla_timers_order_idx').on(t.orderKind, t.orderId),
    index('sla_timers_open_warn_idx')
      .on(t.warnAt)
      .where(sql`${t.stoppedAt} is null and ${t.warnedAt} is null`),
    index('sla_timers_open_due_idx')
      .on(t.dueAt)
      .where(sql`${t.stoppedAt} is null and ${t.overdueAt} is null`),
  ],
);

/** Files attached to appeals (pictures, video, voice, documents): metadata here, bytes in the file store. */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    /** Null until the appeal it was uploaded for is created. */
    appealId: uuid('appeal_id').references(() => appeals.id),
    /** 'intake' (the appellant's), 'evidence' (the handler's reply). */
    purpose: text('purpose').notNull(),
    storageKey: text('storage_key').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    kind: text('kind').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('attachments_appeal_idx').on(t.appealId),
    check('attachments_kind_check', sql`${t.kind} in ('image','video','audio','document')`),
  ],
);

/** In-app notifications for people (new dispatch, warning, overdue, returned, urged, …). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    orderKind: text('order_kind'),
    orderId: uuid('order_id'),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
    readAt: at('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);

/** Messages to appellants (SMS, WeChat) queued by the adapters; the default adapter only logs them. */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    id: uuid('id').primaryKey(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    template: text('template').notNull(),
    data: jsonb('data').notNull(),
    orderKind: text('order_kind'),
    orderId: uuid('order_id'),
    createdAt: createdAt(),
    sentAt: at('sent_at'),
    error: text('error'),
  },
  (t) => [
    index('outbound_messages_unsent_idx')
      .on(t.createdAt)
      .where(sql`${t.sentAt} is null`),
  ],
);

// ---- 吹哨报到: whistles, their summonses, and the steward chain (院长长制) ----

/** Whistle numbers: 'W' + the Beijing date + this sequence (8 digits), like appeal numbers. */
export const whistleNumberSeq = pgSequence('whistle_number_seq', { startWith: 1 });

/**
 * A whistle (吹哨单): a street, community or grid summons departments to a matter it cannot solve
 * alone. `territoryPath` is where the matter is (it never changes, so everyone who saw it keeps seeing
 * it); `level` and `responsibleTerritoryId` climb the escalation ladder.
 */
export const whistles = pgTable(
  'whistles',
  {
    id: uuid('id').primaryKey(),
    number: text('number').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    reason: text('reason').notNull(),
    urgency: text('urgency').notNull(),
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    territoryPath: text('territory_path').notNull(),
    address: text('address'),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    level: text('level').notNull(),
    responsibleTerritoryId: uuid('responsible_territory_id')
      .notNull()
      .references(() => territories.id),
    appealId: uuid('appeal_id').references(() => appeals.id),
    leadUnitId: uuid('lead_unit_id')
      .notNull()
      .references(() => units.id),
    blownBy: uuid('blown_by')
      .notNull()
      .references(() => users.id),
    /** The unit (street or community office) through which it was blown, when the blower acted for one. */
    blowerUnitId: uuid('blower_unit_id').references(() => units.id),
    checkInDueAt: at('check_in_due_at').notNull(),
    meetingAt: at('meeting_at'),
    meetingPlace: text('meeting_place'),
    /** By when the joint handling should be done (parts on time are parts reported by then). */
    dueAt: at('due_at'),
    result: text('result'),
    resultAt: at('result_at'),
    closedAt: at('closed_at'),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('whistles_number_key').on(t.number),
    index('whistles_territory_path_idx').on(t.territoryPath.op('text_pattern_ops'), t.createdAt),
    index('whistles_state_idx').on(t.state, t.createdAt),
    index('whistles_appeal_idx')
      .on(t.appealId)
      .where(sql`${t.appealId} is not null`),
    index('whistles_blower_unit_idx')
      .on(t.blowerUnitId)
      .where(sql`${t.blowerUnitId} is not null`),
    check(
      'whistles_state_check',
      sql`${t.state} in ('summoning','handling','resultReported','closed','cancelled')`,
    ),
    check('whistles_urgency_check', sql`${t.urgency} in ('normal','urgent')`),
    check('whistles_level_check', sql`${t.level} in ('grid','community','street','district')`),
  ],
);

/** One summoned unit of a whistle: its check-in (报到), its responsible person and its part. */
export const whistleSummons = pgTable(
  'whistle_summons',
  {
    id: uuid('id').primaryKey(),
    whistleId: uuid('whistle_id')
      .notNull()
      .references(() => whistles.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    role: text('role').notNull(),
    state: text('state').notNull(),
    summonedAt: at('summoned_at').notNull(),
    checkInDueAt: at('check_in_due_at').notNull(),
    checkedInAt: at('checked_in_at'),
    checkedInBy: uuid('checked_in_by').references(() => users.id),
    late: boolean('late').notNull(),
    missedAt: at('missed_at'),
    responsibleName: text('responsible_name'),
    responsiblePhone: text('responsible_phone'),
    part: text('part'),
    partAt: at('part_at'),
    withdrawnAt: at('withdrawn_at'),
    withdrawReason: text('withdraw_reason'),
  },
  (t) => [
    uniqueIndex('whistle_summons_whistle_unit_key').on(t.whistleId, t.unitId),
    index('whistle_summons_unit_idx').on(t.unitId, t.state),
    check('whistle_summons_role_check', sql`${t.role} in ('lead','assisting')`),
    check(
      'whistle_summons_state_check',
      sql`${t.state} in ('summoned','missed','checkedIn','partReported','withdrawn')`,
    ),
  ],
);

/** The check-in limit per urgency, in minutes (defaults: urgent 30, normal 1,440). */
export const whistleCheckInLimits = pgTable('whistle_check_in_limits', {
  urgency: text('urgency').primaryKey(),
  minutes: integer('minutes').notNull(),
  updatedAt: at('updated_at').notNull(),
  updatedBy: uuid('updated_by'),
});

/**
 * A steward post of the chain below a street (街长 → 片长 → 巷长 → 院长). `territoryId` is the smallest
 * territory holding the post's part; a courtyard may also have its own polygon (inside that territory).
 */
export const stewardPosts = pgTable(
  'steward_posts',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id')
      .notNull()
      .references(() => territories.id),
    parentId: uuid('parent_id').references((): AnyPgColumn => stewardPosts.id),
    level: text('level').notNull(),
    name: text('name').notNull(),
    territoryId: uuid('territory_id')
      .notNull()
      .references(() => territories.id),
    territoryPath: text('territory_path').notNull(),
    geometry: jsonb('geometry'),
    stewardUserId: uuid('steward_user_id').references(() => users.id),
    stewardName: text('steward_name').notNull(),
    stewardPhone: text('steward_phone'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    index('steward_posts_street_idx').on(t.streetId),
    index('steward_posts_user_idx')
      .on(t.stewardUserId)
      .where(sql`${t.stewardUserId} is not null`),
    check('steward_posts_level_check', sql`${t.level} in ('street','area','lane','courtyard')`),
  ],
);

/**
 * An appeal in a steward's part of the territory: the steward asked (postId) must answer within 24
 * hours, or the case moves up the chain. One case per appeal.
 */
export const stewardCases = pgTable(
  'steward_cases',
  {
    id: uuid('id').primaryKey(),
    appealId: uuid('appeal_id')
      .notNull()
      .references(() => appeals.id),
    postId: uuid('post_id')
      .notNull()
      .references(() => stewardPosts.id),
    /** The post the case started at (the deepest post holding the appeal). */
    firstPostId: uuid('first_post_id')
      .notNull()
      .references(() => stewardPosts.id),
    state: text('state').notNull(),
    version: integer('version').notNull(),
    askedAt: at('asked_at').notNull(),
    dueAt: at('due_at').notNull(),
    answer: text('answer'),
    answeredAt: at('answered_at'),
    answeredBy: uuid('answered_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('steward_cases_appeal_key').on(t.appealId),
    index('steward_cases_post_idx').on(t.postId, t.state),
    check('steward_cases_state_check', sql`${t.state} in ('waiting','answered','lapsed')`),
  ],
);

/** Where a background job has got to in an ordered scan (e.g. new appeals for the steward chain). */
export const jobWatermarks = pgTable('job_watermarks', {
  name: text('name').primaryKey(),
  at: at('at').notNull(),
  lastId: uuid('last_id'),
  updatedAt: at('updated_at').notNull(),
});

/** Tables in an order that satisfies foreign keys, for backup and restore. */
export const ALL_TABLES = {
  territories,
  units,
  users,
  roleAssignments,
  sessions,
  loginAttempts,
  auditLog,
  idempotencyKeys,
  changeCounters,
  territoryImports,
  territoryRiskChanges,
  gridCards,
  gridStaff,
  categories,
  dispatchRules,
  gazetteerEntries,
  households,
  residents,
  calendarDays,
  slaTiers,
  slaRules,
  appealImports,
  appeals,
  appealAssignments,
  workOrderEvents,
  slaTimers,
  attachments,
  notifications,
  outboundMessages,
  whistles,
  whistleSummons,
  whistleCheckInLimits,
  stewardPosts,
  stewardCases,
  jobWatermarks,
} as const;
