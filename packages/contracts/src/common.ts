import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '@huizhi/domain';

/** Shared limits. */
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 500;
export const NAME_MAX = 100;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 64;
/** Letters, digits, dot, dash and underscore; the length is checked separately. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]+$/;
/** A phone number as people write it: digits, spaces and dashes, an optional leading +. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 -]{5,19}$/;
export const PHONE_MAX = 20;

export const ZId = z.uuid();

export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const ZIdParams = z.object({ id: ZId });

const errorCodes = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
export const ZErrorResponse = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type TErrorResponse = z.infer<typeof ZErrorResponse>;

export const ZOk = z.object({ ok: z.literal(true) });

export const ZHealth = z.object({ status: z.enum(['ok']) });
export const ZReady = z.object({
  status: z.enum(['ready']),
  database: z.enum(['pglite', 'postgres']),
  migrations: z.number().int(),
});
