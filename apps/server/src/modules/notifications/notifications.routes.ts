import type { FastifyInstance } from 'fastify';
import { ZIdParams, ZNotification, ZNotificationList, ZNotificationListQuery, ZOk } from '@huizhi/contracts';
import { actorOf } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import {
  listNotificationsFor,
  readAllNotificationsFor,
  readNotificationFor,
} from './notifications.service.ts';

/** The signed-in person's in-app notifications (new dispatch, warning, overdue, returned, urged, …). */
export async function notificationRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first, with the unread count',
        querystring: ZNotificationListQuery,
        response: { 200: ZNotificationList, ...errorResponses },
      },
    },
    async (request) => listNotificationsFor(deps, actorOf(request), request.query),
  );
  api.post(
    '/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of your notifications read',
        params: ZIdParams,
        response: { 200: ZNotification, ...errorResponses },
      },
    },
    async (request) => readNotificationFor(deps, actorOf(request), request.params.id),
  );
  api.post(
    '/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark all your notifications read',
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (request) => readAllNotificationsFor(deps, actorOf(request)),
  );
}
