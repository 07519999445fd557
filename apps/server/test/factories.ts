import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { buildTerritoryPath, type Role, type TerritoryLevel } from '@huizhi/domain';
import type { Deps } from '../src/context.ts';
import { roleAssignments, territories, units, users } from '../src/db/schema.ts';
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
