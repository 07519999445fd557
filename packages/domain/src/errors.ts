/**
 * The one registry of error codes. Every error a client can see has a stable code here, an HTTP
 * status and a default English message; docs/errors.md has a line for each (a test checks it).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  MALFORMED_REQUEST: { status: 400, message: 'The request body could not be read.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  LOGIN_FAILED: { status: 401, message: 'The username or password is wrong.' },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired; sign in again.' },
  CSRF_TOKEN_INVALID: { status: 403, message: 'The request lacks a valid CSRF token; reload the page.' },
  FORBIDDEN: { status: 403, message: 'You may not do this.' },
  ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no such address.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  CONFLICT: { status: 409, message: 'Someone changed this record at the same time; reload and try again.' },
  USERNAME_TAKEN: { status: 409, message: 'This username is already in use.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was used before with a different request.',
  },
  TERRITORY_IMPORT_REFUSED: {
    status: 422,
    message: 'The territory import was refused; nothing was changed.',
  },
  POINT_OUTSIDE_TERRITORY: { status: 422, message: 'The point lies outside every grid.' },
  NO_HANDLING_UNIT: {
    status: 422,
    message: 'No handling unit could be found for this location; dispatch it by hand.',
  },
  APPEAL_TRANSITION_NOT_ALLOWED: {
    status: 409,
    message: 'This action is not possible on the appeal in its present state.',
  },
  APPEAL_VERSION_CONFLICT: {
    status: 409,
    message: 'Someone else acted on this appeal at the same time; reload it and try again.',
  },
  WHISTLE_TRANSITION_NOT_ALLOWED: {
    status: 409,
    message: 'This action is not possible on the whistle or summons in its present state.',
  },
  WHISTLE_VERSION_CONFLICT: {
    status: 409,
    message: 'Someone else acted on this whistle at the same time; reload it and try again.',
  },
  STEWARD_CASE_TRANSITION_NOT_ALLOWED: {
    status: 409,
    message: 'This steward case has already been answered or moved on.',
  },
  APPEAL_IMPORT_REFUSED: {
    status: 422,
    message: 'The appeal import was refused; nothing was imported.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted.' },
  LOGIN_THROTTLED: { status: 429, message: 'Too many failed sign-ins; wait and try again.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  SHUTTING_DOWN: { status: 503, message: 'The service is restarting; try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable code, thrown by services and turned into the wire shape by the server. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
