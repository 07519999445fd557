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
import { request } from './api';

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
    return request<TAppealDetail>('POST', '/appeals', {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
  },
  uploadAttachment(file: Blob, fileName: string): Promise<TAttachment> {
    const form = new FormData();
    form.append('file', file, fileName);
    return request<TAttachment>('POST', '/attachments', { formData: form });
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
    return request<TCategory>('POST', '/categories', {
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
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
    return request<TAppealImportReport>('POST', '/appeal-imports', { query: { dryRun }, formData: form });
  },
  async appealImports(signal?: AbortSignal): Promise<AppealImportListItem[]> {
    const answer = await request<{ items: AppealImportListItem[] }>('GET', '/appeal-imports', { signal });
    return answer.items;
  },
  appealImport(id: string, signal?: AbortSignal): Promise<TAppealImportReport> {
    return request<TAppealImportReport>('GET', `/appeal-imports/${encodeURIComponent(id)}`, { signal });
  },
};
