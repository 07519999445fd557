/**
 * The demo steward chain (院长长制) of 和平街道: the street steward (the street office's lead 孙主任),
 * the area steward of 东湖片, a lane steward, and two courtyard stewards: 东湖小区 with its own outline
 * inside 东湖社区第1网格, whose steward is the demo party member 吴党员, and 东湖花园 (the whole of
 * 东湖社区第2网格, no outline). Seeding also starts the chain's watermark, so the demo appeals seeded
 * before it are never swept in and any appeal recorded afterwards is.
 */
import type { DbOrTx, Deps } from '../context.ts';
import { stewardPosts } from '../db/schema.ts';
import { ensureWatermark } from '../modules/stewards/stewards.repository.ts';
import { STEWARD_CHAIN_WATERMARK } from '../modules/stewards/stewards.service.ts';

interface DemoTerritory {
  id: string;
  code: string;
  path: string;
}

interface DemoPost {
  key: string;
  parent: string | null;
  level: 'street' | 'area' | 'lane' | 'courtyard';
  name: string;
  territoryCode: string;
  geometry?: { type: 'Polygon'; coordinates: [number, number][][] };
  steward: { name: string; phone: string; username?: string };
}

/** The outline of 东湖小区, well inside 东湖社区第1网格 (116.300–116.318 E, 39.860–39.871 N). */
export const DONGHU_COURTYARD_OUTLINE: { type: 'Polygon'; coordinates: [number, number][][] } = {
  type: 'Polygon',
  coordinates: [
    [
      [116.306, 39.863],
      [116.312, 39.863],
      [116.312, 39.867],
      [116.306, 39.867],
      [116.306, 39.863],
    ],
  ],
};

const DEMO_POSTS: DemoPost[] = [
  {
    key: 'heping',
    parent: null,
    level: 'street',
    name: '和平街道街长',
    territoryCode: '990101001000',
    steward: { name: '孙主任', phone: '13800000005', username: 'unitLead' },
  },
  {
    key: 'donghu-area',
    parent: 'heping',
    level: 'area',
    name: '东湖片片长',
    territoryCode: '990101001001',
    steward: { name: '刘片长', phone: '13800000021' },
  },
  {
    key: 'donghu-lane',
    parent: 'donghu-area',
    level: 'lane',
    name: '东湖路巷长',
    territoryCode: '990101001001',
    steward: { name: '马巷长', phone: '13800000022' },
  },
  {
    key: 'donghu-xiaoqu',
    parent: 'donghu-lane',
    level: 'courtyard',
    name: '东湖小区院长',
    territoryCode: '990101001001G01',
    geometry: DONGHU_COURTYARD_OUTLINE,
    steward: { name: '吴党员', phone: '13800000007', username: 'partyMember' },
  },
  {
    key: 'donghu-huayuan',
    parent: 'donghu-lane',
    level: 'courtyard',
    name: '东湖花园院长',
    territoryCode: '990101001001G02',
    steward: { name: '何院长', phone: '13800000023' },
  },
];

/** Seeds the demo posts in the caller's transaction (after the city and the logins). Returns how many. */
export async function seedDemoStewards(
  tx: DbOrTx,
  deps: Deps,
  city: { territories: readonly DemoTerritory[] },
  ids: { userIdOf: (username: string) => string; postIdOf: (key: string) => string },
): Promise<number> {
  const now = deps.clock.now();
  const byCode = new Map(city.territories.map((t) => [t.code, t]));
  const streetId = byCode.get('990101001000')!.id;
  await tx.insert(stewardPosts).values(
    DEMO_POSTS.map((post) => {
      const territory = byCode.get(post.territoryCode)!;
      return {
        id: ids.postIdOf(post.key),
        streetId,
        parentId: post.parent === null ? null : ids.postIdOf(post.parent),
        level: post.level,
        name: post.name,
        territoryId: territory.id,
        territoryPath: territory.path,
        geometry: post.geometry ?? null,
        stewardUserId: post.steward.username ? ids.userIdOf(post.steward.username) : null,
        stewardName: post.steward.name,
        stewardPhone: post.steward.phone,
        createdAt: now,
        updatedAt: now,
      };
    }),
  );
  await ensureWatermark(tx, STEWARD_CHAIN_WATERMARK, now);
  return DEMO_POSTS.length;
}

/** The keys of the demo posts, for tests. */
export const DEMO_STEWARD_POST_KEYS = DEMO_POSTS.map((post) => post.key);
