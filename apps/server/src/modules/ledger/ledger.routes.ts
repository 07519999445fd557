import type { FastifyInstance } from 'fastify';
import {
  ZCreateHousehold,
  ZCreateResident,
  ZHouseholdDetail,
  ZHouseholdList,
  ZHouseholdListQuery,
  ZIdParams,
  ZLedgerSummary,
  ZLedgerSummaryQuery,
  ZResident,
  ZRevealedResident,
  ZRevealResident,
  ZUpdateResident,
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
  addResident,
  createHousehold,
  getHouseholdFor,
  ledgerSummaryFor,
  listHouseholdsFor,
  revealResident,
  updateResidentFor,
} from './ledger.service.ts';

/** The resident ledger (民情图): households, residents, masked personal data, logged full reads. */
export async function ledgerRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/households',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Households in your scope (by territory subtree, address or resident name, tag)',
        querystring: ZHouseholdListQuery,
        response: { 200: ZHouseholdList, ...errorResponses },
      },
    },
    async (request) => listHouseholdsFor(deps, actorOf(request), request.query),
  );
  api.post(
    '/households',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Record a household in a grid or building; honours Idempotency-Key',
        body: ZCreateHousehold,
        response: { 201: ZHouseholdDetail, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createHousehold(
        deps,
        actorOf(request),
        request.body,
        requestInfo(request),
        idempotencyKeyOf(request),
      );
      return sendIdempotent(reply, result);
    },
  );
  api.get(
    '/households/:id',
    {
      schema: {
        tags: ['ledger'],
        summary: 'One household with its residents (phone and ID number masked)',
        params: ZIdParams,
        response: { 200: ZHouseholdDetail, ...errorResponses },
      },
    },
    async (request) => getHouseholdFor(deps, actorOf(request), request.params.id),
  );
  api.post(
    '/households/:id/residents',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Add a resident to a household; honours Idempotency-Key',
        params: ZIdParams,
        body: ZCreateResident,
        response: { 201: ZResident, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await addResident(
        deps,
        actorOf(request),
        request.params.id,
        request.body,
        requestInfo(request),
        idempotencyKeyOf(request),
      );
      return sendIdempotent(reply, result);
    },
  );
  api.patch(
    '/residents/:id',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Change a resident',
        params: ZIdParams,
        body: ZUpdateResident,
        response: { 200: ZResident, ...errorResponses },
      },
    },
    async (request) =>
      updateResidentFor(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
  api.post(
    '/residents/:id/reveal',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Read the full phone or ID number of a resident, with a reason (logged)',
        params: ZIdParams,
        body: ZRevealResident,
        response: { 200: ZRevealedResident, ...errorResponses },
      },
    },
    async (request) =>
      revealResident(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
  api.get(
    '/summary',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Ledger counts for each child of a territory in your scope (for the map)',
        querystring: ZLedgerSummaryQuery,
        response: { 200: ZLedgerSummary, ...errorResponses },
      },
    },
    async (request) => ledgerSummaryFor(deps, actorOf(request), request.query.parentId),
  );
}
