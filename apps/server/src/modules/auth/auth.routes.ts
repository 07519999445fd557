import type { FastifyInstance } from 'fastify';
import { ZLoginRequest, ZMe, ZOk, ZUpdateMyLocale } from '@huizhi/contracts';
import {
  clearSessionCookie,
  currentSession,
  requestInfo,
  requireSession,
  setSessionCookie,
} from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { isSteward } from '../stewards/stewards.service.ts';
import { login, logout, presentMe, setLocale } from './auth.service.ts';

export async function authRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);

  api.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; sets the session cookie',
        body: ZLoginRequest,
        response: { 200: ZMe, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await login(deps, request.body, requestInfo(request));
      setSessionCookie(deps, request, reply, result.token, result.expiresAt);
      return presentMe(result.session, { steward: await isSteward(deps, result.session.actor.userId) });
    },
  );

  api.post(
    '/logout',
    { schema: { tags: ['auth'], summary: 'Sign out', response: { 200: ZOk, ...errorResponses } } },
    async (request, reply) => {
      const session = await currentSession(deps, request);
      if (session) {
        await requireSession(deps, request);
        await logout(deps, session, requestInfo(request));
      }
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in person, their roles, permissions and menu',
        response: { 200: ZMe, ...errorResponses },
      },
    },
    async (request) => {
      const session = await requireSession(deps, request);
      return presentMe(session, { steward: await isSteward(deps, session.actor.userId) });
    },
  );

  api.put(
    '/me/locale',
    {
      schema: {
        tags: ['auth'],
        summary: 'Save the interface language',
        body: ZUpdateMyLocale,
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (request) => {
      const session = await requireSession(deps, request);
      await setLocale(deps, session, request.body.locale);
      return { ok: true as const };
    },
  );
}
