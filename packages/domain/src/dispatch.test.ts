import { describe, expect, it } from 'vitest';
import {
  categoryAncestry,
  chooseHandlingUnit,
  explainDispatch,
  findServingUnit,
  summariseRule,
  type DispatchRule,
  type DispatchUnit,
} from './dispatch.ts';

// city C → district D1 (streets S1, S2) and D2 (street S3); S1 → community M1 → grid G1.
const PATH_G1 = ['C', 'D1', 'S1', 'M1', 'G1'];
const PATH_S2 = ['C', 'D1', 'S2'];
const PATH_D2_GRID = ['C', 'D2', 'S3', 'M3', 'G3'];
const ANCESTRY_LEAF = ['020101', '0201', '02']; // 市容环境 → 环境卫生 → 垃圾清运

const unit = (id: string, type: string, path: string[]): DispatchUnit => ({
  id,
  type,
  territoryPath: `/${path.join('/')}/`,
});
const UNITS = [
  unit('gov1', 'districtGovernment', ['C', 'D1']),
  unit('gov2', 'districtGovernment', ['C', 'D2']),
  unit('cgzf1', 'department', ['C', 'D1']),
  unit('street1', 'street', ['C', 'D1', 'S1']),
  unit('street2', 'street', ['C', 'D1', 'S2']),
  unit('comm1', 'community', ['C', 'D1', 'S1', 'M1']),
  unit('water', 'enterprise', ['C']),
];

let seq = 0;
const rule = (over: Partial<DispatchRule>): DispatchRule => ({
  id: `r${String(seq++).padStart(3, '0')}`,
  categoryCode: null,
  territoryId: 'C',
  unitId: null,
  unitType: 'districtGovernment',
  copyToUnitId: null,
  priority: 0,
  active: true,
  ...over,
});

const choose = (rules: DispatchRule[], path = PATH_G1, ancestry = ANCESTRY_LEAF) =>
  chooseHandlingUnit({
    locationPath: path,
    categoryAncestry: ancestry,
    rules,
    unitsServing: UNITS,
    ruleUnits: UNITS,
  });

describe('chooseHandlingUnit', () => {
  const byDistrict = rule({
    id: 'district',
    territoryId: 'D1',
    categoryCode: '02',
    unitId: 'cgzf1',
    unitType: null,
  });
  const byStreet = rule({ id: 'street', territoryId: 'S1', categoryCode: '02', unitType: 'street' });
  const byStreetLeaf = rule({
    id: 'streetLeaf',
    territoryId: 'S1',
    categoryCode: '020101',
    unitType: 'community',
  });
  const everywhere = rule({
    id: 'all',
    territoryId: 'C',
    categoryCode: null,
    unitId: 'water',
    unitType: null,
  });
  const highPriority = rule({
    id: 'hi',
    territoryId: 'S1',
    categoryCode: '02',
    unitType: 'community',
    priority: 10,
  });

  it.each([
    ['the deepest territory beats a shallower one', [byDistrict, byStreet], 'street', 'street1'],
    ['the order of the rules does not matter', [byStreet, byDistrict], 'street', 'street1'],
    ['at equal depth the most specific category wins', [byStreet, byStreetLeaf], 'streetLeaf', 'comm1'],
    ['at equal depth and category the highest priority wins', [byStreet, highPriority], 'hi', 'comm1'],
    ['a rule for every category still applies', [everywhere], 'all', 'water'],
    [
      'a category rule beats an all-categories rule at the same depth',
      [
        everywhere,
        rule({ id: 'c02', territoryId: 'C', categoryCode: '02', unitId: 'cgzf1', unitType: null }),
      ],
      'c02',
      'cgzf1',
    ],
  ])('%s', (_name, rules, ruleId, unitId) => {
    const choice = choose(rules);
    expect(choice.rule?.id).toBe(ruleId);
    expect(choice.unit?.id).toBe(unitId);
    expect(choice.fallback).toBe(false);
  });

  it('breaks a full tie by rule id, whatever the order', () => {
    const a = rule({ id: 'a', territoryId: 'S1', unitType: 'street' });
    const b = rule({ id: 'b', territoryId: 'S1', unitType: 'community' });
    expect(choose([b, a]).rule?.id).toBe('a');
    expect(choose([a, b]).rule?.id).toBe('a');
  });

  it('traces every rule with its outcome', () => {
    const inactive = rule({ id: 'off', territoryId: 'G1', active: false });
    const otherStreet = rule({ id: 'other', territoryId: 'S2', categoryCode: '02' });
    const otherCategory = rule({ id: 'cat', territoryId: 'S1', categoryCode: '03' });
    const sibling = rule({ id: 'sibling', territoryId: 'S1', categoryCode: '0202' });
    const choice = choose([byDistrict, byStreet, inactive, otherStreet, otherCategory, sibling]);
    const outcomes = Object.fromEntries(choice.trace.map((t) => [t.ruleId, t.outcome]));
    expect(outcomes).toEqual({
      street: 'chosen',
      district: 'lowerPriority',
      off: 'inactive',
      other: 'skippedTerritory',
      cat: 'skippedCategory',
      sibling: 'skippedCategory',
    });
    expect(choice.trace[0]).toMatchObject({ ruleId: 'street', outcome: 'chosen' });
  });

  it('passes over a rule whose unit type has no unit at the location and takes the next', () => {
    // S2 has no community unit: the community rule cannot resolve there.
    const communityRule = rule({
      id: 'comm',
      territoryId: 'D1',
      categoryCode: '06',
      unitType: 'community',
      priority: 5,
    });
    const districtRule = rule({
      id: 'gov',
      territoryId: 'D1',
      categoryCode: '06',
      unitType: 'districtGovernment',
    });
    const choice = choose([communityRule, districtRule], PATH_S2, ['06']);
    expect(choice.unit?.id).toBe('gov1');
    expect(choice.trace.map((t) => [t.ruleId, t.outcome])).toEqual([
      ['comm', 'noUnitOfType'],
      ['gov', 'chosen'],
    ]);
  });

  it('treats a fixed unit that no longer exists like a missing unit type', () => {
    const gone = rule({ id: 'gone', territoryId: 'S1', unitId: 'deleted', unitType: null });
    const choice = choose([gone]);
    expect(choice.fallback).toBe(true);
    expect(choice.trace[0]).toMatchObject({ ruleId: 'gone', outcome: 'noUnitOfType' });
  });

  it.each([
    ['no rules at all', [], PATH_G1, 'gov1'],
    ['only rules of another district', [rule({ territoryId: 'D2' })], PATH_G1, 'gov1'],
    [
      'only inactive rules',
      [rule({ territoryId: 'S1', unitType: 'street', active: false })],
      PATH_G1,
      'gov1',
    ],
    ['a location in the other district', [byStreet], PATH_D2_GRID, 'gov2'],
    ['a location that is the district itself', [], ['C', 'D1'], 'gov1'],
  ])('falls back to the district government with %s', (_name, rules, path, unitId) => {
    const choice = choose(rules, path);
    expect(choice).toMatchObject({ fallback: true, rule: null, copyTo: null });
    expect(choice.unit?.id).toBe(unitId);
  });

  it('has no unit at all for a location above every district with no rule', () => {
    expect(choose([], ['C']).unit).toBeNull();
  });

  it('copies the district government when a street office is the handling unit', () => {
    expect(choose([byStreet]).copyTo?.id).toBe('gov1');
    expect(choose([byStreetLeaf]).copyTo).toBeNull();
    expect(choose([byDistrict]).copyTo).toBeNull();
  });

  it("uses the rule's own copy-to unit, and never copies the handler itself", () => {
    const withCopy = rule({ territoryId: 'S1', unitType: 'street', copyToUnitId: 'cgzf1' });
    expect(choose([withCopy]).copyTo?.id).toBe('cgzf1');
    const selfCopy = rule({ territoryId: 'S1', unitId: 'cgzf1', unitType: null, copyToUnitId: 'cgzf1' });
    expect(choose([selfCopy]).copyTo).toBeNull();
  });

  it('resolves a unit type to the closest unit serving the location', () => {
    expect(findServingUnit('street', PATH_G1, UNITS)?.id).toBe('street1');
    expect(findServingUnit('street', PATH_D2_GRID, UNITS)).toBeNull();
    expect(findServingUnit('enterprise', PATH_D2_GRID, UNITS)?.id).toBe('water');
    // A unit of a street whose id merely appears deeper in another path does not serve it.
    expect(findServingUnit('street', ['C', 'D2', 'S1'], UNITS)).toBeNull();
  });
});

describe('categoryAncestry', () => {
  const parents = new Map<string, string | null>([
    ['02', null],
    ['0201', '02'],
    ['020101', '0201'],
  ]);
  it.each([
    ['020101', ['020101', '0201', '02']],
    ['02', ['02']],
    ['99', ['99']],
  ])('%s → %j', (code, expected) => {
    expect(categoryAncestry(code, parents)).toEqual(expected);
  });
  it('stops on a cycle', () => {
    expect(
      categoryAncestry(
        'a',
        new Map([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ),
    ).toEqual(['a', 'b']);
  });
});

describe('explanations', () => {
  const category = { zh: '市容环境', en: 'City appearance' };
  const summary = summariseRule({ territoryName: '和平街道', category, unitName: null, unitType: 'street' });

  it('summarises a rule by territory, category and target', () => {
    expect(summary).toEqual({
      zh: '和平街道·市容环境→街道办事处',
      en: '和平街道 · City appearance → street office',
    });
    expect(
      summariseRule({ territoryName: '示范市', category: null, unitName: '示范市自来水集团', unitType: null })
        .zh,
    ).toBe('示范市·全部类别→示范市自来水集团');
  });

  it('explains a street dispatch with its copy to the district', () => {
    const text = explainDispatch({
      locationName: '东湖社区第1网格',
      category,
      unit: { name: '和平街道办事处', type: 'street' },
      copyTo: { name: '明德区人民政府' },
      fallback: false,
      rule: { summary, priority: 10 },
      passedOver: [],
    });
    expect(text.zh).toBe(
      '按派单目录规则「和平街道·市容环境→街道办事处」（优先级 10），派往 和平街道办事处；直派街道，抄送 明德区人民政府。',
    );
    expect(text.en).toContain('dispatched to 和平街道办事处');
  });

  it('explains the fallback and the rules passed over', () => {
    const text = explainDispatch({
      locationName: '和平街道',
      category,
      unit: { name: '明德区人民政府', type: 'districtGovernment' },
      copyTo: null,
      fallback: true,
      rule: null,
      passedOver: [summary],
    });
    expect(text.zh).toContain('没有对应的承办单位，已跳过');
    expect(text.zh).toContain('所在区已知，派往 明德区人民政府');
    expect(text.en).toContain('the district is known');
  });

  it('says when nobody can be found', () => {
    const text = explainDispatch({
      locationName: '示范市',
      category,
      unit: null,
      copyTo: null,
      fallback: true,
      rule: null,
      passedOver: [],
    });
    expect(text.zh).toContain('请人工派单');
  });
});
