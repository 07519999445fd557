/**
 * The territory tree: city → district → street → community → grid → building.
 * Invariants: every node's materialised path is its parent's path followed by its own id and a slash,
 * so "is inside" is a prefix test; a node's level is strictly below its parent's level.
 */
export const TERRITORY_LEVELS = ['city', 'district', 'street', 'community', 'grid', 'building'] as const;
export type TerritoryLevel = (typeof TERRITORY_LEVELS)[number];

/** Returns the depth of a level, 0 for the city. */
export function levelDepth(level: TerritoryLevel): number {
  return TERRITORY_LEVELS.indexOf(level);
}

/** Returns true when a child of `parent` may have level `child` (strictly deeper). */
export function canNest(parent: TerritoryLevel, child: TerritoryLevel): boolean {
  return levelDepth(child) > levelDepth(parent);
}

/** Builds a node's materialised path from its parent's path (or none for a root) and its id. */
export function buildTerritoryPath(parentPath: string | null, id: string): string {
  if (id.includes('/')) throw new Error('a territory id cannot contain "/"');
  return `${parentPath ?? '/'}${id}/`;
}

/** Returns true when the node at `path` lies in the subtree rooted at `ancestorPath` (itself included). */
export function isWithinPath(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

/** Returns true when one of the two paths contains the other: the areas overlap. */
export function isOverlappingPath(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** Splits a materialised path into the ids from the root down to the node. */
export function pathIds(path: string): string[] {
  return path.split('/').filter((part) => part.length > 0);
}
