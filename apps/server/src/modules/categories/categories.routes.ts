import type { FastifyInstance } from 'fastify';
import {
  ZCategory,
  ZCategoryCodeParams,
  ZCategoryList,
  ZCategoryListQuery,
  ZCreateCategory,
  ZUpdateCategory,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import {
  errorResponses,
  idempotencyKeyOf,
  sendIdempotent,
  typed,
  type ModuleOptions,
} from '../route-helpers.ts';
import { createCategoryFor, listCategoriesFor, updateCategoryFor } from './categories.service.ts';

/** The appeal category taxonomy, under /categories: read by everyone signed in, edited by admins. */
export async function categoryRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['routing'],
        summary:
          'The appeal category taxonomy, flat (three levels; build the tree from parentCode); activeOnly for intake pickers',
        querystring: ZCategoryListQuery,
        response: { 200: ZCategoryList, ...errorResponses },
      },
    },
    async (request) => listCategoriesFor(deps, request.query),
  );
  api.post(
    '',
    {
      schema: {
        tags: ['routing'],
        summary: 'Add a category (admins of the whole city); the code is the next free one unless given',
        body: ZCreateCategory,
        response: { 201: ZCategory, ...errorResponses },
      },
    },
    async (request, reply) =>
      sendIdempotent(
        reply,
        await createCategoryFor(
          deps,
          actorOf(request),
          request.body,
          requestInfo(request),
          idempotencyKeyOf(request),
        ),
      ),
  );
  api.patch(
    '/:code',
    {
      schema: {
        tags: ['routing'],
        summary:
          "Change a category's names, tier, or whether intake offers it (admins of the whole city); code and parent stay",
        params: ZCategoryCodeParams,
        body: ZUpdateCategory,
        response: { 200: ZCategory, ...errorResponses },
      },
    },
    async (request) =>
      updateCategoryFor(deps, actorOf(request), request.params.code, request.body, requestInfo(request)),
  );
}
