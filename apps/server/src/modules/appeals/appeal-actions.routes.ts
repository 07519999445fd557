import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  ZAcceptAppeal,
  ZAddAppealNote,
  ZAppealDetail,
  ZCloseWithoutDispatch,
  ZCloseWithoutReview,
  ZContactAppellant,
  ZDecideExtension,
  ZDispatchAppeal,
  ZFlagHardCase,
  ZFormTaskForce,
  ZIdParams,
  ZMergeAppeal,
  ZRejectReturn,
  ZReplyAppeal,
  ZRequestExtension,
  ZReturnAppeal,
  ZReviewAppeal,
  ZUrgeAppeal,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { useMessageLogger } from '../messages/appellant-messenger.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import {
  performAppealAction,
  type AppealActionBody,
  type PerformableAppealAction,
} from './appeal-actions.service.ts';

interface ActionRoute {
  path: string;
  action: PerformableAppealAction;
  body: z.ZodType;
  summary: string;
}

/** One route per action: POST /appeals/:id/<path>. */
const ACTION_ROUTES: readonly ActionRoute[] = [
  {
    path: 'dispatch',
    action: 'dispatch',
    body: ZDispatchAppeal,
    summary:
      'Dispatch (or re-dispatch) to a lead unit with assisting units and copies; a street office copies its district government by default (dispatchers)',
  },
  {
    path: 'close-without-dispatch',
    action: 'closeWithoutDispatch',
    body: ZCloseWithoutDispatch,
    summary: 'Close without dispatch for a reason of Art 11 (emergency, court or petition, repeat, …)',
  },
  {
    path: 'merge',
    action: 'merge',
    body: ZMergeAppeal,
    summary: "Merge into a parent appeal; the parent's outcome reaches this appellant, who reviews it",
  },
  { path: 'accept', action: 'accept', body: ZAcceptAppeal, summary: 'Accept (签收) for your unit' },
  {
    path: 'contact',
    action: 'contact',
    body: ZContactAppellant,
    summary: 'Record contacting the appellant (required before replying)',
  },
  {
    path: 'reply',
    action: 'reply',
    body: ZReplyAppeal,
    summary: 'Reply with the outcome and evidence; the appellant gets the reply and a review link',
  },
  {
    path: 'return',
    action: 'return',
    body: ZReturnAppeal,
    summary: 'Return a wrongly dispatched appeal with a reason (退单); the dispatcher decides',
  },
  {
    path: 'reject-return',
    action: 'rejectReturn',
    body: ZRejectReturn,
    summary: 'Refuse a return and send the appeal back to the unit (dispatchers)',
  },
  {
    path: 'request-extension',
    action: 'requestExtension',
    body: ZRequestExtension,
    summary: 'Ask for more working days (or hours) to reply, with a reason',
  },
  {
    path: 'approve-extension',
    action: 'approveExtension',
    body: ZDecideExtension,
    summary: "Approve the pending extension (the lead unit's head or the centre); the appellant is told",
  },
  {
    path: 'refuse-extension',
    action: 'refuseExtension',
    body: ZDecideExtension,
    summary: 'Refuse the pending extension',
  },
  {
    path: 'flag-hard-case',
    action: 'flagHardCase',
    body: ZFlagHardCase,
    summary: 'Flag as a hard case (疑难案卷)',
  },
  {
    path: 'form-task-force',
    action: 'formTaskForce',
    body: ZFormTaskForce,
    summary: 'Form a task force (攻坚专班): the units join as assisting units',
  },
  {
    path: 'notes',
    action: 'addNote',
    body: ZAddAppealNote,
    summary: 'Add an internal note or consultation record (never shown to the appellant)',
  },
  { path: 'urge', action: 'urge', body: ZUrgeAppeal, summary: 'Urge the handling unit (催办)' },
  {
    path: 'supervise',
    action: 'supervise',
    body: ZUrgeAppeal,
    summary: 'Issue a formal supervision order (督办) to the unit and its head',
  },
  {
    path: 'review',
    action: 'review',
    body: ZReviewAppeal,
    summary:
      'Record the review (回访): contacted, resolved, satisfaction; not resolved or dissatisfied reopens it (二次办理)',
  },
  {
    path: 'close-without-review',
    action: 'closeWithoutReview',
    body: ZCloseWithoutReview,
    summary: 'Close a replied appeal whose appellant could not be reached or declined the review',
  },
];

/** The workflow of an appeal after intake: one POST per action under /appeals/:id. */
export async function appealActionsRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  useMessageLogger(deps, app.log);
  const api = typed(app);
  for (const route of ACTION_ROUTES) {
    api.post(
      `/:id/${route.path}`,
      {
        schema: {
          tags: ['appeals'],
          summary: route.summary,
          params: ZIdParams,
          body: route.body,
          response: { 200: ZAppealDetail, ...errorResponses },
        },
      },
      async (request) =>
        performAppealAction(
          deps,
          actorOf(request),
          request.params.id,
          route.action,
          request.body as AppealActionBody,
          requestInfo(request),
        ),
    );
  }
}
