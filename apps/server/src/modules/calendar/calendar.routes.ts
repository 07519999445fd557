import type { FastifyInstance } from 'fastify';
import {
  ZCalendarDateParams,
  ZCalendarDay,
  ZCalendarDeadline,
  ZCalendarDeadlineQuery,
  ZCalendarYear,
  ZCalendarYearQuery,
  ZSetCalendarDay,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import { deadlineFor } from '../sla/sla.service.ts';
import { calendarYearFor, resetCalendarDay, setCalendarDay } from './calendar.service.ts';

/** The working-day calendar for other systems, without login: registered outside the guarded scope on purpose. */
export async function publicCalendarRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '/days',
    {
      schema: {
        tags: ['public'],
        summary: "A year's dates, each working or not (holidays, 调休 weekend days), with the year's source",
        security: [],
        querystring: ZCalendarYearQuery,
        response: { 200: ZCalendarYear, ...errorResponses },
      },
    },
    async (request) => calendarYearFor(deps, request.query.year),
  );
  api.get(
    '/deadline',
    {
      schema: {
        tags: ['public'],
        summary:
          'When a time-limit tier started at `start` runs out (hours on the clock; days at 24:00 of the N-th working day)',
        security: [],
        querystring: ZCalendarDeadlineQuery,
        response: { 200: ZCalendarDeadline, ...errorResponses },
      },
    },
    async (request) => deadlineFor(deps, request.query),
  );
}

/** Admins' entries in the working-day calendar, under /calendar. */
export async function calendarRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.put(
    '/days/:date',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Make a date a working day or a day off, over the shipped data (admins of the whole city)',
        params: ZCalendarDateParams,
        body: ZSetCalendarDay,
        response: { 200: ZCalendarDay, ...errorResponses },
      },
    },
    async (request) =>
      setCalendarDay(deps, actorOf(request), request.params.date, request.body, requestInfo(request)),
  );
  api.delete(
    '/days/:date',
    {
      schema: {
        tags: ['calendar'],
        summary: "Remove an admin's entry for a date: the shipped data decides again",
        params: ZCalendarDateParams,
        response: { 200: ZCalendarDay, ...errorResponses },
      },
    },
    async (request) => resetCalendarDay(deps, actorOf(request), request.params.date, requestInfo(request)),
  );
}
