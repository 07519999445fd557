import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { buildTerritoryPath, type Role, type TerritoryLevel } from '@huizhi/domain';
import type { Deps } from '../src/context.ts';
import {
  appealAssignments,
  appeals,
  roleAssignments,
  slaTimers,
  territories,
  units,
  users,
  workOrderEvents,
} from '../src/db/schema.ts';
import { hashPassword } from '../src/modules/auth/passwords.ts';

const PARENT_LEVEL: Record<TerritoryLevel, TerritoryLevel | null> = {
  city: null,
  district: 'city',
  street: 'district',
  community: 'street',
  grid: 'community',
  building: 'grid',
};

let counter = 0;
const nextCode = () => `T${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface BuiltTerritory {
  id: string;
  path: string;
  level: TerritoryLevel;
  name: string;
}

/** Creates a territory, and its missing parents up to a new city when no parent is given. */
export async function buildTerritory(
  deps: Deps,
  options: { level?: TerritoryLevel; parent?: BuiltTerritory; name?: string } = {},
): Promise<BuiltTerritory> {
  const level = options.level ?? 'street';
  const parentLevel = PARENT_LEVEL[level];
  const parent =
    options.parent ?? (parentLevel ? await buildTerritory(deps, { level: parentLevel }) : undefined);
  const id = randomUUID();
  const path = buildTerritoryPath(parent?.path ?? null, id);
  const name = options.name ?? `测试${level}${counter}`;
  const now = deps.clock.now();
  await deps.database.db.insert(territories).values({
    id,
    parentId: parent?.id ?? null,
    level,
    name,
    code: nextCode(),
    path,
    createdAt: now,
    updatedAt: now,
  });
  return { id, path, level, name };
}

/** Creates a handling unit serving a territory (a new street when none is given). */
export async function buildUnit(deps: Deps, options: { territory?: BuiltTerritory; type?: string } = {}) {
  const territory = options.territory ?? (await buildTerritory(deps, { level: 'street' }));
  const id = randomUUID();
  await deps.database.db.insert(units).values({
    id,
    name: `测试单位${counter++}`,
    code: nextCode(),
    type: options.type ?? 'department',
    territoryId: territory.id,
    createdAt: deps.clock.now(),
  });
  return { id, territory };
}

/** Creates a user with one role over a territory or unit (a new street when neither is given). */
export async function buildUser(
  deps: Deps,
  options: {
    role?: Role;
    territory?: BuiltTerritory;
    unitId?: string;
    password?: string;
    phone?: string;
  } = {},
) {
  const role = options.role ?? 'dispatcher';
  const password = options.password ?? 'test-password-123';
  const territory = options.unitId ? undefined : (options.territory ?? (await buildTerritory(deps)));
  const id = randomUUID();
  const username = `u${nextCode().toLowerCase()}`;
  const now = deps.clock.now();
  await deps.database.db.insert(users).values({
    id,
    username,
    displayName: `测试用户${counter}`,
    passwordHash: await hashPassword(password),
    phone: options.phone ?? null,
    createdAt: now,
  });
  await deps.database.db.insert(roleAssignments).values({
    id: randomUUID(),
    userId: id,
    role,
    territoryId: territory?.id ?? null,
    unitId: options.unitId ?? null,
    createdAt: now,
  });
  return { id, username, password, territory };
}

/** Loads a territory (demo data included) by its code, in the shape the factories take. */
export async function territoryByCode(deps: Deps, code: string): Promise<BuiltTerritory> {
  const rows = await deps.database.db.select().from(territories).where(eq(territories.code, code)).limit(1);
  const row = rows[0];
  if (!row) throw new Error(`no territory ${code}`);
  return { id: row.id, path: row.path, level: row.level as TerritoryLevel, name: row.name };
}

let appealCounter = 0;

export interface BuiltAppeal {
  id: string;
  number: string;
  territory: BuiltTerritory;
}

/**
 * Creates an appeal directly in the database (a grid of a new city when no territory is given) with
 * its `received` event and reply clock; with `unitId`, an active lead assignment to that unit (and
 * the state 'dispatched' unless another is given).
 */
export async function buildAppeal(
  deps: Deps,
  options: {
    territory?: BuiltTerritory;
    state?: string;
    type?: string;
    categoryCode?: string | null;
    content?: string;
    lng?: number | null;
    lat?: number | null;
    appellantName?: string | null;
    appellantPhone?: string | null;
    appellantUserId?: string | null;
    confidential?: boolean;
    unitId?: string;
    receivedAt?: Date;
    replyDueAt?: Date | null;
    /** The reply clock's warning and deadline (default: 7 and 8 days after receipt). */
    replyWarnAt?: Date;
    urgency?: 'normal' | 'urgent';
  } = {},
): Promise<BuiltAppeal> {
  const territory = options.territory ?? (await buildTerritory(deps, { level: 'grid' }));
  const receivedAt = options.receivedAt ?? deps.clock.now();
  const id = randomUUID();
  appealCounter += 1;
  const number = `T${Date.now().toString(36)}${appealCounter.toString(36)}`.toUpperCase();
  const day = 24 * 60 * 60 * 1000;
  const replyDueAt =
    options.replyDueAt === undefined ? new Date(receivedAt.getTime() + 8 * day) : options.replyDueAt;
  const state = options.state ?? (options.unitId ? 'dispatched' : 'received');
  await deps.database.db.insert(appeals).values({
    id,
    number,
    source: 'live',
    channel: 'hotline',
    type: options.type ?? 'complaint',
    categoryCode: options.categoryCode === undefined ? '020101' : options.categoryCode,
    content: options.content ?? `测试诉求${appealCounter}：小区门口垃圾无人清运`,
    address: null,
    lng: options.lng ?? null,
    lat: options.lat ?? null,
    territoryId: territory.id,
    territoryPath: territory.path,
    urgency: options.urgency ?? 'normal',
    tier: '7d',
    state,
    round: 1,
    version: 1,
    appellantName: options.appellantName === undefined ? '张三丰' : options.appellantName,
    appellantPhone: options.appellantPhone === undefined ? '13912345678' : options.appellantPhone,
    appellantUserId: options.appellantUserId ?? null,
    confidential: options.confidential ?? false,
    handlingUnitId: options.unitId ?? null,
    replyDueAt,
    receivedAt,
    updatedAt: receivedAt,
  });
  await deps.database.db.insert(workOrderEvents).values({
    orderKind: 'appeal',
    orderId: id,
    seq: 1,
    type: 'received',
    at: receivedAt,
    actorId: options.appellantUserId ?? null,
    round: 1,
    fromState: null,
    toState: 'received',
    internal: false,
    data: { channel: 'hotline' },
  });
  if (replyDueAt !== null) {
    await deps.database.db.insert(slaTimers).values({
      id: randomUUID(),
      orderKind: 'appeal',
      orderId: id,
      clock: 'reply',
      round: 1,
      startedAt: receivedAt,
      dueAt: replyDueAt,
      warnAt: options.replyWarnAt ?? new Date(receivedAt.getTime() + 7 * day),
    });
  }
  if (options.unitId) {
    await deps.database.db.insert(appealAssignments).values({
      id: randomUUID(),
      appealId: id,
      unitId: options.unitId,
      role: 'lead',
      round: 1,
      active: true,
      createdAt: receivedAt,
    });
  }
  return { id, number, territory };
}
