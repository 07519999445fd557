import type { FastifyInstance } from 'fastify';
import { ZFeatureQuery, ZIdParams, ZTerritoryFeature, ZTerritoryFeatureCollection } from '@huizhi/contracts';
import { actorOf } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { getTerritoryFeature, listChildFeatures } from './territory-features.service.ts';

export async function territoryFeatureRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/:id/feature',
    {
      schema: {
        tags: ['territories'],
        summary: 'A territory as a GeoJSON Feature (WGS84, or GCJ-02 with crs=gcj02)',
        params: ZIdParams,
        querystring: ZFeatureQuery,
        response: { 200: ZTerritoryFeature, ...errorResponses },
      },
    },
    async (request) => getTerritoryFeature(deps, actorOf(request), request.params.id, request.query.crs),
  );
  api.get(
    '/:id/children/features',
    {
      schema: {
        tags: ['territories'],
        summary: "A territory's children as a GeoJSON FeatureCollection, for the map",
        params: ZIdParams,
        querystring: ZFeatureQuery,
        response: { 200: ZTerritoryFeatureCollection, ...errorResponses },
      },
    },
    async (request) => listChildFeatures(deps, actorOf(request), request.params.id, request.query.crs),
  );
}
