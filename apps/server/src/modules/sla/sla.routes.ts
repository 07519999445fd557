import type { FastifyInstance } from 'fastify';
import {
  ZCreateSlaRule,
  ZIdParams,
  ZOk,
  ZSlaRule,
  ZSlaRuleList,
  ZSlaTier,
  ZSlaTierCodeParams,
  ZSlaTierList,
  ZUpdateSlaTier,
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
  createSlaRuleFor,
  deleteSlaRuleFor,
  listSlaRulesFor,
  listSlaTiersFor,
  updateSlaTierFor,
} from './sla.service.ts';

/** Time-limit tiers and the rules that choose them, under /sla. */
export async function slaRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/tiers',
    {
      schema: {
        tags: ['calendar'],
        summary: 'The time-limit tiers: reply limit, accept and contact limits, warning share (staff)',
        response: { 200: ZSlaTierList, ...errorResponses },
      },
    },
    async (request) => listSlaTiersFor(deps, actorOf(request)),
  );
  api.put(
    '/tiers/:code',
    {
      schema: {
        tags: ['calendar'],
        summary: "Set a tier's limits, or add a tier (admins of the whole city)",
        params: ZSlaTierCodeParams,
        body: ZUpdateSlaTier,
        response: { 200: ZSlaTier, ...errorResponses },
      },
    },
    async (request) =>
      updateSlaTierFor(deps, actorOf(request), request.params.code, request.body, requestInfo(request)),
  );
  api.get(
    '/rules',
    {
      schema: {
        tags: ['calendar'],
        summary: 'The rules that choose a tier by category, urgency and unit type (admins of the whole city)',
        response: { 200: ZSlaRuleList, ...errorResponses },
      },
    },
    async (request) => listSlaRulesFor(deps, actorOf(request)),
  );
  api.post(
    '/rules',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Add a tier rule; the most specific rule wins; honours Idempotency-Key',
        body: ZCreateSlaRule,
        response: { 201: ZSlaRule, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createSlaRuleFor(
        deps,
        actorOf(request),
        request.body,
        requestInfo(request),
        idempotencyKeyOf(request),
      );
      return sendIdempotent(reply, result);
    },
  );
  api.delete(
    '/rules/:id',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Remove a tier rule',
        params: ZIdParams,
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (request) => deleteSlaRuleFor(deps, actorOf(request), request.params.id, requestInfo(request)),
  );
}
