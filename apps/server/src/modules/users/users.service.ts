import { randomUUID } from 'node:crypto';
import { AppError, can, maskPhone, pathIds, scopeFilter } from '@huizhi/domain';
import type { TCreateUser, TUser, TUserList } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps, RequestInfo } from '../../context.ts';
import { toAssignments, userScopePaths } from '../auth/actor.ts';
import { findAssignmentsOfUsers, findUserById, type AssignmentRow } from '../auth/auth.repository.ts';
import { hashPassword } from '../auth/passwords.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { runIdempotent, type IdempotentResult } from '../idempotency/idempotency.service.ts';
import { findTerritoriesByIds } from '../territories/territories.repository.ts';
import { findUnitById } from '../units/units.repository.ts';
import {
  insertAssignments,
  insertUser,
  listUsers,
  usernameExists,
  type UserRow,
} from './users.repository.ts';

/** Presents a user; the phone number is always masked in lists (full reads go through the ledger). */
function present(user: UserRow, assignmentRows: AssignmentRow[]): TUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    phone: user.phone ? maskPhone(user.phone) : null,
    phoneMasked: true,
    locale: user.locale === 'en' ? 'en' : 'zh-CN',
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
    assignments: toAssignments(assignmentRows).map((a) => ({
      role: a.role,
      scope: { kind: a.scope.kind, id: a.scopeId, name: a.scopeName },
    })),
  };
}

function isWholeTreeAdmin(actor: ActorContext): boolean {
  return scopeFilter(actor, 'user.read').territoryPaths.some((path) => pathIds(path).length === 1);
}

export interface UserQuery {
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Lists the users tied to the reader's scope. */
export async function listUsersFor(deps: Deps, actor: ActorContext, query: UserQuery): Promise<TUserList> {
  const scope = scopeFilter(actor, 'user.read');
  if (scope.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const { db } = deps.database;
  const { rows, total } = await listUsers(db, {
    ...query,
    territoryPaths: scope.territoryPaths,
    includeUnplaced: isWholeTreeAdmin(actor),
  });
  const assignments = await findAssignmentsOfUsers(
    db,
    rows.map((row) => row.id),
  );
  return {
    total,
    items: rows.map((row) =>
      present(
        row,
        assignments.filter((a) => a.userId === row.id),
      ),
    ),
  };
}

/** Reads one user: yourself, or someone in your scope as an admin; others are not found. */
export async function getUserFor(deps: Deps, actor: ActorContext, id: string): Promise<TUser> {
  const { db } = deps.database;
  const user = await findUserById(db, id);
  if (!user) throw new AppError('NOT_FOUND');
  const assignments = await findAssignmentsOfUsers(db, [id]);
  if (!can(actor, 'user.read', { kind: 'user', id, scopePaths: userScopePaths(assignments) })) {
    throw new AppError('NOT_FOUND');
  }
  return present(user, assignments);
}

/** Resolves the territory path each requested assignment places the new user in (null for none). */
async function resolveAssignmentPaths(tx: DbOrTx, input: TCreateUser): Promise<(string | null)[]> {
  const territoryIds = input.assignments.flatMap((a) => (a.territoryId ? [a.territoryId] : []));
  const found = new Map((await findTerritoriesByIds(tx, territoryIds)).map((t) => [t.id, t.path]));
  const paths: (string | null)[] = [];
  for (const [index, assignment] of input.assignments.entries()) {
    if (assignment.territoryId) {
      const path = found.get(assignment.territoryId);
      if (!path)
        throw new AppError('VALIDATION_FAILED', 'Unknown territory.', {
          path: `/assignments/${index}/territoryId`,
        });
      paths.push(path);
    } else if (assignment.unitId) {
      const unit = await findUnitById(tx, assignment.unitId);
      if (!unit)
        throw new AppError('VALIDATION_FAILED', 'Unknown unit.', { path: `/assignments/${index}/unitId` });
      paths.push(unit.territoryPath);
    } else paths.push(null);
  }
  return paths;
}

/** Writes a new user, their roles and the audit entry; the caller has authorised it and opened `tx`. */
export async function persistUser(
  tx: DbOrTx,
  deps: Pick<Deps, 'clock'>,
  input: TCreateUser,
  passwordHash: string,
  actorId: string | null,
  request: RequestInfo | null,
  paths: (string | null)[],
): Promise<TUser> {
  if (await usernameExists(tx, input.username)) throw new AppError('USERNAME_TAKEN');
  const now = deps.clock.now();
  const user = await insertUser(tx, {
    id: randomUUID(),
    username: input.username,
    displayName: input.displayName,
    passwordHash,
    phone: input.phone ?? null,
    locale: input.locale,
    createdAt: now,
  });
  await insertAssignments(
    tx,
    input.assignments.map((a) => ({
      id: randomUUID(),
      userId: user.id,
      role: a.role,
      territoryId: a.territoryId ?? null,
      unitId: a.unitId ?? null,
      createdAt: now,
    })),
  );
  await recordAudit(tx, deps, actorId, request, {
    action: 'user.create',
    entityType: 'user',
    entityId: user.id,
    scopePath: paths.find((p) => p !== null) ?? null,
    details: { username: user.username, roles: input.assignments.map((a) => a.role) },
  });
  return present(user, await findAssignmentsOfUsers(tx, [user.id]));
}

/** Creates a user with their roles; every role must fall inside the admin's scope. */
export async function createUser(
  deps: Deps,
  actor: ActorContext,
  input: TCreateUser,
  request: RequestInfo,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<TUser>> {
  const passwordHash = await hashPassword(input.password);
  const { password: _password, ...fingerprint } = input;
  return runIdempotent(deps, actor.userId, idempotencyKey, fingerprint, 201, async (tx) => {
    const paths = await resolveAssignmentPaths(tx, input);
    for (const path of paths) {
      if (!can(actor, 'user.manage', { kind: 'user', id: '', scopePaths: path ? [path] : [] })) {
        throw new AppError('FORBIDDEN', 'A role you assign must lie inside your own scope.');
      }
    }
    return persistUser(tx, deps, input, passwordHash, actor.userId, request, paths);
  });
}

/** Creates a user from the command line (a trusted operator: no actor, no scope check). */
export async function createUserAsOperator(deps: Deps, input: TCreateUser): Promise<TUser> {
  const passwordHash = await hashPassword(input.password);
  return deps.database.db.transaction(async (tx) => {
    const paths = await resolveAssignmentPaths(tx, input);
    return persistUser(tx, deps, input, passwordHash, null, null, paths);
  });
}
