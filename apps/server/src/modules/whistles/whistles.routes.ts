import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  ZBlowWhistle,
  ZCancelWhistle,
  ZChangeLead,
  ZCheckIn,
  ZCheckInLimits,
  ZConfirmWhistle,
  ZEscalateWhistle,
  ZIdParams,
  ZReportPart,
  ZReportResult,
  ZSendBackWhistle,
  ZSummonMore,
  ZUnitList,
  ZUnitListQuery,
  ZWhistleDetail,
  ZWhistleList,
  ZWhistleListQuery,
  ZWhistleNote,
  ZWhistleStats,
  ZWhistleStatsQuery,
  ZWithdrawSummons,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { listSummonableUnitsFor } from '../units/units.service.ts';
import {
  errorResponses,
  idempotencyKeyOf,
  sendIdempotent,
  typed,
  type ModuleOptions,
} from '../route-helpers.ts';
import {
  performWhistleAction,
  type PerformableWhistleAction,
  type WhistleActionBody,
} from './whistle-actions.service.ts';
import {
  blowWhistleFor,
  getCheckInLimitsFor,
  getWhistleFor,
  listWhistlesFor,
  setCheckInLimitsFor,
  whistleStatsFor,
} from './whistles.service.ts';

interface ActionRoute {
  path: string;
  action: PerformableWhistleAction;
  body: z.ZodType;
  summary: string;
}

/** One route per action: POST /whistles/:id/<path>. */
const ACTION_ROUTES: readonly ActionRoute[] = [
  {
    path: 'check-in',
    action: 'checkIn',
    body: ZCheckIn,
    summary:
      'Check in (报到) for your summoned unit, naming its responsible person; late when past the deadline',
  },
  {
    path: 'parts',
    action: 'reportPart',
    body: ZReportPart,
    summary: "Report an assisting unit's part after its check-in",
  },
  {
    path: 'result',
    action: 'reportResult',
    body: ZReportResult,
    summary: 'Report the result (the lead unit), once every assisting part is in',
  },
  {
    path: 'confirm',
    action: 'confirm',
    body: ZConfirmWhistle,
    summary: 'Confirm the result and close the whistle (the whistler)',
  },
  {
    path: 'send-back',
    action: 'sendBack',
    body: ZSendBackWhistle,
    summary: 'Send the result back to the lead unit for more work (the whistler)',
  },
  {
    path: 'summons',
    action: 'summonMore',
    body: ZSummonMore,
    summary: 'Summon more units as assisting units (the whistler)',
  },
  {
    path: 'withdraw',
    action: 'withdrawSummons',
    body: ZWithdrawSummons,
    summary: 'Withdraw a summons with a reason, e.g. a unit that never checked in (the whistler)',
  },
  {
    path: 'lead',
    action: 'changeLead',
    body: ZChangeLead,
    summary: 'Make another summoned unit the lead (the whistler)',
  },
  {
    path: 'escalate',
    action: 'escalate',
    body: ZEscalateWhistle,
    summary: 'Move the matter one step up the ladder (grid → community → street → district) with a reason',
  },
  {
    path: 'notes',
    action: 'addNote',
    body: ZWhistleNote,
    summary: 'Add a note to the joint-handling timeline',
  },
  {
    path: 'cancel',
    action: 'cancel',
    body: ZCancelWhistle,
    summary: 'Cancel the whistle with a reason (the whistler)',
  },
];

/** Whistles (吹哨报到) under /whistles: blow, board and inbox, one whistle, its actions, limits and stats. */
export async function whistleRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.post(
    '',
    {
      schema: {
        tags: ['whistles'],
        summary:
          'Blow a whistle (Idempotency-Key honoured): from an appeal or from scratch, summoning units with a check-in deadline',
        body: ZBlowWhistle,
        response: { 201: ZWhistleDetail, ...errorResponses },
      },
    },
    async (request, reply) =>
      sendIdempotent(
        reply,
        await blowWhistleFor(
          deps,
          actorOf(request),
          request.body,
          idempotencyKeyOf(request),
          requestInfo(request),
        ),
      ),
  );
  api.get(
    '',
    {
      schema: {
        tags: ['whistles'],
        summary: "A whistle board (your area, your office's whistles) or your unit's inbox, newest first",
        querystring: ZWhistleListQuery,
        response: { 200: ZWhistleList, ...errorResponses },
      },
    },
    async (request) => listWhistlesFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/summonable-units',
    {
      schema: {
        tags: ['whistles'],
        summary: 'The units a whistler may summon (serving an area overlapping where they blow whistles)',
        querystring: ZUnitListQuery,
        response: { 200: ZUnitList, ...errorResponses },
      },
    },
    async (request) => listSummonableUnitsFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/check-in-limits',
    {
      schema: {
        tags: ['whistles'],
        summary: 'The check-in limit per urgency, in minutes',
        response: { 200: ZCheckInLimits, ...errorResponses },
      },
    },
    async (request) => getCheckInLimitsFor(deps, actorOf(request)),
  );
  api.put(
    '/check-in-limits',
    {
      schema: {
        tags: ['whistles'],
        summary: 'Set check-in limits (administrators of the whole tree); new summonses use them',
        body: ZCheckInLimits,
        response: { 200: ZCheckInLimits, ...errorResponses },
      },
    },
    async (request) => setCheckInLimitsFor(deps, actorOf(request), request.body, requestInfo(request)),
  );
  api.get(
    '/stats',
    {
      schema: {
        tags: ['whistles'],
        summary: 'Assessment inputs over [from, to) per summoned unit and per street, from the events',
        querystring: ZWhistleStatsQuery,
        response: { 200: ZWhistleStats, ...errorResponses },
      },
    },
    async (request) => whistleStatsFor(deps, actorOf(request), request.query),
  );
  api.get(
    '/:id',
    {
      schema: {
        tags: ['whistles'],
        summary: 'One whistle with its summonses, ladder, timeline and the actions you may take now',
        params: ZIdParams,
        response: { 200: ZWhistleDetail, ...errorResponses },
      },
    },
    async (request) => getWhistleFor(deps, actorOf(request), request.params.id, requestInfo(request)),
  );
  for (const route of ACTION_ROUTES) {
    api.post(
      `/:id/${route.path}`,
      {
        schema: {
          tags: ['whistles'],
          summary: route.summary,
          params: ZIdParams,
          body: route.body,
          response: { 200: ZWhistleDetail, ...errorResponses },
        },
      },
      async (request) =>
        performWhistleAction(
          deps,
          actorOf(request),
          request.params.id,
          route.action,
          request.body as WhistleActionBody,
          requestInfo(request),
        ),
    );
  }
}
