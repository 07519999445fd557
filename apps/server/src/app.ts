import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import multipart from '@fastify/multipart';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Deps } from './context.ts';
import { authPlugin, guardScope } from './plugins/auth.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { responseSerializerCompiler } from './plugins/response-serializer.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { territoryRoutes } from './modules/territories/territories.routes.ts';
import { territoryImportRoutes } from './modules/territories/territory-import.routes.ts';
import { territoryFeatureRoutes } from './modules/territories/territory-features.routes.ts';
import { locateRoutes } from './modules/routing/locate.routes.ts';
import { categoryRoutes } from './modules/categories/categories.routes.ts';
import { gazetteerRoutes, geocodeRoutes } from './modules/gazetteer/gazetteer.routes.ts';
import { dispatchRuleRoutes, explainRoutes } from './modules/dispatch-rules/dispatch-rules.routes.ts';
import { unitRoutes } from './modules/units/units.routes.ts';
import { userRoutes } from './modules/users/users.routes.ts';
import { gridRoutes } from './modules/grids/grids.routes.ts';
import { publicGridRoutes } from './modules/grids/public-grids.routes.ts';
import { riskRoutes } from './modules/grids/risk.routes.ts';
import { ledgerRoutes } from './modules/ledger/ledger.routes.ts';
import { attachmentRoutes } from './modules/attachments/attachments.routes.ts';
import { ATTACHMENT_UPLOAD_MAX_BYTES } from './modules/attachments/attachments.service.ts';
import { appealImportRoutes } from './modules/appeal-imports/appeal-import.routes.ts';
import { calendarRoutes, publicCalendarRoutes } from './modules/calendar/calendar.routes.ts';
import { slaRoutes } from './modules/sla/sla.routes.ts';
import { appealActionsRoutes } from './modules/appeals/appeal-actions.routes.ts';
import { appealsRoutes } from './modules/appeals/appeals.routes.ts';
import { reviewLinkRoutes } from './modules/appeals/review-link.routes.ts';
import { notificationRoutes } from './modules/notifications/notifications.routes.ts';
import { whistleRoutes } from './modules/whistles/whistles.routes.ts';
import { stewardCaseRoutes, stewardPostRoutes } from './modules/stewards/stewards.routes.ts';

export interface BuildAppOptions {
  /** pino options or false; tests pass false. */
  logger?: FastifyServerOptions['logger'];
  /** The built web app to serve; omitted in API-only tests. */
  webDist?: string | undefined;
}

/** One access line per request, written when it ends, instead of Fastify's two (a tenth of a busy server's work). */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ip: request.ip,
    };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request');
  }
}

/** Builds the Fastify app with every plugin and module. It never listens: main.ts does. */
export async function buildApp(deps: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new AccessLog(),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler({ check: deps.config.checkResponses }));

  await app.register(errorsPlugin);
  await app.register(cookie);
  await app.register(authPlugin);
  await app.register(openapiPlugin);

  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    done(null, payload);
  });

  await app.register(healthRoutes, { deps });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth', deps });
      await api.register(publicGridRoutes, { prefix: '/public/grids', deps });
      await api.register(reviewLinkRoutes, { prefix: '/public/reviews', deps });
      await api.register(publicCalendarRoutes, { prefix: '/calendar', deps });
      await api.register(async (secured) => {
        guardScope(secured, deps);
        // Uploads (attachments, appeal imports): one file per request, at most the largest attachment kind.
        await secured.register(multipart, {
          limits: { fileSize: ATTACHMENT_UPLOAD_MAX_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 6 },
        });
        await secured.register(territoryImportRoutes, { prefix: '/territories', deps });
        await secured.register(territoryFeatureRoutes, { prefix: '/territories', deps });
        await secured.register(territoryRoutes, { prefix: '/territories', deps });
        await secured.register(locateRoutes, { prefix: '/routing', deps });
        await secured.register(geocodeRoutes, { prefix: '/routing', deps });
        await secured.register(explainRoutes, { prefix: '/routing', deps });
        await secured.register(categoryRoutes, { prefix: '/categories', deps });
        await secured.register(gazetteerRoutes, { prefix: '/gazetteer', deps });
        await secured.register(dispatchRuleRoutes, { prefix: '/dispatch-rules', deps });
        await secured.register(unitRoutes, { prefix: '/units', deps });
        await secured.register(userRoutes, { prefix: '/users', deps });
        await secured.register(auditRoutes, { prefix: '/audit', deps });
        await secured.register(riskRoutes, { prefix: '/territories', deps });
        await secured.register(gridRoutes, { prefix: '/grids', deps });
        await secured.register(ledgerRoutes, { prefix: '/ledger', deps });
        await secured.register(attachmentRoutes, { prefix: '/attachments', deps });
        await secured.register(appealImportRoutes, { prefix: '/appeal-imports', deps });
        await secured.register(calendarRoutes, { prefix: '/calendar', deps });
        await secured.register(slaRoutes, { prefix: '/sla', deps });
        await secured.register(appealsRoutes, { prefix: '/appeals', deps });
        await secured.register(appealActionsRoutes, { prefix: '/appeals', deps });
        await secured.register(notificationRoutes, { prefix: '/notifications', deps });
        await secured.register(whistleRoutes, { prefix: '/whistles', deps });
        await secured.register(stewardPostRoutes, { prefix: '/steward-posts', deps });
        await secured.register(stewardCaseRoutes, { prefix: '/steward-cases', deps });
      });
    },
    { prefix: '/api/v1' },
  );

  const webDist = options.webDist;
  const hasWeb = webDist !== undefined && existsSync(join(webDist, 'index.html'));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, { root: webDist, wildcard: true, index: 'index.html' });
  }
  app.setNotFoundHandler((request, reply) => {
    const isPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      request.headers.accept?.includes('text/html');
    if (hasWeb && isPage) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: `There is no such address: ${request.method} ${request.url.split('?')[0]}`,
      },
    });
  });
  return app;
}
