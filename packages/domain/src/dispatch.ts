/**
 * The dispatch catalogue (派单目录): which unit handles which category where.
 * Invariants: a rule applies when its territory lies on the location's path and its category is the
 * appeal's category or one of its ancestors (null = every category). Among the rules that apply the
 * most specific wins: the deepest territory, then the most specific category, then the highest
 * priority, then the smallest id (so the choice never depends on storage order). A rule whose unit
 * type has no unit serving the location (or whose fixed unit is gone) gives way to the next one.
 * With no rule, the district government of the location's district handles it (RULES.md: "unknown
 * unit but known district → the district government"). A street office as handling unit means the
 * district government is copied to coordinate (RULES.md: 直派 to a street copies the district),
 * unless the rule names its own copy-to unit.
 */
import { pathIds } from './territory.ts';

/** The unit type of district governments, the fallback handler and the copy of street dispatches. */
export const DISTRICT_GOVERNMENT_TYPE = 'districtGovernment';
/** The unit type of street offices (街道办事处). */
export const STREET_UNIT_TYPE = 'street';

/** A handling unit as the catalogue sees it: its type and the path of the territory it serves. */
export interface DispatchUnit {
  id: string;
  type: string;
  territoryPath: string;
}

/** One catalogue rule; exactly one of unitId (a fixed unit) and unitType is set. */
export interface DispatchRule {
  id: string;
  categoryCode: string | null;
  territoryId: string;
  unitId: string | null;
  unitType: string | null;
  copyToUnitId: string | null;
  priority: number;
  active: boolean;
}

export type DispatchOutcome =
  'chosen' | 'skippedCategory' | 'skippedTerritory' | 'lowerPriority' | 'inactive' | 'noUnitOfType';

export interface DispatchTraceEntry {
  ruleId: string;
  outcome: DispatchOutcome;
  reason: string;
}

export interface DispatchInput<U extends DispatchUnit = DispatchUnit> {
  /** Territory ids of the location, root (city) → leaf (grid or building). */
  locationPath: readonly string[];
  /** The appeal's category code and its ancestors, leaf → root. */
  categoryAncestry: readonly string[];
  rules: readonly DispatchRule[];
  /** Units whose territory lies on the location's path (the candidates for a unit type). */
  unitsServing: readonly U[];
  /** The fixed and copy-to units the rules name (may overlap unitsServing). */
  ruleUnits?: readonly U[];
}

export interface DispatchChoice<U extends DispatchUnit = DispatchUnit> {
  /** The handling unit; null only when no rule applies and no district government serves the location. */
  unit: U | null;
  copyTo: U | null;
  /** The rule that chose the unit; null for the fallback. */
  rule: DispatchRule | null;
  /** True when no rule applied and the district government was chosen. */
  fallback: boolean;
  /** Why each rule was or was not used, in the order they were considered (applying rules first). */
  trace: DispatchTraceEntry[];
}

/** The depth of a unit's territory on the location path, or -1 when it does not serve the location. */
function servingDepth(unit: DispatchUnit, locationPath: readonly string[]): number {
  const ids = pathIds(unit.territoryPath);
  const own = ids[ids.length - 1];
  if (own === undefined) return -1;
  // The unit's whole path must be a prefix of the location path.
  for (let i = 0; i < ids.length; i++) if (locationPath[i] !== ids[i]) return -1;
  return ids.length - 1;
}

/** Returns the unit of a type that serves the location most closely (the deepest territory). */
export function findServingUnit<U extends DispatchUnit>(
  unitType: string,
  locationPath: readonly string[],
  units: readonly U[],
): U | null {
  let best: U | null = null;
  let bestDepth = -1;
  for (const unit of units) {
    if (unit.type !== unitType) continue;
    const depth = servingDepth(unit, locationPath);
    if (depth < 0) continue;
    if (depth > bestDepth || (depth === bestDepth && best !== null && unit.id < best.id)) {
      best = unit;
      bestDepth = depth;
    }
  }
  return best;
}

interface Candidate {
  rule: DispatchRule;
  territoryDepth: number;
  categorySpecificity: number;
}

/** Orders applying rules from the most to the least specific. */
function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    b.territoryDepth - a.territoryDepth ||
    b.categorySpecificity - a.categorySpecificity ||
    b.rule.priority - a.rule.priority ||
    (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0)
  );
}

/** Chooses the handling unit and the copy-to unit for a location and category, with the reasons. */
export function chooseHandlingUnit<U extends DispatchUnit>(input: DispatchInput<U>): DispatchChoice<U> {
  const { locationPath, categoryAncestry } = input;
  const byId = new Map<string, U>();
  for (const unit of [...input.unitsServing, ...(input.ruleUnits ?? [])]) byId.set(unit.id, unit);
  const skipped: DispatchTraceEntry[] = [];
  const candidates: Candidate[] = [];
  for (const rule of input.rules) {
    const territoryDepth = locationPath.indexOf(rule.territoryId);
    if (territoryDepth < 0) {
      skipped.push({ ruleId: rule.id, outcome: 'skippedTerritory', reason: 'outside the rule territory' });
      continue;
    }
    const categoryIndex = rule.categoryCode === null ? -1 : categoryAncestry.indexOf(rule.categoryCode);
    if (rule.categoryCode !== null && categoryIndex < 0) {
      skipped.push({ ruleId: rule.id, outcome: 'skippedCategory', reason: 'another category' });
      continue;
    }
    if (!rule.active) {
      skipped.push({ ruleId: rule.id, outcome: 'inactive', reason: 'the rule is switched off' });
      continue;
    }
    // The leaf category is the most specific; a rule for every category is the least.
    const categorySpecificity = categoryIndex < 0 ? 0 : categoryAncestry.length - categoryIndex;
    candidates.push({ rule, territoryDepth, categorySpecificity });
  }
  candidates.sort(compareCandidates);

  const trace: DispatchTraceEntry[] = [];
  let chosen: { rule: DispatchRule; unit: U } | null = null;
  for (const { rule } of candidates) {
    if (chosen) {
      trace.push({
        ruleId: rule.id,
        outcome: 'lowerPriority',
        reason: `a more specific rule ${chosen.rule.id}`,
      });
      continue;
    }
    const unit =
      rule.unitId !== null
        ? (byId.get(rule.unitId) ?? null)
        : findServingUnit(rule.unitType ?? '', locationPath, input.unitsServing);
    if (!unit) {
      trace.push({
        ruleId: rule.id,
        outcome: 'noUnitOfType',
        reason:
          rule.unitId !== null ? 'the fixed unit is unknown' : `no ${rule.unitType} unit serves the location`,
      });
      continue;
    }
    chosen = { rule, unit };
    trace.push({ ruleId: rule.id, outcome: 'chosen', reason: 'the most specific rule that applies' });
  }
  trace.push(...skipped);

  const districtGovernment = findServingUnit(DISTRICT_GOVERNMENT_TYPE, locationPath, input.unitsServing);
  if (!chosen) {
    return { unit: districtGovernment, copyTo: null, rule: null, fallback: true, trace };
  }
  let copyTo: U | null = null;
  if (chosen.rule.copyToUnitId !== null) copyTo = byId.get(chosen.rule.copyToUnitId) ?? null;
  else if (chosen.unit.type === STREET_UNIT_TYPE) copyTo = districtGovernment;
  if (copyTo?.id === chosen.unit.id) copyTo = null;
  return { unit: chosen.unit, copyTo, rule: chosen.rule, fallback: false, trace };
}

/** Returns a category code and its ancestors, leaf → root, from a code → parent code lookup. */
export function categoryAncestry(code: string, parentOf: ReadonlyMap<string, string | null>): string[] {
  const chain: string[] = [];
  let current: string | null | undefined = code;
  while (current !== null && current !== undefined && !chain.includes(current)) {
    chain.push(current);
    current = parentOf.get(current);
  }
  return chain;
}

/** Names of unit types in both languages, for rule summaries and explanations. */
export const UNIT_TYPE_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  districtGovernment: { zh: '区人民政府', en: 'district government' },
  street: { zh: '街道办事处', en: 'street office' },
  community: { zh: '社区居委会', en: 'community committee' },
  department: { zh: '职能部门', en: 'functional department' },
  enterprise: { zh: '公共服务企业', en: 'public-service enterprise' },
};

export interface Bilingual {
  zh: string;
  en: string;
}

/** What a rule's summary names: its territory, its category (null = every one) and its target. */
export interface RuleSummaryInput {
  territoryName: string;
  category: Bilingual | null;
  /** The fixed unit's name, or null when the rule targets a unit type. */
  unitName: string | null;
  unitType: string | null;
  copyToName?: string | null;
}

/** Summarises a rule in one line, e.g. 「和平街道·市容环境→街道办事处」. */
export function summariseRule(input: RuleSummaryInput): Bilingual {
  const typeLabel = UNIT_TYPE_LABELS[input.unitType ?? ''] ?? {
    zh: input.unitType ?? '',
    en: input.unitType ?? '',
  };
  const target = input.unitName ?? null;
  const copy = input.copyToName
    ? { zh: `，抄送${input.copyToName}`, en: `, copy to ${input.copyToName}` }
    : null;
  return {
    zh: `${input.territoryName}·${input.category?.zh ?? '全部类别'}→${target ?? typeLabel.zh}${copy?.zh ?? ''}`,
    en: `${input.territoryName} · ${input.category?.en ?? 'every category'} → ${target ?? typeLabel.en}${copy?.en ?? ''}`,
  };
}

/** What an explanation needs besides the choice: names for people, not ids. */
export interface ExplanationInput {
  locationName: string;
  category: Bilingual;
  unit: { name: string; type: string } | null;
  copyTo: { name: string } | null;
  fallback: boolean;
  /** The chosen rule's summary and priority; null for the fallback. */
  rule: { summary: Bilingual; priority: number } | null;
  /** Summaries of more specific rules that were passed over because no unit of their type serves the location. */
  passedOver: readonly Bilingual[];
}

/** Explains a dispatch choice in the words a dispatcher uses, in Chinese and English. */
export function explainDispatch(input: ExplanationInput): Bilingual {
  const zh: string[] = [];
  const en: string[] = [];
  for (const summary of input.passedOver) {
    zh.push(`规则「${summary.zh}」在该位置没有对应的承办单位，已跳过；`);
    en.push(`Rule “${summary.en}” has no unit serving this location and was passed over; `);
  }
  if (!input.unit) {
    zh.push(
      `派单目录中没有适用于「${input.locationName}·${input.category.zh}」的规则，且该位置不属于任何区，无法确定承办单位，请人工派单。`,
    );
    en.push(
      `No catalogue rule covers “${input.locationName} · ${input.category.en}” and the location lies in no district: dispatch it by hand.`,
    );
    return { zh: zh.join(''), en: en.join('') };
  }
  if (input.fallback || !input.rule) {
    zh.push(
      `派单目录中没有适用于「${input.locationName}·${input.category.zh}」的规则；承办单位不明确但所在区已知，派往 ${input.unit.name}。`,
    );
    en.push(
      `No catalogue rule covers “${input.locationName} · ${input.category.en}”; the unit is unknown but the district is known, so it goes to ${input.unit.name}.`,
    );
  } else {
    zh.push(
      `按派单目录规则「${input.rule.summary.zh}」（优先级 ${input.rule.priority}），派往 ${input.unit.name}`,
    );
    en.push(
      `By catalogue rule “${input.rule.summary.en}” (priority ${input.rule.priority}), dispatched to ${input.unit.name}`,
    );
    if (input.copyTo && input.unit.type === STREET_UNIT_TYPE) {
      zh.push(`；直派街道，抄送 ${input.copyTo.name}。`);
      en.push(`; a straight dispatch to a street, copied to ${input.copyTo.name} to coordinate.`);
    } else if (input.copyTo) {
      zh.push(`，抄送 ${input.copyTo.name}。`);
      en.push(`, copied to ${input.copyTo.name}.`);
    } else {
      zh.push('。');
      en.push('.');
    }
  }
  return { zh: zh.join(''), en: en.join('') };
}
