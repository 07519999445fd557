/**
 * Likely duplicates of an appeal (pure scoring; the service fetches the candidates and segments text).
 * An appeal is a likely duplicate when it has the same category within SIMILAR_NEARBY_METERS in the
 * last SIMILAR_NEARBY_DAYS, or words in common (Jaccard ≥ SIMILAR_TEXT_MIN_JACCARD over the content's
 * word sets) in the last SIMILAR_TEXT_DAYS, or the same appellant phone in the last SIMILAR_PHONE_DAYS.
 * Each reason gives a strength in [0, 1]; they combine as independent evidence: 1 − Π(1 − s).
 */

export const SIMILAR_NEARBY_METERS = 500;
export const SIMILAR_NEARBY_DAYS = 7;
export const SIMILAR_TEXT_DAYS = 30;
export const SIMILAR_TEXT_MIN_JACCARD = 0.5;
export const SIMILAR_PHONE_DAYS = 30;
/** At most this many suggestions are returned. */
export const SIMILAR_MAX = 10;
/** Text is compared with at most this many of the newest appeals of the street. */
export const SIMILAR_TEXT_CANDIDATES = 300;
/** Each of the other searches (nearby, same phone) returns at most this many candidates. */
export const SIMILAR_BRANCH_CANDIDATES = 50;

const EARTH_RADIUS_METERS = 6_371_008.8;
const DAY_MS = 24 * 60 * 60 * 1000;

export type SimilarReason = 'sameCategoryNearby' | 'similarText' | 'sameAppellant';

export interface GeoPoint {
  lng: number;
  lat: number;
}

/** The great-circle distance between two WGS84 points, in metres (haversine). */
export function haversineMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A box (degrees) that contains every point within `meters` of the centre, for an index-friendly prefilter. */
export function boundingBox(
  center: GeoPoint,
  meters: number,
): { west: number; south: number; east: number; north: number } {
  const dLat = (meters / EARTH_RADIUS_METERS) * (180 / Math.PI);
  const cos = Math.max(0.01, Math.cos((center.lat * Math.PI) / 180));
  const dLng = dLat / cos;
  return {
    west: center.lng - dLng,
    south: center.lat - dLat,
    east: center.lng + dLng,
    north: center.lat + dLat,
  };
}

/** Words so common in appeal texts (hotline phrasing) that sharing them says nothing. */
const STOP_WORDS: ReadonlySet<string> = new Set([
  '市民',
  '来电',
  '反映',
  '表示',
  '希望',
  '要求',
  '相关',
  '部门',
  '尽快',
  '处理',
  '解决',
  '问题',
  '情况',
  '诉求',
  '进行',
  '目前',
  '现在',
  '一直',
  '没有',
  '我们',
  '他们',
  '自己',
  '这个',
  '那个',
  '已经',
  '存在',
  '协调',
  '加强',
]);

/** The words of a segmented text worth comparing: two characters or more, not a stop word. */
export function wordSet(tokens: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const token of tokens) {
    if (Array.from(token).length < 2 || STOP_WORDS.has(token)) continue;
    words.add(token);
  }
  return words;
}

/** |A ∩ B| / |A ∪ B|; 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const word of small) if (large.has(word)) common += 1;
  return common / (a.size + b.size - common);
}

/** What the new (or present) appeal offers for comparison; null fields are not compared. */
export interface SimilarProbe {
  categoryCode: string | null;
  point: GeoPoint | null;
  words: ReadonlySet<string> | null;
  phone: string | null;
  now: Date;
}

/** An earlier appeal that may be a duplicate. */
export interface SimilarCandidate {
  categoryCode: string | null;
  point: GeoPoint | null;
  words: ReadonlySet<string>;
  phone: string | null;
  receivedAt: Date;
}

export interface SimilarScore {
  reasons: SimilarReason[];
  /** 0–1, higher is more alike. */
  score: number;
  distanceMeters: number | null;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Scores a candidate against the probe: its reasons, score and distance, or null when it is not alike. */
export function scoreSimilar(probe: SimilarProbe, candidate: SimilarCandidate): SimilarScore | null {
  const age = probe.now.getTime() - candidate.receivedAt.getTime();
  const reasons: SimilarReason[] = [];
  const strengths: number[] = [];
  const distance = probe.point && candidate.point ? haversineMeters(probe.point, candidate.point) : null;
  if (
    probe.categoryCode !== null &&
    candidate.categoryCode === probe.categoryCode &&
    distance !== null &&
    distance <= SIMILAR_NEARBY_METERS &&
    age <= SIMILAR_NEARBY_DAYS * DAY_MS
  ) {
    reasons.push('sameCategoryNearby');
    // 0.8 on the spot, 0.5 at the edge of the circle.
    strengths.push(0.5 + 0.3 * (1 - distance / SIMILAR_NEARBY_METERS));
  }
  if (probe.words && probe.words.size > 0 && age <= SIMILAR_TEXT_DAYS * DAY_MS) {
    const similarity = jaccard(probe.words, candidate.words);
    if (similarity >= SIMILAR_TEXT_MIN_JACCARD) {
      reasons.push('similarText');
      strengths.push(similarity);
    }
  }
  if (probe.phone !== null && candidate.phone === probe.phone && age <= SIMILAR_PHONE_DAYS * DAY_MS) {
    reasons.push('sameAppellant');
    strengths.push(0.4);
  }
  if (reasons.length === 0) return null;
  const score = 1 - strengths.reduce((rest, s) => rest * (1 - s), 1);
  return {
    reasons,
    score: round(score, 3),
    distanceMeters: distance === null ? null : round(distance, 1),
  };
}

/** Keeps the best `max` scored items, highest score first, newest first among equals. */
export function rankSimilar<T extends { score: SimilarScore; receivedAt: Date }>(
  items: readonly T[],
  max = SIMILAR_MAX,
): T[] {
  return [...items]
    .sort((a, b) => b.score.score - a.score.score || b.receivedAt.getTime() - a.receivedAt.getTime())
    .slice(0, max);
}
