import { z } from 'zod';
import { GAZETTEER_KINDS, TERRITORY_LEVELS } from '@huizhi/domain';
import { NAME_MAX, ZPageQuery } from './common.ts';
import { ZUnitType } from './units.ts';

/** Shared limits. */
export const GEOCODE_QUERY_MAX = 200;
export const GEOCODE_LIMIT_MAX = 20;
export const GAZETTEER_ALIASES_MAX = 20;
export const DISPATCH_NOTE_MAX = 500;
export const DISPATCH_PRIORITY_MAX = 1000;

const ZBilingual = z.object({ zh: z.string(), en: z.string() });
const ZCategoryCode = z.string().regex(/^\d{2}(\d{2}){0,2}$/, 'a category code has 2, 4 or 6 digits');

// ---- Categories ----

export const ZCategory = z.object({
  code: z.string(),
  parentCode: z.string().nullable(),
  level: z.number().int().min(1).max(3),
  nameZh: z.string(),
  nameEn: z.string(),
  active: z.boolean(),
  /** The category's own time-limit tier ('2h', '24h', '7d', '15d'); null = the parent's (or the rules'). */
  slaTier: z.string().nullable(),
});
export type TCategory = z.infer<typeof ZCategory>;

export const ZCategoryList = z.object({ items: z.array(ZCategory), total: z.number().int() });
export type TCategoryList = z.infer<typeof ZCategoryList>;

/** Shared limits of the taxonomy. */
export const CATEGORY_NAME_MAX = 50;
export const CATEGORY_LEVELS_MAX = 3;

export const ZCategoryListQuery = z.object({
  /** True: only categories usable at intake (active, and every ancestor active). */
  activeOnly: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});
export type TCategoryListQuery = z.infer<typeof ZCategoryListQuery>;

export const ZCategoryCodeParams = z.object({ code: ZCategoryCode });

const ZCategoryName = z.string().trim().min(1).max(CATEGORY_NAME_MAX);
/** A tier code that must exist among the time-limit tiers; null = inherit. */
const ZCategorySlaTier = z.string().trim().min(1).max(20).nullable();

/** A new category under a parent (or a new top-level area); the code is the next free one when omitted. */
export const ZCreateCategory = z.object({
  parentCode: ZCategoryCode.nullable(),
  code: ZCategoryCode.optional(),
  nameZh: ZCategoryName,
  nameEn: ZCategoryName,
  slaTier: ZCategorySlaTier.default(null),
});
export type TCreateCategory = z.infer<typeof ZCreateCategory>;

/**
 * Changes a category's names, whether intake offers it, and its tier. The code and the parent never
 * change: appeals keep pointing at the category they were filed under.
 */
export const ZUpdateCategory = z
  .strictObject({
    nameZh: ZCategoryName.optional(),
    nameEn: ZCategoryName.optional(),
    active: z.boolean().optional(),
    slaTier: ZCategorySlaTier.optional(),
  })
  .refine((value) => Object.values(value).some((field) => field !== undefined), {
    message: 'Nothing to change.',
  });
export type TUpdateCategory = z.infer<typeof ZUpdateCategory>;

// ---- Gazetteer and geocoding ----

export const ZGazetteerKind = z.enum(GAZETTEER_KINDS);
const ZPoint = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const ZGazetteerEntry = z.object({
  id: z.string(),
  territoryId: z.string(),
  territoryName: z.string(),
  kind: ZGazetteerKind,
  name: z.string(),
  aliases: z.array(z.string()),
  point: ZPoint.nullable(),
});
export type TGazetteerEntry = z.infer<typeof ZGazetteerEntry>;

export const ZGazetteerListQuery = ZPageQuery.extend({
  territoryId: z.uuid().optional(),
  kind: ZGazetteerKind.optional(),
  q: z.string().trim().max(50).optional(),
});
export type TGazetteerListQuery = z.infer<typeof ZGazetteerListQuery>;

export const ZGazetteerList = z.object({ items: z.array(ZGazetteerEntry), total: z.number().int() });
export type TGazetteerList = z.infer<typeof ZGazetteerList>;

const ZPlaceName = z.string().trim().min(2).max(NAME_MAX);
export const ZCreateGazetteerEntry = z.object({
  territoryId: z.uuid(),
  kind: ZGazetteerKind,
  name: ZPlaceName,
  aliases: z.array(ZPlaceName).max(GAZETTEER_ALIASES_MAX).default([]),
  point: ZPoint.optional(),
});
export type TCreateGazetteerEntry = z.infer<typeof ZCreateGazetteerEntry>;

export const ZGeocodeQuery = z.object({
  q: z.string().max(GEOCODE_QUERY_MAX),
  limit: z.coerce.number().int().min(1).max(GEOCODE_LIMIT_MAX).default(5),
});
export type TGeocodeQuery = z.infer<typeof ZGeocodeQuery>;

const ZPathNode = z.object({ id: z.string(), name: z.string(), level: z.enum(TERRITORY_LEVELS) });

export const ZGeocodeCandidate = z.object({
  entry: z.object({ id: z.string(), kind: ZGazetteerKind, name: z.string() }),
  territory: z.object({
    id: z.string(),
    name: z.string(),
    level: z.enum(TERRITORY_LEVELS),
    code: z.string(),
  }),
  /** The entry's territory up to the city: grid → community → street → district → city. */
  path: z.array(ZPathNode),
  score: z.number().min(0).max(1),
  /** The words of the query that matched: names or aliases, then the places that agreed. */
  matched: z.array(z.string()),
});
export type TGeocodeCandidate = z.infer<typeof ZGeocodeCandidate>;

/** Best first; empty when the text names no known place. */
export const ZGeocodeResult = z.array(ZGeocodeCandidate);
export type TGeocodeResult = z.infer<typeof ZGeocodeResult>;

// ---- Dispatch catalogue (派单目录) ----

const ZUnitRef = z.object({ id: z.string(), name: z.string(), type: ZUnitType });

export const ZDispatchRule = z.object({
  id: z.string(),
  categoryCode: z.string().nullable(),
  categoryName: ZBilingual.nullable(),
  territoryId: z.string(),
  territoryName: z.string(),
  unit: ZUnitRef.nullable(),
  unitType: ZUnitType.nullable(),
  copyTo: ZUnitRef.nullable(),
  priority: z.number().int(),
  note: z.string().nullable(),
  active: z.boolean(),
  summary: ZBilingual,
  createdAt: z.string(),
  /** Send back with PATCH: a changed value means someone else edited the rule meanwhile (409). */
  updatedAt: z.string(),
  /** What the reader may do with this rule (for the UI's buttons). */
  actions: z.array(z.enum(['update', 'delete'])),
});
export type TDispatchRule = z.infer<typeof ZDispatchRule>;

export const ZDispatchRuleListQuery = ZPageQuery.extend({
  territoryId: z.uuid().optional(),
  categoryCode: ZCategoryCode.optional(),
  active: z.enum(['true', 'false']).optional(),
});
export type TDispatchRuleListQuery = z.infer<typeof ZDispatchRuleListQuery>;

export const ZDispatchRuleList = z.object({ items: z.array(ZDispatchRule), total: z.number().int() });
export type TDispatchRuleList = z.infer<typeof ZDispatchRuleList>;

const dispatchRuleFields = {
  categoryCode: ZCategoryCode.nullable(),
  territoryId: z.uuid(),
  unitId: z.uuid().nullable(),
  unitType: ZUnitType.nullable(),
  copyToUnitId: z.uuid().nullable(),
  priority: z.number().int().min(-DISPATCH_PRIORITY_MAX).max(DISPATCH_PRIORITY_MAX),
  note: z.string().trim().max(DISPATCH_NOTE_MAX).nullable(),
  active: z.boolean(),
};

const oneTarget = (value: { unitId?: string | null | undefined; unitType?: string | null | undefined }) =>
  (value.unitId ?? null) === null ? (value.unitType ?? null) !== null : (value.unitType ?? null) === null;
const oneTargetMessage = { message: 'give exactly one of unitId and unitType', path: ['unitId'] };

export const ZCreateDispatchRule = z
  .object({
    ...dispatchRuleFields,
    categoryCode: dispatchRuleFields.categoryCode.default(null),
    unitId: dispatchRuleFields.unitId.default(null),
    unitType: dispatchRuleFields.unitType.default(null),
    copyToUnitId: dispatchRuleFields.copyToUnitId.default(null),
    priority: dispatchRuleFields.priority.default(0),
    note: dispatchRuleFields.note.default(null),
    active: dispatchRuleFields.active.default(true),
  })
  .refine(oneTarget, oneTargetMessage);
export type TCreateDispatchRule = z.infer<typeof ZCreateDispatchRule>;

/** A partial change; `updatedAt` is the value read before editing. Setting unitId clears unitType and back. */
export const ZUpdateDispatchRule = z
  .object({
    categoryCode: dispatchRuleFields.categoryCode.optional(),
    territoryId: dispatchRuleFields.territoryId.optional(),
    unitId: dispatchRuleFields.unitId.optional(),
    unitType: dispatchRuleFields.unitType.optional(),
    copyToUnitId: dispatchRuleFields.copyToUnitId.optional(),
    priority: dispatchRuleFields.priority.optional(),
    note: dispatchRuleFields.note.optional(),
    active: dispatchRuleFields.active.optional(),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .refine((v) => !(v.unitId && v.unitType), oneTargetMessage);
export type TUpdateDispatchRule = z.infer<typeof ZUpdateDispatchRule>;

// ---- Explain ----

export const ZExplainRequest = z
  .object({
    categoryCode: ZCategoryCode,
    territoryId: z.uuid().optional(),
    lng: z.number().min(-180).max(180).optional(),
    lat: z.number().min(-90).max(90).optional(),
  })
  .refine(
    (v) =>
      v.territoryId !== undefined
        ? v.lng === undefined && v.lat === undefined
        : v.lng !== undefined && v.lat !== undefined,
    { message: 'give either territoryId or both lng and lat', path: ['territoryId'] },
  );
export type TExplainRequest = z.infer<typeof ZExplainRequest>;

export const ZExplainResult = z.object({
  unit: ZUnitRef,
  copyTo: ZUnitRef.nullable(),
  /** True when no rule applied and the district government was chosen. */
  fallback: z.boolean(),
  category: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() }),
  location: z.object({
    /** The location and its ancestors: leaf (grid, or the territory asked for) → city. */
    path: z.array(ZPathNode),
  }),
  /** The rules that apply at the location, most specific first, with what became of each. */
  rules: z.array(
    z.object({
      id: z.string(),
      summary: ZBilingual,
      priority: z.number().int(),
      outcome: z.enum(['chosen', 'lowerPriority', 'noUnitOfType', 'inactive']),
      reason: z.string(),
    }),
  ),
  explanation: ZBilingual,
});
export type TExplainResult = z.infer<typeof ZExplainResult>;
