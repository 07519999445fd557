import { createHash, randomBytes } from 'node:crypto';
import { AppError, grantedActions, navFor } from '@huizhi/domain';
import type { TLocale, TLoginRequest, TMe } from '@huizhi/contracts';
import type { ActorContext, Deps, RequestInfo } from '../../context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { toAssignments } from './actor.ts';
import {
  countRecentFailuresForIp,
  countRecentFailuresForUsername,
  findAssignmentsOfUsers,
  findLiveSession,
  findUserByUsername,
  insertLoginAttempt,
  insertSession,
  revokeSession,
  updateUserLocale,
} from './auth.repository.ts';
import { verifyPassword } from './passwords.ts';

/** Sign-in throttling: failures counted over this window, per account and per address. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 30;

export interface SessionInfo {
  actor: ActorContext;
  tokenHash: string;
  csrfToken: string;
}

/** Hashes a session token for storage; the raw token only ever lives in the cookie. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toLocale(value: string): TLocale {
  return value === 'en' ? 'en' : 'zh-CN';
}

/** Checks the password, throttles repeated failures, and opens a session. Returns the cookie token. */
export async function login(
  deps: Deps,
  input: TLoginRequest,
  request: RequestInfo,
): Promise<{ token: string; session: SessionInfo; expiresAt: Date }> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const [accountFailures, ipFailures] = await Promise.all([
    countRecentFailuresForUsername(db, input.username, since),
    countRecentFailuresForIp(db, request.ip, since),
  ]);
  if (accountFailures >= MAX_FAILURES_PER_ACCOUNT || ipFailures >= MAX_FAILURES_PER_IP) {
    throw new AppError('LOGIN_THROTTLED', undefined, { retryAfterSeconds: LOGIN_WINDOW_MS / 1000 });
  }

  const user = await findUserByUsername(db, input.username);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk) {
    await db.transaction(async (tx) => {
      await insertLoginAttempt(tx, { username: input.username, ip: request.ip, at: now, succeeded: false });
      await recordAudit(tx, deps, user?.id ?? null, request, {
        action: 'auth.loginFailed',
        entityType: 'user',
        entityId: user?.id ?? null,
        details: { username: input.username },
      });
    });
    throw new AppError('LOGIN_FAILED');
  }
  if (user.disabledAt) throw new AppError('ACCOUNT_DISABLED');

  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + deps.config.sessionHours * 3600_000);
  await db.transaction(async (tx) => {
    await insertLoginAttempt(tx, { username: user.username, ip: request.ip, at: now, succeeded: true });
    await insertSession(tx, {
      tokenHash: hashToken(token),
      userId: user.id,
      csrfToken,
      createdAt: now,
      expiresAt,
      ip: request.ip,
      userAgent: request.userAgent?.slice(0, 300) ?? null,
    });
    await recordAudit(tx, deps, user.id, request, {
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
    });
  });
  const rows = await findAssignmentsOfUsers(db, [user.id]);
  const actor: ActorContext = {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    locale: toLocale(user.locale),
    assignments: toAssignments(rows),
  };
  return { token, expiresAt, session: { actor, tokenHash: hashToken(token), csrfToken } };
}

/**
 * Resolved sessions are kept in memory for a few seconds, so a busy client costs no database round
 * trips per request. A logout or a language change on this instance evicts the entry at once; other
 * instances notice a revocation within SESSION_CACHE_MS (see docs/adr/0002). Expiry is checked on
 * every hit.
 */
export const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;
interface CachedSession {
  session: SessionInfo;
  expiresAt: Date;
  cachedAt: number;
}
const sessionCaches = new WeakMap<Deps['database'], Map<string, CachedSession>>();

function sessionCache(deps: Deps): Map<string, CachedSession> {
  let cache = sessionCaches.get(deps.database);
  if (!cache) {
    cache = new Map();
    sessionCaches.set(deps.database, cache);
  }
  return cache;
}

function evictSession(deps: Deps, tokenHash: string): void {
  sessionCache(deps).delete(tokenHash);
}

/** Resolves a session cookie to its actor, or null when it is unknown, expired or revoked. */
export async function resolveSession(deps: Deps, token: string): Promise<SessionInfo | null> {
  const tokenHash = hashToken(token);
  const now = deps.clock.now();
  const cache = sessionCache(deps);
  const cached = cache.get(tokenHash);
  if (cached) {
    const fresh = now.getTime() - cached.cachedAt < SESSION_CACHE_MS && now.getTime() >= cached.cachedAt;
    if (fresh && cached.expiresAt > now) return cached.session;
    cache.delete(tokenHash);
  }
  const found = await findLiveSession(deps.database.db, tokenHash, now);
  if (!found || found.user.disabledAt) return null;
  const rows = await findAssignmentsOfUsers(deps.database.db, [found.user.id]);
  const session: SessionInfo = {
    tokenHash,
    csrfToken: found.session.csrfToken,
    actor: {
      userId: found.user.id,
      username: found.user.username,
      displayName: found.user.displayName,
      locale: toLocale(found.user.locale),
      assignments: toAssignments(rows),
    },
  };
  if (cache.size >= SESSION_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(tokenHash, { session, expiresAt: found.session.expiresAt, cachedAt: now.getTime() });
  return session;
}

/** Ends a session. */
export async function logout(deps: Deps, session: SessionInfo, request: RequestInfo): Promise<void> {
  evictSession(deps, session.tokenHash);
  await deps.database.db.transaction(async (tx) => {
    await revokeSession(tx, session.tokenHash, deps.clock.now());
    await recordAudit(tx, deps, session.actor.userId, request, {
      action: 'auth.logout',
      entityType: 'user',
      entityId: session.actor.userId,
    });
  });
}

/** Saves the interface language a person chose. */
export async function setLocale(deps: Deps, session: SessionInfo, locale: TLocale): Promise<void> {
  await updateUserLocale(deps.database.db, session.actor.userId, locale);
  evictSession(deps, session.tokenHash);
}

/**
 * Presents the signed-in person: who they are, their roles, what they may do, their menu. `steward`:
 * the person is named steward of some post (院长长制), which adds the steward tasks to the menu.
 */
export function presentMe(session: SessionInfo, facts: { steward?: boolean } = {}): TMe {
  const { actor } = session;
  return {
    user: {
      id: actor.userId,
      username: actor.username,
      displayName: actor.displayName,
      locale: actor.locale,
    },
    assignments: actor.assignments.map((a) => ({
      role: a.role,
      scope: { kind: a.scope.kind, id: a.scopeId, name: a.scopeName },
    })),
    permissions: grantedActions(actor),
    nav: navFor(actor, facts),
    csrfToken: session.csrfToken,
  };
}
