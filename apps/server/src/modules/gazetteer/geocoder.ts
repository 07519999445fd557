import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import {
  buildAddressIndex,
  dictionaryWords,
  normaliseAddress,
  rankAddressCandidates,
  type AddressCandidate,
  type AddressIndex,
  type GazetteerKind,
  type TerritoryLevel,
} from '@huizhi/domain';
import type { Deps } from '../../context.ts';
import type { Database } from '../../db/connect.ts';
import {
  listAllGazetteerEntries,
  listNamedTerritories,
  readGazetteerVersion,
} from './gazetteer.repository.ts';

/** How often (ms) a server checks whether another instance changed the gazetteer or the territories. */
export const GAZETTEER_CHECK_INTERVAL_MS = 1000;
// Frequency given to place names in the segmenter: far above ordinary words, so a name stays one token.
const PLACE_WORD_FREQUENCY = 1_000_000;

export interface GeocoderTerritory {
  id: string;
  name: string;
  level: TerritoryLevel;
  code: string;
  path: string;
}

export interface LoadedGazetteer {
  version: string;
  index: AddressIndex;
  territories: Map<string, GeocoderTerritory>;
}

interface GazetteerState {
  loaded: LoadedGazetteer | null;
  /** Monotonic time (performance.now) of the last version check. */
  checkedAt: number;
  pending: Promise<LoadedGazetteer> | null;
}

// One matcher per process and database; a WeakMap so a closed database's copy goes with it.
const states = new WeakMap<Database, GazetteerState>();

function stateOf(database: Database): GazetteerState {
  let state = states.get(database);
  if (!state) {
    state = { loaded: null, checkedAt: -Infinity, pending: null };
    states.set(database, state);
  }
  return state;
}

// One segmenter per process: loading jieba's dictionary takes a quarter of a second. Place names are
// added as they appear; a name that disappears stays a word, which only keeps it whole.
let segmenter: Jieba | null = null;
const knownWords = new Set<string>();

function segmenterWith(words: readonly string[]): Jieba {
  segmenter ??= Jieba.withDict(dict);
  const fresh = words.filter((w) => !knownWords.has(w));
  if (fresh.length > 0) {
    segmenter.loadDict(Buffer.from(fresh.map((w) => `${w} ${PLACE_WORD_FREQUENCY} ns`).join('\n')));
    for (const w of fresh) knownWords.add(w);
  }
  return segmenter;
}

async function loadGazetteer(deps: Pick<Deps, 'database'>, version: string): Promise<LoadedGazetteer> {
  const { db } = deps.database;
  const [entries, places] = await Promise.all([listAllGazetteerEntries(db), listNamedTerritories(db)]);
  const index = buildAddressIndex(
    entries.map((e) => ({
      id: e.id,
      kind: e.kind as GazetteerKind,
      name: e.name,
      aliases: Array.isArray(e.aliases) ? (e.aliases as string[]) : [],
      territoryPath: e.territoryPath,
    })),
    places,
  );
  segmenterWith(dictionaryWords(index));
  const territories = new Map<string, GeocoderTerritory>();
  for (const place of places) territories.set(place.id, { ...place, level: place.level as TerritoryLevel });
  return { version, index, territories };
}

/**
 * Returns this process's gazetteer, reloading it when a change counter moved (another instance added
 * an entry or imported territories). The counters are read at most once a second.
 */
export async function getGazetteer(deps: Pick<Deps, 'database'>): Promise<LoadedGazetteer> {
  const state = stateOf(deps.database);
  if (state.loaded && performance.now() - state.checkedAt < GAZETTEER_CHECK_INTERVAL_MS) return state.loaded;
  if (state.pending) return state.pending;
  state.pending = (async () => {
    try {
      const version = await readGazetteerVersion(deps.database.db);
      state.checkedAt = performance.now();
      if (state.loaded && state.loaded.version === version) return state.loaded;
      state.loaded = await loadGazetteer(deps, version);
      return state.loaded;
    } finally {
      state.pending = null;
    }
  })();
  return state.pending;
}

/** Makes the next lookup check the counters at once (after a change made by this process). */
export function invalidateGazetteer(database: Database): void {
  stateOf(database).checkedAt = -Infinity;
}

/** Splits normalised address text into words, keeping gazetteer and place names whole. */
export function segmentAddress(text: string): string[] {
  const normalised = normaliseAddress(text);
  if (normalised.length === 0) return [];
  return segmenterWith([]).cut(normalised, false);
}

/** Ranks the gazetteer entries an address text names. */
export function matchAddress(gazetteer: LoadedGazetteer, text: string, limit: number): AddressCandidate[] {
  return rankAddressCandidates(segmentAddress(text), gazetteer.index, limit);
}
