import type { FastifyInstance } from 'fastify';
import { ZIdParams, ZPublicGridCard } from '@huizhi/contracts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { getPublicGridCard } from './grids.service.ts';

/** The public grid card, without login: registered outside the guarded scope on purpose. */
export async function publicGridRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/:id',
    {
      schema: {
        tags: ['public'],
        summary: "A grid's public card: name, area, households, staff and phones, supervision phone, duties",
        security: [],
        params: ZIdParams,
        response: { 200: ZPublicGridCard, ...errorResponses },
      },
    },
    async (request) => getPublicGridCard(deps, request.params.id),
  );
}
