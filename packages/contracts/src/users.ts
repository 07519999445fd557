import { z } from 'zod';
import {
  NAME_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PHONE_PATTERN,
  USERNAME_MAX,
  USERNAME_MIN,
  USERNAME_PATTERN,
  ZPageQuery,
} from './common.ts';
import { ZAssignmentView, ZLocale, ZRole } from './auth.ts';

export const ZUsername = z
  .string()
  .trim()
  .min(USERNAME_MIN)
  .max(USERNAME_MAX)
  .regex(USERNAME_PATTERN, 'letters, digits, dot, dash and underscore only');

export const ZPassword = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

export const ZPhone = z.string().trim().regex(PHONE_PATTERN, 'a phone number');

export const ZAssignmentInput = z
  .object({
    role: ZRole,
    territoryId: z.uuid().optional(),
    unitId: z.uuid().optional(),
  })
  .refine((a) => !(a.territoryId && a.unitId), 'a role applies to a territory or a unit, not both')
  .refine(
    (a) => a.role === 'resident' || a.territoryId || a.unitId,
    'a staff role needs a territory or a unit',
  );

export const ZUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  phoneMasked: z.boolean(),
  locale: ZLocale,
  disabled: z.boolean(),
  createdAt: z.string(),
  assignments: z.array(ZAssignmentView),
});
export type TUser = z.infer<typeof ZUser>;

export const ZCreateUser = z.object({
  username: ZUsername,
  displayName: z.string().trim().min(1).max(NAME_MAX),
  password: ZPassword,
  phone: ZPhone.optional(),
  locale: ZLocale.default('zh-CN'),
  assignments: z.array(ZAssignmentInput).min(1).max(20),
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUserListQuery = ZPageQuery.extend({ q: z.string().trim().max(50).optional() });
export const ZUserList = z.object({ items: z.array(ZUser), total: z.number().int() });
export type TUserList = z.infer<typeof ZUserList>;
