import { z } from 'zod';
import { TERRITORY_LEVELS } from '@huizhi/domain';
import { ZPageQuery } from './common.ts';

export const ZTerritoryLevel = z.enum(TERRITORY_LEVELS);

export const ZTerritory = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  level: ZTerritoryLevel,
  name: z.string(),
  code: z.string(),
  path: z.string(),
  hasGeometry: z.boolean(),
  childCount: z.number().int(),
});
export type TTerritory = z.infer<typeof ZTerritory>;

export const ZTerritoryListQuery = ZPageQuery.extend({
  parentId: z.uuid().optional(),
  level: ZTerritoryLevel.optional(),
  q: z.string().trim().max(50).optional(),
});
export type TTerritoryListQuery = z.infer<typeof ZTerritoryListQuery>;

export const ZTerritoryList = z.object({ items: z.array(ZTerritory), total: z.number().int() });
export type TTerritoryList = z.infer<typeof ZTerritoryList>;
