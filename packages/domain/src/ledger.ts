/**
 * The resident ledger (民情图 / 居民台账) and the people of a grid.
 * Invariants: a resident's phone and ID number leave the server masked unless the caller asked to
 * reveal them AND the actor holds 'personalData.readFull' over the household's territory (the server
 * logs every such read with a reason); sensitive tags (RULES.md, PIPL Art 28) reach only actors with
 * 'ledger.readSensitive' over the household, and never a public card or map. Tags this registry does
 * not know are dropped, never shown. A staff period covers every day from startsOn to endsOn
 * inclusive; an open period (no endsOn) has not ended.
 */
import { can, type Actor } from './access.ts';
import { maskIdNumber, maskPhone } from './masking.ts';

/** Care groups (重点人群): residents who need regular attention. */
export const CARE_GROUP_TAGS = [
  'elderlyAlone',
  'disabled',
  'lowIncome',
  'veteran',
  'leftBehindChild',
  'pregnant',
] as const;
export type CareGroupTag = (typeof CARE_GROUP_TAGS)[number];

/** Sensitive tags: special categories of personal information with their own permission. */
export const SENSITIVE_TAGS = [
  'mentalIllness',
  'communityCorrection',
  'drugRehabilitation',
  'petitioner',
] as const;
export type SensitiveTag = (typeof SENSITIVE_TAGS)[number];

export const RESIDENT_TAGS = [...CARE_GROUP_TAGS, ...SENSITIVE_TAGS] as const;
export type ResidentTag = CareGroupTag | SensitiveTag;

/** The labels the UI shows for each tag. */
export const RESIDENT_TAG_LABELS: Readonly<Record<ResidentTag, { zh: string; en: string }>> = {
  elderlyAlone: { zh: '独居老人', en: 'Elderly living alone' },
  disabled: { zh: '残疾人', en: 'Person with a disability' },
  lowIncome: { zh: '低保户', en: 'Minimum-income household' },
  veteran: { zh: '退役军人', en: 'Veteran' },
  leftBehindChild: { zh: '留守儿童', en: 'Left-behind child' },
  pregnant: { zh: '孕产妇', en: 'Pregnant or new mother' },
  mentalIllness: { zh: '严重精神障碍', en: 'Severe mental disorder' },
  communityCorrection: { zh: '社区矫正', en: 'Community correction' },
  drugRehabilitation: { zh: '社区戒毒康复', en: 'Community drug rehabilitation' },
  petitioner: { zh: '信访重点', en: 'Key petitioner' },
};

/** Returns true for a tag this registry knows. */
export function isResidentTag(tag: string): tag is ResidentTag {
  return (RESIDENT_TAGS as readonly string[]).includes(tag);
}

/** Returns true for a sensitive tag (needs 'ledger.readSensitive'). */
export function isSensitiveTag(tag: string): tag is SensitiveTag {
  return (SENSITIVE_TAGS as readonly string[]).includes(tag);
}

/** The fields of a resident that are masked unless revealed. */
export const REVEALABLE_FIELDS = ['phone', 'idNumber'] as const;
export type RevealableField = (typeof REVEALABLE_FIELDS)[number];

/** Where a household lies: the territory (building or grid) whose subtree scopes it. */
export interface LedgerPlace {
  territoryId: string;
  territoryPath: string;
}

/** A resident as stored, with the territory of their household. */
export interface LedgerResident extends LedgerPlace {
  id: string;
  householdId: string;
  name: string;
  gender: string | null;
  birthYear: number | null;
  idNumber: string | null;
  phone: string | null;
  relation: string | null;
  tags: readonly string[];
}

/** A resident as one actor may see them. */
export interface PresentedResident {
  id: string;
  householdId: string;
  name: string;
  gender: string | null;
  birthYear: number | null;
  relation: string | null;
  phone: string | null;
  phoneMasked: boolean;
  idNumber: string | null;
  idNumberMasked: boolean;
  tags: ResidentTag[];
}

function placeSubject(place: LedgerPlace) {
  return { kind: 'territory' as const, id: place.territoryId, path: place.territoryPath };
}

/** Returns true when the actor may see sensitive tags of households in this place. */
export function canReadSensitive(actor: Actor, place: LedgerPlace): boolean {
  return can(actor, 'ledger.readSensitive', placeSubject(place));
}

/** Keeps the known tags the actor may see in this place, in registry order. */
export function visibleTags(actor: Actor, place: LedgerPlace, tags: readonly string[]): ResidentTag[] {
  const sensitiveAllowed = canReadSensitive(actor, place);
  return RESIDENT_TAGS.filter((tag) => tags.includes(tag) && (sensitiveAllowed || !isSensitiveTag(tag)));
}

/**
 * Presents a resident to an actor: phone and ID number masked unless listed in `reveal` and the
 * actor holds 'personalData.readFull' there; sensitive tags only with 'ledger.readSensitive'.
 */
export function presentResident(
  actor: Actor,
  resident: LedgerResident,
  options: { reveal?: readonly RevealableField[] } = {},
): PresentedResident {
  const mayReadFull = can(actor, 'personalData.readFull', placeSubject(resident));
  const isRevealed = (field: RevealableField) => mayReadFull && (options.reveal ?? []).includes(field);
  const showPhone = isRevealed('phone');
  const showIdNumber = isRevealed('idNumber');
  return {
    id: resident.id,
    householdId: resident.householdId,
    name: resident.name,
    gender: resident.gender,
    birthYear: resident.birthYear,
    relation: resident.relation,
    phone: resident.phone === null ? null : showPhone ? resident.phone : maskPhone(resident.phone),
    phoneMasked: resident.phone !== null && !showPhone,
    idNumber:
      resident.idNumber === null ? null : showIdNumber ? resident.idNumber : maskIdNumber(resident.idNumber),
    idNumberMasked: resident.idNumber !== null && !showIdNumber,
    tags: visibleTags(actor, resident, resident.tags),
  };
}

/**
 * Merges a tag change from an actor into the stored tags: an actor who may not see sensitive tags
 * keeps the stored ones unchanged (they cannot remove what they cannot see). Returns null when the
 * actor asked to set a sensitive tag they may not handle.
 */
export function mergeResidentTags(
  actor: Actor,
  place: LedgerPlace,
  stored: readonly string[],
  requested: readonly ResidentTag[],
): ResidentTag[] | null {
  if (canReadSensitive(actor, place)) return RESIDENT_TAGS.filter((tag) => requested.includes(tag));
  if (requested.some(isSensitiveTag)) return null;
  return RESIDENT_TAGS.filter(
    (tag) => requested.includes(tag) || (isSensitiveTag(tag) && stored.includes(tag)),
  );
}

/** Grid staff positions (网格长 / 专职网格员 / 兼职网格员 / 网格指导员). */
export const GRID_STAFF_POSITIONS = [
  'gridLeader',
  'gridWorker',
  'partTimeGridWorker',
  'gridAdviser',
] as const;
export type GridStaffPosition = (typeof GRID_STAFF_POSITIONS)[number];

/** A staff period with ISO calendar dates (YYYY-MM-DD), endsOn inclusive. */
export interface StaffPeriod {
  startsOn: string;
  endsOn: string | null;
}

/** Returns true when the period covers the given day (local calendar date, YYYY-MM-DD). */
export function isStaffPeriodCurrent(period: StaffPeriod, today: string): boolean {
  return period.startsOn <= today && (period.endsOn === null || period.endsOn >= today);
}

/** Returns true when a period's end does not fall before its start. */
export function isStaffPeriodValid(period: StaffPeriod): boolean {
  return period.endsOn === null || period.endsOn >= period.startsOn;
}

/** Risk colours (红黄绿三色管理). */
export const RISK_COLORS = ['red', 'yellow', 'green'] as const;
export type RiskColor = (typeof RISK_COLORS)[number];

/** The territory levels that carry a risk colour. */
export const RISK_LEVELS = ['community', 'grid'] as const;

/** Returns true when territories of this level carry a risk colour. */
export function hasRiskColor(level: string): boolean {
  return (RISK_LEVELS as readonly string[]).includes(level);
}
