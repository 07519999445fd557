import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TStewardCase, TStewardPost } from '@huizhi/contracts';
import { auditLog, slaTimers } from '../../db/schema.ts';
import { runStewardChain } from '../../jobs/steward-chain.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';
import { stableId } from '../../seed/demo.ts';
import { recordAppeal } from '../appeals/appeal-test-helpers.ts';
import {
  CODES,
  HOUR,
  INSIDE_XIAOQU,
  POSTS,
  appealIn,
  caseClocks,
  caseEvents,
  caseOf,
  userIdOf,
} from './steward-test-helpers.ts';

let t: TestContext;
let lead: Session;
let admin: Session;
beforeEach(async () => {
  t = await createTestApp();
  lead = await loginAs(t.app, 'unitLead');
  admin = await loginAs(t.app, 'admin');
});
afterEach(async () => t.close());

const API = '/api/v1';

/** A square outline of `size` degrees with its south-west corner at (lng, lat). */
const squareAt = (lng: number, lat: number, size = 0.002) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ] as [number, number][],
  ],
});

async function postInput(overrides: Record<string, unknown> = {}) {
  const g2 = await territoryByCode(t.deps, CODES.donghuG2);
  return {
    parentId: POSTS.lane,
    level: 'courtyard',
    name: '东湖花园北院院长',
    territoryId: g2.id,
    geometry: squareAt(116.325, 39.866),
    stewardUserId: null,
    stewardName: '高院长',
    stewardPhone: '13800000031',
    ...overrides,
  };
}

function expectInvalid(response: { statusCode: number; json(): unknown }, path: string) {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { error: { code: string; details: { issues: { path: string }[] } } };
  expect(body.error.code).toBe('VALIDATION_FAILED');
  expect(body.error.details.issues.map((i) => i.path)).toEqual([path]);
}

describe('the steward roll (/steward-posts)', () => {
  it('lists the demo chain of 和平街道 to the street office lead, phones in full', async () => {
    const response = await call(t.app, lead, 'GET', `${API}/steward-posts`);
    expect(response.statusCode, response.body).toBe(200);
    const items = (response.json() as { items: TStewardPost[] }).items;
    expect(items.map((p) => [p.level, p.name, p.steward.name]).sort()).toEqual(
      [
        ['street', '和平街道街长', '孙主任'],
        ['area', '东湖片片长', '刘片长'],
        ['lane', '东湖路巷长', '马巷长'],
        ['courtyard', '东湖小区院长', '吴党员'],
        ['courtyard', '东湖花园院长', '何院长'],
      ].sort(),
    );
    const xiaoqu = items.find((p) => p.id === POSTS.xiaoqu)!;
    expect(xiaoqu).toMatchObject({
      street: { name: '和平街道' },
      parentId: POSTS.lane,
      territory: { name: '东湖社区第1网格', level: 'grid' },
      steward: { userId: userIdOf('partyMember'), phone: '13800000007' },
      geometry: { type: 'Polygon' },
    });
  });

  it('is only for people keeping a street roll; others are refused', async () => {
    for (const username of ['dispatcher', 'partyMember', 'handler', 'resident']) {
      const session = await loginAs(t.app, username);
      expect(errorCode(await call(t.app, session, 'GET', `${API}/steward-posts`)), username).toBe(
        'FORBIDDEN',
      );
    }
    const anding = await territoryByCode(t.deps, CODES.anding);
    const none = await call(t.app, lead, 'GET', `${API}/steward-posts?streetId=${anding.id}`);
    expect(none.json()).toEqual({ items: [] });
    const heping = await territoryByCode(t.deps, CODES.heping);
    const one = await call(t.app, admin, 'GET', `${API}/steward-posts?streetId=${heping.id}`);
    expect((one.json() as { items: unknown[] }).items).toHaveLength(5);
  });

  it("keeps a department's lead off the streets' rolls, though its district scope holds steward.manage", async () => {
    const user = await buildUser(t.deps, { role: 'unitLead', unitId: stableId('unit:dept:990101:cgzf') });
    const deptLead = await loginAs(t.app, user.username, user.password);
    const heping = await territoryByCode(t.deps, CODES.heping);
    expect(errorCode(await call(t.app, deptLead, 'GET', `${API}/steward-posts?streetId=${heping.id}`))).toBe(
      'FORBIDDEN',
    );
    const posts = (await call(t.app, lead, 'GET', `${API}/steward-posts?streetId=${heping.id}`)).json() as {
      items: TStewardPost[];
    };
    const post = posts.items[0]!;
    const response = await call(t.app, deptLead, 'DELETE', `${API}/steward-posts/${post.id}`);
    expect(response.statusCode).toBe(404);
  });

  it('adds a courtyard with its outline, writes an audit entry, and lists it', async () => {
    const response = await call(t.app, lead, 'POST', `${API}/steward-posts`, await postInput());
    expect(response.statusCode, response.body).toBe(201);
    const post = response.json() as TStewardPost;
    expect(post).toMatchObject({
      level: 'courtyard',
      parentId: POSTS.lane,
      name: '东湖花园北院院长',
      territory: { name: '东湖社区第2网格' },
      steward: { userId: null, name: '高院长', phone: '13800000031' },
      geometry: squareAt(116.325, 39.866),
    });
    const audit = await t.deps.database.db.select().from(auditLog).where(eq(auditLog.entityId, post.id));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['stewardPost.create', lead.userId]]);
    const list = await call(t.app, lead, 'GET', `${API}/steward-posts`);
    expect((list.json() as { items: TStewardPost[] }).items.map((p) => p.id)).toContain(post.id);
  });

  it('repairs an open outline ring and refuses a crossing one, one off the territory or on a lane', async () => {
    const open = squareAt(116.325, 39.866);
    open.coordinates[0]!.pop();
    const repaired = await call(
      t.app,
      lead,
      'POST',
      `${API}/steward-posts`,
      await postInput({ geometry: open }),
    );
    expect(repaired.statusCode, repaired.body).toBe(201);
    expect((repaired.json() as TStewardPost).geometry).toEqual(squareAt(116.325, 39.866));

    const bowTie = {
      type: 'Polygon',
      coordinates: [
        [
          [116.325, 39.866],
          [116.327, 39.868],
          [116.327, 39.866],
          [116.325, 39.868],
          [116.325, 39.866],
        ],
      ],
    };
    expectInvalid(
      await call(t.app, lead, 'POST', `${API}/steward-posts`, await postInput({ geometry: bowTie })),
      '/geometry',
    );
    // 东湖社区第1网格's outline given for a post in 东湖社区第2网格.
    expectInvalid(
      await call(
        t.app,
        lead,
        'POST',
        `${API}/steward-posts`,
        await postInput({ geometry: squareAt(116.305, 39.863) }),
      ),
      '/geometry',
    );
    const line = {
      type: 'Polygon',
      coordinates: [
        [
          [116.325, 39.866],
          [116.326, 39.866],
          [116.325, 39.866],
        ],
      ],
    };
    expectInvalid(
      await call(t.app, lead, 'POST', `${API}/steward-posts`, await postInput({ geometry: line })),
      '/geometry',
    );
    expectInvalid(
      await call(
        t.app,
        lead,
        'POST',
        `${API}/steward-posts`,
        await postInput({ level: 'lane', parentId: POSTS.area }),
      ),
      '/geometry',
    );
  });

  it('keeps the chain in order: a parent one level up, in the same street, holding the territory', async () => {
    const post = async (overrides: Record<string, unknown>) =>
      call(t.app, admin, 'POST', `${API}/steward-posts`, await postInput({ geometry: null, ...overrides }));
    // A courtyard directly under the area, or with no parent.
    expectInvalid(await post({ parentId: POSTS.area }), '/parentId');
    expectInvalid(await post({ parentId: null }), '/parentId');
    expectInvalid(await post({ parentId: '00000000-0000-4000-8000-000000000000' }), '/parentId');
    // A courtyard of 西苑社区 under the lane of 东湖社区.
    const xiyuan = await territoryByCode(t.deps, CODES.xiyuanG1);
    expectInvalid(await post({ territoryId: xiyuan.id }), '/territoryId');
    // An area of 安定街道 under the street post of 和平街道.
    const anding = await territoryByCode(t.deps, CODES.andingG1);
    expectInvalid(await post({ level: 'area', parentId: POSTS.street, territoryId: anding.id }), '/parentId');
    // A district is in no street.
    const district = await territoryByCode(t.deps, CODES.mingde);
    expectInvalid(await post({ level: 'street', parentId: null, territoryId: district.id }), '/territoryId');
    // A street post covers the street itself and has no parent.
    expectInvalid(await post({ level: 'street', parentId: null }), '/territoryId');
    const heping = await territoryByCode(t.deps, CODES.heping);
    expectInvalid(
      await post({ level: 'street', parentId: POSTS.street, territoryId: heping.id }),
      '/parentId',
    );
    // One street post per street.
    const second = await post({ level: 'street', parentId: null, territoryId: heping.id });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      error: { code: 'CONFLICT', details: { reason: 'streetPostExists' } },
    });
    // An unknown account, and one not of the street (a district department's handler) for its lead.
    expectInvalid(await post({ stewardUserId: '00000000-0000-4000-8000-000000000000' }), '/stewardUserId');
    const fromLead = await call(
      t.app,
      lead,
      'POST',
      `${API}/steward-posts`,
      await postInput({ geometry: null, stewardUserId: userIdOf('handler') }),
    );
    expectInvalid(fromLead, '/stewardUserId');
    // A person of the street may be named by the street's lead.
    const ok = await call(
      t.app,
      lead,
      'POST',
      `${API}/steward-posts`,
      await postInput({ geometry: null, stewardUserId: userIdOf('volunteer') }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it("lets 和平街道's lead manage only 和平街道's posts", async () => {
    const andingStreet = await territoryByCode(t.deps, CODES.anding);
    const streetPost = {
      parentId: null,
      level: 'street',
      name: '安定街道街长',
      territoryId: andingStreet.id,
      stewardName: '钱街长',
      stewardPhone: '13800000041',
    };
    expect(errorCode(await call(t.app, lead, 'POST', `${API}/steward-posts`, streetPost))).toBe('FORBIDDEN');
    const created = await call(t.app, admin, 'POST', `${API}/steward-posts`, streetPost);
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as TStewardPost).id;
    expect(errorCode(await call(t.app, lead, 'PUT', `${API}/steward-posts/${id}`, streetPost))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await call(t.app, lead, 'DELETE', `${API}/steward-posts/${id}`))).toBe('NOT_FOUND');
    const listed = (await call(t.app, lead, 'GET', `${API}/steward-posts`)).json() as {
      items: TStewardPost[];
    };
    expect(listed.items.map((p) => p.id)).not.toContain(id);
    // Moving one of its own posts into 安定街道 is refused too.
    const anding = await territoryByCode(t.deps, CODES.andingG1);
    const moved = await call(
      t.app,
      lead,
      'PUT',
      `${API}/steward-posts/${POSTS.huayuan}`,
      await postInput({ geometry: null, territoryId: anding.id }),
    );
    expect(errorCode(moved)).toBe('FORBIDDEN');
  });

  it('changes a post, keeping the level of a post with posts below it and the street', async () => {
    const g2 = await territoryByCode(t.deps, CODES.donghuG2);
    const donghu = await territoryByCode(t.deps, CODES.donghu);
    const lane = {
      parentId: POSTS.area,
      level: 'lane',
      name: '东湖路巷长',
      territoryId: donghu.id,
      stewardName: '马新',
      stewardPhone: '13800000051',
    };
    const changed = await call(t.app, lead, 'PUT', `${API}/steward-posts/${POSTS.lane}`, lane);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ steward: { name: '马新', phone: '13800000051' } });
    expectInvalid(
      await call(t.app, lead, 'PUT', `${API}/steward-posts/${POSTS.lane}`, {
        ...lane,
        level: 'courtyard',
        parentId: POSTS.lane,
      }),
      '/parentId',
    );
    expectInvalid(
      await call(t.app, lead, 'PUT', `${API}/steward-posts/${POSTS.lane}`, {
        ...lane,
        level: 'area',
        parentId: POSTS.street,
      }),
      '/level',
    );
    // The lane's courtyards lie in grids 1 and 2: its territory cannot shrink to grid 2.
    expectInvalid(
      await call(t.app, lead, 'PUT', `${API}/steward-posts/${POSTS.lane}`, { ...lane, territoryId: g2.id }),
      '/territoryId',
    );
  });

  it('deletes a post only when nothing hangs under it and no case went through it', async () => {
    const lane = await call(t.app, lead, 'DELETE', `${API}/steward-posts/${POSTS.lane}`);
    expect(lane.statusCode).toBe(409);
    expect(lane.json()).toMatchObject({ error: { code: 'CONFLICT', details: { reason: 'hasChildPosts' } } });

    await appealIn(t, CODES.donghuG2);
    await runStewardChain(t.deps);
    const waiting = await call(t.app, lead, 'DELETE', `${API}/steward-posts/${POSTS.huayuan}`);
    expect(waiting.json()).toMatchObject({
      error: { code: 'CONFLICT', details: { reason: 'hasOpenCases' } },
    });
    // Answered, the case still went through the post: the record keeps the post.
    const street = (await call(t.app, lead, 'GET', `${API}/steward-cases?view=street`)).json() as {
      items: TStewardCase[];
    };
    const answered = await call(t.app, lead, 'POST', `${API}/steward-cases/${street.items[0]!.id}/answer`, {
      answer: '已处理。',
    });
    expect(answered.statusCode).toBe(200);
    const history = await call(t.app, lead, 'DELETE', `${API}/steward-posts/${POSTS.huayuan}`);
    expect(history.json()).toMatchObject({
      error: { code: 'CONFLICT', details: { reason: 'hasCaseHistory' } },
    });

    const created = (
      await call(t.app, lead, 'POST', `${API}/steward-posts`, await postInput())
    ).json() as TStewardPost;
    const removed = await call(t.app, lead, 'DELETE', `${API}/steward-posts/${created.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ ok: true });
    const actions = await t.deps.database.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(actions.map((a) => a.action)).toEqual(['stewardPost.create', 'stewardPost.delete']);
  });
});

describe('the demo chain', () => {
  it('passes every rule the API enforces (each post saved again unchanged)', async () => {
    const posts = (
      (await call(t.app, lead, 'GET', `${API}/steward-posts`)).json() as { items: TStewardPost[] }
    ).items;
    for (const post of posts) {
      const response = await call(t.app, lead, 'PUT', `${API}/steward-posts/${post.id}`, {
        parentId: post.parentId,
        level: post.level,
        name: post.name,
        territoryId: post.territory.id,
        geometry: post.geometry,
        stewardUserId: post.steward.userId,
        stewardName: post.steward.name,
        stewardPhone: post.steward.phone,
      });
      expect(response.statusCode, `${post.name}: ${response.body}`).toBe(200);
      expect(response.json()).toEqual(post);
    }
  });
});

describe('the steward tasks menu', () => {
  it('shows 我的街巷任务 to people named steward of a post, whatever their role', async () => {
    const nav = async (username: string) =>
      (
        (await call(t.app, await loginAs(t.app, username), 'GET', `${API}/auth/me`)).json() as {
          nav: string[];
        }
      ).nav;
    expect(await nav('partyMember')).toEqual(['home', 'stewardTasks', 'territories', 'account']);
    expect(await nav('unitLead')).toEqual(expect.arrayContaining(['stewards', 'stewardTasks']));
    expect(await nav('admin')).toContain('stewards');
    expect(await nav('admin')).not.toContain('stewardTasks');
    expect(await nav('volunteer')).not.toContain('stewardTasks');
    // Named steward of a new post: the menu follows at once (the login answer carries it too).
    const volunteerPost = await call(
      t.app,
      lead,
      'POST',
      `${API}/steward-posts`,
      await postInput({ stewardUserId: userIdOf('volunteer') }),
    );
    expect(volunteerPost.statusCode).toBe(201);
    expect(await nav('volunteer')).toContain('stewardTasks');
    const login = await t.app.inject({
      method: 'POST',
      url: `${API}/auth/login`,
      payload: { username: 'volunteer', password: 'huizhi-demo-2026' },
    });
    expect((login.json() as { nav: string[] }).nav).toContain('stewardTasks');
  });
});

describe('steward cases (/steward-cases)', () => {
  async function openCase() {
    const appeal = await appealIn(t, CODES.donghuG1, INSIDE_XIAOQU, {
      content: '东湖小区2号楼下水道堵了，污水漫到路上。',
    });
    await runStewardChain(t.deps);
    return { appeal, kase: (await caseOf(t, appeal.id))! };
  }

  it('shows the steward the cases asking them, with the excerpt, the chain and the deadline', async () => {
    const { appeal, kase } = await openCase();
    const steward = await loginAs(t.app, 'partyMember');
    const response = await call(t.app, steward, 'GET', `${API}/steward-cases`);
    expect(response.statusCode, response.body).toBe(200);
    const items = (response.json() as { items: TStewardCase[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: kase.id,
      state: 'waiting',
      version: 1,
      appeal: { id: appeal.id, number: appeal.number, excerpt: '东湖小区2号楼下水道堵了，污水漫到路上。' },
      post: { id: POSTS.xiaoqu, name: '东湖小区院长', level: 'courtyard' },
      dueAt: new Date(t.clock.now().getTime() + 24 * HOUR).toISOString(),
      overdue: false,
      answer: null,
    });
    expect(items[0]!.chain.map((p) => [p.level, p.stewardName])).toEqual([
      ['courtyard', '吴党员'],
      ['lane', '马巷长'],
      ['area', '刘片长'],
      ['street', '孙主任'],
    ]);
    // The notification is readable through the API (its kind is in the contract).
    const bell = await call(t.app, steward, 'GET', `${API}/notifications`);
    expect(bell.statusCode, bell.body).toBe(200);
    expect((bell.json() as { items: { kind: string }[] }).items.map((n) => n.kind)).toContain('stewardAsked');
    // The street lead sees it in the street view, not in their own (it does not ask them yet).
    expect(
      ((await call(t.app, lead, 'GET', `${API}/steward-cases`)).json() as { items: unknown[] }).items,
    ).toEqual([]);
    const street = (await call(t.app, lead, 'GET', `${API}/steward-cases?view=street`)).json() as {
      items: TStewardCase[];
    };
    expect(street.items.map((c) => c.id)).toEqual([kase.id]);
    // Overdue once the deadline has passed (until the job moves it).
    t.clock.advance(24 * HOUR);
    const again = await loginAs(t.app, 'partyMember');
    const later = (await call(t.app, again, 'GET', `${API}/steward-cases`)).json() as {
      items: TStewardCase[];
    };
    expect(later.items[0]!.overdue).toBe(true);
  });

  it('lets only the steward asked answer; the answer stops the clock and the case stays put', async () => {
    const { kase } = await openCase();
    const steward = await loginAs(t.app, 'partyMember');
    const dispatcher = await loginAs(t.app, 'dispatcher');
    const resident = await loginAs(t.app, 'resident');
    const body = { answer: '已到现场，物业今天下午疏通。', version: 1 };
    expect(
      errorCode(await call(t.app, dispatcher, 'POST', `${API}/steward-cases/${kase.id}/answer`, body)),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(await call(t.app, resident, 'POST', `${API}/steward-cases/${kase.id}/answer`, body)),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(
        await call(t.app, steward, 'POST', `${API}/steward-cases/${kase.id}/answer`, { ...body, version: 7 }),
      ),
    ).toBe('CONFLICT');

    const answered = await call(t.app, steward, 'POST', `${API}/steward-cases/${kase.id}/answer`, body);
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({
      state: 'answered',
      version: 2,
      answer: '已到现场，物业今天下午疏通。',
      answeredAt: t.clock.now().toISOString(),
    });
    const again = await call(t.app, steward, 'POST', `${API}/steward-cases/${kase.id}/answer`, {
      answer: '再答一次',
    });
    expect(errorCode(again)).toBe('STEWARD_CASE_TRANSITION_NOT_ALLOWED');

    const clocks = await caseClocks(t, kase.id);
    expect(clocks.map((c) => [c.round, c.stoppedAt?.toISOString() ?? null, c.overdueAt])).toEqual([
      [1, t.clock.now().toISOString(), null],
    ]);
    t.clock.advance(48 * HOUR);
    expect(await runStewardChain(t.deps)).toEqual({ asked: 0, movedUp: 0, lapsed: 0 });
    expect(await caseOf(t, kase.appealId)).toMatchObject({
      state: 'answered',
      postId: POSTS.xiaoqu,
      answeredBy: userIdOf('partyMember'),
    });
    const events = await caseEvents(t, kase.id);
    expect(events.map((e) => [e.type, e.actorId, e.toState])).toEqual([
      ['opened', null, 'waiting'],
      ['answer', userIdOf('partyMember'), 'answered'],
    ]);
    const audit = await t.deps.database.db.select().from(auditLog).where(eq(auditLog.entityId, kase.id));
    expect(audit.map((a) => a.action)).toEqual(['stewardCase.answer']);
    // Answered cases leave the open list and stay in the full one (a new session: days have passed).
    const later = await loginAs(t.app, 'partyMember');
    expect(
      ((await call(t.app, later, 'GET', `${API}/steward-cases`)).json() as { items: unknown[] }).items,
    ).toEqual([]);
    const all = (await call(t.app, later, 'GET', `${API}/steward-cases?open=false`)).json() as {
      items: TStewardCase[];
    };
    expect(all.items.map((c) => c.state)).toEqual(['answered']);
  });

  it('once moved up, the courtyard steward may no longer answer; the street lead may, as keeper of the roll', async () => {
    const { kase } = await openCase();
    t.clock.advance(24 * HOUR);
    expect((await runStewardChain(t.deps)).movedUp).toBe(1);
    const steward = await loginAs(t.app, 'partyMember');
    const late = await call(t.app, steward, 'POST', `${API}/steward-cases/${kase.id}/answer`, {
      answer: '我来晚了',
    });
    expect(errorCode(late)).toBe('FORBIDDEN');
    expect(
      ((await call(t.app, steward, 'GET', `${API}/steward-cases`)).json() as { items: unknown[] }).items,
    ).toEqual([]);
    const leadNow = await loginAs(t.app, 'unitLead');
    const byLead = await call(t.app, leadNow, 'POST', `${API}/steward-cases/${kase.id}/answer`, {
      answer: '街道已安排巷长跟进。',
    });
    expect(byLead.statusCode, byLead.body).toBe(200);
    expect(byLead.json()).toMatchObject({ state: 'answered', post: { id: POSTS.lane } });
    const running = await t.deps.database.db
      .select()
      .from(slaTimers)
      .where(and(eq(slaTimers.orderKind, 'stewardCase'), eq(slaTimers.orderId, kase.id)));
    expect(running.every((c) => c.stoppedAt !== null)).toBe(true);
  });

  it("shows an appeal's case to those who may read the appeal, and to no one else", async () => {
    const operator = await loginAs(t.app, 'operator');
    const appeal = await recordAppeal(t, operator, { location: INSIDE_XIAOQU, territoryId: undefined });
    await runStewardChain(t.deps);
    const kase = (await caseOf(t, appeal.id))!;
    expect(kase.postId).toBe(POSTS.xiaoqu);
    const dispatcher = await loginAs(t.app, 'dispatcher');
    const forAppeal = await call(
      t.app,
      dispatcher,
      'GET',
      `${API}/steward-cases?view=street&open=false&appealId=${appeal.id}`,
    );
    expect(forAppeal.statusCode, forAppeal.body).toBe(200);
    expect((forAppeal.json() as { items: TStewardCase[] }).items.map((c) => c.id)).toEqual([kase.id]);
    const resident = await loginAs(t.app, 'resident');
    const hidden = await call(
      t.app,
      resident,
      'GET',
      `${API}/steward-cases?view=street&appealId=${appeal.id}`,
    );
    expect(hidden.json()).toEqual({ items: [] });
    expect(errorCode(await call(t.app, dispatcher, 'GET', `${API}/steward-cases?view=street`))).toBe(
      'FORBIDDEN',
    );
  });
});
