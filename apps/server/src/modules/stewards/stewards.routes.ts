import type { FastifyInstance } from 'fastify';
import {
  ZAnswerStewardCase,
  ZIdParams,
  ZOk,
  ZStewardCase,
  ZStewardCaseList,
  ZStewardCaseQuery,
  ZStewardPost,
  ZStewardPostInput,
  ZStewardPostList,
  ZStewardPostQuery,
} from '@huizhi/contracts';
import { actorOf, requestInfo } from '../../plugins/auth.ts';
import { errorResponses, typed, type ModuleOptions } from '../route-helpers.ts';
import {
  answerStewardCase,
  createStewardPost,
  deleteStewardPost,
  listStewardCasesFor,
  listStewardPostsFor,
  updateStewardPost,
} from './stewards.service.ts';

/** The steward roll (院长长制) of the streets, under /steward-posts. */
export async function stewardPostRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['stewards'],
        summary: 'Steward posts of the streets whose roll you keep (one street with streetId)',
        querystring: ZStewardPostQuery,
        response: { 200: ZStewardPostList, ...errorResponses },
      },
    },
    async (request) => listStewardPostsFor(deps, actorOf(request), request.query),
  );
  api.post(
    '',
    {
      schema: {
        tags: ['stewards'],
        summary:
          'Name a steward post: street → area → lane → courtyard, each under a post one level up in the same street; a courtyard may have its own outline',
        body: ZStewardPostInput,
        response: { 201: ZStewardPost, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createStewardPost(deps, actorOf(request), request.body, requestInfo(request))),
  );
  api.put(
    '/:id',
    {
      schema: {
        tags: ['stewards'],
        summary: 'Change a steward post (its steward, part or place in the chain; it stays in its street)',
        params: ZIdParams,
        body: ZStewardPostInput,
        response: { 200: ZStewardPost, ...errorResponses },
      },
    },
    async (request) =>
      updateStewardPost(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
  api.delete(
    '/:id',
    {
      schema: {
        tags: ['stewards'],
        summary: 'Remove a steward post (409 while posts hang under it or cases went through it)',
        params: ZIdParams,
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (request) => deleteStewardPost(deps, actorOf(request), request.params.id, requestInfo(request)),
  );
}

/** The cases asking stewards to answer appeals in their part, under /steward-cases. */
export async function stewardCaseRoutes(app: FastifyInstance, { deps }: ModuleOptions) {
  const api = typed(app);
  api.get(
    '',
    {
      schema: {
        tags: ['stewards'],
        summary:
          'Steward cases: those asking your posts (view=mine) or those of the streets whose roll you keep (view=street; with appealId also an appeal you may read)',
        querystring: ZStewardCaseQuery,
        response: { 200: ZStewardCaseList, ...errorResponses },
      },
    },
    async (request) => listStewardCasesFor(deps, actorOf(request), request.query),
  );
  api.post(
    '/:id/answer',
    {
      schema: {
        tags: ['stewards'],
        summary: 'Answer a case (the steward of the post now asked, or a keeper of the street roll)',
        params: ZIdParams,
        body: ZAnswerStewardCase,
        response: { 200: ZStewardCase, ...errorResponses },
      },
    },
    async (request) =>
      answerStewardCase(deps, actorOf(request), request.params.id, request.body, requestInfo(request)),
  );
}
