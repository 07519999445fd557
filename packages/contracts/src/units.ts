import { z } from 'zod';
import { ZPageQuery } from './common.ts';

/** Kinds of handling unit (承办单位). */
export const UNIT_TYPES = ['districtGovernment', 'street', 'community', 'department', 'enterprise'] as const;
export const ZUnitType = z.enum(UNIT_TYPES);
export type TUnitType = z.infer<typeof ZUnitType>;

export const ZUnit = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  type: ZUnitType,
  territoryId: z.string(),
  territoryName: z.string(),
});
export type TUnit = z.infer<typeof ZUnit>;

export const ZUnitListQuery = ZPageQuery.extend({
  type: ZUnitType.optional(),
  q: z.string().trim().max(50).optional(),
});
export const ZUnitList = z.object({ items: z.array(ZUnit), total: z.number().int() });
export type TUnitList = z.infer<typeof ZUnitList>;
