import type {
  TAuditList,
  TCreateUser,
  TCrs,
  TGridDetail,
  TLedgerSummary,
  TLocale,
  TMe,
  TPublicGridCard,
  TPutRiskColor,
  TRiskChange,
  TRiskHistory,
  TTerritoryFeature,
  TTerritoryFeatureCollection,
  TTerritoryImportReport,
  TTerritoryList,
  TUnitList,
  TUnitType,
  TUser,
  TUserList,
} from '@huizhi/contracts';
import type { TerritoryLevel } from '@huizhi/domain';

const API_BASE = '/api/v1';

/** An error answered by the server (`{ error: { code, message, details? } }`) or met on the way. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  constructor(code: string, message: string, status: number, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Returns true when the value is an ApiError with the given code. */
export function isApiError(value: unknown, code?: string): value is ApiError {
  return value instanceof ApiError && (code === undefined || value.code === code);
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Remembers the CSRF token of the session; every non-GET request sends it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Sets what happens when any call answers 401 (the app goes to the login page). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type QueryValue = string | number | boolean | null | undefined;

interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A body sent as it is (a file), with its content type, instead of JSON. */
  rawBody?: { content: string; contentType: string };
  /** A multipart body (file uploads); the browser sets its content type with the boundary. */
  formData?: FormData;
  /** Extra request headers (an Idempotency-Key, for instance). */
  headers?: Record<string, string>;
  /** When false, a 401 is only thrown, not handled by going to the login page. */
  redirectOnUnauthorized?: boolean;
  /** When false, no CSRF header is sent (the login request has no session yet). */
  sendCsrf?: boolean;
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

async function readError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy error page, for instance); fall through to a generic error.
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

/** Sends one JSON request to the API and returns the parsed answer, or throws an ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.rawBody !== undefined) headers['content-type'] = options.rawBody.contentType;
  if (method !== 'GET' && options.sendCsrf !== false && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body:
        options.formData ??
        options.rawBody?.content ??
        (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError('NETWORK', cause instanceof Error ? cause.message : 'network error', 0);
  }
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && options.redirectOnUnauthorized !== false) {
      csrfToken = null;
      onUnauthorized?.();
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** One candidate of the address search (`/routing/geocode`). */
export interface GeocodeCandidate {
  entry: { id: string; kind: string; name: string };
  territory: { id: string; name: string; level: TerritoryLevel; code: string };
  path: { id: string; name: string; level: TerritoryLevel }[];
  score: number;
  matched?: unknown;
}

export type TerritoryFileFormat = 'geojson' | 'csv';

/** The address of a territory export; a plain link downloads it with the session cookie. */
export function territoryExportUrl(format: TerritoryFileFormat): string {
  return buildUrl('/territories/export', { format });
}

export interface PageParams {
  limit?: number;
  offset?: number;
}

/** The calls the web app makes, one function per endpoint. */
export const api = {
  async login(username: string, password: string): Promise<TMe> {
    const me = await request<TMe>('POST', '/auth/login', {
      body: { username, password },
      redirectOnUnauthorized: false,
      sendCsrf: false,
    });
    setCsrfToken(me.csrfToken);
    return me;
  },
  /** Returns the signed-in person, or null when there is no session. */
  async me(): Promise<TMe | null> {
    try {
      const me = await request<TMe>('GET', '/auth/me', { redirectOnUnauthorized: false });
      setCsrfToken(me.csrfToken);
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        return null;
      }
      throw error;
    }
  },
  async logout(): Promise<void> {
    try {
      await request<unknown>('POST', '/auth/logout', { redirectOnUnauthorized: false });
    } finally {
      setCsrfToken(null);
    }
  },
  saveLocale(locale: TLocale): Promise<unknown> {
    return request<unknown>('PUT', '/auth/me/locale', { body: { locale } });
  },
  territories(
    query: PageParams & { parentId?: string; level?: TerritoryLevel; q?: string },
    signal?: AbortSignal,
  ): Promise<TTerritoryList> {
    return request<TTerritoryList>('GET', '/territories', { query: { ...query }, signal });
  },
  territoryFeature(id: string, signal?: AbortSignal): Promise<TTerritoryFeature> {
    return request<TTerritoryFeature>('GET', `/territories/${encodeURIComponent(id)}/feature`, { signal });
  },
  childFeatures(id: string, signal?: AbortSignal): Promise<TTerritoryFeatureCollection> {
    return request<TTerritoryFeatureCollection>(
      'GET',
      `/territories/${encodeURIComponent(id)}/children/features`,
      { signal },
    );
  },
  ledgerSummary(parentId: string, signal?: AbortSignal): Promise<TLedgerSummary> {
    return request<TLedgerSummary>('GET', '/ledger/summary', { query: { parentId }, signal });
  },
  grid(id: string, signal?: AbortSignal): Promise<TGridDetail> {
    return request<TGridDetail>('GET', `/grids/${encodeURIComponent(id)}`, { signal });
  },
  /** The public card of a grid: needs no session, and a 401 never leads to the login page. */
  publicGrid(id: string, signal?: AbortSignal): Promise<TPublicGridCard> {
    return request<TPublicGridCard>('GET', `/public/grids/${encodeURIComponent(id)}`, {
      signal,
      redirectOnUnauthorized: false,
    });
  },
  putRiskColor(territoryId: string, body: TPutRiskColor): Promise<TRiskChange> {
    return request<TRiskChange>('PUT', `/territories/${encodeURIComponent(territoryId)}/risk`, { body });
  },
  async riskHistory(territoryId: string, signal?: AbortSignal): Promise<TRiskChange[]> {
    const answer = await request<TRiskHistory | TRiskChange[]>(
      'GET',
      `/territories/${encodeURIComponent(territoryId)}/risk-history`,
      { signal },
    );
    return Array.isArray(answer) ? answer : answer.items;
  },
  importTerritories(
    content: string,
    query: { format: TerritoryFileFormat; crs: TCrs; dryRun: boolean },
  ): Promise<TTerritoryImportReport> {
    return request<TTerritoryImportReport>('POST', '/territories/import', {
      query: { ...query },
      rawBody: { content, contentType: query.format === 'csv' ? 'text/csv' : 'application/json' },
    });
  },
  geocode(q: string, signal?: AbortSignal): Promise<GeocodeCandidate[]> {
    return request<GeocodeCandidate[] | { items: GeocodeCandidate[] }>('GET', '/routing/geocode', {
      query: { q },
      signal,
    }).then((answer) => (Array.isArray(answer) ? answer : answer.items));
  },
  units(query: PageParams & { type?: TUnitType; q?: string }, signal?: AbortSignal): Promise<TUnitList> {
    return request<TUnitList>('GET', '/units', { query: { ...query }, signal });
  },
  users(query: PageParams & { q?: string }, signal?: AbortSignal): Promise<TUserList> {
    return request<TUserList>('GET', '/users', { query: { ...query }, signal });
  },
  createUser(body: TCreateUser): Promise<TUser> {
    return request<TUser>('POST', '/users', { body });
  },
  audit(
    query: PageParams & { action?: string; entityType?: string; actorId?: string },
    signal?: AbortSignal,
  ): Promise<TAuditList> {
    return request<TAuditList>('GET', '/audit', { query: { ...query }, signal });
  },
};
