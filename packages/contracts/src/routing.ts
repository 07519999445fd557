import { z } from 'zod';
import { ZTerritoryLevel } from './territories.ts';

/** Import files may be this large (GeoJSON of a whole city's grids). */
export const TERRITORY_IMPORT_MAX_BYTES = 64 * 1024 * 1024;

/** Coordinate reference systems accepted on input and offered on output. */
export const ZCrs = z.enum(['wgs84', 'gcj02']);
export type TCrs = z.infer<typeof ZCrs>;

const ZBooleanText = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

// ---- locate ----

export const ZLocateQuery = z.object({
  lng: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  crs: ZCrs.default('wgs84'),
});
export type TLocateQuery = z.infer<typeof ZLocateQuery>;

/** A territory as routing answers it: geography only, nothing about people. */
export const ZLocatedTerritory = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  level: ZTerritoryLevel,
});
export type TLocatedTerritory = z.infer<typeof ZLocatedTerritory>;

export const ZLocateResult = z.discriminatedUnion('inside', [
  z.object({
    inside: z.literal(true),
    grid: ZLocatedTerritory,
    /** grid → community → street → district → city. */
    path: z.array(ZLocatedTerritory),
  }),
  z.object({
    inside: z.literal(false),
    /** The nearest grid and its distance, or null when no grid exists. */
    nearest: z.object({ grid: ZLocatedTerritory, distanceMeters: z.number() }).nullable(),
  }),
]);
export type TLocateResult = z.infer<typeof ZLocateResult>;

// ---- import / export ----

export const TERRITORY_IMPORT_REFUSALS = [
  'unreadableFile',
  'missingProperty',
  'invalidLevel',
  'noCoordinates',
  'coordinatesOutOfRange',
  'unsupportedGeometry',
  'invalidGeometry',
  'unknownParent',
  'codeAtTwoLevels',
  'conflictingParent',
  'levelNotBelowParent',
  'cycle',
  'forbidden',
] as const;
export type TTerritoryImportRefusalReason = (typeof TERRITORY_IMPORT_REFUSALS)[number];

export const ZTerritoryImportQuery = z.object({
  format: z.enum(['geojson', 'csv']),
  crs: ZCrs.default('wgs84'),
  dryRun: ZBooleanText,
});
export type TTerritoryImportQuery = z.infer<typeof ZTerritoryImportQuery>;

export const ZTerritoryImportReport = z.object({
  applied: z.boolean(),
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  /** Every refused feature (GeoJSON) or row (CSV, 0-based data row): nothing is changed when any is refused. */
  refused: z.array(
    z.object({
      index: z.number().int(),
      code: z.string().nullable(),
      reason: z.enum(TERRITORY_IMPORT_REFUSALS),
      message: z.string(),
    }),
  ),
  repaired: z.array(z.object({ code: z.string(), what: z.string() })),
  overlaps: z.array(z.object({ code: z.string(), otherCode: z.string(), share: z.number() })),
});
export type TTerritoryImportReport = z.infer<typeof ZTerritoryImportReport>;

export const ZTerritoryExportQuery = z.object({
  format: z.enum(['geojson', 'csv']).default('geojson'),
  rootId: z.uuid().optional(),
  crs: ZCrs.default('wgs84'),
});
export type TTerritoryExportQuery = z.infer<typeof ZTerritoryExportQuery>;

// ---- map features ----

const ZPosition = z.tuple([z.number(), z.number()]);
export const ZAreaGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(ZPosition)) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(ZPosition))) }),
]);
export type TAreaGeometry = z.infer<typeof ZAreaGeometry>;

export const ZFeatureQuery = z.object({ crs: ZCrs.default('wgs84') });
export type TFeatureQuery = z.infer<typeof ZFeatureQuery>;

export const ZTerritoryFeatureProperties = z.object({
  id: z.string(),
  name: z.string(),
  level: ZTerritoryLevel,
  code: z.string(),
  riskColor: z.enum(['red', 'yellow', 'green']).nullable(),
  households: z.number().int().nullable(),
  population: z.number().int().nullable(),
  childCount: z.number().int(),
});
export type TTerritoryFeatureProperties = z.infer<typeof ZTerritoryFeatureProperties>;

export const ZTerritoryFeature = z.object({
  type: z.literal('Feature'),
  properties: ZTerritoryFeatureProperties,
  geometry: ZAreaGeometry.nullable(),
});
export type TTerritoryFeature = z.infer<typeof ZTerritoryFeature>;

export const ZTerritoryFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(ZTerritoryFeature),
});
export type TTerritoryFeatureCollection = z.infer<typeof ZTerritoryFeatureCollection>;
