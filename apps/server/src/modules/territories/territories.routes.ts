import type { FastifyInstance } from 'fastify';
import { ZIdParams, ZTerritory, ZTerritoryList, ZTerritoryListQuery } from '@huizhi/contracts';
import { actorOf } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { getTerritoryFor, listTerritoriesFor } from './territories.service.ts';

export async function territoryRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['territories'],
        summary: 'Territories in your scope (children of parentId, or by level or name)',
        querystring: ZTerritoryListQuery,
        response: { 200: ZTerritoryList, ...errorResponses },
      },
    },
    async (request) => listTerritoriesFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['territories'],
        summary: 'One territory',
        params: ZIdParams,
        response: { 200: ZTerritory, ...errorResponses },
      },
    },
    async (request) => getTerritoryFor(deps, actorOf(request), request.params.id),
  );
}
