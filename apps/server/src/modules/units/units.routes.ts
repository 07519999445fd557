import type { FastifyInstance } from 'fastify';
import { ZIdParams, ZUnit, ZUnitList, ZUnitListQuery } from '@huizhi/contracts';
import { actorOf } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { getUnitFor, listUnitsFor } from './units.service.ts';

export async function unitRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['units'],
        summary: 'Handling units serving your scope',
        querystring: ZUnitListQuery,
        response: { 200: ZUnitList, ...errorResponses },
      },
    },
    async (request) => listUnitsFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['units'],
        summary: 'One handling unit',
        params: ZIdParams,
        response: { 200: ZUnit, ...errorResponses },
      },
    },
    async (request) => getUnitFor(deps, actorOf(request), request.params.id),
  );
}
