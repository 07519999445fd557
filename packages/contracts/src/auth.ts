import { z } from 'zod';
import { ACTIONS, NAV_ITEMS, ROLES } from '@huizhi/domain';
import { PASSWORD_MAX, USERNAME_MAX } from './common.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export const ZLocale = z.enum(LOCALES);
export type TLocale = z.infer<typeof ZLocale>;

export const ZLoginRequest = z.object({
  username: z.string().trim().min(1).max(USERNAME_MAX),
  password: z.string().min(1).max(PASSWORD_MAX),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZRole = z.enum(ROLES);
export const ZAction = z.enum(ACTIONS);
const navKeys = NAV_ITEMS.map((item) => item.key) as [
  (typeof NAV_ITEMS)[number]['key'],
  ...(typeof NAV_ITEMS)[number]['key'][],
];
export const ZNavKey = z.enum(navKeys);

export const ZScopeView = z.object({
  kind: z.enum(['territory', 'unit', 'self']),
  id: z.string().nullable(),
  name: z.string().nullable(),
});

export const ZAssignmentView = z.object({ role: ZRole, scope: ZScopeView });
export type TAssignmentView = z.infer<typeof ZAssignmentView>;

export const ZMe = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    locale: ZLocale,
  }),
  assignments: z.array(ZAssignmentView),
  permissions: z.array(ZAction),
  nav: z.array(ZNavKey),
  csrfToken: z.string(),
});
export type TMe = z.infer<typeof ZMe>;

export const ZUpdateMyLocale = z.object({ locale: ZLocale });
