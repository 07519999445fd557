import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import type {
  TBlowWhistle,
  TCheckInLimits,
  TUnitList,
  TWhistleDetail,
  TWhistleList,
  TWhistleListQuery,
  TWhistleStats,
} from '@huizhi/contracts';
import type { WhistleAction } from '@huizhi/domain';
import { request } from './api';
import { NOTIFICATIONS_QUERY_KEY } from './components/notification-bell';

/** One row of a whistle list (the board's or the inbox's). */
export type WhistleListItem = TWhistleList['items'][number];

/** The query of a whistle list; every field optional (the server fills the defaults). */
export interface WhistleListParams {
  view?: TWhistleListQuery['view'];
  open?: boolean;
  appealId?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The route segment of each action a person can take (POST /whistles/:id/<segment>); the sweeper's own
 * action (markMissed) has none.
 */
export const WHISTLE_ACTION_ROUTES: Readonly<Partial<Record<WhistleAction, string>>> = {
  checkIn: 'check-in',
  reportPart: 'parts',
  reportResult: 'result',
  confirm: 'confirm',
  sendBack: 'send-back',
  summonMore: 'summons',
  withdrawSummons: 'withdraw',
  changeLead: 'lead',
  escalate: 'escalate',
  addNote: 'notes',
  cancel: 'cancel',
};

const whistlePath = (id: string) => `/whistles/${encodeURIComponent(id)}`;

/** The calls of the whistle pages (吹哨报到), one function per endpoint. */
export const whistlesApi = {
  list(query: WhistleListParams, signal?: AbortSignal): Promise<TWhistleList> {
    return request<TWhistleList>('GET', '/whistles', { query: { ...query }, signal });
  },
  get(id: string, signal?: AbortSignal): Promise<TWhistleDetail> {
    return request<TWhistleDetail>('GET', whistlePath(id), { signal });
  },
  /** Blows a whistle; the same key sent twice creates one whistle (a double submit). */
  blow(body: TBlowWhistle, idempotencyKey: string): Promise<TWhistleDetail> {
    return request<TWhistleDetail>('POST', '/whistles', {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
  },
  /** Performs an action; the body carries the `version` the page loaded (or none, from the inbox). */
  act(id: string, action: WhistleAction, body: Record<string, unknown>): Promise<TWhistleDetail> {
    const segment = WHISTLE_ACTION_ROUTES[action];
    if (!segment) throw new Error(`no route for the whistle action ${action}`);
    return request<TWhistleDetail>('POST', `${whistlePath(id)}/${segment}`, { body });
  },
  /** The units the reader may summon (a street office's lead reads only its own unit through /units). */
  summonableUnits(query: { limit: number }, signal?: AbortSignal): Promise<TUnitList> {
    return request<TUnitList>('GET', '/whistles/summonable-units', { query: { ...query }, signal });
  },
  checkInLimits(signal?: AbortSignal): Promise<TCheckInLimits> {
    return request<TCheckInLimits>('GET', '/whistles/check-in-limits', { signal });
  },
  putCheckInLimits(body: TCheckInLimits): Promise<TCheckInLimits> {
    return request<TCheckInLimits>('PUT', '/whistles/check-in-limits', { body });
  },
  stats(query: { from: string; to: string }, signal?: AbortSignal): Promise<TWhistleStats> {
    return request<TWhistleStats>('GET', '/whistles/stats', { query: { ...query }, signal });
  },
};

/** Query keys: everything of whistles starts with 'whistles', so one invalidation refreshes it all. */
export const whistleKeys = {
  all: ['whistles'] as const,
  list: (params: WhistleListParams) => ['whistles', 'list', params] as const,
  pages: (params: Omit<WhistleListParams, 'cursor'>) => ['whistles', 'pages', params] as const,
  detail: (id: string) => ['whistles', 'detail', id] as const,
  limits: ['whistles', 'check-in-limits'] as const,
};

/** A list of whistles (board or inbox), refreshed every minute so check-ins and lateness show. */
export function useWhistleList(params: WhistleListParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: whistleKeys.list(params),
    queryFn: ({ signal }) => whistlesApi.list(params, signal),
    refetchInterval: 60_000,
    enabled: options.enabled ?? true,
  });
}

/**
 * A list of whistles loaded page by page ("load more", keyset cursor), refreshed every minute so
 * check-ins and lateness show without reloading.
 */
export function useWhistlePages(
  params: Omit<WhistleListParams, 'cursor'>,
  options: { enabled?: boolean } = {},
) {
  return useInfiniteQuery({
    enabled: options.enabled ?? true,
    queryKey: whistleKeys.pages(params),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => whistlesApi.list({ ...params, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

/**
 * One whistle with its summonses, ladder, events and the reader's allowed actions. The matter page
 * always reloads it (`staleTime` 0); a board card may reuse a recent copy.
 */
export function useWhistle(id: string, options: { staleTime?: number } = {}) {
  return useQuery({
    queryKey: whistleKeys.detail(id),
    queryFn: ({ signal }) => whistlesApi.get(id, signal),
    staleTime: options.staleTime ?? 0,
  });
}

/** The check-in limits per urgency (defaults of the blow form, the settings modal). */
export function useCheckInLimits(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: whistleKeys.limits,
    queryFn: ({ signal }) => whistlesApi.checkInLimits(signal),
    staleTime: 300_000,
    enabled: options.enabled ?? true,
  });
}

/** Refreshes every whistle query and the bell (an action notifies people). */
export async function refreshWhistles(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: whistleKeys.all }),
    queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_QUERY_KEY }),
  ]);
}

/**
 * Blows a whistle. The Idempotency-Key is made once per form (`key`), so a retried submit of the same
 * form cannot blow twice.
 */
export function useBlowWhistle() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: TBlowWhistle; key: string }) => whistlesApi.blow(body, key),
    onSuccess: (whistle) => {
      queryClient.setQueryData(whistleKeys.detail(whistle.id), whistle);
      void refreshWhistles(queryClient);
    },
  });
}

/** Performs one whistle action; the answer (the whistle as it now is) replaces the cached detail. */
export function useWhistleAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      action,
      body,
    }: {
      id: string;
      action: WhistleAction;
      body: Record<string, unknown>;
    }) => whistlesApi.act(id, action, body),
    onSuccess: (whistle) => {
      queryClient.setQueryData(whistleKeys.detail(whistle.id), whistle);
      void refreshWhistles(queryClient);
    },
  });
}

/** Saves the check-in limits (whistle.configure). */
export function usePutCheckInLimits() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TCheckInLimits) => whistlesApi.putCheckInLimits(body),
    onSuccess: (limits) => queryClient.setQueryData(whistleKeys.limits, limits),
  });
}
