import type { FastifyInstance } from 'fastify';
import {
  ZCreateGazetteerEntry,
  ZGazetteerEntry,
  ZGazetteerList,
  ZGazetteerListQuery,
  ZGeocodeQuery,
  ZGeocodeResult,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { createGazetteerEntry, geocodeFor, listGazetteerFor } from './gazetteer.service.ts';

/** The gazetteer's admin routes, under /gazetteer. */
export async function gazetteerRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['routing'],
        summary: 'Gazetteer entries (roads, compounds, buildings, landmarks) in your scope',
        querystring: ZGazetteerListQuery,
        response: { 200: ZGazetteerList, ...errorResponses },
      },
    },
    async (request) => listGazetteerFor(deps, actorOf(request), request.query),
  );
  api.post(
    '',
    {
      schema: {
        tags: ['routing'],
        summary: 'Add a place name with aliases to a territory you manage',
        body: ZCreateGazetteerEntry,
        response: { 201: ZGazetteerEntry, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createGazetteerEntry(deps, actorOf(request), request.body, requestInfo(request))),
  );
}

/** Address text → ranked places, under /routing. */
export async function geocodeRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/geocode',
    {
      schema: {
        tags: ['routing'],
        summary: 'Ranked places (with their grid and path) an address text names',
        querystring: ZGeocodeQuery,
        response: { 200: ZGeocodeResult, ...errorResponses },
      },
    },
    async (request) => geocodeFor(deps, actorOf(request), request.query),
  );
}
