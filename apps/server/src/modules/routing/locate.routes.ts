import type { FastifyInstance } from 'fastify';
import { ZLocateQuery, ZLocateResult } from '@huizhi/contracts';
import { actorOf } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { locateFor } from './locate.service.ts';

export async function locateRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  typed(app).get(
    '/locate',
    {
      schema: {
        tags: ['routing'],
        summary:
          'The grid and its path (grid → city) of a point, or the nearest grid when outside every grid',
        querystring: ZLocateQuery,
        response: { 200: ZLocateResult, ...errorResponses },
      },
    },
    async (request) => locateFor(deps, actorOf(request), request.query),
  );
}
