import { describe, expect, it } from 'vitest';
import {
  buildAddressIndex,
  dictionaryWords,
  normaliseAddress,
  parseChineseNumber,
  rankAddressCandidates,
  type AddressEntry,
  type AddressPlace,
} from './address.ts';

describe('parseChineseNumber', () => {
  it.each([
    ['一', 1],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十三', 23],
    ['两', 2],
    ['一百零五', 105],
    ['两千', 2000],
    ['', null],
    ['三a', null],
  ])('%s → %s', (text, expected) => {
    expect(parseChineseNumber(text)).toBe(expected);
  });
});

describe('normaliseAddress', () => {
  it.each([
    ['东湖小区３号楼', '东湖小区3号楼'],
    ['东湖小区 三号楼', '东湖小区3号楼'],
    ['东湖小区十二栋', '东湖小区12号楼'],
    ['东湖小区12幢2单元', '东湖小区12号楼2单元'],
    ['东湖小区二单元五层', '东湖小区2单元5层'],
    ['东湖路五号', '东湖路5号'],
    ['（东湖家园）！', '东湖家园'],
    ['Ａ座', 'a座'],
    ['一心一意', '一心一意'],
    ['', ''],
  ])('%s → %s', (text, expected) => {
    expect(normaliseAddress(text)).toBe(expected);
  });
});

// 明德区 D1 → 和平街道 S1 → 东湖社区 M1 → grids G1, G2; 安定街道 S2 → 西苑社区 M2 → grid G3.
const PLACES: AddressPlace[] = [
  { id: 'C', name: '示范市', level: 'city' },
  { id: 'D1', name: '明德区', level: 'district' },
  { id: 'S1', name: '和平街道', level: 'street' },
  { id: 'S2', name: '安定街道', level: 'street' },
  { id: 'M1', name: '东湖社区', level: 'community' },
  { id: 'M2', name: '西苑社区', level: 'community' },
  { id: 'G1', name: '东湖社区第1网格', level: 'grid' },
];
const G1 = '/C/D1/S1/M1/G1/';
const G2 = '/C/D1/S1/M1/G2/';
const G3 = '/C/D1/S2/M2/G3/';
const ENTRIES: AddressEntry[] = [
  { id: 'road', kind: 'road', name: '东湖路', aliases: ['东湖大街'], territoryPath: '/C/D1/S1/M1/' },
  { id: 'compound', kind: 'compound', name: '东湖小区', aliases: ['东湖家园', '东湖院'], territoryPath: G1 },
  {
    id: 'building',
    kind: 'building',
    name: '东湖小区3号楼',
    aliases: ['东湖家园3号楼', '东湖院3栋'],
    territoryPath: G1,
  },
  { id: 'clinic', kind: 'landmark', name: '东湖社区卫生服务站', aliases: [], territoryPath: G2 },
  { id: 'west', kind: 'compound', name: '西苑小区', aliases: ['西苑家园'], territoryPath: G3 },
];
const index = buildAddressIndex(ENTRIES, PLACES);
const rank = (tokens: string[], limit = 5) => rankAddressCandidates(tokens, index, limit);

describe('rankAddressCandidates', () => {
  it('ranks an exact building above its compound', () => {
    const result = rank(['东湖小区3号楼', '门口']);
    expect(result.map((c) => c.entryId)).toEqual(['building']);
    const split = rank(['东湖小区', '3', '号楼']);
    expect(split.map((c) => c.entryId)).toEqual(['building', 'compound']);
    expect(split[0]!.score).toBeGreaterThan(split[1]!.score);
  });

  it('ranks a building above a road named in the same text', () => {
    const result = rank(['东湖路', '东湖小区3号楼']);
    expect(result.map((c) => c.entryId)).toEqual(['building', 'road']);
  });

  it('matches aliases, a little below the name, and normalises the tokens', () => {
    const byAlias = rank(['东湖家园']);
    const byName = rank(['东湖小区']);
    expect(byAlias[0]).toMatchObject({ entryId: 'compound', matched: ['东湖家园'] });
    expect(byAlias[0]!.score).toBeLessThan(byName[0]!.score);
    expect(rank(['东湖院', '三栋'])[0]).toMatchObject({ entryId: 'building', matched: ['东湖院3号楼'] });
  });

  it('raises the score when the text names the entry’s street and lowers it for another street', () => {
    const none = rank(['东湖小区'])[0]!.score;
    const own = rank(['和平街道', '东湖小区'])[0]!;
    const other = rank(['安定街道', '东湖小区'])[0]!;
    expect(own.score).toBeGreaterThan(none);
    expect(own.matched).toEqual(['东湖小区', '和平街道']);
    expect(other.score).toBeLessThan(none);
    // Naming the district and the street of the other compound puts it first.
    const mixed = rank(['安定街道', '西苑家园', '东湖小区']);
    expect(mixed[0]!.entryId).toBe('west');
  });

  it('keeps every score within 0 and 1', () => {
    for (const tokens of [
      ['东湖小区3号楼'],
      ['示范市', '明德区', '和平街道', '东湖社区', '东湖小区3号楼'],
      ['安定街道', '西苑社区', '东湖路'],
    ]) {
      for (const c of rank(tokens)) {
        expect(c.score).toBeGreaterThanOrEqual(0);
        expect(c.score).toBeLessThanOrEqual(1);
      }
    }
  });

  it('does not mistake a place mention for an entry, and keeps a landmark that contains a place name', () => {
    expect(rank(['东湖社区'])).toEqual([]);
    expect(rank(['东湖社区卫生服务站'])[0]!.entryId).toBe('clinic');
    expect(rank(['东湖社区', '卫生', '服务站'])[0]).toMatchObject({ entryId: 'clinic' });
  });

  it.each([[[]], [['']], [['!!!', '@@']], [['天气', '不错']]])('gives nothing for %j', (tokens) => {
    expect(rank(tokens)).toEqual([]);
  });

  it('honours the limit', () => {
    expect(rank(['东湖小区3号楼', '东湖路', '东湖社区卫生服务站'], 2)).toHaveLength(2);
    expect(rank(['东湖小区'], 0)).toEqual([]);
  });

  it('lists the words the segmenter must keep whole', () => {
    const words = dictionaryWords(index);
    expect(words).toEqual(expect.arrayContaining(['东湖家园', '东湖院3号楼', '和平街道', '和平', '明德']));
    // The short form of 东湖社区 would be ambiguous with nothing here, so it is a place name.
    expect(words).toContain('东湖');
  });
});
