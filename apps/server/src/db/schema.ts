import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  date,
  boolean,
  check,
  index,
  type AnyPgColumn,
  integer,
  jsonb,
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
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('units_code_key').on(t.code),
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
} as const;
