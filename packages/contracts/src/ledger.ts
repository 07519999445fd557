import { z } from 'zod';
import { RESIDENT_TAGS, REVEALABLE_FIELDS } from '@huizhi/domain';
import { NAME_MAX, ZPageQuery } from './common.ts';
import { ZPhone } from './users.ts';

/** Shared limits of the resident ledger. */
export const ADDRESS_MAX = 200;
export const REASON_MIN = 2;
export const REASON_MAX = 500;

export const ZResidentTag = z.enum(RESIDENT_TAGS);
export const ZRevealableField = z.enum(REVEALABLE_FIELDS);
export const ZGender = z.enum(['male', 'female']);

/** A mainland resident identity number: 17 digits and a check character. */
export const ZIdNumber = z
  .string()
  .trim()
  .regex(/^[0-9]{17}[0-9Xx]$/, 'an 18-character resident identity number')
  .transform((v) => v.toUpperCase());

/** A reason written by a person (for the audit log): 2 to 500 characters. */
export const ZReason = z.string().trim().min(REASON_MIN).max(REASON_MAX);

const ZTags = z
  .array(ZResidentTag)
  .max(RESIDENT_TAGS.length)
  .refine((tags) => new Set(tags).size === tags.length, 'each tag once');

export const ZHousehold = z.object({
  id: z.string(),
  territoryId: z.string(),
  territoryName: z.string(),
  address: z.string(),
  residentCount: z.number().int(),
  /** The tags of its residents that you may see. */
  tags: z.array(ZResidentTag),
  updatedAt: z.string(),
});
export type THousehold = z.infer<typeof ZHousehold>;

export const ZHouseholdListQuery = ZPageQuery.extend({
  territoryId: z.uuid().optional(),
  q: z.string().trim().max(50).optional(),
  tag: ZResidentTag.optional(),
});
export type THouseholdListQuery = z.infer<typeof ZHouseholdListQuery>;
export const ZHouseholdList = z.object({ items: z.array(ZHousehold), total: z.number().int() });
export type THouseholdList = z.infer<typeof ZHouseholdList>;

export const ZCreateHousehold = z.object({
  territoryId: z.uuid(),
  address: z.string().trim().min(1).max(ADDRESS_MAX),
});
export type TCreateHousehold = z.infer<typeof ZCreateHousehold>;

/** A resident as you may see them: phone and ID number masked unless revealed. */
export const ZResident = z.object({
  id: z.string(),
  householdId: z.string(),
  name: z.string(),
  gender: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  relation: z.string().nullable(),
  phone: z.string().nullable(),
  phoneMasked: z.boolean(),
  idNumber: z.string().nullable(),
  idNumberMasked: z.boolean(),
  tags: z.array(ZResidentTag),
});
export type TResident = z.infer<typeof ZResident>;

export const ZHouseholdDetail = ZHousehold.extend({ residents: z.array(ZResident) });
export type THouseholdDetail = z.infer<typeof ZHouseholdDetail>;

const residentFields = {
  name: z.string().trim().min(1).max(NAME_MAX),
  gender: ZGender.nullable(),
  birthYear: z.number().int().min(1880).max(2200).nullable(),
  idNumber: ZIdNumber.nullable(),
  phone: ZPhone.nullable(),
  relation: z.string().trim().min(1).max(30).nullable(),
  tags: ZTags,
};

export const ZCreateResident = z.object({
  name: residentFields.name,
  gender: residentFields.gender.optional(),
  birthYear: residentFields.birthYear.optional(),
  idNumber: residentFields.idNumber.optional(),
  phone: residentFields.phone.optional(),
  relation: residentFields.relation.optional(),
  tags: residentFields.tags.default([]),
});
export type TCreateResident = z.infer<typeof ZCreateResident>;

export const ZUpdateResident = z
  .object(residentFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'change at least one field');
export type TUpdateResident = z.infer<typeof ZUpdateResident>;

export const ZRevealResident = z.object({
  fields: z
    .array(ZRevealableField)
    .min(1)
    .max(REVEALABLE_FIELDS.length)
    .refine((f) => new Set(f).size === f.length, 'each field once'),
  reason: ZReason,
});
export type TRevealResident = z.infer<typeof ZRevealResident>;

/** The full values asked for; fields not asked for are absent. */
export const ZRevealedResident = z.object({
  residentId: z.string(),
  phone: z.string().nullable().optional(),
  idNumber: z.string().nullable().optional(),
});
export type TRevealedResident = z.infer<typeof ZRevealedResident>;

export const ZLedgerSummaryQuery = z.object({ parentId: z.uuid() });

/** Counts of one territory's ledger; sensitive tags only for actors allowed to see them. */
export const ZLedgerSummaryItem = z.object({
  territoryId: z.string(),
  households: z.number().int(),
  residents: z.number().int(),
  careGroups: z.partialRecord(ZResidentTag, z.number().int()),
});
export type TLedgerSummaryItem = z.infer<typeof ZLedgerSummaryItem>;
export const ZLedgerSummary = z.object({ items: z.array(ZLedgerSummaryItem) });
export type TLedgerSummary = z.infer<typeof ZLedgerSummary>;
