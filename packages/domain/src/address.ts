/**
 * Address text → gazetteer entries: normalisation and scoring, without the segmenter (the server
 * segments with jieba and passes the tokens in).
 * Invariants: names, aliases and queries go through the same normalisation, so a match is an exact
 * equality of normalised strings; a building outranks a compound, a compound a road, a road a
 * landmark; a query that names a street, district or community the entry is not in scores lower
 * than one that names none, and one that names the entry's own scores higher; every score lies in
 * [0, 1]; nothing recognisable gives no candidates, never an error.
 */
import { pathIds } from './territory.ts';

export const GAZETTEER_KINDS = ['road', 'compound', 'building', 'landmark'] as const;
export type GazetteerKind = (typeof GAZETTEER_KINDS)[number];

/** How much a match of each kind is worth: the more precise the place, the higher. */
export const KIND_WEIGHTS: Readonly<Record<GazetteerKind, number>> = {
  building: 1,
  compound: 0.9,
  road: 0.8,
  landmark: 0.75,
};

/** An alias counts a little less than the official name. */
export const ALIAS_FACTOR = 0.95;
/** The context factor when the text names no territory. */
const NEUTRAL_CONTEXT = 0.9;
/** The most adjacent tokens joined to find a name jieba split. */
const MAX_JOINED_TOKENS = 4;

const DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** Reads a Chinese numeral up to 9999 (一, 十二, 二十, 一百零五, 两千), or null when it is not one. */
export function parseChineseNumber(text: string): number | null {
  if (text.length === 0) return null;
  const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let digit: number | null = null;
  for (const char of text) {
    if (char in DIGITS) {
      digit = DIGITS[char]!;
    } else if (char in units) {
      total += (digit ?? 1) * units[char]!;
      digit = null;
    } else return null;
  }
  return total + (digit ?? 0);
}

const NUMERAL = '[零〇一二两三四五六七八九十百千]+';
// Numbers a resident says in words before a unit of address: 三号楼, 十二栋, 二单元, 五号.
const NUMERAL_BEFORE_UNIT = new RegExp(`(${NUMERAL})(号楼|栋|幢|座|号院|号|单元|层|楼|室)`, 'g');

/**
 * Normalises address text: full-width to half-width (NFKC), lower case, no spaces or punctuation,
 * Chinese numerals before 号楼/栋/号/单元… as digits, and 栋/幢/座 (after a number) as 号楼.
 */
export function normaliseAddress(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/[\s\p{P}\p{S}]+/gu, '');
  s = s.replace(NUMERAL_BEFORE_UNIT, (whole, numeral: string, unit: string) => {
    const value = parseChineseNumber(numeral);
    return value === null ? whole : `${value}${unit}`;
  });
  // "3栋", "3幢", "3座" and "3号楼" name the same building; "3楼" is left alone (it may be a floor).
  s = s.replace(/(\d+)(?:栋|幢|座)/g, '$1号楼');
  return s;
}

/** A gazetteer entry as the matcher needs it. */
export interface AddressEntry {
  id: string;
  kind: GazetteerKind;
  name: string;
  aliases: readonly string[];
  /** The materialised path of the entry's territory. */
  territoryPath: string;
}

/** A named territory the text may mention (city, district, street, community). */
export interface AddressPlace {
  id: string;
  name: string;
  level: string;
}

interface TermHit {
  entryId: string;
  isAlias: boolean;
}

/** The matcher's lookup tables, built once per gazetteer version. */
export interface AddressIndex {
  entries: ReadonlyMap<string, AddressEntry>;
  terms: ReadonlyMap<string, readonly TermHit[]>;
  /** A normalised territory name (and short form) → the territory ids it may mean. */
  places: ReadonlyMap<string, readonly string[]>;
}

const PLACE_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  city: ['市'],
  district: ['区', '县'],
  street: ['街道', '镇', '乡'],
  community: ['社区', '村'],
};

/** The names a place goes by in an address: its name, and its name without the level suffix. */
function placeNames(place: AddressPlace): string[] {
  const name = normaliseAddress(place.name);
  const names = [name];
  for (const suffix of PLACE_SUFFIXES[place.level] ?? []) {
    if (name.endsWith(suffix) && name.length - suffix.length >= 2) names.push(name.slice(0, -suffix.length));
  }
  return names;
}

/** Builds the lookup tables over the entries and the places whose names a text may mention. */
export function buildAddressIndex(
  entries: readonly AddressEntry[],
  places: readonly AddressPlace[],
): AddressIndex {
  const terms = new Map<string, TermHit[]>();
  const entryMap = new Map<string, AddressEntry>();
  const add = (term: string, hit: TermHit) => {
    if (term.length === 0) return;
    const list = terms.get(term) ?? [];
    const existing = list.find((h) => h.entryId === hit.entryId);
    if (existing) existing.isAlias = existing.isAlias && hit.isAlias;
    else list.push({ ...hit });
    terms.set(term, list);
  };
  for (const entry of entries) {
    entryMap.set(entry.id, entry);
    add(normaliseAddress(entry.name), { entryId: entry.id, isAlias: false });
    for (const alias of entry.aliases) add(normaliseAddress(alias), { entryId: entry.id, isAlias: true });
  }
  const placeMap = new Map<string, string[]>();
  for (const place of places) {
    if (!PLACE_SUFFIXES[place.level]) continue;
    for (const name of placeNames(place)) {
      // A short form that is also an entry's name is the entry, not the place.
      if (name !== normaliseAddress(place.name) && terms.has(name)) continue;
      const ids = placeMap.get(name) ?? [];
      if (!ids.includes(place.id)) ids.push(place.id);
      placeMap.set(name, ids);
    }
  }
  return { entries: entryMap, terms, places: placeMap };
}

/** The words the segmenter must keep whole: every entry name, alias and place name. */
export function dictionaryWords(index: AddressIndex): string[] {
  return [...new Set([...index.terms.keys(), ...index.places.keys()])].sort();
}

export interface AddressCandidate {
  entryId: string;
  score: number;
  /** The words of the text that matched: entry names or aliases, then the places that agreed. */
  matched: string[];
}

/** Ranks the entries a segmented text names, best first; at most `limit` of them. */
export function rankAddressCandidates(
  tokens: readonly string[],
  index: AddressIndex,
  limit: number,
): AddressCandidate[] {
  const clean = tokens.map((t) => normaliseAddress(t)).filter((t) => t.length > 0);
  const hits = new Map<string, { isAlias: boolean; matched: string[] }>();
  const mentions: { name: string; ids: readonly string[] }[] = [];
  for (let start = 0; start < clean.length; start++) {
    let joined = '';
    for (let end = start; end < Math.min(clean.length, start + MAX_JOINED_TOKENS); end++) {
      joined += clean[end]!;
      for (const hit of index.terms.get(joined) ?? []) {
        const current = hits.get(hit.entryId) ?? { isAlias: true, matched: [] };
        current.isAlias = current.isAlias && hit.isAlias;
        if (!current.matched.includes(joined)) current.matched.push(joined);
        hits.set(hit.entryId, current);
      }
      if (end === start) {
        const ids = index.places.get(joined);
        if (ids && !mentions.some((m) => m.name === joined)) mentions.push({ name: joined, ids });
      }
    }
  }
  const candidates: (AddressCandidate & { kind: GazetteerKind; name: string })[] = [];
  for (const [entryId, hit] of hits) {
    const entry = index.entries.get(entryId);
    if (!entry) continue;
    const path = new Set(pathIds(entry.territoryPath));
    const agreeing = mentions.filter((m) => m.ids.some((id) => path.has(id)));
    const conflicting = mentions.length - agreeing.length;
    const context =
      mentions.length === 0
        ? NEUTRAL_CONTEXT
        : NEUTRAL_CONTEXT +
          ((1 - NEUTRAL_CONTEXT) * agreeing.length) / mentions.length -
          (0.5 * conflicting) / mentions.length;
    const raw = KIND_WEIGHTS[entry.kind] * (hit.isAlias ? ALIAS_FACTOR : 1) * context;
    candidates.push({
      entryId,
      kind: entry.kind,
      name: entry.name,
      score: Math.round(Math.min(1, Math.max(0, raw)) * 10_000) / 10_000,
      matched: [...hit.matched, ...agreeing.map((m) => m.name)],
    });
  }
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      KIND_WEIGHTS[b.kind] - KIND_WEIGHTS[a.kind] ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.entryId < b.entryId ? -1 : 1),
  );
  return candidates
    .slice(0, Math.max(0, limit))
    .map(({ entryId, score, matched }) => ({ entryId, score, matched }));
}
