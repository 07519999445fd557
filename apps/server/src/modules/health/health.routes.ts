import type { FastifyInstance } from 'fastify';
import { AppError } from '@huizhi/domain';
import { ZErrorResponse, ZHealth, ZReady } from '@huizhi/contracts';
import { appliedMigrationCount, shippedMigrationCount } from '../../db/migrate.ts';
import { typed, type ModuleOptions } from '../route-helpers.ts';

export async function healthRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  const shipped = shippedMigrationCount();
  api.get(
    '/healthz',
    {
      schema: { tags: ['health'], summary: 'The process is up', response: { 200: ZHealth } },
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' as const }),
  );
  api.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The database is reachable and every migration is applied',
        response: { 200: ZReady, 503: ZErrorResponse },
      },
      logLevel: 'warn',
    },
    async () => {
      let applied: number;
      try {
        applied = await appliedMigrationCount(deps.database.pool);
      } catch {
        throw new AppError('NOT_READY', 'The database is not reachable.');
      }
      if (applied < shipped)
        throw new AppError('NOT_READY', `Migrations pending: ${applied} of ${shipped} applied.`);
      return { status: 'ready' as const, database: deps.database.kind, migrations: applied };
    },
  );
}
