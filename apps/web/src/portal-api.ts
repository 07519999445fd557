import type {
  TAppealDetail,
  TAppealImportReport,
  TAppealList,
  TAttachment,
  TCategory,
  TCategoryList,
  TCreateAppeal,
  TCreateCategory,
  TReviewAppeal,
  TSlaTierList,
  TUpdateCategory,
} from '@huizhi/contracts';
import type { AppellantStatus } from '@huizhi/domain';
import { ApiError, currentCsrfToken, request } from './api';

const API_BASE = '/api/v1';

/** The body of a new appeal as the client sends it (the server fills in the defaults). */
export type CreateAppealBody = Omit<TCreateAppeal, 'urgency' | 'appellant' | 'attachmentIds'> &
  Partial<Pick<TCreateAppeal, 'urgency' | 'appellant' | 'attachmentIds'>>;

/** The appellant's review page behind a review link (`ZPublicReview`). */
export interface PublicReview {
  number: string;
  excerpt: string;
  reply: string | null;
  repliedAt: string | null;
  appellantStatus: AppellantStatus;
  /** False once this round was reviewed. */
  open: boolean;
}

/** A review sent through the link (`ZSubmitPublicReview`). */
export interface SubmitPublicReview {
  resolved: boolean;
  satisfaction: TReviewAppeal['satisfaction'];
  comment?: string;
}

/** One past import, as listed (`ZAppealImportList`). */
export interface AppealImportListItem {
  id: string;
  at: string;
  fileName: string;
  applied: boolean;
  rowCount: number;
}

/** A fresh Idempotency-Key; works outside secure contexts too, where crypto.randomUUID is missing. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): a generic error below.
  }
  const error =
    typeof body === 'object' && body !== null && 'error' in body
      ? (body as { error: { code?: unknown; message?: unknown; details?: unknown } }).error
      : null;
  if (error && typeof error.code === 'string') {
    return new ApiError(
      error.code,
      typeof error.message === 'string' ? error.message : response.statusText,
      response.status,
      error.details,
    );
  }
  return new ApiError(response.status >= 500 ? 'INTERNAL' : 'UNKNOWN', response.statusText, response.status);
}

/**
 * Sends a request the shared client cannot (extra headers, a multipart body). A 401 is handed to
 * the shared client, which takes the person to the login page.
 */
async function send<T>(
  method: string,
  path: string,
  options: { body?: unknown; form?: FormData; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const csrf = currentCsrfToken();
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
  } catch (cause) {
    throw new ApiError('NETWORK', cause instanceof Error ? cause.message : 'network error', 0);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401) await request('GET', '/auth/me').catch(() => undefined);
    throw error;
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The calls of the resident portal, the review link, the appeal import and the category editor. */
export const portalApi = {
  /** The reader's appeals (a resident: their own), newest first. */
  myAppeals(signal?: AbortSignal): Promise<TAppealList> {
    return request<TAppealList>('GET', '/appeals', { query: { limit: 100 }, signal });
  },
  appeal(id: string, signal?: AbortSignal): Promise<TAppealDetail> {
    return request<TAppealDetail>('GET', `/appeals/${encodeURIComponent(id)}`, { signal });
  },
  /** Raises an appeal; the key makes a retried submission (a flaky phone connection) count once. */
  createAppeal(body: CreateAppealBody, idempotencyKey: string): Promise<TAppealDetail> {
    return send<TAppealDetail>('POST', '/appeals', { body, headers: { 'idempotency-key': idempotencyKey } });
  },
  uploadAttachment(file: Blob, fileName: string): Promise<TAttachment> {
    const form = new FormData();
    form.append('file', file, fileName);
    return send<TAttachment>('POST', '/attachments', { form });
  },
  reviewAppeal(id: string, body: TReviewAppeal): Promise<TAppealDetail> {
    return request<TAppealDetail>('POST', `/appeals/${encodeURIComponent(id)}/review`, { body });
  },
  /** The review link's page: needs no session, and a 401 never leads to the login page. */
  publicReview(token: string, signal?: AbortSignal): Promise<PublicReview> {
    return request<PublicReview>('GET', `/public/reviews/${encodeURIComponent(token)}`, {
      signal,
      redirectOnUnauthorized: false,
    });
  },
  submitPublicReview(token: string, body: SubmitPublicReview): Promise<PublicReview> {
    return request<PublicReview>('POST', `/public/reviews/${encodeURIComponent(token)}`, {
      body,
      redirectOnUnauthorized: false,
      sendCsrf: false,
    });
  },
  categories(activeOnly: boolean, signal?: AbortSignal): Promise<TCategoryList> {
    return request<TCategoryList>('GET', '/categories', { query: { activeOnly }, signal });
  },
  createCategory(body: TCreateCategory, idempotencyKey: string): Promise<TCategory> {
    return send<TCategory>('POST', '/categories', { body, headers: { 'idempotency-key': idempotencyKey } });
  },
  updateCategory(code: string, body: TUpdateCategory): Promise<TCategory> {
    return request<TCategory>('PATCH', `/categories/${encodeURIComponent(code)}`, { body });
  },
  slaTiers(signal?: AbortSignal): Promise<TSlaTierList> {
    return request<TSlaTierList>('GET', '/sla/tiers', { signal });
  },
  /** Checks (dryRun) or imports a 12345 export; a refusal is a 422 APPEAL_IMPORT_REFUSED with the report. */
  importAppeals(file: File, dryRun: boolean): Promise<TAppealImportReport> {
    const form = new FormData();
    form.append('file', file, file.name);
    return send<TAppealImportReport>('POST', `/appeal-imports?dryRun=${dryRun}`, { form });
  },
  async appealImports(signal?: AbortSignal): Promise<AppealImportListItem[]> {
    const answer = await request<{ items: AppealImportListItem[] }>('GET', '/appeal-imports', { signal });
    return answer.items;
  },
  appealImport(id: string, signal?: AbortSignal): Promise<TAppealImportReport> {
    return request<TAppealImportReport>('GET', `/appeal-imports/${encodeURIComponent(id)}`, { signal });
  },
};
