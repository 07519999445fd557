import type {
  TAppealDetail,
  TAppealList,
  TAppealListQuery,
  TAppealQueueCounts,
  TAttachment,
  TCategoryList,
  TCreateAppeal,
  TDispatchSuggestion,
  TLocateResult,
  TNotification,
  TSimilarAppeals,
} from '@huizhi/contracts';
import type { AppealAction } from '@huizhi/domain';
import { request } from './api';

/** The notification list as the bell reads it. */
export interface NotificationList {
  items: TNotification[];
  unreadCount: number;
}

/** The query of the appeal list; every field optional (the server fills the defaults). */
export type AppealListParams = Partial<Omit<TAppealListQuery, 'limit'>> & { limit?: number };

/** The query of likely duplicates, of a draft at intake. */
export interface SimilarQuery {
  categoryCode?: string;
  content?: string;
  lng?: number;
  lat?: number;
  territoryId?: string;
  excludeId?: string;
}

/**
 * The route segment of each action a person can take (POST /appeals/:id/<segment>); the system's own
 * action (replyViaParent) has none.
 */
export const APPEAL_ACTION_ROUTES: Readonly<Partial<Record<AppealAction, string>>> = {
  answerAtIntake: 'answer-at-intake',
  closeWithoutDispatch: 'close-without-dispatch',
  dispatch: 'dispatch',
  merge: 'merge',
  accept: 'accept',
  contact: 'contact',
  reply: 'reply',
  return: 'return',
  rejectReturn: 'reject-return',
  requestExtension: 'request-extension',
  approveExtension: 'approve-extension',
  refuseExtension: 'refuse-extension',
  flagHardCase: 'flag-hard-case',
  formTaskForce: 'form-task-force',
  addNote: 'notes',
  urge: 'urge',
  supervise: 'supervise',
  review: 'review',
  closeWithoutReview: 'close-without-review',
};

/**
 * A fresh Idempotency-Key. crypto.randomUUID exists only in secure contexts (https, localhost); a
 * plain-http intranet deployment gets a random v4 UUID built from getRandomValues instead.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const appealPath = (id: string) => `/appeals/${encodeURIComponent(id)}`;

/** The calls of the appeal pages (接诉即办), one function per endpoint. */
export const appealsApi = {
  list(query: AppealListParams, signal?: AbortSignal): Promise<TAppealList> {
    return request<TAppealList>('GET', '/appeals', { query: { ...query }, signal });
  },
  queues(signal?: AbortSignal): Promise<TAppealQueueCounts> {
    return request<TAppealQueueCounts>('GET', '/appeals/queues', { signal });
  },
  get(id: string, signal?: AbortSignal): Promise<TAppealDetail> {
    return request<TAppealDetail>('GET', appealPath(id), { signal });
  },
  /** Records an appeal; the same key sent twice creates one appeal (a double submit). */
  create(body: TCreateAppeal, idempotencyKey: string): Promise<TAppealDetail> {
    return request<TAppealDetail>('POST', '/appeals', {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
  },
  /** Performs an action; the body carries the `version` the page loaded. */
  act(id: string, action: AppealAction, body: Record<string, unknown>): Promise<TAppealDetail> {
    const segment = APPEAL_ACTION_ROUTES[action];
    if (!segment) throw new Error(`no route for the appeal action ${action}`);
    return request<TAppealDetail>('POST', `${appealPath(id)}/${segment}`, { body });
  },
  revealAppellant(id: string, reason: string): Promise<{ name: string | null; phone: string | null }> {
    return request('POST', `${appealPath(id)}/reveal-appellant`, { body: { reason } });
  },
  similarToDraft(query: SimilarQuery, signal?: AbortSignal): Promise<TSimilarAppeals> {
    return request<TSimilarAppeals>('GET', '/appeals/similar', { query: { ...query }, signal });
  },
  similarTo(id: string, signal?: AbortSignal): Promise<TSimilarAppeals> {
    return request<TSimilarAppeals>('GET', `${appealPath(id)}/similar`, { signal });
  },
  dispatchSuggestion(id: string, signal?: AbortSignal): Promise<TDispatchSuggestion> {
    return request<TDispatchSuggestion>('GET', `${appealPath(id)}/dispatch-suggestion`, { signal });
  },
  /** Uploads one file (multipart field `file`) for an appeal's intake or a reply's evidence. */
  uploadAttachment(file: File, signal?: AbortSignal): Promise<TAttachment> {
    const formData = new FormData();
    formData.append('file', file, file.name);
    return request<TAttachment>('POST', '/attachments', { formData, signal });
  },
  categories(signal?: AbortSignal): Promise<TCategoryList> {
    return request<TCategoryList>('GET', '/categories', { query: { activeOnly: 'true' }, signal });
  },
  locate(lng: number, lat: number, signal?: AbortSignal): Promise<TLocateResult> {
    return request<TLocateResult>('GET', '/routing/locate', { query: { lng, lat }, signal });
  },
  notifications(signal?: AbortSignal): Promise<NotificationList> {
    return request<NotificationList>('GET', '/notifications', { query: { limit: 20 }, signal });
  },
  readNotification(id: string): Promise<TNotification> {
    return request<TNotification>('POST', `/notifications/${encodeURIComponent(id)}/read`);
  },
  readAllNotifications(): Promise<unknown> {
    return request<unknown>('POST', '/notifications/read-all');
  },
};
