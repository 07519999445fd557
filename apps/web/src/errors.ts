import type { TFunction } from 'i18next';
import { ApiError } from './api';
import { messages } from './i18n';
import type { Messages } from './i18n/zh-CN';

type ErrorKey = keyof Messages['errors'];

function isErrorKey(code: string): code is ErrorKey {
  return Object.hasOwn(messages['zh-CN'].errors, code);
}

/**
 * The message to show for an error: the translation of its code when we know the code, otherwise
 * the server's own message, otherwise a generic one.
 */
export function describeError(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (isErrorKey(error.code)) return t(`errors.${error.code}`);
    if (error.message) return error.message;
  }
  return t('errors.UNKNOWN');
}

/** One field problem reported by the server's validation. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Reads field problems from a VALIDATION_FAILED error's details. The server sends zod issues; this
 * accepts `[{ path, message }]`, `{ issues: [...] }` and `{ fieldErrors: { name: [messages] } }`.
 */
export function fieldIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as unknown;
  const list = Array.isArray(details)
    ? details
    : typeof details === 'object' &&
        details !== null &&
        Array.isArray((details as { issues?: unknown }).issues)
      ? (details as { issues: unknown[] }).issues
      : null;
  if (list) {
    return list.flatMap((item): FieldIssue[] => {
      if (typeof item !== 'object' || item === null) return [];
      const { path, message } = item as { path?: unknown; message?: unknown };
      const parts = Array.isArray(path)
        ? path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
        : typeof path === 'string'
          ? path.split(/[./]/).filter(Boolean)
          : [];
      return [{ path: parts, message: typeof message === 'string' ? message : String(message) }];
    });
  }
  const fieldErrors =
    typeof details === 'object' && details !== null
      ? (details as { fieldErrors?: Record<string, unknown> }).fieldErrors
      : undefined;
  if (fieldErrors && typeof fieldErrors === 'object') {
    return Object.entries(fieldErrors).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((message) => ({ path: [name], message: String(message) })),
    );
  }
  return [];
}
