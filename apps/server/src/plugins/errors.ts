import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, ERROR_CODES, type ErrorCode } from '@huizhi/domain';

/** Maps Fastify's own error codes to ours, so every answer carries a code from the registry. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** Codes for plugin errors that carry only an HTTP status (static files, rate limits). */
const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Turns any thrown error into the one wire shape { error: { code, message, details? } }. */
export function toErrorResponse(error: unknown): {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
} {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  }
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: ERROR_CODES.VALIDATION_FAILED.message,
      details: {
        in: fastifyError.validationContext,
        issues: fastifyError.validation.map((issue) => ({
          path: issue.instancePath,
          message: issue.message,
        })),
      },
    };
  }
  if (
    fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (error instanceof SyntaxError && fastifyError.statusCode === 400)
  ) {
    return { status: 400, code: 'MALFORMED_REQUEST', message: ERROR_CODES.MALFORMED_REQUEST.message };
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped)
    return { status: ERROR_CODES[mapped].status, code: mapped, message: ERROR_CODES[mapped].message };
  const byStatus = fastifyError.statusCode ? STATUS_CODES[fastifyError.statusCode] : undefined;
  if (byStatus)
    return { status: ERROR_CODES[byStatus].status, code: byStatus, message: ERROR_CODES[byStatus].message };
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: 400, code: 'MALFORMED_REQUEST', message: ERROR_CODES.MALFORMED_REQUEST.message };
  }
  return { status: 500, code: 'INTERNAL', message: ERROR_CODES.INTERNAL.message };
}

export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const response = toErrorResponse(error);
      if (response.status >= 500) {
        request.log.error(
          { err: error, serialization: isResponseSerializationError(error) },
          'request failed',
        );
      } else {
        request.log.info({ code: response.code }, 'request refused');
      }
      const body: { code: ErrorCode; message: string; details?: unknown } = {
        code: response.code,
        message: response.message,
      };
      if (response.details !== undefined) body.details = response.details;
      return reply.status(response.status).send({ error: body });
    });
  },
  { name: 'errors' },
);
