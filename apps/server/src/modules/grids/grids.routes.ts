import type { FastifyInstance } from 'fastify';
import {
  ZCreateGridStaff,
  ZEndGridStaff,
  ZGridCard,
  ZGridDetail,
  ZGridStaff,
  ZGridStaffList,
  ZGridStaffParams,
  ZIdParams,
  ZPutGridCard,
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
  createGridStaff,
  endGridStaff,
  getGridDetailFor,
  listGridStaffFor,
  putGridCard,
} from './grids.service.ts';

/** Grid pages, staff periods and the published card (signed in). */
export async function gridRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/:id',
    {
      schema: {
        tags: ['grids'],
        summary: 'One grid: card, current staff, households, area, risk colour, ledger counts',
        params: ZIdParams,
        response: { 200: ZGridDetail, ...errorResponses },
      },
    },
    async (request) => getGridDetailFor(deps, actorOf(request), request.params.id),
  );
  api.get(
    '/:id/staff',
    {
      schema: {
        tags: ['grids'],
        summary: 'Every staff period of a grid, marked current or not',
        params: ZIdParams,
        response: { 200: ZGridStaffList, ...errorResponses },
      },
    },
    async (request) => listGridStaffFor(deps, actorOf(request), request.params.id),
  );
  api.post(
    '/:id/staff',
    {
      schema: {
        tags: ['grids'],
        summary: 'Appoint grid staff for a period; honours Idempotency-Key',
        params: ZIdParams,
        body: ZCreateGridStaff,
        response: { 201: ZGridStaff, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createGridStaff(
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
    '/:id/staff/:staffId',
    {
      schema: {
        tags: ['grids'],
        summary: 'End a staff period (endsOn = last day of service)',
        params: ZGridStaffParams,
        body: ZEndGridStaff,
        response: { 200: ZGridStaff, ...errorResponses },
      },
    },
    async (request) =>
      endGridStaff(
        deps,
        actorOf(request),
        request.params.id,
        request.params.staffId,
        request.body,
        requestInfo(request),
      ),
  );
  api.put(
    '/:id/card',
    {
      schema: {
        tags: ['grids'],
        summary: "Set a grid's published supervision phone and duty list",
        params: ZIdParams,
        body: ZPutGridCard,
        response: { 200: ZGridCard, ...errorResponses },
      },
    },
    async (request) =>
      putGridCard(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
}
