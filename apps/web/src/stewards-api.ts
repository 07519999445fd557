import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TStewardCase, TStewardPost, TStewardPostInput } from '@huizhi/contracts';
import { request } from './api';
import { NOTIFICATIONS_QUERY_KEY } from './components/notification-bell';

export interface StewardCaseList {
  items: TStewardCase[];
}

/** The query of a case list; every field optional (the server fills the defaults). */
export interface StewardCaseParams {
  view?: 'mine' | 'street';
  appealId?: string;
  open?: boolean;
}

export const STEWARD_POSTS_KEY = ['stewardPosts'] as const;
export const STEWARD_CASES_KEY = ['stewardCases'] as const;

const postPath = (id: string) => `/steward-posts/${encodeURIComponent(id)}`;

/** The calls of the steward-chain pages (院长长制), one function per endpoint. */
export const stewardsApi = {
  posts(streetId: string | undefined, signal?: AbortSignal): Promise<{ items: TStewardPost[] }> {
    return request('GET', '/steward-posts', { query: { streetId }, signal });
  },
  createPost(body: TStewardPostInput): Promise<TStewardPost> {
    return request('POST', '/steward-posts', { body });
  },
  updatePost(id: string, body: TStewardPostInput): Promise<TStewardPost> {
    return request('PUT', postPath(id), { body });
  },
  deletePost(id: string): Promise<{ ok: true }> {
    return request('DELETE', postPath(id));
  },
  cases(query: StewardCaseParams, signal?: AbortSignal): Promise<StewardCaseList> {
    return request('GET', '/steward-cases', { query: { ...query }, signal });
  },
  answer(id: string, body: { answer: string; version?: number }): Promise<TStewardCase> {
    return request('POST', `/steward-cases/${encodeURIComponent(id)}/answer`, { body });
  },
};

/** The posts of one street (all the streets the reader keeps when none is given). */
export function useStewardPosts(streetId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: [...STEWARD_POSTS_KEY, streetId ?? 'all'],
    queryFn: ({ signal }) => stewardsApi.posts(streetId, signal),
    enabled,
  });
}

/** Names a post (no id) or changes one; the lists refresh afterwards. */
export function useSaveStewardPost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: TStewardPostInput }) =>
      id === null ? stewardsApi.createPost(body) : stewardsApi.updatePost(id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: STEWARD_POSTS_KEY }),
  });
}

/** Removes a post; the lists refresh afterwards. */
export function useDeleteStewardPost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => stewardsApi.deletePost(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: STEWARD_POSTS_KEY }),
  });
}

/** A list of cases, refreshed every minute (new cases come from the background job). */
export function useStewardCases(query: StewardCaseParams) {
  return useQuery({
    queryKey: [...STEWARD_CASES_KEY, query],
    queryFn: ({ signal }) => stewardsApi.cases(query, signal),
    refetchInterval: 60_000,
  });
}

/** Answers a case; the case lists and the bell refresh afterwards. */
export function useAnswerStewardCase() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, answer, version }: { id: string; answer: string; version: number }) =>
      stewardsApi.answer(id, { answer, version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: STEWARD_CASES_KEY });
      await queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_QUERY_KEY });
    },
  });
}
