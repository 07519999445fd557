import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ZCreateDispatchRule,
  ZDispatchRule,
  ZDispatchRuleList,
  ZDispatchRuleListQuery,
  ZExplainRequest,
  ZExplainResult,
  ZIdParams,
  ZOk,
  ZUpdateDispatchRule,
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
  createDispatchRule,
  deleteDispatchRuleFor,
  getDispatchRuleFor,
  listDispatchRulesFor,
  updateDispatchRuleFor,
} from './dispatch-rules.service.ts';
import { explainDispatchFor } from './explain.service.ts';

const ZDeleteQuery = z.object({ updatedAt: z.iso.datetime({ offset: true }).optional() });

/** The dispatch catalogue (派单目录), under /dispatch-rules. */
export async function dispatchRuleRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['routing'],
        summary: 'Dispatch catalogue rules that apply in your scope (admins)',
        querystring: ZDispatchRuleListQuery,
        response: { 200: ZDispatchRuleList, ...errorResponses },
      },
    },
    async (request) => listDispatchRulesFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['routing'],
        summary: 'One dispatch catalogue rule',
        params: ZIdParams,
        response: { 200: ZDispatchRule, ...errorResponses },
      },
    },
    async (request) => getDispatchRuleFor(deps, actorOf(request), request.params.id),
  );
  api.post(
    '',
    {
      schema: {
        tags: ['routing'],
        summary: 'Add a dispatch catalogue rule inside your scope; honours Idempotency-Key',
        body: ZCreateDispatchRule,
        response: { 201: ZDispatchRule, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createDispatchRule(
        deps,
        actorOf(request),
        request.body,
        requestInfo(request),
        idempotencyKeyOf(request),
      );
      return sendIdempotent(reply, result);
    },
  );
  api.patch(
    '/:id',
    {
      schema: {
        tags: ['routing'],
        summary: 'Change a rule; send the updatedAt you read (409 CONFLICT when it changed meanwhile)',
        params: ZIdParams,
        body: ZUpdateDispatchRule,
        response: { 200: ZDispatchRule, ...errorResponses },
      },
    },
    async (request) =>
      updateDispatchRuleFor(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
  api.delete(
    '/:id',
    {
      schema: {
        tags: ['routing'],
        summary: 'Remove a rule; with ?updatedAt=, only if unchanged since read',
        params: ZIdParams,
        querystring: ZDeleteQuery,
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (request) =>
      deleteDispatchRuleFor(
        deps,
        actorOf(request),
        request.params.id,
        request.query.updatedAt,
        requestInfo(request),
      ),
  );
}

/** Which unit the catalogue chooses and why, under /routing. */
export async function explainRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.post(
    '/explain',
    {
      schema: {
        tags: ['routing'],
        summary: 'The unit the dispatch catalogue chooses for a category at a territory or point, and why',
        body: ZExplainRequest,
        response: { 200: ZExplainResult, ...errorResponses },
      },
    },
    async (request) => explainDispatchFor(deps, actorOf(request), request.body),
  );
}
