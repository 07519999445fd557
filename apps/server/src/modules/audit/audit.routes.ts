import type { FastifyInstance } from 'fastify';
import { ZAuditList, ZAuditListQuery } from '@huizhi/contracts';
import { actorOf } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { listAudit } from './audit.service.ts';

export async function auditRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  typed(app).get(
    '',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log within your scope (admins), newest first',
        querystring: ZAuditListQuery,
        response: { 200: ZAuditList, ...errorResponses },
      },
    },
    async (request) => listAudit(deps, actorOf(request), request.query),
  );
}
