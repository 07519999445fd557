import type { FastifyInstance } from 'fastify';
import { ZCategoryList } from '@huizhi/contracts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { listCategoriesFor } from './categories.service.ts';

export async function categoryRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['routing'],
        summary: 'The appeal category taxonomy, flat (three levels; build the tree from parentCode)',
        response: { 200: ZCategoryList, ...errorResponses },
      },
    },
    async () => listCategoriesFor(deps),
  );
}
