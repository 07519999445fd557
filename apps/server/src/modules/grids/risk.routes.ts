import type { FastifyInstance } from 'fastify';
import { ZIdParams, ZPutRiskColor, ZRiskChange, ZRiskHistory } from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { changeRiskColor, listRiskHistoryFor } from './grids.service.ts';

/** 红黄绿 risk colours of communities and grids, under /territories/{id}. */
export async function riskRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.put(
    '/:id/risk',
    {
      schema: {
        tags: ['territories'],
        summary: "Change a community's or grid's risk colour, with a reason",
        params: ZIdParams,
        body: ZPutRiskColor,
        response: { 200: ZRiskChange, ...errorResponses },
      },
    },
    async (request) =>
      changeRiskColor(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
  api.get(
    '/:id/risk-history',
    {
      schema: {
        tags: ['territories'],
        summary: 'The risk colour changes of a territory, newest first',
        params: ZIdParams,
        response: { 200: ZRiskHistory, ...errorResponses },
      },
    },
    async (request) => listRiskHistoryFor(deps, actorOf(request), request.params.id),
  );
}
