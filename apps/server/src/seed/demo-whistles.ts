/**
 * Demo whistles (吹哨报到) in 和平街道, one per stage the whistle board shows:
 * - summoning: 东湖社区7号楼 tiles falling, urgent, blown by the street office; 城管执法局 checked in
 *   late, 住建委 (the lead) never checked in and was marked missed by the sweeper;
 * - handling, escalated: a basement flooding again, blown by the grid worker, 住建委 checked in on
 *   time, the grid worker moved it up to the community;
 * - closed: blown from the 西苑社区 rubbish-station appeal, both departments checked in on time, the
 *   part and the result came in, the street office confirmed.
 * Every whistle is blown and moved only through the whistle services (the same checks, events,
 * clocks and notifications as the API), at fixed times before the seed's clock; the sweeper marks the
 * missed check-in when its deadline has passed.
 */
import type { TBlowWhistle } from '@huizhi/contracts';
import type { ActorContext, DbOrTx, Deps } from '../context.ts';
import { sweepWhistleBatch, type WhistleSweepResult } from '../jobs/whistle-sweeper.ts';
import { findAssignmentsOfUsers, findUserById } from '../modules/auth/auth.repository.ts';
import { toAssignments } from '../modules/auth/actor.ts';
import {
  performWhistleActionIn,
  type PerformableWhistleAction,
  type WhistleActionBody,
} from '../modules/whistles/whistle-actions.service.ts';
import { listSummonsRows } from '../modules/whistles/whistles.repository.ts';
import { blowWhistleIn } from '../modules/whistles/whistles.service.ts';

type DemoActor = 'unitLead' | 'gridWorker' | 'handler' | 'housingHandler';

const HOUR = 60;
const DAY = 24 * HOUR;

/** A blow as the story tells it: the parts' due time as minutes after the blow. */
type BlowSpec = Omit<TBlowWhistle, 'urgency' | 'dueAt'> & { urgency?: 'urgent'; dueAfterMinutes?: number };

/** One step of a whistle's story: minutes before the seed's clock, who acts, what they do. */
type Step =
  | { ago: number; key: string; who: DemoActor; blow: BlowSpec }
  | {
      ago: number;
      key: string;
      who: DemoActor;
      action: PerformableWhistleAction;
      body: (summonsOf: (unitId: string) => string) => WhistleActionBody;
    }
  | { ago: number; key: string; sweep: true };

interface DemoIds {
  userIdOf: (username: string) => string;
  appealIdOf: (key: string) => string;
  unitIdOf: (code: string) => string;
  territoryIdOf: (code: string) => string;
}

function steps({ appealIdOf, unitIdOf, territoryIdOf }: DemoIds): Step[] {
  const CGZF = unitIdOf('U-DEPT-990101-CGZF');
  const ZJW = unitIdOf('U-DEPT-990101-ZJW');
  const part = (unitId: string, text: string) => (summonsOf: (u: string) => string) => ({
    summonsId: summonsOf(unitId),
    part: text,
  });
  const checkIn = (unitId: string, name: string, phone: string) => (summonsOf: (u: string) => string) => ({
    summonsId: summonsOf(unitId),
    responsibleName: name,
    responsiblePhone: phone,
  });
  return [
    // Closed: from the 西苑社区 rubbish-station appeal the street office handles.
    {
      ago: 2 * DAY,
      key: 'closed',
      who: 'unitLead',
      blow: {
        appealId: appealIdOf('rep2'),
        title: '西苑社区垃圾站污水外溢联合处置',
        reason:
          '垃圾站周边污水横流，涉及垃圾站运营监管和排水管网维修，街道无法单独解决，吹哨城管和住建部门到场。',
        unitIds: [CGZF, ZJW],
        leadUnitId: CGZF,
        dueAfterMinutes: DAY,
      },
    },
    {
      ago: 2 * DAY - 60,
      key: 'closed',
      who: 'handler',
      action: 'checkIn',
      body: checkIn(CGZF, '钱承办', '13800000004'),
    },
    {
      ago: 2 * DAY - 120,
      key: 'closed',
      who: 'housingHandler',
      action: 'checkIn',
      body: checkIn(ZJW, '韩住建', '13800000011'),
    },
    {
      ago: 2 * DAY - 600,
      key: 'closed',
      who: 'housingHandler',
      action: 'reportPart',
      body: part(ZJW, '已疏通垃圾站周边排水管网，更换两处破损井盖。'),
    },
    {
      ago: DAY + 300,
      key: 'closed',
      who: 'handler',
      action: 'reportResult',
      body: () => ({ result: '已责令垃圾站运营方清理污水并设置防渗围挡，执法队每日巡查，排水管网已修复。' }),
    },
    {
      ago: DAY,
      key: 'closed',
      who: 'unitLead',
      action: 'confirm',
      body: () => ({ note: '现场核查，污水已清理。' }),
    },
    // Handling, moved up to the community by the grid worker.
    {
      ago: DAY,
      key: 'escalated',
      who: 'gridWorker',
      blow: {
        territoryId: territoryIdOf('990101001001G01'),
        title: '东湖社区1号楼地下室反复积水',
        reason: '1号楼地下室雨后反复积水，疑似外墙防水和排水设施失效，需住建部门会同物业排查。',
        address: '东湖社区1号楼地下室',
        unitIds: [ZJW],
        leadUnitId: ZJW,
      },
    },
    {
      ago: DAY - 180,
      key: 'escalated',
      who: 'housingHandler',
      action: 'checkIn',
      body: checkIn(ZJW, '韩住建', '13800000011'),
    },
    {
      ago: DAY - 600,
      key: 'escalated',
      who: 'gridWorker',
      action: 'escalate',
      body: () => ({ reason: '维修涉及小区维修资金使用，需社区居委会协调业主和物业。' }),
    },
    // Summoning: urgent, one department late, the lead never checked in.
    {
      ago: 3 * HOUR,
      key: 'summoning',
      who: 'unitLead',
      blow: {
        territoryId: territoryIdOf('990101001001G05'),
        title: '东湖社区7号楼外墙瓷砖脱落',
        reason: '7号楼外墙瓷砖大面积空鼓，已有瓷砖坠落，楼下为居民通道，需住建部门鉴定、城管部门设置警戒。',
        address: '东湖社区7号楼',
        urgency: 'urgent',
        unitIds: [ZJW, CGZF],
        leadUnitId: ZJW,
        meetingPlace: '东湖社区7号楼北侧',
      },
    },
    {
      ago: 3 * HOUR - 50,
      key: 'summoning',
      who: 'handler',
      action: 'checkIn',
      body: checkIn(CGZF, '钱承办', '13800000004'),
    },
    { ago: 3 * HOUR - 55, key: 'summoning', sweep: true },
  ];
}

/** A demo login as an actor, with the scopes the seed gave it. */
async function loadActor(tx: DbOrTx, userId: string): Promise<ActorContext> {
  const user = await findUserById(tx, userId);
  if (!user) throw new Error(`demo user ${userId} is missing`);
  return {
    userId,
    username: user.username,
    displayName: user.displayName,
    locale: 'zh-CN',
    assignments: toAssignments(await findAssignmentsOfUsers(tx, [userId])),
  };
}

/**
 * Seeds the demo whistles in the caller's transaction (after the logins and the demo appeals).
 * Returns how many whistles it blew.
 */
export async function seedDemoWhistles(tx: DbOrTx, deps: Deps, ids: DemoIds): Promise<number> {
  const now = deps.clock.now();
  const at = (minutesAgo: number): Deps => {
    const moment = new Date(now.getTime() - minutesAgo * 60_000);
    return { ...deps, clock: { now: () => moment } };
  };
  const actors = new Map<DemoActor, ActorContext>();
  const actorOf = async (who: DemoActor) => {
    let actor = actors.get(who);
    if (!actor) {
      actor = await loadActor(tx, ids.userIdOf(who));
      actors.set(who, actor);
    }
    return actor;
  };
  const whistleIds = new Map<string, string>();
  const summonsIds = new Map<string, Map<string, string>>();

  const story = steps(ids).sort((a, b) => b.ago - a.ago);
  for (const step of story) {
    const moment = at(step.ago);
    if ('sweep' in step) {
      const result: WhistleSweepResult = { missed: 0 };
      while ((await sweepWhistleBatch(tx, moment, moment.clock.now(), 100, [], result)) > 0);
      continue;
    }
    const actor = await actorOf(step.who);
    if ('blow' in step) {
      const { dueAfterMinutes, ...blow } = step.blow;
      const input: TBlowWhistle = { ...blow, urgency: blow.urgency ?? 'normal' };
      if (dueAfterMinutes !== undefined) {
        input.dueAt = new Date(moment.clock.now().getTime() + dueAfterMinutes * 60_000).toISOString();
      }
      const id = await blowWhistleIn(tx, moment, actor, input, null);
      whistleIds.set(step.key, id);
      // Summons ids are random: the later steps find them by unit.
      const summons = await listSummonsRows(tx, [id]);
      summonsIds.set(step.key, new Map(summons.map((s) => [s.unitId, s.id])));
      continue;
    }
    const whistleId = whistleIds.get(step.key)!;
    const summonsOf = (unitId: string) => summonsIds.get(step.key)!.get(unitId)!;
    await performWhistleActionIn(tx, moment, actor, whistleId, step.action, step.body(summonsOf), null);
  }
  return whistleIds.size;
}
