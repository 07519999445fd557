import type { FastifyInstance } from 'fastify';
import {
  ZAppealDetail,
  ZAppealList,
  ZAppealListQuery,
  ZAppealQueueCounts,
  ZCreateAppeal,
  ZDispatchSuggestion,
  ZIdParams,
  ZRevealAppellant,
  ZRevealedAppellant,
  ZSimilarAppeals,
  ZSimilarAppealsQuery,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import {
  errorResponses,
  idempotencyKeyOf,
  sendIdempotent,
  typed,
  type ModuleOptions,
} from '../route-helpers.ts';
import {
  countAppealQueuesFor,
  createAppealFor,
  dispatchSuggestionFor,
  getAppealFor,
  listAppealsFor,
  revealAppellantFor,
  similarToAppealFor,
  similarToDraftFor,
} from './appeals.service.ts';

/** Appeal intake and queries (接诉即办), under /appeals. The workflow actions have their own plugin. */
export async function appealsRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.post(
    '',
    {
      schema: {
        tags: ['appeals'],
        summary:
          'Record an appeal from any channel (Idempotency-Key honoured): placed, filed under its tier, its reply clock started',
        body: ZCreateAppeal,
        response: { 201: ZAppealDetail, ...errorResponses },
      },
    },
    async (request, reply) =>
      sendIdempotent(
        reply,
        await createAppealFor(deps, actorOf(request), request.body, idempotencyKeyOf(request)),
      ),
  );
  api.get(
    '',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Appeals of a queue in your scope, newest first (keyset cursor)',
        querystring: ZAppealListQuery,
        response: { 200: ZAppealList, ...errorResponses },
      },
    },
    async (request) => listAppealsFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/queues',
    {
      schema: {
        tags: ['appeals'],
        summary: 'How many appeals wait in each of your queues (each counted up to a cap)',
        response: { 200: ZAppealQueueCounts, ...errorResponses },
      },
    },
    async (request) => countAppealQueuesFor(deps, actorOf(request)),
  );
  api.get(
    '/similar',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Likely duplicates of a draft appeal (same category nearby, similar text) in your scope',
        querystring: ZSimilarAppealsQuery,
        response: { 200: ZSimilarAppeals, ...errorResponses },
      },
    },
    async (request) => similarToDraftFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['appeals'],
        summary: 'One appeal as you may see it, with the actions you may take now',
        params: ZIdParams,
        response: { 200: ZAppealDetail, ...errorResponses },
      },
    },
    async (request) => getAppealFor(deps, actorOf(request), request.params.id),
  );
  api.get(
    '/:id/similar',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Likely duplicates of an appeal in your scope',
        params: ZIdParams,
        response: { 200: ZSimilarAppeals, ...errorResponses },
      },
    },
    async (request) => similarToAppealFor(deps, actorOf(request), request.params.id),
  );
  api.get(
    '/:id/dispatch-suggestion',
    {
      schema: {
        tags: ['appeals'],
        summary: 'The unit the dispatch catalogue suggests for an appeal, and why',
        params: ZIdParams,
        response: { 200: ZDispatchSuggestion, ...errorResponses },
      },
    },
    async (request) => dispatchSuggestionFor(deps, actorOf(request), request.params.id),
  );
  api.post(
    '/:id/reveal-appellant',
    {
      schema: {
        tags: ['appeals'],
        summary:
          "The appellant's full name and phone (logged with your reason; never a confidential one to units)",
        params: ZIdParams,
        body: ZRevealAppellant,
        response: { 200: ZRevealedAppellant, ...errorResponses },
      },
    },
    async (request) =>
      revealAppellantFor(
        deps,
        actorOf(request),
        request.params.id,
        request.body.reason,
        requestInfo(request),
      ),
  );
}
