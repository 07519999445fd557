/**
 * Which steward post an appeal belongs to (院长长制): the deepest post whose part holds the appeal.
 * Invariants: a post's part is its territory (a materialised-path prefix of the appeal's territory)
 * and, for a courtyard with its own outline, that polygon; when the appeal has a point, a post with an
 * outline holds it only if the point lies in the outline (edges included). Among the posts holding an
 * appeal the deepest level wins (courtyard over lane over area over street), then the deeper
 * territory, then the more certain part (an outline that contains the point, then a post without an
 * outline, then an outline that could not be checked because the appeal has no point), then the
 * smaller id, so every server instance picks the same post. Pure: no database, no clock.
 */
import {
  STEWARD_LEVELS,
  isWithinPath,
  pathIds,
  pointInGeometry,
  type PolygonGeometry,
  type StewardLevel,
} from '@huizhi/domain';

/** The fields of a post that matching needs. */
export interface MatchablePost {
  id: string;
  parentId: string | null;
  level: StewardLevel;
  territoryPath: string;
  geometry: PolygonGeometry | null;
}

/** Where an appeal is: its territory and, when it was located by a point, that point. */
export interface MatchableAppeal {
  territoryPath: string;
  lng: number | null;
  lat: number | null;
}

/** How sure we are that a post's part holds the appeal, best last (used to break ties). */
type Certainty = 0 | 1 | 2;

/** Returns how a post holds an appeal, or null when it does not. */
function certaintyOf(post: MatchablePost, appeal: MatchableAppeal): Certainty | null {
  if (!isWithinPath(appeal.territoryPath, post.territoryPath)) return null;
  if (post.geometry === null) return 1;
  if (appeal.lng === null || appeal.lat === null) return 0;
  return pointInGeometry([appeal.lng, appeal.lat], post.geometry) ? 2 : null;
}

/** Returns true when the post's part (territory, and outline when the appeal has a point) holds the appeal. */
export function postHoldsAppeal(post: MatchablePost, appeal: MatchableAppeal): boolean {
  return certaintyOf(post, appeal) !== null;
}

/** Compares two candidates: negative when `a` is the better (deeper, surer) match. */
function compareCandidates(
  a: { post: MatchablePost; certainty: Certainty },
  b: { post: MatchablePost; certainty: Certainty },
): number {
  const level = STEWARD_LEVELS.indexOf(b.post.level) - STEWARD_LEVELS.indexOf(a.post.level);
  if (level !== 0) return level;
  const depth = pathIds(b.post.territoryPath).length - pathIds(a.post.territoryPath).length;
  if (depth !== 0) return depth;
  if (a.certainty !== b.certainty) return b.certainty - a.certainty;
  return a.post.id < b.post.id ? -1 : a.post.id > b.post.id ? 1 : 0;
}

/** Picks the deepest post among candidates that holds the appeal, or null when none does. */
export function pickDeepestPost<P extends MatchablePost>(
  candidates: readonly P[],
  appeal: MatchableAppeal,
): P | null {
  let best: { post: P; certainty: Certainty } | null = null;
  for (const post of candidates) {
    const certainty = certaintyOf(post, appeal);
    if (certainty === null) continue;
    const candidate = { post, certainty };
    if (best === null || compareCandidates(candidate, best) < 0) best = candidate;
  }
  return best?.post ?? null;
}

/**
 * The posts of one job run, indexed by territory path, so matching an appeal looks only at the posts
 * on its own path (a handful) instead of every post of the city.
 */
export class StewardPostIndex<P extends MatchablePost> {
  private readonly byPath = new Map<string, P[]>();
  private readonly byId = new Map<string, P>();

  constructor(posts: readonly P[]) {
    for (const post of posts) {
      this.byId.set(post.id, post);
      const list = this.byPath.get(post.territoryPath);
      if (list) list.push(post);
      else this.byPath.set(post.territoryPath, [post]);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): P | undefined {
    return this.byId.get(id);
  }

  /** The deepest post holding the appeal, or null. */
  match(appeal: MatchableAppeal): P | null {
    const candidates: P[] = [];
    let prefix = '/';
    for (const id of pathIds(appeal.territoryPath)) {
      prefix += `${id}/`;
      const posts = this.byPath.get(prefix);
      if (posts) candidates.push(...posts);
    }
    return pickDeepestPost(candidates, appeal);
  }

  /** The chain from a post up to its street steward (the post first). */
  chainOf(post: P): P[] {
    return chainOf(post, (id) => this.byId.get(id));
  }
}

/** Follows parents from a post up to the top of its chain (the post first), stopping on a loop. */
export function chainOf<P extends { id: string; parentId: string | null }>(
  post: P,
  find: (id: string) => P | undefined,
): P[] {
  const chain: P[] = [post];
  const seen = new Set([post.id]);
  let parentId = post.parentId;
  while (parentId !== null && !seen.has(parentId)) {
    const parent = find(parentId);
    if (!parent) break;
    chain.push(parent);
    seen.add(parent.id);
    parentId = parent.parentId;
  }
  return chain;
}
