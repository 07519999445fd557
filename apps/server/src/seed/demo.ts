/**
 * Deterministic demo data: a demo city (示范市) with 2 districts, 6 streets, 20 communities and 100
 * grids whose polygons tile the city without overlapping, the handling units, and one login per role.
 * Generated from a seeded random walk, so every run produces the same ids, names and shapes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import { buildTerritoryPath, type Role, type TerritoryLevel } from '@huizhi/domain';
import type { TUnitType } from '@huizhi/contracts';
import type { DbOrTx, Deps } from '../context.ts';
import { roleAssignments, territories, units, users } from '../db/schema.ts';
import { hashPassword } from '../modules/auth/passwords.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import { seedDemoLedger } from './demo-ledger.ts';
import { seedDemoRouting } from './demo-routing.ts';
import { seedDemoAppeals } from './demo-appeals.ts';
import { seedDemoWhistles } from './demo-whistles.ts';
import { seedDemoStewards } from './demo-stewards.ts';
import { ensureReferenceData, seedDemoCategoryTiers } from './reference.ts';

export const DEMO_PASSWORD = 'huizhi-demo-2026';

/** A stable UUID derived from a name, so demo ids are the same on every machine. */
export function stableId(name: string): string {
  const h = createHash('sha256').update(`huizhi-demo:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A small seeded PRNG (mulberry32). */
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

const COLUMNS = 10;
const ROWS = 10;
const WEST = 116.3;
const EAST = 116.5;
const SOUTH = 39.86;
const NORTH = 39.98;

/** An 11×11 lattice of slightly jittered vertices (border vertices stay on the border). */
function buildLattice(): [number, number][][] {
  const random = seededRandom(20260101);
  const dx = (EAST - WEST) / COLUMNS;
  const dy = (NORTH - SOUTH) / ROWS;
  const lattice: [number, number][][] = [];
  for (let r = 0; r <= ROWS; r++) {
    const row: [number, number][] = [];
    for (let c = 0; c <= COLUMNS; c++) {
      const jx = c === 0 || c === COLUMNS ? 0 : (random() - 0.5) * dx * 0.4;
      const jy = r === 0 || r === ROWS ? 0 : (random() - 0.5) * dy * 0.4;
      row.push([round(WEST + c * dx + jx), round(SOUTH + r * dy + jy)]);
    }
    lattice.push(row);
  }
  return lattice;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The boundary ring of the block of cells [c0, c1) × [r0, r1), counter-clockwise, closed. */
function blockPolygon(lattice: [number, number][][], c0: number, c1: number, r0: number, r1: number) {
  const at = (r: number, c: number) => lattice[r]![c]!;
  const ring: [number, number][] = [];
  for (let c = c0; c <= c1; c++) ring.push(at(r0, c));
  for (let r = r0 + 1; r <= r1; r++) ring.push(at(r, c1));
  for (let c = c1 - 1; c >= c0; c--) ring.push(at(r1, c));
  for (let r = r1 - 1; r > r0; r--) ring.push(at(r, c0));
  ring.push(at(r0, c0));
  return { type: 'Polygon', coordinates: [ring] };
}

const DISTRICTS = [
  { name: '明德区', streets: ['和平街道', '安定街道', '朝阳街道'] },
  { name: '清和区', streets: ['清源街道', '新华街道', '长乐街道'] },
];
const COMMUNITY_NAMES = [
  '东湖',
  '西苑',
  '南湖',
  '北辰',
  '春晖',
  '夏荷',
  '秋实',
  '冬青',
  '文华',
  '武英',
  '嘉园',
  '和风',
  '锦绣',
  '翠微',
  '金台',
  '银河',
  '玉泉',
  '紫竹',
  '青云',
  '白塔',
];
const DEPARTMENTS = [
  { key: 'cgzf', name: '城市管理综合执法局' },
  { key: 'zjw', name: '住房和城乡建设委员会' },
  { key: 'scjg', name: '市场监督管理局' },
  { key: 'sthj', name: '生态环境局' },
  { key: 'jtw', name: '交通委员会' },
];
// Rows of the 10×10 cell grid that make up each street: 4 rows, then 3, then 3.
const STREET_ROWS: [number, number][] = [
  [0, 4],
  [4, 7],
  [7, 10],
];

interface TerritorySeed {
  id: string;
  parentId: string | null;
  level: TerritoryLevel;
  name: string;
  code: string;
  path: string;
  geometry: object | null;
}

interface UnitSeed {
  id: string;
  name: string;
  code: string;
  type: TUnitType;
  territoryId: string;
}

/** Generates the demo territory tree and handling units. */
export function generateDemoCity(): { territories: TerritorySeed[]; units: UnitSeed[] } {
  const lattice = buildLattice();
  const list: TerritorySeed[] = [];
  const unitList: UnitSeed[] = [];
  const add = (
    parent: TerritorySeed | null,
    level: TerritoryLevel,
    name: string,
    code: string,
    geometry: object | null,
  ) => {
    const id = stableId(`territory:${code}`);
    const node = {
      id,
      parentId: parent?.id ?? null,
      level,
      name,
      code,
      path: buildTerritoryPath(parent?.path ?? null, id),
      geometry,
    };
    list.push(node);
    return node;
  };
  const city = add(null, 'city', '示范市', '990100000000', blockPolygon(lattice, 0, COLUMNS, 0, ROWS));
  unitList.push({
    id: stableId('unit:water'),
    name: '示范市自来水集团',
    code: 'U-ENT-WATER',
    type: 'enterprise',
    territoryId: city.id,
  });
  unitList.push({
    id: stableId('unit:gas'),
    name: '示范市燃气集团',
    code: 'U-ENT-GAS',
    type: 'enterprise',
    territoryId: city.id,
  });
  let communityIndex = 0;
  DISTRICTS.forEach((districtSeed, d) => {
    const c0 = d * 5;
    const dCode = `9901${String(d + 1).padStart(2, '0')}`;
    const district = add(
      city,
      'district',
      districtSeed.name,
      `${dCode}000000`,
      blockPolygon(lattice, c0, c0 + 5, 0, ROWS),
    );
    unitList.push({
      id: stableId(`unit:gov:${dCode}`),
      name: `${districtSeed.name}人民政府`,
      code: `U-GOV-${dCode}`,
      type: 'districtGovernment',
      territoryId: district.id,
    });
    for (const dept of DEPARTMENTS) {
      unitList.push({
        id: stableId(`unit:dept:${dCode}:${dept.key}`),
        name: `${districtSeed.name}${dept.name}`,
        code: `U-DEPT-${dCode}-${dept.key.toUpperCase()}`,
        type: 'department',
        territoryId: district.id,
      });
    }
    districtSeed.streets.forEach((streetName, s) => {
      const [r0, r1] = STREET_ROWS[s]!;
      const sCode = `${dCode}${String(s + 1).padStart(3, '0')}`;
      const street = add(
        district,
        'street',
        streetName,
        `${sCode}000`,
        blockPolygon(lattice, c0, c0 + 5, r0, r1),
      );
      unitList.push({
        id: stableId(`unit:street:${sCode}`),
        name: `${streetName}办事处`,
        code: `U-STREET-${sCode}`,
        type: 'street',
        territoryId: street.id,
      });
      for (let r = r0; r < r1; r++) {
        const communityName = `${COMMUNITY_NAMES[communityIndex++]}社区`;
        const cCode = `${sCode}${String(r - r0 + 1).padStart(3, '0')}`;
        const community = add(
          street,
          'community',
          communityName,
          cCode,
          blockPolygon(lattice, c0, c0 + 5, r, r + 1),
        );
        unitList.push({
          id: stableId(`unit:community:${cCode}`),
          name: `${communityName}居民委员会`,
          code: `U-COMM-${cCode}`,
          type: 'community',
          territoryId: community.id,
        });
        for (let g = 0; g < 5; g++) {
          add(
            community,
            'grid',
            `${communityName}第${g + 1}网格`,
            `${cCode}G${String(g + 1).padStart(2, '0')}`,
            blockPolygon(lattice, c0 + g, c0 + g + 1, r, r + 1),
          );
        }
      }
    });
  });
  return { territories: list, units: unitList };
}

interface DemoLogin {
  /** The sign-in name: the role's name for the first login of each role. */
  username: string;
  role: Role;
  displayName: string;
  phone: string;
  /** The territory code or unit code the role applies to. */
  territoryCode?: string;
  unitCode?: string;
  description: string;
}

/**
 * One demo login per role (its username is the role), each scoped the way that person would be, and a
 * second department's handler (住建委) for joint handling (吹哨报到).
 */
export const DEMO_LOGINS: DemoLogin[] = [
  {
    username: 'resident',
    role: 'resident',
    displayName: '王小明',
    phone: '13800000001',
    territoryCode: '990101001001',
    description: '东湖社区居民',
  },
  {
    username: 'operator',
    role: 'operator',
    displayName: '李话务',
    phone: '13800000002',
    territoryCode: '990100000000',
    description: '12345 热线话务员（全市）',
  },
  {
    username: 'dispatcher',
    role: 'dispatcher',
    displayName: '赵派单',
    phone: '13800000003',
    territoryCode: '990101001000',
    description: '和平街道派单员',
  },
  {
    username: 'handler',
    role: 'handler',
    displayName: '钱承办',
    phone: '13800000004',
    unitCode: 'U-DEPT-990101-CGZF',
    description: '明德区城管执法局承办人',
  },
  {
    username: 'unitLead',
    role: 'unitLead',
    displayName: '孙主任',
    phone: '13800000005',
    unitCode: 'U-STREET-990101001',
    description: '和平街道办事处负责人',
  },
  {
    username: 'gridWorker',
    role: 'gridWorker',
    displayName: '周网格',
    phone: '13800000006',
    territoryCode: '990101001001G01',
    description: '东湖社区第1网格网格员',
  },
  {
    username: 'partyMember',
    role: 'partyMember',
    displayName: '吴党员',
    phone: '13800000007',
    territoryCode: '990101001001',
    description: '到东湖社区报到的在职党员',
  },
  {
    username: 'volunteer',
    role: 'volunteer',
    displayName: '郑志愿',
    phone: '13800000008',
    territoryCode: '990101001001',
    description: '东湖社区志愿者',
  },
  {
    username: 'assessor',
    role: 'assessor',
    displayName: '冯考核',
    phone: '13800000009',
    territoryCode: '990100000000',
    description: '市政务服务局考核员（全市）',
  },
  {
    username: 'admin',
    role: 'admin',
    displayName: '陈管理',
    phone: '13800000010',
    territoryCode: '990100000000',
    description: '系统管理员（全市）',
  },
  {
    username: 'housingHandler',
    role: 'handler',
    displayName: '韩住建',
    phone: '13800000011',
    unitCode: 'U-DEPT-990101-ZJW',
    description: '明德区住建委承办人（吹哨报到的第二个部门）',
  },
];

/** True when the database holds no territory yet (a first start). */
export async function isDatabaseEmpty(db: DbOrTx): Promise<boolean> {
  const rows = await db.select({ n: count() }).from(territories);
  return (rows[0]?.n ?? 0) === 0;
}

/** Seeds the demo city and logins in one transaction. */
export async function seedDemo(deps: Deps): Promise<{ territories: number; units: number; users: number }> {
  const city = generateDemoCity();
  const now = deps.clock.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const byCode = new Map(city.territories.map((t) => [t.code, t.id]));
  const unitByCode = new Map(city.units.map((u) => [u.code, u.id]));
  await deps.database.db.transaction(async (tx) => {
    await ensureReferenceData(tx, now);
    await tx
      .insert(territories)
      .values(city.territories.map((t) => ({ ...t, createdAt: now, updatedAt: now })));
    await tx.insert(units).values(city.units.map((u) => ({ ...u, createdAt: now })));
    for (const login of DEMO_LOGINS) {
      const userId = stableId(`user:${login.username}`);
      await tx.insert(users).values({
        id: userId,
        username: login.username,
        displayName: login.displayName,
        phone: login.phone,
        passwordHash,
        locale: 'zh-CN',
        createdAt: now,
      });
      await tx.insert(roleAssignments).values({
        id: randomUUID(),
        userId,
        role: login.role,
        territoryId: login.territoryCode ? (byCode.get(login.territoryCode) ?? null) : null,
        unitId: login.unitCode ? (unitByCode.get(login.unitCode) ?? null) : null,
        createdAt: now,
      });
    }
    await seedDemoLedger(tx, deps, city.territories);
    await seedDemoRouting(tx, deps, city);
    await seedDemoCategoryTiers(tx);
    await seedDemoAppeals(tx, deps, city, {
      userIdOf: (username) => stableId(`user:${username}`),
      appealIdOf: (key) => stableId(`appeal:${key}`),
    });
    await seedDemoWhistles(tx, deps, {
      userIdOf: (username) => stableId(`user:${username}`),
      appealIdOf: (key) => stableId(`appeal:${key}`),
      unitIdOf: (code) => unitByCode.get(code)!,
      territoryIdOf: (code) => byCode.get(code)!,
    });
    await seedDemoStewards(tx, deps, city, {
      userIdOf: (username) => stableId(`user:${username}`),
      postIdOf: (key) => stableId(`stewardPost:${key}`),
    });
    await recordAudit(tx, deps, null, null, {
      action: 'seed.demo',
      entityType: 'database',
      details: { territories: city.territories.length, units: city.units.length, users: DEMO_LOGINS.length },
    });
  });
  return { territories: city.territories.length, units: city.units.length, users: DEMO_LOGINS.length };
}
