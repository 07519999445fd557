import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZErrorResponse } from '@huizhi/contracts';
import type { Deps } from '../context.ts';

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
