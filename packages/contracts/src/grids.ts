import { z } from 'zod';
import { GRID_STAFF_POSITIONS, RISK_COLORS, isStaffPeriodValid } from '@huizhi/domain';
import { NAME_MAX, ZId } from './common.ts';
import { ZLedgerSummaryItem, ZReason } from './ledger.ts';
import { ZTerritoryLevel } from './territories.ts';
import { ZPhone } from './users.ts';

/** Shared limits of grid cards. */
export const DUTIES_MAX = 30;
export const DUTY_MAX = 200;

export const ZGridStaffPosition = z.enum(GRID_STAFF_POSITIONS);
export const ZRiskColor = z.enum(RISK_COLORS);
/** A calendar date, YYYY-MM-DD. */
export const ZDate = z.iso.date();

export const ZGridStaffParams = z.object({ id: ZId, staffId: ZId });

export const ZGridStaff = z.object({
  id: z.string(),
  gridId: z.string(),
  userId: z.string().nullable(),
  name: z.string(),
  /** The published work phone of the post. */
  phone: z.string().nullable(),
  position: ZGridStaffPosition,
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  /** True when the period covers today (in the configured time zone). */
  current: z.boolean(),
});
export type TGridStaff = z.infer<typeof ZGridStaff>;
export const ZGridStaffList = z.object({ items: z.array(ZGridStaff) });
export type TGridStaffList = z.infer<typeof ZGridStaffList>;

export const ZCreateGridStaff = z
  .object({
    name: z.string().trim().min(1).max(NAME_MAX),
    phone: ZPhone,
    position: ZGridStaffPosition,
    userId: z.uuid().optional(),
    startsOn: ZDate,
    endsOn: ZDate.optional(),
  })
  .refine((v) => isStaffPeriodValid({ startsOn: v.startsOn, endsOn: v.endsOn ?? null }), {
    message: 'endsOn cannot be before startsOn',
    path: ['endsOn'],
  });
export type TCreateGridStaff = z.infer<typeof ZCreateGridStaff>;

/** Ends a staff period: endsOn is the last day of service (inclusive). */
export const ZEndGridStaff = z.object({ endsOn: ZDate });
export type TEndGridStaff = z.infer<typeof ZEndGridStaff>;

export const ZPutGridCard = z.object({
  supervisionPhone: ZPhone,
  duties: z.array(z.string().trim().min(1).max(DUTY_MAX)).min(1).max(DUTIES_MAX),
});
export type TPutGridCard = z.infer<typeof ZPutGridCard>;

export const ZGridCard = z.object({
  supervisionPhone: z.string().nullable(),
  duties: z.array(z.string()),
  updatedAt: z.string(),
});
export type TGridCard = z.infer<typeof ZGridCard>;

export const ZPathEntry = z.object({ id: z.string(), name: z.string(), level: ZTerritoryLevel });

export const ZGridDetail = z.object({
  grid: z.object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    /** From the root down to the grid itself. */
    path: z.array(ZPathEntry),
  }),
  card: ZGridCard.nullable(),
  currentStaff: z.array(ZGridStaff),
  households: z.number().int().nullable(),
  population: z.number().int().nullable(),
  areaSquareMeters: z.number().nullable(),
  riskColor: ZRiskColor.nullable(),
  /** The grid's ledger counts, for actors who may read the ledger there; otherwise null. */
  ledgerSummary: ZLedgerSummaryItem.nullable(),
});
export type TGridDetail = z.infer<typeof ZGridDetail>;

/** The public card of a grid: what RULES.md says each grid publishes, and nothing about residents. */
export const ZPublicGridCard = z.object({
  name: z.string(),
  communityName: z.string().nullable(),
  streetName: z.string().nullable(),
  areaSquareMeters: z.number().nullable(),
  households: z.number().int().nullable(),
  staff: z.array(z.object({ name: z.string(), position: ZGridStaffPosition, phone: z.string().nullable() })),
  supervisionPhone: z.string().nullable(),
  duties: z.array(z.string()),
});
export type TPublicGridCard = z.infer<typeof ZPublicGridCard>;

export const ZPutRiskColor = z.object({ color: ZRiskColor, reason: ZReason });
export type TPutRiskColor = z.infer<typeof ZPutRiskColor>;

export const ZRiskChange = z.object({
  id: z.string(),
  territoryId: z.string(),
  color: ZRiskColor,
  previousColor: ZRiskColor.nullable(),
  reason: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});
export type TRiskChange = z.infer<typeof ZRiskChange>;
export const ZRiskHistory = z.object({ items: z.array(ZRiskChange) });
export type TRiskHistory = z.infer<typeof ZRiskHistory>;
