import { randomUUID } from 'node:crypto';
import { AppError, can, isWithinPath, pathIds, scopeFilter, type GazetteerKind } from '@huizhi/domain';
import type {
  TCreateGazetteerEntry,
  TGazetteerEntry,
  TGazetteerList,
  TGazetteerListQuery,
  TGeocodeCandidate,
  TGeocodeQuery,
  TGeocodeResult,
} from '@huizhi/contracts';
import type { ActorContext, Deps, RequestInfo } from '../../context.ts';
import { territories } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { pathWithinScope } from '../scope-sql.ts';
import { findTerritoryById } from '../territories/territories.repository.ts';
import {
  bumpGazetteerCounter,
  findGazetteerEntryById,
  insertGazetteerEntry,
  listGazetteerEntries,
  type GazetteerEntryRow,
} from './gazetteer.repository.ts';
import { getGazetteer, invalidateGazetteer, matchAddress } from './geocoder.ts';

// Candidates ranked before the reader's scope is applied; the answer keeps the first `limit` in scope.
const RANKED_BEFORE_SCOPE = 500;

function present(row: GazetteerEntryRow): TGazetteerEntry {
  return {
    id: row.id,
    territoryId: row.territoryId,
    territoryName: row.territoryName,
    kind: row.kind as GazetteerKind,
    name: row.name,
    aliases: Array.isArray(row.aliases) ? (row.aliases as string[]) : [],
    point: (row.point as [number, number] | null) ?? null,
  };
}

/** Lists the gazetteer entries of territories inside the reader's scope. */
export async function listGazetteerFor(
  deps: Deps,
  actor: ActorContext,
  query: TGazetteerListQuery,
): Promise<TGazetteerList> {
  const scope = pathWithinScope(territories.path, scopeFilter(actor, 'territory.read'));
  const { rows, total } = await listGazetteerEntries(deps.database.db, { ...query, scope });
  return { items: rows.map(present), total };
}

/** Adds a gazetteer entry to a territory the admin manages; every instance reloads its matcher. */
export async function createGazetteerEntry(
  deps: Deps,
  actor: ActorContext,
  input: TCreateGazetteerEntry,
  request: RequestInfo,
): Promise<TGazetteerEntry> {
  const entry = await deps.database.db.transaction(async (tx) => {
    const territory = await findTerritoryById(tx, input.territoryId);
    if (
      !territory ||
      !can(actor, 'territory.read', { kind: 'territory', id: territory.id, path: territory.path })
    ) {
      throw new AppError('VALIDATION_FAILED', 'Unknown territory.', { path: '/territoryId' });
    }
    if (!can(actor, 'territory.manage', { kind: 'territory', id: territory.id, path: territory.path })) {
      throw new AppError('FORBIDDEN', 'You may add names only to territories you manage.');
    }
    const now = deps.clock.now();
    const id = randomUUID();
    const aliases = [...new Set(input.aliases.filter((a) => a !== input.name))];
    await insertGazetteerEntry(tx, {
      id,
      territoryId: territory.id,
      kind: input.kind,
      name: input.name,
      aliases,
      point: input.point ?? null,
      createdAt: now,
    });
    await bumpGazetteerCounter(tx, now);
    await recordAudit(tx, deps, actor.userId, request, {
      action: 'gazetteer.create',
      entityType: 'gazetteerEntry',
      entityId: id,
      scopePath: territory.path,
      details: { kind: input.kind, name: input.name, aliases },
    });
    const row = await findGazetteerEntryById(tx, id);
    return present(row!);
  });
  invalidateGazetteer(deps.database);
  return entry;
}

/** Ranks the places an address text names, within the reader's routing scope. */
export async function geocodeFor(
  deps: Deps,
  actor: ActorContext,
  query: TGeocodeQuery,
): Promise<TGeocodeResult> {
  const scope = scopeFilter(actor, 'routing.use');
  if (scope.territoryPaths.length === 0) throw new AppError('FORBIDDEN');
  const gazetteer = await getGazetteer(deps);
  const candidates: TGeocodeCandidate[] = [];
  for (const candidate of matchAddress(gazetteer, query.q, RANKED_BEFORE_SCOPE)) {
    if (candidates.length >= query.limit) break;
    const entry = gazetteer.index.entries.get(candidate.entryId);
    if (!entry || !scope.territoryPaths.some((p) => isWithinPath(entry.territoryPath, p))) continue;
    const chain = pathIds(entry.territoryPath)
      .reverse()
      .flatMap((id) => {
        const node = gazetteer.territories.get(id);
        return node ? [node] : [];
      });
    const territory = chain[0];
    if (!territory) continue;
    candidates.push({
      entry: { id: entry.id, kind: entry.kind, name: entry.name },
      territory: { id: territory.id, name: territory.name, level: territory.level, code: territory.code },
      path: chain.map((node) => ({ id: node.id, name: node.name, level: node.level })),
      score: candidate.score,
      matched: candidate.matched,
    });
  }
  return candidates;
}
