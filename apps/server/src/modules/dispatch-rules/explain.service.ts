import {
  AppError,
  can,
  categoryAncestry,
  chooseHandlingUnit,
  explainDispatch,
  grantedActions,
  pathIds,
  type Bilingual,
  type DispatchChoice,
  type TerritoryLevel,
} from '@huizhi/domain';
import type { TExplainRequest, TExplainResult, TUnitType } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps } from '../../context.ts';
import { listCategories } from '../categories/categories.repository.ts';
import { locatePoint } from '../routing/locate.service.ts';
import { findTerritoryById } from '../territories/territories.repository.ts';
import {
  listRulesOnTerritories,
  listTerritoryNames,
  listUnitsByIds,
  listUnitsOnTerritories,
  type RoutingUnitRow,
} from './dispatch-rules.repository.ts';
import { summariseRuleRow } from './dispatch-rules.service.ts';

const presentUnit = (unit: RoutingUnitRow) => ({
  id: unit.id,
  name: unit.name,
  type: unit.type as TUnitType,
});

/** Finds the territory an explain request is about: the one given, or the grid containing the point. */
async function resolveLocation(deps: Deps, input: TExplainRequest): Promise<string> {
  if (input.territoryId !== undefined) return input.territoryId;
  const located = await locatePoint(deps, { lng: input.lng!, lat: input.lat! });
  if (!located.grid) {
    throw new AppError('POINT_OUTSIDE_TERRITORY', undefined, {
      nearest: located.nearest
        ? { grid: located.nearest.grid, distanceMeters: located.nearest.distanceMeters }
        : null,
    });
  }
  return located.grid.id;
}

/** How an appeal without a category is named in explanations. */
const UNCATEGORISED: Bilingual = { zh: '未分类', en: 'uncategorised' };

/** A category as the catalogue's explanation names it. */
export interface CatalogueCategory {
  code: string;
  nameZh: string;
  nameEn: string;
}

/**
 * Runs the dispatch catalogue for a category (null = uncategorised) at a territory: the chosen unit
 * and copy, the rules that applied with what became of each, the location's path and the
 * explanation in both languages. Shared by the explain route and an appeal's dispatch suggestion.
 */
export async function runDispatchCatalogue(
  db: DbOrTx,
  category: CatalogueCategory | null,
  categoryAncestryCodes: readonly string[],
  territory: { id: string; name: string; path: string },
): Promise<{
  choice: DispatchChoice<RoutingUnitRow>;
  rules: TExplainResult['rules'];
  path: TExplainResult['location']['path'];
  explanation: Bilingual;
}> {
  const locationPath = pathIds(territory.path);
  const [ruleRows, unitsServing, names] = await Promise.all([
    listRulesOnTerritories(db, locationPath),
    listUnitsOnTerritories(db, locationPath),
    listTerritoryNames(db, locationPath),
  ]);
  const referenced = [
    ...new Set(ruleRows.flatMap((r) => [r.unitId, r.copyToUnitId]).filter((id) => id !== null)),
  ];
  const ruleUnits = await listUnitsByIds(db, referenced);

  const choice = chooseHandlingUnit({
    locationPath,
    categoryAncestry: categoryAncestryCodes,
    rules: ruleRows,
    unitsServing,
    ruleUnits,
  });

  const rowById = new Map(ruleRows.map((r) => [r.id, r]));
  const summaries = new Map<string, Bilingual>(ruleRows.map((r) => [r.id, summariseRuleRow(r)]));
  const rules: TExplainResult['rules'] = [];
  for (const entry of choice.trace) {
    if (entry.outcome === 'skippedCategory' || entry.outcome === 'skippedTerritory') continue;
    rules.push({
      id: entry.ruleId,
      summary: summaries.get(entry.ruleId)!,
      priority: rowById.get(entry.ruleId)!.priority,
      outcome: entry.outcome,
      reason: entry.reason,
    });
  }
  const nameById = new Map(names.map((n) => [n.id, n]));
  const path = [...locationPath].reverse().flatMap((id) => {
    const node = nameById.get(id);
    return node ? [{ id: node.id, name: node.name, level: node.level as TerritoryLevel }] : [];
  });
  const categoryName = category
    ? { zh: category.nameZh, en: category.nameEn }
    : { zh: UNCATEGORISED.zh, en: UNCATEGORISED.en };
  const explanation = explainDispatch({
    locationName: territory.name,
    category: categoryName,
    unit: choice.unit ? { name: choice.unit.name, type: choice.unit.type } : null,
    copyTo: choice.copyTo ? { name: choice.copyTo.name } : null,
    fallback: choice.fallback,
    rule: choice.rule ? { summary: summaries.get(choice.rule.id)!, priority: choice.rule.priority } : null,
    passedOver: choice.trace.filter((t) => t.outcome === 'noUnitOfType').map((t) => summaries.get(t.ruleId)!),
  });
  return { choice, rules, path, explanation };
}

/**
 * Explains which unit the dispatch catalogue chooses for a category at a location, which rules
 * decided it, and why, in words a dispatcher understands. A location outside the reader's routing
 * scope is not found.
 */
export async function explainDispatchFor(
  deps: Deps,
  actor: ActorContext,
  input: TExplainRequest,
): Promise<TExplainResult> {
  if (!grantedActions(actor).includes('routing.use')) throw new AppError('FORBIDDEN');
  const { db } = deps.database;
  const allCategories = await listCategories(db);
  const category = allCategories.find((c) => c.code === input.categoryCode);
  if (!category) throw new AppError('VALIDATION_FAILED', 'Unknown category.', { path: '/categoryCode' });
  const ancestry = categoryAncestry(category.code, new Map(allCategories.map((c) => [c.code, c.parentCode])));

  const territoryId = await resolveLocation(deps, input);
  const territory = await findTerritoryById(db, territoryId);
  if (
    !territory ||
    !can(actor, 'routing.use', { kind: 'territory', id: territory.id, path: territory.path })
  ) {
    throw new AppError('NOT_FOUND');
  }
  const { choice, rules, path, explanation } = await runDispatchCatalogue(
    db,
    { code: category.code, nameZh: category.nameZh, nameEn: category.nameEn },
    ancestry,
    territory,
  );
  if (!choice.unit) throw new AppError('NO_HANDLING_UNIT');
  return {
    unit: presentUnit(choice.unit),
    copyTo: choice.copyTo ? presentUnit(choice.copyTo) : null,
    fallback: choice.fallback,
    category: { code: category.code, nameZh: category.nameZh, nameEn: category.nameEn },
    location: { path },
    rules,
    explanation,
  };
}
