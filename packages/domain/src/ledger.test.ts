import { describe, expect, it } from 'vitest';
import type { Actor } from './access.ts';
import {
  CARE_GROUP_TAGS,
  RESIDENT_TAG_LABELS,
  RESIDENT_TAGS,
  SENSITIVE_TAGS,
  hasRiskColor,
  isStaffPeriodCurrent,
  isStaffPeriodValid,
  mergeResidentTags,
  presentResident,
  visibleTags,
  type LedgerResident,
  type ResidentTag,
} from './ledger.ts';

// City C; community K1 with grids G1 and G2; community K2.
const C = '/c/';
const K1 = '/c/k1/';
const G1 = '/c/k1/g1/';
const K2 = '/c/k2/';

const gridWorker: Actor = {
  userId: 'w',
  assignments: [{ role: 'gridWorker', scope: { kind: 'territory', territoryId: 'g1', path: G1 } }],
};
const cityAdmin: Actor = {
  userId: 'a',
  assignments: [{ role: 'admin', scope: { kind: 'territory', territoryId: 'c', path: C } }],
};
const otherCommunityAdmin: Actor = {
  userId: 'o',
  assignments: [{ role: 'admin', scope: { kind: 'territory', territoryId: 'k2', path: K2 } }],
};
const dispatcher: Actor = {
  userId: 'd',
  assignments: [{ role: 'dispatcher', scope: { kind: 'territory', territoryId: 'c', path: C } }],
};

const resident: LedgerResident = {
  id: 'r1',
  householdId: 'h1',
  territoryId: 'g1',
  territoryPath: G1,
  name: '张三',
  gender: 'male',
  birthYear: 1950,
  idNumber: '990101195003120018',
  phone: '13812345678',
  relation: 'head',
  tags: ['petitioner', 'elderlyAlone', 'unknownTag', 'mentalIllness'],
};

describe('tags', () => {
  it('labels every tag in both languages and keeps the two groups apart', () => {
    expect(RESIDENT_TAGS).toHaveLength(CARE_GROUP_TAGS.length + SENSITIVE_TAGS.length);
    for (const tag of RESIDENT_TAGS) {
      expect(RESIDENT_TAG_LABELS[tag].zh.length).toBeGreaterThan(0);
      expect(RESIDENT_TAG_LABELS[tag].en.length).toBeGreaterThan(0);
    }
    expect(RESIDENT_TAG_LABELS.elderlyAlone.zh).toBe('独居老人');
    expect(RESIDENT_TAG_LABELS.communityCorrection.zh).toBe('社区矫正');
    expect(CARE_GROUP_TAGS.some((tag) => (SENSITIVE_TAGS as readonly string[]).includes(tag))).toBe(false);
  });

  it.each([
    ['grid worker: care tags only, unknown dropped', gridWorker, G1, ['elderlyAlone']],
    ['city admin: sensitive tags too', cityAdmin, G1, ['elderlyAlone', 'mentalIllness', 'petitioner']],
    ['admin of another community: no sensitive tags here', otherCommunityAdmin, G1, ['elderlyAlone']],
    ['dispatcher: no sensitive permission', dispatcher, K1, ['elderlyAlone']],
  ] as const)('%s', (_name, actor, path, expected) => {
    expect(visibleTags(actor, { territoryId: 'x', territoryPath: path }, resident.tags)).toEqual(expected);
  });
});

describe('presentResident', () => {
  it('masks phone and ID number by default, even for an admin', () => {
    const shown = presentResident(cityAdmin, resident);
    expect(shown).toMatchObject({
      phone: '138****5678',
      phoneMasked: true,
      idNumber: '990101********0018',
      idNumberMasked: true,
      name: '张三',
    });
  });

  it.each([
    ['grid worker reveals the phone', gridWorker, ['phone'], '13812345678', '990101********0018'],
    ['grid worker reveals both', gridWorker, ['phone', 'idNumber'], '13812345678', '990101195003120018'],
    [
      'admin of another community cannot reveal',
      otherCommunityAdmin,
      ['phone'],
      '138****5678',
      '990101********0018',
    ],
    [
      'dispatcher lacks personalData.readFull',
      dispatcher,
      ['phone', 'idNumber'],
      '138****5678',
      '990101********0018',
    ],
  ] as const)('%s', (_name, actor, reveal, phone, idNumber) => {
    const shown = presentResident(actor, resident, { reveal });
    expect(shown.phone).toBe(phone);
    expect(shown.idNumber).toBe(idNumber);
    expect(shown.phoneMasked).toBe(phone.includes('*'));
    expect(shown.idNumberMasked).toBe(idNumber.includes('*'));
  });

  it('keeps missing values null and unmasked', () => {
    const shown = presentResident(gridWorker, { ...resident, phone: null, idNumber: null, tags: [] });
    expect(shown).toMatchObject({
      phone: null,
      phoneMasked: false,
      idNumber: null,
      idNumberMasked: false,
      tags: [],
    });
  });

  it('drops sensitive tags for the grid worker and keeps them for the admin', () => {
    expect(presentResident(gridWorker, resident).tags).toEqual(['elderlyAlone']);
    expect(presentResident(cityAdmin, resident).tags).toEqual([
      'elderlyAlone',
      'mentalIllness',
      'petitioner',
    ]);
  });
});

describe('mergeResidentTags', () => {
  const place = { territoryId: 'g1', territoryPath: G1 };
  it.each<[string, Actor, string[], ResidentTag[], ResidentTag[] | null]>([
    ['admin replaces everything', cityAdmin, ['petitioner', 'veteran'], ['disabled'], ['disabled']],
    [
      'grid worker keeps the hidden sensitive tags',
      gridWorker,
      ['petitioner', 'veteran'],
      ['disabled'],
      ['disabled', 'petitioner'],
    ],
    ['grid worker may not set a sensitive tag', gridWorker, [], ['mentalIllness'], null],
    ['grid worker clears care tags', gridWorker, ['veteran'], [], []],
  ])('%s', (_name, actor, stored, requested, expected) => {
    expect(mergeResidentTags(actor, place, stored, requested)).toEqual(expected);
  });
});

describe('staff periods', () => {
  it.each([
    ['open period started before', { startsOn: '2025-01-01', endsOn: null }, '2026-03-02', true],
    ['starts today', { startsOn: '2026-03-02', endsOn: null }, '2026-03-02', true],
    ['starts tomorrow', { startsOn: '2026-03-03', endsOn: null }, '2026-03-02', false],
    ['ends today (inclusive)', { startsOn: '2025-01-01', endsOn: '2026-03-02' }, '2026-03-02', true],
    ['ended yesterday', { startsOn: '2025-01-01', endsOn: '2026-03-01' }, '2026-03-02', false],
    ['one-day period', { startsOn: '2026-03-02', endsOn: '2026-03-02' }, '2026-03-02', true],
  ])('%s', (_name, period, today, expected) => {
    expect(isStaffPeriodCurrent(period, today)).toBe(expected);
  });

  it.each([
    [{ startsOn: '2026-03-02', endsOn: null }, true],
    [{ startsOn: '2026-03-02', endsOn: '2026-03-02' }, true],
    [{ startsOn: '2026-03-02', endsOn: '2026-03-01' }, false],
  ])('validates %o', (period, expected) => {
    expect(isStaffPeriodValid(period)).toBe(expected);
  });
});

describe('risk colours', () => {
  it.each([
    ['community', true],
    ['grid', true],
    ['street', false],
    ['building', false],
  ])('%s carries a colour: %s', (level, expected) => {
    expect(hasRiskColor(level)).toBe(expected);
  });
});
