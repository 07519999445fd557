import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZAppealImportList, ZAppealImportReport, ZErrorResponse, ZIdParams } from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { readFileBytes, readUploadedFile } from '../attachments/multipart.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import {
  APPEAL_IMPORT_MAX_BYTES,
  assertMayImportAppeals,
  getAppealImport,
  importAppeals,
  listAppealImports,
} from './appeal-import.service.ts';

const ZAppealImportQuery = z.object({
  /** Check and report without importing (the report is still recorded). */
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** The historical import of 12345 work orders (admins of a whole city), under /appeal-imports. */
export async function appealImportRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.post(
    '',
    {
      schema: {
        tags: ['appeals'],
        summary:
          'Import historical work orders from a 12345 export (multipart/form-data, field "file": .csv or .xlsx, at most 20 MB, 50,000 rows). All or nothing: 422 APPEAL_IMPORT_REFUSED with the row-level report in details',
        querystring: ZAppealImportQuery,
        response: {
          200: ZAppealImportReport,
          ...errorResponses,
          413: ZErrorResponse,
          415: ZErrorResponse,
          422: ZErrorResponse,
        },
      },
    },
    async (request) => {
      assertMayImportAppeals(actorOf(request));
      const upload = await readUploadedFile(request);
      const bytes = await readFileBytes(upload, APPEAL_IMPORT_MAX_BYTES);
      return importAppeals(
        deps,
        actorOf(request),
        { fileName: upload.part.filename, bytes, dryRun: request.query.dryRun },
        requestInfo(request),
      );
    },
  );
  api.get(
    '',
    {
      schema: {
        tags: ['appeals'],
        summary: 'The latest 100 appeal imports, newest first (applied, refused and dry runs)',
        response: { 200: ZAppealImportList, ...errorResponses },
      },
    },
    async (request) => listAppealImports(deps, actorOf(request)),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['appeals'],
        summary: "An appeal import's report: rows, imported count, every error and warning by row and column",
        params: ZIdParams,
        response: { 200: ZAppealImportReport, ...errorResponses },
      },
    },
    async (request) => getAppealImport(deps, actorOf(request), request.params.id),
  );
}
