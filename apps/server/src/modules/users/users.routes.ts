import type { FastifyInstance } from 'fastify';
import { ZCreateUser, ZIdParams, ZUser, ZUserList, ZUserListQuery } from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import {
  errorResponses,
  idempotencyKeyOf,
  sendIdempotent,
  typed,
  type ModuleOptions,
} from '../route-helpers.ts';
import { createUser, getUserFor, listUsersFor } from './users.service.ts';

export async function userRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['users'],
        summary: 'Users tied to your scope (admins)',
        querystring: ZUserListQuery,
        response: { 200: ZUserList, ...errorResponses },
      },
    },
    async (request) => listUsersFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: ZIdParams,
        response: { 200: ZUser, ...errorResponses },
      },
    },
    async (request) => getUserFor(deps, actorOf(request), request.params.id),
  );
  api.post(
    '',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user with roles (admins); honours Idempotency-Key',
        body: ZCreateUser,
        response: { 201: ZUser, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createUser(
        deps,
        actorOf(request),
        request.body,
        requestInfo(request),
        idempotencyKeyOf(request),
      );
      return sendIdempotent(reply, result);
    },
  );
}
