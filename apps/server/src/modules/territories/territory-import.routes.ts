import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  TERRITORY_IMPORT_MAX_BYTES,
  ZErrorResponse,
  ZTerritoryExportQuery,
  ZTerritoryImportQuery,
  ZTerritoryImportReport,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { exportTerritories } from './territory-export.service.ts';
import { importTerritories } from './territory-import.service.ts';

/** Import and export of the territory tree. Bodies are read as text here: the service parses them. */
export async function territoryImportRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  // This plugin's scope only: the file arrives as a string (JSON is parsed by the import, which reports errors).
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    ['application/json', 'application/geo+json', 'text/csv'],
    { parseAs: 'string', bodyLimit: TERRITORY_IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  const api = typed(app);
  api.post(
    '/import',
    {
      bodyLimit: TERRITORY_IMPORT_MAX_BYTES,
      schema: {
        tags: ['territories'],
        summary:
          'Import territories from GeoJSON (application/json) or CSV (text/csv), all or nothing; 422 lists every refusal',
        querystring: ZTerritoryImportQuery,
        body: z
          .string()
          .describe('The file: a GeoJSON FeatureCollection, or CSV with name,code,level,parentCode'),
        response: { 200: ZTerritoryImportReport, ...errorResponses, 422: ZErrorResponse },
      },
    },
    async (request) =>
      importTerritories(
        deps,
        actorOf(request),
        { ...request.query, content: request.body },
        requestInfo(request),
      ),
  );
  api.get(
    '/export',
    {
      schema: {
        tags: ['territories'],
        summary: 'Export the territories in your scope as GeoJSON (with polygons) or CSV (the tree)',
        querystring: ZTerritoryExportQuery,
        response: { 200: z.string(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const exported = await exportTerritories(deps, actorOf(request), request.query);
      return reply
        .type(exported.contentType)
        .serializer((payload: unknown) => payload as string)
        .send(exported.content);
    },
  );
}
