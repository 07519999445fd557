import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@huizhi/domain';
import type { ActorContext, Deps, RequestInfo } from '../context.ts';
import { resolveSession, type SessionInfo } from '../modules/auth/auth.service.ts';

export const SESSION_COOKIE = 'hz_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of the request, resolved once on first use (undefined = not looked up yet). */
    sessionInfo: SessionInfo | null | undefined;
  }
}

/** Where the request comes from, for audit entries. */
export function requestInfo(request: FastifyRequest): RequestInfo {
  return { ip: request.ip, requestId: String(request.id), userAgent: request.headers['user-agent'] };
}

/** Resolves the session cookie of a request (cached on the request). */
export async function currentSession(deps: Deps, request: FastifyRequest): Promise<SessionInfo | null> {
  if (request.sessionInfo !== undefined) return request.sessionInfo;
  const token = request.cookies[SESSION_COOKIE];
  request.sessionInfo = token ? await resolveSession(deps, token) : null;
  return request.sessionInfo;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Refuses cross-site state changes: the Origin must be ours when sent, and the CSRF token must match. */
function checkCsrf(request: FastifyRequest, session: SessionInfo): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      throw new AppError('CSRF_TOKEN_INVALID');
    }
    if (originHost !== request.host) throw new AppError('CSRF_TOKEN_INVALID');
  }
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || !sameToken(header, session.csrfToken))
    throw new AppError('CSRF_TOKEN_INVALID');
}

/** Returns the signed-in actor or throws UNAUTHENTICATED; checks CSRF on state-changing requests. */
export async function requireSession(deps: Deps, request: FastifyRequest): Promise<SessionInfo> {
  const session = await currentSession(deps, request);
  if (!session) throw new AppError('UNAUTHENTICATED');
  checkCsrf(request, session);
  return session;
}

/** The signed-in actor of a request that passed the secured scope's guard. */
export function actorOf(request: FastifyRequest): ActorContext {
  if (!request.sessionInfo) throw new AppError('UNAUTHENTICATED');
  return request.sessionInfo.actor;
}

/** Sets the session cookie: httpOnly, SameSite=Lax, Secure behind TLS. */
export function setSessionCookie(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
) {
  const secure =
    deps.config.secureCookies === 'always' ||
    (deps.config.secureCookies === 'auto' && request.protocol === 'https');
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('sessionInfo', undefined);
  },
  { name: 'auth', dependencies: ['@fastify/cookie'] },
);

/** A guard for an encapsulated scope whose every route needs a signed-in person. */
export function guardScope(app: FastifyInstance, deps: Deps): void {
  app.addHook('preHandler', async (request) => {
    await requireSession(deps, request);
  });
}
