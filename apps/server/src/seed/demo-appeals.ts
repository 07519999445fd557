/**
 * Demo appeals: about thirty appeals in the demo city, mostly in 和平街道 (the demo dispatcher's
 * street), several with 明德区城管执法局 (the demo handler's unit), spread over every state: waiting
 * for dispatch, dispatched, accepted, in progress, returned, replied, closed, one overdue, one merged
 * pair, one confidential, one reopened for a second round.
 * Every appeal is recorded the way intake records one and then moved only through the appeal actions
 * (the same checks, effects, events and clocks as the API), at fixed times before the seed's clock,
 * so every run gives the same appeals and histories. A last sweep marks the clocks already due.
 */
import { randomUUID } from 'node:crypto';
import { buildTerritoryPath, type Assignment, type Role } from '@huizhi/domain';
import type { ActorContext, DbOrTx, Deps } from '../context.ts';
import { sweepBatch, type SweepResult } from '../jobs/sla-sweeper.ts';
import {
  performAppealActionIn,
  type AppealActionBody,
  type PerformableAppealAction,
} from '../modules/appeals/appeal-actions.service.ts';
import { insertReceivedAppeal } from '../modules/appeals/appeal-actions.repository.ts';
import { chooseTierFor, planAppealDeadlines } from '../modules/sla/sla.service.ts';

/** What intake records about a new appeal. */
export interface ReceivedAppealInput {
  id?: string;
  channel: 'hotline' | 'web' | 'mobile' | 'wechat' | 'patrol' | 'api';
  type: 'consultation' | 'help' | 'complaint' | 'report' | 'suggestion';
  categoryCode: string | null;
  content: string;
  address?: string | null;
  location?: { lng: number; lat: number } | null;
  territory: { id: string; path: string };
  urgency?: 'normal' | 'urgent';
  appellant?: { name?: string | null; phone?: string | null; confidential?: boolean; userId?: string | null };
  /** Who recorded it (the operator, or the resident themself). */
  createdBy: string;
}

/** The intake date of an appeal as its number shows it (yyyymmdd in the configured time zone). */
function intakeDate(deps: Pick<Deps, 'config'>, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: deps.config.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  return parts.replaceAll('-', '');
}

/**
 * Records a received appeal as intake does: the row in state 'received' with its tier and reply
 * deadline, its running reply clock (it starts at intake) and its `received` event. For the demo
 * seed, inside its transaction, with the number it is given; live intake goes through the appeals
 * service.
 */
export async function recordReceivedAppeal(
  tx: DbOrTx,
  deps: Deps,
  input: ReceivedAppealInput & { number: string; tier?: string },
): Promise<{ id: string; number: string }> {
  const now = deps.clock.now();
  const id = input.id ?? randomUUID();
  const urgency = input.urgency ?? 'normal';
  const plan = await planAppealDeadlines(deps, tx, {
    categoryCode: input.categoryCode,
    urgency,
    unitType: null,
    start: now,
    ...(input.tier === undefined ? {} : { tier: input.tier }),
  });
  await insertReceivedAppeal(
    tx,
    {
      id,
      number: input.number,
      source: 'live',
      channel: input.channel,
      type: input.type,
      categoryCode: input.categoryCode,
      content: input.content,
      address: input.address ?? null,
      lng: input.location?.lng ?? null,
      lat: input.location?.lat ?? null,
      territoryId: input.territory.id,
      territoryPath: input.territory.path,
      urgency,
      tier: plan.tier,
      state: 'received',
      round: 1,
      version: 1,
      appellantName: input.appellant?.name ?? null,
      appellantPhone: input.appellant?.phone ?? null,
      appellantUserId: input.appellant?.userId ?? null,
      confidential: input.appellant?.confidential ?? false,
      replyDueAt: plan.reply.dueAt,
      receivedAt: now,
      createdBy: input.createdBy,
      updatedAt: now,
    },
    {
      type: 'received',
      actorId: input.createdBy,
      data: {
        channel: input.channel,
        type: input.type,
        categoryCode: input.categoryCode,
        urgency,
        tier: plan.tier,
        territoryId: input.territory.id,
        locatedBy: 'territory',
        attachments: 0,
      },
    },
    { id: randomUUID(), dueAt: plan.reply.dueAt, warnAt: plan.reply.warnAt },
  );
  return { id, number: input.number };
}

// ---- The demo data ----

interface DemoTerritory {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  level: string;
  geometry: object | null;
}

interface DemoUnit {
  id: string;
  code: string;
  name: string;
  territoryId: string;
}

type DemoActor = 'operator' | 'dispatcher' | 'handler' | 'unitLead' | 'resident' | 'admin';

/** One step: minutes before the seed's clock, who acts, the action and its body. */
type Step = [minutesAgo: number, actor: DemoActor, action: PerformableAppealAction, body: AppealActionBody];

interface DemoAppeal {
  key: string;
  grid: string;
  category: string;
  type: ReceivedAppealInput['type'];
  channel?: ReceivedAppealInput['channel'];
  content: string;
  address: string;
  receivedAgo: number;
  urgency?: 'urgent';
  confidential?: boolean;
  /** Raised by the demo resident on the portal. */
  byResident?: boolean;
  steps?: (units: Record<string, string>, ids: Record<string, string>) => Step[];
}

const HOUR = 60;
const DAY = 24 * HOUR;
const CGZF = 'U-DEPT-990101-CGZF';
const JTW = 'U-DEPT-990101-JTW';
const STREET = 'U-STREET-990101001';
const DONGHU = 'U-COMM-990101001001';

const contact = { method: 'phone', note: '已电话联系诉求人，约定上门查看时间' };
const reply = (text: string) => ({ reply: text, attachmentIds: [] });

/** dispatch → accept → contact by the unit's person, at the given minutes before now. */
function handled(
  unitCode: string,
  by: DemoActor,
  [dispatchAgo, acceptAgo, contactAgo]: [number, number, number?],
): (units: Record<string, string>) => Step[] {
  return (units) => {
    const steps: Step[] = [
      [dispatchAgo, 'dispatcher', 'dispatch', { handlingUnitId: units[unitCode]! }],
      [acceptAgo, by, 'accept', {}],
    ];
    if (contactAgo !== undefined) steps.push([contactAgo, by, 'contact', contact]);
    return steps;
  };
}

const DEMO_APPEALS: DemoAppeal[] = [
  // Waiting for dispatch.
  {
    key: 'r1',
    grid: '990101001001G01',
    category: '020201',
    type: 'complaint',
    content: '东湖社区北门外每天傍晚有流动摊贩占道经营，油烟大、垃圾多，行人只能走机动车道。',
    address: '和平街道东湖社区北门',
    receivedAgo: 30,
  },
  {
    key: 'r2',
    grid: '990101001001G02',
    category: '030201',
    type: 'complaint',
    content: '东湖路与和平街交叉口长期有车辆违章停放，堵住了小区消防通道入口。',
    address: '东湖路与和平街交叉口',
    receivedAgo: 50,
  },
  {
    key: 'r3',
    grid: '990101001002G03',
    category: '010201',
    type: 'complaint',
    content: '西苑小区旁工地夜间十一点后仍在施工，噪声很大，老人孩子无法休息。',
    address: '西苑小区东侧工地',
    receivedAgo: 70,
  },
  {
    key: 'r4',
    grid: '990101001003G01',
    category: '050101',
    type: 'help',
    urgency: 'urgent',
    content: '南湖小区3号楼从早上开始停水，没有任何通知，楼里有卧床老人急需用水。',
    address: '南湖小区3号楼',
    receivedAgo: 20,
  },
  {
    key: 'r5',
    grid: '990101001004G04',
    category: '0601',
    type: 'help',
    content: '楼上住户长期在楼道堆放杂物，多次沟通无果，希望社区帮助协调。',
    address: '北辰社区12号楼2单元',
    receivedAgo: 15,
  },
  {
    key: 'r6',
    grid: '990101001001G03',
    category: '0603',
    type: 'suggestion',
    channel: 'web',
    content: '建议在东湖公园增设宠物便便箱，并在入口张贴文明养犬提示。',
    address: '东湖公园',
    receivedAgo: 100,
  },
  // Dispatched, waiting to be accepted.
  {
    key: 'd1',
    grid: '990101001001G01',
    category: '020201',
    type: 'complaint',
    content: '东湖菜市场门口无照商贩摆摊，早高峰时堵塞人行道。',
    address: '东湖菜市场正门',
    receivedAgo: 180,
    steps: (u) => [[90, 'dispatcher', 'dispatch', { handlingUnitId: u[CGZF]! }]],
  },
  {
    key: 'd2',
    grid: '990101001002G02',
    category: '0202',
    type: 'complaint',
    content: '西苑路两侧商铺把货架摆到人行道上，轮椅和婴儿车无法通过。',
    address: '西苑路商业街',
    receivedAgo: 150,
    steps: (u) => [[60, 'dispatcher', 'dispatch', { handlingUnitId: u[CGZF]! }]],
  },
  {
    key: 'd3',
    grid: '990101001003G02',
    category: '010202',
    type: 'report',
    confidential: true,
    content: '南湖小区7号楼顶层住户在楼顶私搭违建，举报人要求对身份保密。',
    address: '南湖小区7号楼',
    receivedAgo: 200,
    steps: (u) => [[100, 'dispatcher', 'dispatch', { handlingUnitId: u[CGZF]! }]],
  },
  {
    key: 'd4',
    grid: '990101001004G01',
    category: '020101',
    type: 'complaint',
    content: '北辰社区垃圾桶两天没有清运，已经满溢，气味很大。',
    address: '北辰社区3号楼垃圾站',
    receivedAgo: 160,
    steps: (u) => [[45, 'dispatcher', 'dispatch', { handlingUnitId: u[STREET]! }]],
  },
  {
    key: 'd5',
    grid: '990101001001G04',
    category: '0601',
    type: 'help',
    content: '邻居装修占用公共走廊，希望社区居委会出面协调。',
    address: '东湖社区8号楼',
    receivedAgo: 120,
    steps: (u) => [[30, 'dispatcher', 'dispatch', { handlingUnitId: u[DONGHU]! }]],
  },
  // Accepted, the appellant not contacted yet.
  {
    key: 'a1',
    grid: '990101001002G01',
    category: '020102',
    type: 'complaint',
    content: '西苑路落叶和垃圾几天没人清扫，下雨后路面湿滑。',
    address: '西苑路北段',
    receivedAgo: 600,
    steps: handled(CGZF, 'handler', [540, 500]),
  },
  {
    key: 'a2',
    grid: '990101001001G05',
    category: '070201',
    type: 'report',
    content: '东湖社区5号楼消防通道被私家车长期占用，存在安全隐患。',
    address: '东湖社区5号楼',
    receivedAgo: 480,
    steps: handled(CGZF, 'handler', [420, 400]),
  },
  {
    key: 'a3',
    grid: '990101001003G03',
    category: '020101',
    type: 'complaint',
    content: '南湖社区垃圾分类桶站破损，厨余垃圾流到路面。',
    address: '南湖社区桶站',
    receivedAgo: 700,
    steps: handled(STREET, 'unitLead', [650, 600]),
  },
  // In progress (accepted and contacted).
  {
    key: 'p1',
    grid: '990101001004G02',
    category: '020201',
    type: 'complaint',
    content: '北辰路夜市摊贩收摊后垃圾遍地，第二天早上才有人清理。',
    address: '北辰路夜市',
    receivedAgo: 2 * DAY,
    steps: handled(CGZF, 'handler', [2 * DAY - 80, 2 * DAY - 180, 2 * DAY - 280]),
  },
  {
    key: 'p2',
    grid: '990101001001G01',
    category: '0203',
    type: 'complaint',
    content: '东湖商场外墙大型广告牌松动，刮风时有响声，担心掉落伤人。',
    address: '东湖商场西侧外墙',
    receivedAgo: 1500,
    steps: (u) => [
      ...handled(CGZF, 'handler', [1450, 1400, 1300])(u),
      [
        200,
        'handler',
        'requestExtension',
        { amount: 3, reason: '需协调产权单位和专业检测机构共同评估广告牌安全' },
      ],
    ],
  },
  {
    key: 'p3',
    grid: '990101001002G04',
    category: '010202',
    type: 'report',
    content: '西苑小区底商违规扩建至公共绿地，多年未得到处理。',
    address: '西苑小区底商',
    receivedAgo: 3 * DAY,
    steps: (u) => [
      ...handled(CGZF, 'handler', [3 * DAY - 60, 3 * DAY - 120, 3 * DAY - 240])(u),
      [2 * DAY, 'dispatcher', 'flagHardCase', { note: '涉及历史遗留产权问题，需多部门会商' }],
    ],
  },
  {
    key: 'p4',
    grid: '990101001003G05',
    category: '020102',
    type: 'complaint',
    content: '南湖路人行道积雪未清，已有老人滑倒。',
    address: '南湖路人行道',
    receivedAgo: 900,
    steps: handled(STREET, 'unitLead', [850, 800, 700]),
  },
  // Overdue: the reply limit ran out; the centre urged it.
  {
    key: 'o1',
    grid: '990101001001G02',
    category: '0202',
    type: 'complaint',
    content: '和平街沿街餐馆长期在门前摆桌经营，多次反映仍未改善。',
    address: '和平街88号附近',
    receivedAgo: 20 * DAY,
    steps: (u) => [
      ...handled(CGZF, 'handler', [20 * DAY - 60, 20 * DAY - 120, 20 * DAY - 300])(u),
      [600, 'dispatcher', 'urge', { note: '已超期，请尽快办理并答复' }],
    ],
  },
  // Returned by the unit, waiting for the dispatcher.
  {
    key: 'ret1',
    grid: '990101001004G03',
    category: '030101',
    type: 'complaint',
    content: '北辰路中段路面塌陷出现大坑，夜间行车危险。',
    address: '北辰路中段',
    receivedAgo: 400,
    steps: (u) => [
      [350, 'dispatcher', 'dispatch', { handlingUnitId: u[CGZF]! }],
      [
        300,
        'handler',
        'return',
        { reason: 'notOurDuty', note: '道路设施维修不属于城管执法职责', suggestedUnitId: u[JTW]! },
      ],
    ],
  },
  // Replied, waiting for review.
  {
    key: 'rep1',
    grid: '990101001001G01',
    category: '020201',
    type: 'complaint',
    channel: 'web',
    byResident: true,
    content: '小区门口烧烤摊油烟太大，家里窗户都不敢开。',
    address: '东湖社区南门',
    receivedAgo: 4 * DAY,
    steps: (u) => [
      ...handled(CGZF, 'handler', [4 * DAY - 60, 4 * DAY - 120, 4 * DAY - 200])(u),
      [300, 'handler', 'reply', reply('已对烧烤摊主进行劝导并依法处罚，摊位已撤离，后续将加强巡查。')],
    ],
  },
  {
    key: 'rep2',
    grid: '990101001002G05',
    category: '020101',
    type: 'complaint',
    content: '西苑社区垃圾站周边污水横流，夏天蚊蝇很多。',
    address: '西苑社区垃圾站',
    receivedAgo: 3 * DAY,
    steps: (u) => [
      ...handled(STREET, 'unitLead', [3 * DAY - 60, 3 * DAY - 90, 3 * DAY - 180])(u),
      [500, 'unitLead', 'reply', reply('已安排环卫清洗垃圾站并修复排水沟，每日增加一次清运。')],
    ],
  },
  // A merged pair: the same parking problem raised twice.
  {
    key: 'mp',
    grid: '990101001001G03',
    category: '030201',
    type: 'complaint',
    content: '东湖小学门口接送车辆乱停，每天放学时段道路完全堵死。',
    address: '东湖小学门口',
    receivedAgo: 1200,
    steps: handled(CGZF, 'handler', [1150, 1100, 1000]),
  },
  {
    key: 'mc',
    grid: '990101001001G03',
    category: '030201',
    type: 'complaint',
    content: '东湖小学放学时门口车辆乱停乱放，孩子过马路很危险。',
    address: '东湖小学',
    receivedAgo: 500,
    steps: (_u, ids) => [
      [450, 'dispatcher', 'merge', { parentId: ids.mp!, note: '与同一地点的诉求合并办理' }],
    ],
  },
  // Closed.
  {
    key: 'c1',
    grid: '990101001002G03',
    category: '020201',
    type: 'complaint',
    content: '西苑公交站旁有人摆摊卖水果，影响候车。',
    address: '西苑公交站',
    receivedAgo: 6 * DAY,
    steps: (u) => [
      ...handled(CGZF, 'handler', [6 * DAY - 60, 6 * DAY - 100, 6 * DAY - 200])(u),
      [5 * DAY, 'handler', 'reply', reply('已劝离摊贩并在公交站加装提示牌，执法队员每日巡查。')],
      [
        4 * DAY,
        'operator',
        'review',
        { contacted: true, resolved: true, satisfaction: 'satisfied', method: 'call' },
      ],
    ],
  },
  {
    key: 'c3',
    grid: '990101001003G01',
    category: '050101',
    type: 'complaint',
    content: '南湖小区3号楼停水问题，今天第二次反映，内容同前。',
    address: '南湖小区3号楼',
    receivedAgo: 10,
    steps: () => [
      [
        5,
        'dispatcher',
        'closeWithoutDispatch',
        { reason: 'repeatWithoutNewFacts', note: '与今日已受理的停水诉求内容相同，无新情况' },
      ],
    ],
  },
  {
    key: 'c4',
    grid: '990101001004G02',
    category: '0702',
    type: 'help',
    urgency: 'urgent',
    content: '北辰社区一居民楼楼道冒烟，疑似着火。',
    address: '北辰社区6号楼',
    receivedAgo: 2 * DAY,
    steps: () => [
      [
        2 * DAY - 2,
        'dispatcher',
        'closeWithoutDispatch',
        { reason: 'emergencyService', note: '已转119处置，并告知诉求人立即撤离' },
      ],
    ],
  },
  {
    key: 'c6',
    grid: '990101001002G01',
    category: '0601',
    type: 'help',
    content: '与邻居的房屋买卖合同纠纷已起诉至法院，希望热线督促法院尽快判决。',
    address: '西苑社区',
    receivedAgo: 3 * DAY,
    steps: () => [
      [
        3 * DAY - 20,
        'dispatcher',
        'closeWithoutDispatch',
        { reason: 'courtOrPetition', note: '属司法程序事项，已告知诉求人依法通过法院途径解决' },
      ],
    ],
  },
  // Elsewhere in 明德区: the handler sees it, the 和平街道 dispatcher does not.
  {
    key: 'x1',
    grid: '990101002001G01',
    category: '020201',
    type: 'complaint',
    content: '安定门外大街有人占道卖花，影响通行。',
    address: '安定门外大街',
    receivedAgo: 240,
    steps: (u) => [
      [200, 'admin', 'dispatch', { handlingUnitId: u[CGZF]! }],
      [150, 'handler', 'accept', {}],
    ],
  },
];

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇'];

/** The centre of a polygon's outer ring (the mean of its vertices), for the appeal's location. */
function centreOf(geometry: object | null): { lng: number; lat: number } | null {
  const ring = (geometry as { coordinates?: number[][][] } | null)?.coordinates?.[0];
  if (!ring || ring.length < 2) return null;
  const points = ring.slice(0, -1);
  const lng = points.reduce((sum, p) => sum + p[0]!, 0) / points.length;
  const lat = points.reduce((sum, p) => sum + p[1]!, 0) / points.length;
  return { lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 };
}

/** The demo logins as actors, with the scopes the demo seed gave them. */
function demoActors(
  territoryList: readonly DemoTerritory[],
  unitList: readonly DemoUnit[],
  userIdOf: (username: string) => string,
): Record<DemoActor, ActorContext> {
  const paths = new Map<string, string>();
  const byId = new Map(territoryList.map((t) => [t.id, t]));
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const path = buildTerritoryPath(node.parentId ? pathOf(node.parentId) : null, node.id);
    paths.set(id, path);
    return path;
  };
  const territory = (code: string) => territoryList.find((t) => t.code === code)!;
  const actor = (
    username: DemoActor,
    displayName: string,
    scope: Assignment['scope'],
    scopeName: string,
    scopeId: string | null,
  ): ActorContext => ({
    userId: userIdOf(username),
    username,
    displayName,
    locale: 'zh-CN',
    assignments: [{ role: username as Role, scope, scopeName, scopeId }],
  });
  const onTerritory = (code: string): Assignment['scope'] => {
    const t = territory(code);
    return { kind: 'territory', territoryId: t.id, path: pathOf(t.id) };
  };
  const onUnit = (code: string): Assignment['scope'] => {
    const unit = unitList.find((u) => u.code === code)!;
    return { kind: 'unit', unitId: unit.id, territoryPath: pathOf(unit.territoryId) };
  };
  const unitName = (code: string) => unitList.find((u) => u.code === code)!.name;
  return {
    operator: actor('operator', '李话务', onTerritory('990100000000'), '示范市', null),
    dispatcher: actor('dispatcher', '赵派单', onTerritory('990101001000'), '和平街道', null),
    handler: actor('handler', '钱承办', onUnit(CGZF), unitName(CGZF), null),
    unitLead: actor('unitLead', '孙主任', onUnit(STREET), unitName(STREET), null),
    resident: actor('resident', '王小明', { kind: 'self' }, '', null),
    admin: actor('admin', '陈管理', onTerritory('990100000000'), '示范市', null),
  };
}

/**
 * Seeds the demo appeals in the caller's transaction (after the city, the logins, the categories and
 * the tiers). Returns how many appeals it recorded.
 */
export async function seedDemoAppeals(
  tx: DbOrTx,
  deps: Deps,
  city: { territories: readonly DemoTerritory[]; units: readonly DemoUnit[] },
  ids: { userIdOf: (username: string) => string; appealIdOf: (key: string) => string },
): Promise<number> {
  const now = deps.clock.now();
  const at = (minutesAgo: number): Deps => ({
    ...deps,
    clock: { now: () => new Date(now.getTime() - minutesAgo * 60_000) },
  });
  const actors = demoActors(city.territories, city.units, ids.userIdOf);
  const byCode = new Map(city.territories.map((t) => [t.code, t]));
  const unitIds = Object.fromEntries(city.units.map((u) => [u.code, u.id]));
  const appealIds: Record<string, string> = {};
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const node = city.territories.find((t) => t.id === id)!;
    const path = buildTerritoryPath(node.parentId ? pathOf(node.parentId) : null, node.id);
    paths.set(id, path);
    return path;
  };

  // Record every appeal first (in order of receipt), then play the steps in time order.
  const ordered = DEMO_APPEALS.map((spec, index) => ({ spec, index })).sort(
    (a, b) => b.spec.receivedAgo - a.spec.receivedAgo || a.index - b.index,
  );
  const steps: { ago: number; order: number; key: string; step: Step }[] = [];
  const tiers = new Map<string, string>();
  for (const [order, { spec, index }] of ordered.entries()) {
    const grid = byCode.get(spec.grid)!;
    const receivedAt = at(spec.receivedAgo);
    const id = ids.appealIdOf(spec.key);
    appealIds[spec.key] = id;
    // The tier depends only on the category and urgency here: choose it once per pair.
    const tierKey = `${spec.category}|${spec.urgency ?? 'normal'}`;
    let tier = tiers.get(tierKey);
    if (tier === undefined) {
      tier = (
        await chooseTierFor(deps, tx, {
          categoryCode: spec.category,
          urgency: spec.urgency ?? 'normal',
          unitType: null,
        })
      ).tier;
      tiers.set(tierKey, tier);
    }
    await recordReceivedAppeal(tx, receivedAt, {
      tier,
      id,
      // Demo numbers: the intake date, then 9 and a serial, apart from live numbers (date + sequence).
      number: `${intakeDate(deps, receivedAt.clock.now())}9${String(order + 1).padStart(7, '0')}`,
      channel: spec.channel ?? 'hotline',
      type: spec.type,
      categoryCode: spec.category,
      content: spec.content,
      address: spec.address,
      location: centreOf(grid.geometry),
      territory: { id: grid.id, path: pathOf(grid.id) },
      urgency: spec.urgency ?? 'normal',
      appellant: spec.byResident
        ? { name: '王小明', phone: '13800000001', userId: ids.userIdOf('resident') }
        : {
            name: `${SURNAMES[index % 10]}${GIVEN[(index * 3) % 10]}`,
            phone: `139${String(10000000 + index * 7919).padStart(8, '0')}`,
            confidential: spec.confidential ?? false,
          },
      createdBy: spec.byResident ? ids.userIdOf('resident') : actors.operator.userId,
    });
  }
  for (const spec of DEMO_APPEALS) {
    const list = spec.steps?.(unitIds, appealIds) ?? [];
    list.forEach((step, order) => steps.push({ ago: step[0], order, key: spec.key, step }));
  }
  steps.sort((a, b) => b.ago - a.ago || a.order - b.order);
  for (const { key, step } of steps) {
    const [ago, who, action, body] = step;
    await performAppealActionIn(tx, at(ago), actors[who], appealIds[key]!, action, body, null);
  }

  // The clocks already due are marked as the sweeper would have marked them.
  const result: SweepResult = { warned: 0, overdue: 0, batches: 0 };
  while ((await sweepBatch(tx, deps, now, 500, [], result)) > 0);
  return DEMO_APPEALS.length;
}

/** The keys of the demo appeals, for tests and the web demo. */
export const DEMO_APPEAL_KEYS = DEMO_APPEALS.map((spec) => spec.key);
