import { z } from 'zod';
import { ZPageQuery } from './common.ts';

export const ZAuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZAuditListQuery = ZPageQuery.extend({
  action: z.string().trim().max(64).optional(),
  entityType: z.string().trim().max(64).optional(),
  actorId: z.uuid().optional(),
});
export const ZAuditList = z.object({ items: z.array(ZAuditEntry), total: z.number().int() });
export type TAuditList = z.infer<typeof ZAuditList>;
