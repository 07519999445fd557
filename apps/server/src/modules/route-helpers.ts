import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZErrorResponse } from '@huizhi/contracts';
import type { Deps } from '../context.ts';
import { IDEMPOTENCY_HEADER, type IdempotentResult } from './idempotency/idempotency.service.ts';

export interface ModuleOptions {
  deps: Deps;
}

/** The error answers every API route may give, for the OpenAPI document. */
export const errorResponses = {
  400: ZErrorResponse,
  401: ZErrorResponse,
  403: ZErrorResponse,
  404: ZErrorResponse,
  409: ZErrorResponse,
  429: ZErrorResponse,
} as const;

/** The app with zod schemas as the type provider. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** The Idempotency-Key a client sent with a creating request, if any. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers[IDEMPOTENCY_HEADER];
  return typeof key === 'string' ? key : undefined;
}

/** Answers an idempotent creation: its status (201) and body, marking a replayed answer. */
export function sendIdempotent<T>(reply: FastifyReply, result: IdempotentResult<T>) {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(result.statusCode).send(result.body);
}
