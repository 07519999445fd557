import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TAppealDetail, TAppealList, TAppealSummary, TSimilarAppeals } from '@huizhi/contracts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import {
  buildAppeal,
  buildTerritory,
  buildUser,
  territoryByCode,
  type BuiltTerritory,
} from '../../../test/factories.ts';
import { appealAssignments, users } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';
import {
  boundingBox,
  haversineMeters,
  jaccard,
  rankSimilar,
  scoreSimilar,
  wordSet,
  type SimilarCandidate,
  type SimilarProbe,
} from './similar-appeals.ts';

let t: TestContext;
let operator: Session; // whole city
let dispatcher: Session; // 和平街道
let otherDispatcher: Session; // 安定街道 (a second street of 明德区)
let handler: Session; // 明德区城管执法局
let resident: Session; // 王小明
let donghuG1: BuiltTerritory;

const DONGHU_G1 = stableId('territory:990101001001G01');
const CGZF = stableId('unit:dept:990101:cgzf');
const HEPING_OFFICE = stableId('unit:street:990101001');
const MINGDE_GOV = stableId('unit:gov:990101');
const HOUR = 60 * 60 * 1000;

async function createOk(session: Session, body: object): Promise<TAppealDetail> {
  const response = await call(t.app, session, 'POST', '/api/v1/appeals', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TAppealDetail;
}

const complaint = (extra: object = {}) => ({
  type: 'complaint',
  categoryCode: '020101',
  content: `东湖小区门口的垃圾桶满了没人清运 ${randomUUID().slice(0, 8)}`,
  territoryId: DONGHU_G1,
  appellant: { name: '张三', phone: '13912345678' },
  ...extra,
});

async function list(session: Session, query = ''): Promise<TAppealList> {
  const response = await call(t.app, session, 'GET', `/api/v1/appeals?limit=200${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TAppealList;
}

const idsOf = (items: readonly TAppealSummary[]) => items.map((item) => item.id);

beforeAll(async () => {
  t = await createTestApp();
  const anding = await territoryByCode(t.deps, '990101002000');
  const other = await buildUser(t.deps, { role: 'dispatcher', territory: anding });
  [operator, dispatcher, otherDispatcher, handler, resident] = await Promise.all([
    loginAs(t.app, 'operator'),
    loginAs(t.app, 'dispatcher'),
    loginAs(t.app, other.username, other.password),
    loginAs(t.app, 'handler'),
    loginAs(t.app, 'resident'),
  ]);
  donghuG1 = await territoryByCode(t.deps, '990101001001G01');
});
afterAll(async () => t.close());

describe('scope', () => {
  it('shows an appeal of 和平街道 to its dispatcher, and not to another street’s (404 on read)', async () => {
    const appeal = await createOk(operator, complaint());
    expect(idsOf((await list(dispatcher)).items)).toContain(appeal.id);
    expect(idsOf((await list(dispatcher, '&queue=toDispatch')).items)).toContain(appeal.id);
    expect((await call(t.app, dispatcher, 'GET', `/api/v1/appeals/${appeal.id}`)).statusCode).toBe(200);

    expect(idsOf((await list(otherDispatcher)).items)).not.toContain(appeal.id);
    const read = await call(t.app, otherDispatcher, 'GET', `/api/v1/appeals/${appeal.id}`);
    expect(read.statusCode).toBe(404);
    expect(errorCode(read)).toBe('NOT_FOUND');
    for (const path of ['similar', 'dispatch-suggestion']) {
      expect(
        (await call(t.app, otherDispatcher, 'GET', `/api/v1/appeals/${appeal.id}/${path}`)).statusCode,
      ).toBe(404);
    }
    expect((await call(t.app, operator, 'GET', `/api/v1/appeals/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('shows a handler only the appeals assigned to their unit; queues only where the assignment is active', async () => {
    const assigned = await buildAppeal(t.deps, { territory: donghuG1, unitId: CGZF });
    const elsewhere = await buildAppeal(t.deps, { territory: donghuG1, unitId: HEPING_OFFICE });
    const unassigned = await buildAppeal(t.deps, { territory: donghuG1 });
    const all = idsOf((await list(handler)).items);
    expect(all).toContain(assigned.id);
    expect(all).not.toContain(elsewhere.id);
    expect(all).not.toContain(unassigned.id);
    expect(idsOf((await list(handler, '&queue=toAccept')).items)).toContain(assigned.id);
    expect((await call(t.app, handler, 'GET', `/api/v1/appeals/${assigned.id}`)).statusCode).toBe(200);
    expect((await call(t.app, handler, 'GET', `/api/v1/appeals/${unassigned.id}`)).statusCode).toBe(404);

    // Re-dispatched away: the unit still reads it (its history) but no longer has it in its queues.
    await t.deps.database.db
      .update(appealAssignments)
      .set({ active: false })
      .where(eq(appealAssignments.appealId, assigned.id));
    expect(idsOf((await list(handler)).items)).toContain(assigned.id);
    expect(idsOf((await list(handler, '&queue=toAccept')).items)).not.toContain(assigned.id);
    expect((await call(t.app, handler, 'GET', `/api/v1/appeals/${assigned.id}`)).statusCode).toBe(200);
  });

  it('shows a resident only their own appeals', async () => {
    const own = await createOk(resident, complaint());
    const others = await createOk(operator, complaint());
    const items = (await list(resident)).items;
    expect(idsOf(items)).toContain(own.id);
    expect(idsOf(items)).not.toContain(others.id);
    expect(items.length).toBeGreaterThan(0);
    const readOthers = await call(t.app, resident, 'GET', `/api/v1/appeals/${others.id}`);
    expect(readOthers.statusCode).toBe(404);
    expect((await call(t.app, resident, 'GET', `/api/v1/appeals/${own.id}`)).statusCode).toBe(200);
  });
});

describe('queues and pages', () => {
  let street: BuiltTerritory;
  let grid: BuiltTerritory;
  let reader: Session;

  beforeAll(async () => {
    street = await buildTerritory(t.deps, { level: 'street' });
    const community = await buildTerritory(t.deps, { level: 'community', parent: street });
    grid = await buildTerritory(t.deps, { level: 'grid', parent: community });
    const user = await buildUser(t.deps, { role: 'dispatcher', territory: street });
    reader = await loginAs(t.app, user.username, user.password);
  });

  it('counts each queue of the reader', async () => {
    const now = t.clock.now().getTime();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
    await buildAppeal(t.deps, { territory: grid, state: 'received' });
    await buildAppeal(t.deps, { territory: grid, state: 'received' });
    await buildAppeal(t.deps, { territory: grid, state: 'returned' });
    await buildAppeal(t.deps, { territory: grid, state: 'dispatched' });
    await buildAppeal(t.deps, { territory: grid, state: 'accepted' });
    await buildAppeal(t.deps, { territory: grid, state: 'inProgress' });
    await buildAppeal(t.deps, { territory: grid, state: 'replied', replyDueAt: null });
    await buildAppeal(t.deps, { territory: grid, state: 'closed', replyDueAt: null });
    // Past its warning, not yet due.
    await buildAppeal(t.deps, {
      territory: grid,
      state: 'accepted',
      receivedAt: at(30),
      replyWarnAt: at(1),
      replyDueAt: new Date(now + HOUR),
    });
    // Past its deadline.
    await buildAppeal(t.deps, {
      territory: grid,
      state: 'inProgress',
      receivedAt: at(30),
      replyWarnAt: at(10),
      replyDueAt: at(2),
    });
    const response = await call(t.app, reader, 'GET', '/api/v1/appeals/queues');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      cap: 1000,
      counts: {
        toDispatch: 2,
        returned: 1,
        toAccept: 1,
        inProgress: 4,
        dueSoon: 1,
        overdue: 1,
        toReview: 1,
        closed: 1,
        all: 10,
      },
    });
    const overdue = (await list(reader, '&queue=overdue')).items;
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ overdue: true, dueSoon: false, state: 'inProgress' });
    const dueSoon = (await list(reader, '&queue=dueSoon')).items;
    expect(dueSoon).toHaveLength(1);
    expect(dueSoon[0]).toMatchObject({ overdue: false, dueSoon: true });
    // The city's operator counts these too; another street's dispatcher does not.
    const theirs = (await call(t.app, otherDispatcher, 'GET', '/api/v1/appeals/queues')).json();
    const cityWide = (await call(t.app, operator, 'GET', '/api/v1/appeals/queues')).json();
    expect(cityWide.counts.all).toBeGreaterThan(theirs.counts.all);
    expect(cityWide.counts.all).toBeGreaterThanOrEqual(10);
  });

  it('pages newest first with an opaque cursor, without repeats', async () => {
    const now = t.clock.now().getTime();
    const page = await buildTerritory(t.deps, { level: 'grid', parent: grid });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await buildAppeal(t.deps, { territory: page, receivedAt: new Date(now - i * HOUR) })).id);
    }
    // Two at the same moment are ordered by id.
    const twin = await buildAppeal(t.deps, { territory: page, receivedAt: new Date(now - 4 * HOUR) });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `&territoryId=${page.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await call(t.app, reader, 'GET', `/api/v1/appeals?${query.slice(1)}`);
      expect(response.statusCode).toBe(200);
      const body = response.json() as TAppealList;
      seen.push(...idsOf(body.items));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(6);
    expect(seen.slice(0, 4)).toEqual(made.slice(0, 4));
    expect(seen.slice(4).sort()).toEqual([made[4]!, twin.id].sort());
    const bad = await call(t.app, reader, 'GET', '/api/v1/appeals?cursor=not-a-cursor');
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: '/cursor' } });
  });

  it('finds an appeal by its number or words of its content', async () => {
    const word = `关键词${randomUUID().slice(0, 6)}`;
    const target = await buildAppeal(t.deps, { territory: grid, content: `楼道里有${word}需要清理` });
    const byNumber = (await list(reader, `&q=${encodeURIComponent(target.number)}`)).items;
    expect(idsOf(byNumber)).toEqual([target.id]);
    const byWord = (await list(reader, `&q=${encodeURIComponent(word)}`)).items;
    expect(idsOf(byWord)).toEqual([target.id]);
    expect((await list(reader, `&q=${encodeURIComponent('100%_')}`)).items).toEqual([]);
    expect(idsOf((await list(reader, '&state=returned')).items)).toHaveLength(1);
  });
});

describe('an appellant’s earlier appeals', () => {
  it('are found by phone by readers of personal data, and the search is refused to others', async () => {
    const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const first = await createOk(operator, complaint({ appellant: { name: '赵六', phone } }));
    const second = await createOk(
      operator,
      complaint({
        appellant: { name: '赵六', phone: `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` },
      }),
    );
    await createOk(operator, complaint());
    const found = await list(operator, `&appellantPhone=${phone}`);
    expect(idsOf(found.items).sort()).toEqual([first.id, second.id].sort());
    const refused = await call(t.app, dispatcher, 'GET', `/api/v1/appeals?appellantPhone=${phone}`);
    expect(refused.statusCode).toBe(403);
    expect(errorCode(refused)).toBe('FORBIDDEN');
  });
});

describe('likely duplicates', () => {
  it('suggests the same category nearby, similar text and the same appellant, within the reader’s scope', async () => {
    const base = { lng: 116.31, lat: 39.87 };
    const phone = '13655556666';
    const earlier = await createOk(operator, {
      type: 'complaint',
      categoryCode: '020102',
      content: '东湖路人行道上落叶很多很久没有清扫',
      location: base,
      appellant: { name: '钱七', phone: '13611112222' },
    });
    const sameText = await createOk(operator, {
      type: 'complaint',
      categoryCode: '030201',
      content: '东湖北街夜间施工噪音扰民严重影响休息睡觉',
      territoryId: DONGHU_G1,
      appellant: { name: '孙八', phone: '13622223333' },
    });
    const sameAppellant = await createOk(operator, complaint({ appellant: { name: '周九', phone } }));
    const far = await createOk(operator, {
      type: 'complaint',
      categoryCode: '020102',
      content: '道路清扫不及时',
      location: { lng: base.lng + 0.02, lat: base.lat },
    });
    const present = await createOk(operator, {
      type: 'complaint',
      categoryCode: '020102',
      content: '东湖北街晚上施工噪音扰民严重影响睡觉休息',
      location: { lng: base.lng + 0.001, lat: base.lat + 0.001 },
      appellant: { name: '周九', phone },
    });
    const response = await call(t.app, operator, 'GET', `/api/v1/appeals/${present.id}/similar`);
    expect(response.statusCode).toBe(200);
    const items = (response.json() as TSimilarAppeals).items;
    const byId = new Map(items.map((item) => [item.appeal.id, item]));
    expect(byId.get(earlier.id)?.reasons).toEqual(['sameCategoryNearby']);
    expect(byId.get(earlier.id)?.distanceMeters).toBeGreaterThan(100);
    expect(byId.get(earlier.id)?.distanceMeters).toBeLessThan(200);
    expect(byId.get(sameText.id)?.reasons).toEqual(['similarText']);
    expect(byId.get(sameAppellant.id)?.reasons).toEqual(['sameAppellant']);
    expect(byId.has(far.id)).toBe(false);
    expect(byId.has(present.id)).toBe(false);
    expect(items.length).toBeLessThanOrEqual(10);
    const scores = items.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // A draft at intake: category and point, no appeal yet.
    const draft = await call(
      t.app,
      dispatcher,
      'GET',
      `/api/v1/appeals/similar?categoryCode=020102&lng=${base.lng}&lat=${base.lat}`,
    );
    expect(draft.statusCode).toBe(200);
    const draftIds = (draft.json() as TSimilarAppeals).items.map((item) => item.appeal.id);
    expect(draftIds).toEqual(expect.arrayContaining([earlier.id, present.id]));
    expect(draftIds).not.toContain(far.id);
    // Another street's dispatcher gets nothing of 和平街道.
    const theirs = await call(
      t.app,
      otherDispatcher,
      'GET',
      `/api/v1/appeals/similar?categoryCode=020102&lng=${base.lng}&lat=${base.lat}&content=${encodeURIComponent('施工噪音扰民')}`,
    );
    expect((theirs.json() as TSimilarAppeals).items).toEqual([]);
  });
});

describe('dispatch suggestion', () => {
  it('suggests the unit of the dispatch catalogue, explained in the reader’s language', async () => {
    const appeal = await createOk(operator, complaint());
    const response = await call(t.app, dispatcher, 'GET', `/api/v1/appeals/${appeal.id}/dispatch-suggestion`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      unit: { id: HEPING_OFFICE, name: '和平街道办事处', type: 'street' },
      copyTo: { id: MINGDE_GOV, name: '明德区人民政府', type: 'districtGovernment' },
      fallback: false,
      explanation: [
        '按派单目录规则「和平街道·市容环境→街道办事处」（优先级 10），派往 和平街道办事处；直派街道，抄送 明德区人民政府。',
      ],
    });
    // The same as the routing explanation of the catalogue.
    const explained = await call(t.app, dispatcher, 'POST', '/api/v1/routing/explain', {
      categoryCode: '020101',
      territoryId: DONGHU_G1,
    });
    expect(response.json().explanation).toEqual([explained.json().explanation.zh]);

    const english = await buildUser(t.deps, {
      role: 'dispatcher',
      territory: await territoryByCode(t.deps, '990101001000'),
    });
    await t.deps.database.db.update(users).set({ locale: 'en' }).where(eq(users.id, english.id));
    const en = await loginAs(t.app, english.username, english.password);
    const inEnglish = await call(t.app, en, 'GET', `/api/v1/appeals/${appeal.id}/dispatch-suggestion`);
    expect(inEnglish.json().explanation[0]).toMatch(/^By catalogue rule/);
  });

  it('falls back to the district government for an appeal without a category, and is not for appellants', async () => {
    const appeal = await createOk(operator, complaint({ categoryCode: undefined }));
    const response = await call(t.app, operator, 'GET', `/api/v1/appeals/${appeal.id}/dispatch-suggestion`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ unit: { id: MINGDE_GOV }, fallback: true });
    const own = await createOk(resident, complaint());
    const refused = await call(t.app, resident, 'GET', `/api/v1/appeals/${own.id}/dispatch-suggestion`);
    expect(refused.statusCode).toBe(403);
  });
});

describe('the similarity scorer (pure)', () => {
  const now = new Date('2026-03-02T01:00:00Z');
  const DAY = 24 * HOUR;
  const origin = { lng: 116.4, lat: 39.9 };
  /** A point `meters` north of the origin. */
  const north = (meters: number) => ({ lng: origin.lng, lat: origin.lat + meters / 111_195.08 });
  const probe: SimilarProbe = { categoryCode: '020101', point: origin, words: null, phone: null, now };
  const candidate = (extra: Partial<SimilarCandidate>): SimilarCandidate => ({
    categoryCode: '020101',
    point: null,
    words: new Set(),
    phone: null,
    receivedAt: now,
    ...extra,
  });

  it('measures distances on the sphere and boxes them for the index', () => {
    expect(haversineMeters(origin, origin)).toBe(0);
    expect(haversineMeters(origin, north(500))).toBeCloseTo(500, 0);
    // One degree of longitude is shorter at 39.9° N than at the equator.
    expect(haversineMeters({ lng: 0, lat: 39.9 }, { lng: 1, lat: 39.9 })).toBeCloseTo(85_300, -2);
    const box = boundingBox(origin, 500);
    expect(box.north - origin.lat).toBeCloseTo(north(500).lat - origin.lat, 6);
    expect(box.east - origin.lng).toBeGreaterThan(box.north - origin.lat);
  });

  it('compares word sets, ignoring single characters and hotline phrasing', () => {
    expect([...wordSet(['市民', '来电', '反映', '的', '垃圾', '清运', '垃圾'])]).toEqual(['垃圾', '清运']);
    expect(jaccard(new Set(['a1', 'b2']), new Set(['a1', 'b2']))).toBe(1);
    expect(jaccard(new Set(['a1', 'b2', 'c3']), new Set(['a1', 'b2', 'd4']))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });

  it.each([
    ['just inside 500 m, exactly 7 days old', 499.9, 7 * DAY, ['sameCategoryNearby']],
    ['just past 500 m', 500.1, 0, null],
    ['just over 7 days old', 0, 7 * DAY + 1, null],
  ] as const)('same category nearby: %s', (_label, meters, age, reasons) => {
    const scored = scoreSimilar(
      probe,
      candidate({ point: north(meters), receivedAt: new Date(now.getTime() - age) }),
    );
    expect(scored?.reasons ?? null).toEqual(reasons);
  });

  it('needs the same category for nearby, a Jaccard of 0.5 for text, and scores several reasons higher', () => {
    expect(scoreSimilar(probe, candidate({ categoryCode: '020102', point: origin }))).toBeNull();
    const words = new Set(['施工', '噪音', '扰民', '夜间']);
    const withWords = { ...probe, words };
    // 2 of 6 words in common: not alike; 3 of 6: exactly the threshold.
    expect(
      scoreSimilar(withWords, candidate({ words: new Set(['施工', '噪音', '停车', '白天']) })),
    ).toBeNull();
    const atThreshold = scoreSimilar(
      withWords,
      candidate({ words: new Set(['施工', '噪音', '扰民', '白天', '周末']) }),
    );
    expect(atThreshold).toMatchObject({ reasons: ['similarText'], score: 0.5 });
    const old = new Date(now.getTime() - 31 * DAY);
    expect(scoreSimilar(withWords, candidate({ words, receivedAt: old }))).toBeNull();
    const phone = { ...probe, phone: '13912345678' };
    const one = scoreSimilar(phone, candidate({ phone: '13912345678' }))!;
    const two = scoreSimilar(phone, candidate({ phone: '13912345678', point: origin }))!;
    expect(one.reasons).toEqual(['sameAppellant']);
    expect(two.reasons).toEqual(['sameCategoryNearby', 'sameAppellant']);
    expect(two.score).toBeGreaterThan(one.score);
    expect(two.score).toBeLessThanOrEqual(1);
    const ranked = rankSimilar(
      [
        { id: 'a', score: one, receivedAt: now },
        { id: 'b', score: two, receivedAt: now },
      ],
      1,
    );
    expect(ranked.map((item) => item.id)).toEqual(['b']);
  });
});
