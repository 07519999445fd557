/**
 * Demo routing data: the default three-level category taxonomy of a 12345 hotline, a gazetteer of
 * roads, compounds, buildings and landmarks for every community and grid of the demo city, and a
 * small dispatch catalogue. Generated from the demo city alone, so every run gives the same ids.
 */
import type { GazetteerKind, TerritoryLevel } from '@huizhi/domain';
import type { DbOrTx, Deps } from '../context.ts';
import { categories, dispatchRules, gazetteerEntries } from '../db/schema.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import { bumpGazetteerCounter } from '../modules/gazetteer/gazetteer.repository.ts';
import { stableId } from './demo.ts';

export interface CategorySeed {
  code: string;
  parentCode: string | null;
  level: number;
  nameZh: string;
  nameEn: string;
}

// The areas of a 12345 hotline, each with second-level and some third-level items. A code is its
// parent's code and two digits, so the level and the parent follow from it.
const TAXONOMY: [code: string, zh: string, en: string][] = [
  ['01', '城乡建设', 'Urban and rural construction'],
  ['0101', '房屋管理', 'Housing management'],
  ['010101', '物业服务', 'Property management services'],
  ['010102', '房屋漏水', 'Leaking buildings'],
  ['010103', '电梯故障', 'Lift breakdowns'],
  ['0102', '施工管理', 'Construction sites'],
  ['010201', '施工扰民', 'Construction noise and dust'],
  ['010202', '违法建设', 'Illegal construction'],
  ['0103', '老旧小区改造', 'Renovation of old compounds'],
  ['02', '市容环境', 'City appearance'],
  ['0201', '环境卫生', 'Sanitation'],
  ['020101', '垃圾清运', 'Waste collection'],
  ['020102', '道路清扫', 'Street cleaning'],
  ['0202', '占道经营', 'Street vending'],
  ['020201', '无照游商', 'Unlicensed hawkers'],
  ['0203', '户外广告', 'Outdoor advertising'],
  ['03', '交通出行', 'Transport'],
  ['0301', '道路设施', 'Road facilities'],
  ['030101', '路面破损', 'Damaged road surface'],
  ['030102', '井盖缺失', 'Missing manhole covers'],
  ['0302', '停车管理', 'Parking'],
  ['030201', '违章停车', 'Illegal parking'],
  ['0303', '公共交通', 'Public transport'],
  ['04', '市场监管', 'Market regulation'],
  ['0401', '食品安全', 'Food safety'],
  ['040101', '餐饮卫生', 'Restaurant hygiene'],
  ['0402', '消费纠纷', 'Consumer disputes'],
  ['040201', '预付卡退费', 'Prepaid card refunds'],
  ['05', '供水供电供气供热', 'Water, power, gas and heating'],
  ['0501', '供水', 'Water supply'],
  ['050101', '停水', 'Water outage'],
  ['050102', '水质问题', 'Water quality'],
  ['0502', '供电', 'Power supply'],
  ['050201', '停电', 'Power outage'],
  ['0503', '供气', 'Gas supply'],
  ['050301', '燃气泄漏', 'Gas leak'],
  ['0504', '供热', 'Heating'],
  ['050401', '暖气不热', 'Radiators not warm'],
  ['06', '社区管理', 'Community management'],
  ['0601', '邻里纠纷', 'Disputes between neighbours'],
  ['0602', '社区服务', 'Community services'],
  ['060201', '养老服务', 'Care for the elderly'],
  ['0603', '宠物管理', 'Pets'],
  ['07', '治安', 'Public order'],
  ['0701', '噪声扰民', 'Noise nuisance'],
  ['0702', '安全隐患', 'Safety hazards'],
  ['070201', '消防通道占用', 'Blocked fire lanes'],
  ['08', '生态环境', 'Ecology and environment'],
  ['0801', '大气污染', 'Air pollution'],
  ['080101', '餐饮油烟', 'Cooking fumes'],
  ['0802', '水体污染', 'Water pollution'],
  ['09', '劳动社保', 'Labour and social security'],
  ['0901', '拖欠工资', 'Unpaid wages'],
  ['0902', '社会保险', 'Social insurance'],
  ['090201', '医保报销', 'Medical insurance claims'],
  ['10', '教育卫生', 'Education and health'],
  ['1001', '教育', 'Education'],
  ['100101', '入学入园', 'School and kindergarten places'],
  ['1002', '医疗卫生', 'Health care'],
  ['100201', '医疗服务', 'Medical services'],
];

/** The default category taxonomy as flat rows, parents before children. */
export function defaultCategories(): CategorySeed[] {
  return TAXONOMY.map(([code, nameZh, nameEn]) => ({
    code,
    parentCode: code.length > 2 ? code.slice(0, -2) : null,
    level: code.length / 2,
    nameZh,
    nameEn,
  }));
}

interface CityTerritory {
  id: string;
  parentId: string | null;
  level: TerritoryLevel;
  name: string;
  code: string;
  geometry: object | null;
}

interface CityUnit {
  id: string;
  code: string;
}

export interface GazetteerSeed {
  id: string;
  territoryId: string;
  kind: GazetteerKind;
  name: string;
  aliases: string[];
  point: [number, number] | null;
}

/** The mean of a polygon's outer ring (without the closing vertex): a point inside a convex-ish tile. */
function centreOf(geometry: object | null): [number, number] | null {
  const ring = (geometry as { coordinates?: [number, number][][] } | null)?.coordinates?.[0];
  if (!ring || ring.length < 2) return null;
  const open = ring.slice(0, -1);
  const sum = open.reduce((acc, [lng, lat]) => [acc[0] + lng, acc[1] + lat], [0, 0]);
  return [Math.round((sum[0] / open.length) * 1e6) / 1e6, Math.round((sum[1] / open.length) * 1e6) / 1e6];
}

// The compound of each of a community's five grids: a suffix and its aliases.
const COMPOUNDS: { suffix: string; aliases: string[] }[] = [
  { suffix: '小区', aliases: ['家园', '院'] },
  { suffix: '花园', aliases: ['花园小区'] },
  { suffix: '新村', aliases: ['新村小区'] },
  { suffix: '公寓', aliases: ['公寓小区'] },
  { suffix: '里', aliases: ['里小区'] },
];
const BUILDINGS_PER_COMPOUND = 3;
// Landmarks by grid number (1-based): community health station, primary school, food market.
const LANDMARKS: { grid: number; suffix: string; aliases: string[] }[] = [
  { grid: 2, suffix: '社区卫生服务站', aliases: ['社区医院'] },
  { grid: 3, suffix: '小学', aliases: ['小学校'] },
  { grid: 4, suffix: '菜市场', aliases: ['农贸市场'] },
];

/** Generates the gazetteer: per community two roads and three landmarks, per grid a compound with buildings. */
export function generateGazetteer(territoryList: readonly CityTerritory[]): GazetteerSeed[] {
  const entries: GazetteerSeed[] = [];
  const add = (territory: CityTerritory, kind: GazetteerKind, name: string, aliases: string[]) => {
    entries.push({
      id: stableId(`gazetteer:${territory.code}:${name}`),
      territoryId: territory.id,
      kind,
      name,
      aliases,
      point: centreOf(territory.geometry),
    });
  };
  for (const community of territoryList.filter((t) => t.level === 'community')) {
    const stem = community.name.replace(/社区$/, '');
    add(community, 'road', `${stem}路`, [`${stem}大道`]);
    add(community, 'road', `${stem}北街`, [`${stem}北大街`]);
    const grids = territoryList
      .filter((t) => t.parentId === community.id && t.level === 'grid')
      .sort((a, b) => (a.code < b.code ? -1 : 1));
    grids.forEach((grid, g) => {
      const compound = COMPOUNDS[g % COMPOUNDS.length]!;
      const name = `${stem}${compound.suffix}`;
      const aliases = compound.aliases.map((a) => `${stem}${a}`);
      add(grid, 'compound', name, aliases);
      for (let n = 1; n <= BUILDINGS_PER_COMPOUND; n++) {
        add(grid, 'building', `${name}${n}号楼`, [...aliases.map((a) => `${a}${n}号楼`), `${name}${n}栋`]);
      }
      for (const landmark of LANDMARKS.filter((l) => l.grid === g + 1)) {
        add(
          grid,
          'landmark',
          `${stem}${landmark.suffix}`,
          landmark.aliases.map((a) => `${stem}${a}`),
        );
      }
    });
  }
  return entries;
}

export interface DispatchRuleSeed {
  id: string;
  categoryCode: string | null;
  territoryId: string;
  unitId: string | null;
  unitType: string | null;
  copyToUnitId: string | null;
  priority: number;
  note: string | null;
}

// Per district: category → the district department that handles it.
const DISTRICT_DEPARTMENT_RULES: { category: string; department: string }[] = [
  { category: '01', department: 'zjw' },
  { category: '02', department: 'cgzf' },
  { category: '03', department: 'jtw' },
  { category: '04', department: 'scjg' },
  { category: '08', department: 'sthj' },
];

/** Generates the demo dispatch catalogue; 治安, 劳动社保, 教育卫生, 供电 and 供热 are left to the fallback. */
export function generateDispatchRules(
  territoryList: readonly CityTerritory[],
  unitList: readonly CityUnit[],
): DispatchRuleSeed[] {
  const byCode = new Map(territoryList.map((t) => [t.code, t.id]));
  const unitId = (code: string) => {
    const found = unitList.find((u) => u.code === code);
    if (!found) throw new Error(`no demo unit ${code}`);
    return found.id;
  };
  const city = territoryList.find((t) => t.level === 'city')!;
  const rule = (key: string, fields: Omit<DispatchRuleSeed, 'id'>): DispatchRuleSeed => ({
    id: stableId(`dispatchRule:${key}`),
    ...fields,
  });
  const rules: DispatchRuleSeed[] = [
    rule('water', {
      categoryCode: '0501',
      territoryId: city.id,
      unitId: unitId('U-ENT-WATER'),
      unitType: null,
      copyToUnitId: null,
      priority: 0,
      note: '供水问题全市由自来水集团承办',
    }),
    rule('gas', {
      categoryCode: '0503',
      territoryId: city.id,
      unitId: unitId('U-ENT-GAS'),
      unitType: null,
      copyToUnitId: null,
      priority: 0,
      note: '燃气问题全市由燃气集团承办',
    }),
    rule('community', {
      categoryCode: '06',
      territoryId: city.id,
      unitId: null,
      unitType: 'community',
      copyToUnitId: null,
      priority: 0,
      note: '社区管理类诉求派往所在社区居委会',
    }),
  ];
  for (const district of territoryList.filter((t) => t.level === 'district')) {
    const dCode = district.code.slice(0, 6);
    for (const { category, department } of DISTRICT_DEPARTMENT_RULES) {
      rules.push(
        rule(`${dCode}:${category}`, {
          categoryCode: category,
          territoryId: district.id,
          unitId: unitId(`U-DEPT-${dCode}-${department.toUpperCase()}`),
          unitType: null,
          copyToUnitId: null,
          priority: 0,
          note: null,
        }),
      );
    }
  }
  // 和平街道 handles city appearance itself (直派街道), which copies the district government.
  rules.push(
    rule('heping:02', {
      categoryCode: '02',
      territoryId: byCode.get('990101001000')!,
      unitId: null,
      unitType: 'street',
      copyToUnitId: null,
      priority: 10,
      note: '和平街道试点：市容环境类直派街道',
    }),
  );
  return rules;
}

/** Seeds the categories, gazetteer and dispatch catalogue in the caller's transaction (after the city). */
export async function seedDemoRouting(
  tx: DbOrTx,
  deps: Pick<Deps, 'clock'>,
  city: { territories: readonly CityTerritory[]; units: readonly CityUnit[] },
): Promise<{ categories: number; gazetteerEntries: number; dispatchRules: number }> {
  const now = deps.clock.now();
  const categoryRows = defaultCategories();
  const entries = generateGazetteer(city.territories);
  const rules = generateDispatchRules(city.territories, city.units);
  await tx.insert(categories).values(categoryRows.map((c) => ({ ...c, active: true })));
  for (let i = 0; i < entries.length; i += 200) {
    await tx
      .insert(gazetteerEntries)
      .values(entries.slice(i, i + 200).map((e) => ({ ...e, createdAt: now })));
  }
  await tx
    .insert(dispatchRules)
    .values(rules.map((r) => ({ ...r, active: true, createdAt: now, updatedAt: now })));
  await bumpGazetteerCounter(tx, now);
  const counts = {
    categories: categoryRows.length,
    gazetteerEntries: entries.length,
    dispatchRules: rules.length,
  };
  await recordAudit(tx, deps, null, null, {
    action: 'seed.demoRouting',
    entityType: 'database',
    details: counts,
  });
  return counts;
}
