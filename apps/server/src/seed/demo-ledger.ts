/**
 * Deterministic demo data for grids and the resident ledger: published households and population on
 * every territory (grids 300–500 households, parents the sums), a public card and staff for every grid,
 * and a small resident ledger (about 50 households) in the grids of 东湖社区 and 西苑社区. Every
 * person, phone and ID number is invented: phones 138…, ID numbers starting 990101 (no real region).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { GridStaffPosition, ResidentTag } from '@huizhi/domain';
import type { DbOrTx, Deps } from '../context.ts';
import { gridCards, gridStaff, households, residents } from '../db/schema.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';

/** The fields of a demo territory this seed reads. */
export interface DemoPlace {
  id: string;
  parentId: string | null;
  level: string;
  name: string;
  code: string;
  path: string;
}

/** The communities whose grids get a demo ledger. */
export const DEMO_LEDGER_COMMUNITIES = ['990101001001', '990101001002'];
const HOUSEHOLDS_PER_GRID = 5;

export const DEMO_GRID_DUTIES = [
  '收集辖区人口、房屋、单位等基础信息',
  '走访入户，收集社情民意',
  '排查并报告安全隐患',
  '排查化解矛盾纠纷',
  '宣传政策法规',
  '为居民代办服务事项',
  '分析研判网格数据',
  '协助维护平安稳定',
];

const SURNAMES = [
  '张',
  '李',
  '王',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
  '梁',
];
const GIVEN = [
  '建国',
  '秀英',
  '志强',
  '丽华',
  '海燕',
  '国平',
  '红梅',
  '晓东',
  '春花',
  '明',
  '静',
  '伟',
  '芳',
  '磊',
  '敏',
  '涛',
  '霞',
  '军',
  '婷',
  '洋',
];

/** A stable UUID for a demo record (same scheme as demo.ts, its own name space). */
function stableLedgerId(name: string): string {
  const h = createHash('sha256').update(`huizhi-demo:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A small seeded PRNG (mulberry32), so every run draws the same numbers. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A fake 18-character identity number with a valid check character (region 990101 does not exist). */
export function fakeIdNumber(birthYear: number, month: number, day: number, serial: number, male: boolean) {
  const sequence = serial * 2 + (male ? 1 : 0);
  const body = `990101${birthYear}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(sequence % 1000).padStart(3, '0')}`;
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(body[i]), 0);
  return `${body}${'10X98765432'[sum % 11]}`;
}

/** Published households per grid (300–500) and population; parents carry the sums of their children. */
export function generatePublishedFigures(places: DemoPlace[]) {
  const random = seededRandom(20260302);
  const figures = new Map<string, { households: number; population: number }>();
  for (const grid of places.filter((p) => p.level === 'grid')) {
    const count = 300 + Math.floor(random() * 201);
    figures.set(grid.id, { households: count, population: Math.round(count * (2.3 + random() * 0.6)) });
  }
  // Deepest first, so each parent sums children already summed.
  const byDepth = [...places].sort((a, b) => b.path.length - a.path.length);
  for (const place of byDepth) {
    const own = figures.get(place.id);
    if (!own || !place.parentId) continue;
    const parent = figures.get(place.parentId) ?? { households: 0, population: 0 };
    figures.set(place.parentId, {
      households: parent.households + own.households,
      population: parent.population + own.population,
    });
  }
  return figures;
}

interface StaffSeed {
  id: string;
  gridId: string;
  userId: string | null;
  name: string;
  phone: string;
  position: GridStaffPosition;
  startsOn: string;
  endsOn: string | null;
}

/** Staff periods for every grid: a leader, a full-time worker, a part-time worker, an adviser. */
export function generateGridStaff(
  places: DemoPlace[],
  gridWorkerUser: { id: string; name: string; gridCode: string },
) {
  const staff: StaffSeed[] = [];
  const grids = places.filter((p) => p.level === 'grid').sort((a, b) => a.code.localeCompare(b.code));
  grids.forEach((grid, g) => {
    const person = (k: number) =>
      `${SURNAMES[(g * 4 + k) % SURNAMES.length]}${GIVEN[(g * 7 + k * 3) % GIVEN.length]}`;
    const phone = (k: number) => `0531-8${String(g * 10 + k + 1).padStart(7, '0')}`;
    const add = (
      k: number,
      position: GridStaffPosition,
      name: string,
      startsOn: string,
      endsOn: string | null,
      userId: string | null = null,
    ) =>
      staff.push({
        id: stableLedgerId(`gridStaff:${grid.code}:${k}`),
        gridId: grid.id,
        userId,
        name,
        phone: phone(k),
        position,
        startsOn,
        endsOn,
      });
    const isWorkerGrid = grid.code === gridWorkerUser.gridCode;
    add(0, 'gridLeader', person(0), '2024-01-01', null);
    add(
      1,
      'gridWorker',
      isWorkerGrid ? gridWorkerUser.name : person(1),
      '2024-07-01',
      null,
      isWorkerGrid ? gridWorkerUser.id : null,
    );
    add(2, 'partTimeGridWorker', person(2), '2025-03-01', null);
    add(3, 'gridAdviser', person(3), '2024-01-01', null);
    // Every fourth grid shows a change of worker: the earlier period ended.
    if (g % 4 === 0) add(4, 'gridWorker', person(4), '2022-01-01', '2024-06-30');
  });
  return staff;
}

interface ResidentSeed {
  id: string;
  householdId: string;
  name: string;
  gender: 'male' | 'female';
  birthYear: number;
  idNumber: string;
  phone: string;
  relation: string;
  tags: ResidentTag[];
}

/** About 50 households with residents in the grids of the ledger communities. */
export function generateDemoLedger(places: DemoPlace[]) {
  const random = seededRandom(990101);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const communities = places.filter((p) => DEMO_LEDGER_COMMUNITIES.includes(p.code));
  const householdRows: { id: string; territoryId: string; address: string }[] = [];
  const residentRows: ResidentSeed[] = [];
  let serial = 0;
  for (const community of communities) {
    const compound = community.name.replace('社区', '小区');
    const grids = places
      .filter((p) => p.parentId === community.id)
      .sort((a, b) => a.code.localeCompare(b.code));
    grids.forEach((grid, g) => {
      for (let h = 0; h < HOUSEHOLDS_PER_GRID; h++) {
        const householdId = stableLedgerId(`household:${grid.code}:${h}`);
        const building = g * 3 + Math.floor(h / 2) + 1;
        householdRows.push({
          id: householdId,
          territoryId: grid.id,
          address: `${compound}${building}号楼${(h % 2) + 1}单元${100 * (h + 1) + 1}室`,
        });
        const surname = pick(SURNAMES);
        const person = (
          k: number,
          relation: string,
          birthYear: number,
          gender: 'male' | 'female',
          tags: ResidentTag[],
          name = `${surname}${pick(GIVEN)}`,
        ) => {
          serial++;
          residentRows.push({
            id: stableLedgerId(`resident:${grid.code}:${h}:${k}`),
            householdId,
            name,
            gender,
            birthYear,
            idNumber: fakeIdNumber(
              birthYear,
              1 + (serial % 12),
              1 + (serial % 28),
              serial,
              gender === 'male',
            ),
            phone: `138${String(10000000 + serial * 7919).slice(-8)}`,
            relation,
            tags,
          });
        };
        // Household 0 of each grid: an elderly person living alone.
        if (h === 0) {
          person(0, '户主', 1938 + g, 'female', ['elderlyAlone']);
          continue;
        }
        const headYear = 1960 + Math.floor(random() * 30);
        const headTags: ResidentTag[] = [];
        if (h === 1 && g % 2 === 0) headTags.push('veteran');
        if (h === 2 && g % 3 === 0) headTags.push('lowIncome');
        if (h === 3 && g % 2 === 1) headTags.push('disabled');
        // Sensitive tags on a very few residents (the first grid of each community).
        if (g === 0 && h === 1)
          headTags.push(community.code.endsWith('1') ? 'petitioner' : 'communityCorrection');
        person(1, '户主', headYear, 'male', headTags);
        const spouseTags: ResidentTag[] = [];
        if (h === 4 && g % 2 === 0) spouseTags.push('pregnant');
        if (g === 0 && h === 2 && community.code.endsWith('1')) spouseTags.push('mentalIllness');
        person(2, '配偶', headYear + 2, 'female', spouseTags);
        if (h >= 3) {
          person(
            3,
            '子女',
            2014 + (h % 3),
            h % 2 === 0 ? 'female' : 'male',
            h === 3 && g === 1 ? ['leftBehindChild'] : [],
            `${surname}${pick(GIVEN)}`,
          );
        }
      }
    });
  }
  return { households: householdRows, residents: residentRows };
}

/**
 * Seeds grid figures, cards, staff and the demo ledger inside the demo seed's transaction (after the
 * territories and users exist).
 */
export async function seedDemoLedger(tx: DbOrTx, deps: Pick<Deps, 'clock'>, places: DemoPlace[]) {
  const now = deps.clock.now();
  const figures = generatePublishedFigures(places);
  const values = [...figures].map(
    ([id, f]) => sql`(${id}::uuid, ${f.households}::int, ${f.population}::int)`,
  );
  await tx.execute(
    sql`update territories as t set households = v.households, population = v.population
        from (values ${sql.join(values, sql`, `)}) as v(id, households, population) where t.id = v.id`,
  );

  const gridPlaces = places.filter((p) => p.level === 'grid');
  const communityIndex = new Map(
    places
      .filter((p) => p.level === 'community')
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((p, i) => [p.id, i]),
  );
  await tx.insert(gridCards).values(
    gridPlaces.map((grid) => ({
      territoryId: grid.id,
      supervisionPhone: `0531-89${String(communityIndex.get(grid.parentId ?? '') ?? 0).padStart(6, '0')}`,
      duties: DEMO_GRID_DUTIES,
      updatedAt: now,
    })),
  );

  const staff = generateGridStaff(places, {
    id: stableLedgerId('user:gridWorker'),
    name: '周网格',
    gridCode: '990101001001G01',
  });
  await tx.insert(gridStaff).values(staff.map((s) => ({ ...s, createdAt: now })));

  const ledger = generateDemoLedger(places);
  await tx
    .insert(households)
    .values(ledger.households.map((h) => ({ ...h, createdAt: now, updatedAt: now })));
  await tx.insert(residents).values(ledger.residents.map((r) => ({ ...r, createdAt: now, updatedAt: now })));

  await recordAudit(tx, deps, null, null, {
    action: 'seed.demoLedger',
    entityType: 'database',
    details: {
      gridCards: gridPlaces.length,
      gridStaff: staff.length,
      households: ledger.households.length,
      residents: ledger.residents.length,
    },
  });
  return {
    gridStaff: staff.length,
    households: ledger.households.length,
    residents: ledger.residents.length,
  };
}
