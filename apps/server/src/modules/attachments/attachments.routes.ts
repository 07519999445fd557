import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZAttachment, ZErrorResponse, ZIdParams } from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { openAttachment, uploadAttachment } from './attachments.service.ts';
import { readUploadedFile } from './multipart.ts';

const ZPurpose = z.enum(['intake', 'evidence']);
const ZUploadQuery = z.object({
  /** Also accepted as a form field `purpose` sent before the file. */
  purpose: ZPurpose.optional(),
});

/** Uploads (pictures, video, voice, PDF) and downloads of appeal attachments, under /attachments. */
export async function attachmentRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.post(
    '',
    {
      schema: {
        tags: ['appeals'],
        summary:
          'Upload one file (multipart/form-data, field "file"; optional field "purpose" = intake|evidence before it). The type is checked from the bytes; limits per kind (image 10 MB, audio 20 MB, video 100 MB, PDF 10 MB). Link it to an appeal by id at intake or reply.',
        querystring: ZUploadQuery,
        response: { 201: ZAttachment, ...errorResponses, 413: ZErrorResponse, 415: ZErrorResponse },
      },
    },
    async (request, reply) => {
      const { part, fields, finish } = await readUploadedFile(request);
      const attachment = await uploadAttachment(
        deps,
        actorOf(request),
        {
          stream: part.file,
          fileName: part.filename,
          declaredType: part.mimetype,
          purpose: fields.purpose ?? request.query.purpose,
          isTruncated: () => part.file.truncated,
          finish,
        },
        requestInfo(request),
      );
      return reply.status(201).send(attachment);
    },
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['appeals'],
        summary:
          "An attachment's bytes, for its uploader and whoever may read its appeal (404 otherwise); pictures, voice and video inline, documents as downloads; one byte range (Range: bytes=…) for video players",
        params: ZIdParams,
        response: {
          200: z.any().describe('The file'),
          206: z.any().describe('The requested byte range (Range: bytes=…)'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const download = await openAttachment(deps, actorOf(request), request.params.id, request.headers.range);
      return reply.status(download.status).headers(download.headers).send(download.stream);
    },
  );
}
