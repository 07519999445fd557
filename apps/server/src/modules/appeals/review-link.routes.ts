import type { FastifyInstance } from 'fastify';
import { ZPublicReview, ZReviewTokenParams, ZSubmitPublicReview } from '@huizhi/contracts';
import { requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { getPublicReview, submitPublicReview } from './appeal-actions.service.ts';

/**
 * The appellant's review link (回访), without login: registered outside the guarded scope on purpose.
 * The secret token is the only key; the answer carries no personal data.
 */
export async function reviewLinkRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'The reply behind an appellant review link, and whether it may still be reviewed',
        security: [],
        params: ZReviewTokenParams,
        response: { 200: ZPublicReview, ...errorResponses },
      },
    },
    async (request) => getPublicReview(deps, request.params.token),
  );
  api.post(
    '/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'The appellant reviews the reply (resolved? satisfied?) once per round',
        security: [],
        params: ZReviewTokenParams,
        body: ZSubmitPublicReview,
        response: { 200: ZPublicReview, ...errorResponses },
      },
    },
    async (request) => submitPublicReview(deps, request.params.token, request.body, requestInfo(request)),
  );
}
