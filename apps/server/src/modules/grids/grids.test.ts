import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { auditLog } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';
import { localDate } from './grids.service.ts';

let t: TestContext;
let admin: Session;
let gridWorker: Session; // 东湖社区第1网格
let dispatcher: Session; // 和平街道
const DONGHU = stableId('territory:990101001001');
const HEPING_STREET = stableId('territory:990101001000');
const DONGHU_G1 = stableId('territory:990101001001G01');
const DONGHU_G3 = stableId('territory:990101001001G03');
const XIYUAN_G2 = stableId('territory:990101001002G02');
const ANDING_GRID = stableId('territory:990101002001G01');

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
  gridWorker = await loginAs(t.app, 'gridWorker');
  dispatcher = await loginAs(t.app, 'dispatcher');
});
afterAll(async () => t.close());

async function auditOf(entityId: string, action: string) {
  return t.deps.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, entityId), eq(auditLog.action, action)));
}

describe('local dates', () => {
  it.each([
    ['2026-03-01T15:59:59Z', '2026-03-01'],
    ['2026-03-01T16:00:00Z', '2026-03-02'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
  ])('%s is %s in Shanghai', (instant, day) => {
    expect(localDate(new Date(instant), 'Asia/Shanghai')).toBe(day);
  });
});

describe('public grid card', () => {
  it('answers without login with the published card and nothing about residents', async () => {
    const response = await call(t.app, null, 'GET', `/api/v1/public/grids/${DONGHU_G1}`);
    expect(response.statusCode).toBe(200);
    const card = response.json();
    expect(card).toMatchObject({
      name: '东湖社区第1网格',
      communityName: '东湖社区',
      streetName: '和平街道',
    });
    expect(card.households).toBeGreaterThanOrEqual(300);
    expect(card.households).toBeLessThanOrEqual(500);
    expect(card.areaSquareMeters).toBeGreaterThan(100_000);
    expect(card.supervisionPhone).toMatch(/^0531-8\d{7}$/);
    expect(card.duties.length).toBeGreaterThan(3);
    expect(card.staff.map((s: { position: string }) => s.position).sort()).toEqual(
      ['gridAdviser', 'gridLeader', 'gridWorker', 'partTimeGridWorker'].sort(),
    );
    expect(card.staff.find((s: { position: string }) => s.position === 'gridWorker').name).toBe('周网格');
    for (const s of card.staff) expect(s.phone).toMatch(/^0531-8\d{7}$/);
    const text = JSON.stringify(card);
    expect(text).not.toMatch(/138\d|990101\d{8}|petitioner|mentalIllness|elderlyAlone|户主/);
    expect(Object.keys(card).sort()).toEqual(
      [
        'areaSquareMeters',
        'communityName',
        'duties',
        'households',
        'name',
        'staff',
        'streetName',
        'supervisionPhone',
      ].sort(),
    );
  });

  it('lists only current staff: the ended period of the demo is not on the card', async () => {
    const staff = await call(t.app, admin, 'GET', `/api/v1/grids/${DONGHU_G1}/staff`);
    const items = staff.json().items as { name: string; current: boolean; endsOn: string | null }[];
    const ended = items.filter((s) => !s.current);
    expect(ended).toHaveLength(1);
    const card = (await call(t.app, null, 'GET', `/api/v1/public/grids/${DONGHU_G1}`)).json();
    expect(card.staff.map((s: { name: string }) => s.name)).not.toContain(ended[0]!.name);
  });

  it('answers 404 for an unknown id or a territory that is not a grid', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', DONGHU, HEPING_STREET]) {
      const response = await call(t.app, null, 'GET', `/api/v1/public/grids/${id}`);
      expect(response.statusCode).toBe(404);
      expect(errorCode(response)).toBe('NOT_FOUND');
    }
    expect((await call(t.app, null, 'GET', '/api/v1/public/grids/nope')).statusCode).toBe(400);
    // The signed-in grid page is not public.
    expect((await call(t.app, null, 'GET', `/api/v1/grids/${DONGHU_G1}`)).statusCode).toBe(401);
  });
});

describe('grid page', () => {
  it('shows card, staff, figures, area and ledger counts to the grid worker', async () => {
    const response = await call(t.app, gridWorker, 'GET', `/api/v1/grids/${DONGHU_G1}`);
    expect(response.statusCode).toBe(200);
    const page = response.json();
    expect(page.grid).toMatchObject({ id: DONGHU_G1, name: '东湖社区第1网格', code: '990101001001G01' });
    expect(page.grid.path.map((p: { level: string }) => p.level)).toEqual([
      'city',
      'district',
      'street',
      'community',
      'grid',
    ]);
    expect(page.currentStaff).toHaveLength(4);
    expect(page.population).toBeGreaterThan(page.households);
    expect(page.areaSquareMeters).toBeGreaterThan(100_000);
    expect(page.ledgerSummary).toMatchObject({ territoryId: DONGHU_G1, households: 5 });
    expect(page.ledgerSummary.careGroups.petitioner).toBeUndefined();
    const adminPage = (await call(t.app, admin, 'GET', `/api/v1/grids/${DONGHU_G1}`)).json();
    expect(adminPage.ledgerSummary.careGroups.petitioner).toBe(1);
  });

  it('gives no ledger counts without ledger.read, and 404 outside the scope', async () => {
    const page = await call(t.app, dispatcher, 'GET', `/api/v1/grids/${DONGHU_G1}`);
    expect(page.statusCode).toBe(200);
    expect(page.json().ledgerSummary).toBeNull();
    expect((await call(t.app, dispatcher, 'GET', `/api/v1/grids/${ANDING_GRID}`)).statusCode).toBe(404);
    expect((await call(t.app, gridWorker, 'GET', `/api/v1/grids/${DONGHU_G3}`)).statusCode).toBe(404);
    expect((await call(t.app, dispatcher, 'GET', `/api/v1/grids/${DONGHU}`)).statusCode).toBe(404);
  });

  it('sums published households on the parents', async () => {
    const children = await call(t.app, admin, 'GET', `/api/v1/public/grids/${DONGHU_G1}`);
    expect(children.statusCode).toBe(200);
    const rows = await t.deps.database.pool.query(
      `select (select households from territories where id = $1) as parent,
              (select sum(households)::int from territories where parent_id = $1) as children`,
      [DONGHU],
    );
    expect(rows.rows[0].parent).toBe(rows.rows[0].children);
  });
});

describe('grid staff periods', () => {
  it('appoints, lists as current, ends a period, and audits each step', async () => {
    const today = localDate(t.clock.now(), 'Asia/Shanghai');
    expect(today).toBe('2026-03-02');
    const created = await call(t.app, admin, 'POST', `/api/v1/grids/${DONGHU_G3}/staff`, {
      name: '钱新来',
      phone: '0531-86660001',
      position: 'partTimeGridWorker',
      startsOn: '2026-02-01',
    });
    expect(created.statusCode).toBe(201);
    const staff = created.json();
    expect(staff).toMatchObject({ current: true, endsOn: null, userId: null });

    const future = await call(t.app, admin, 'POST', `/api/v1/grids/${DONGHU_G3}/staff`, {
      name: '孙将来',
      phone: '0531-86660002',
      position: 'gridWorker',
      startsOn: '2026-03-03',
    });
    expect(future.json().current).toBe(false);

    // Ending on today keeps the person on duty today (endsOn is the last day of service).
    const url = `/api/v1/grids/${DONGHU_G3}/staff/${staff.id}`;
    const endsToday = await call(t.app, admin, 'PATCH', url, { endsOn: '2026-03-02' });
    expect(endsToday.json()).toMatchObject({ current: true, endsOn: '2026-03-02' });
    const endedYesterday = await call(t.app, admin, 'PATCH', url, { endsOn: '2026-03-01' });
    expect(endedYesterday.json()).toMatchObject({ current: false, endsOn: '2026-03-01' });

    const card = (await call(t.app, null, 'GET', `/api/v1/public/grids/${DONGHU_G3}`)).json();
    const names = card.staff.map((s: { name: string }) => s.name);
    expect(names).not.toContain('钱新来');
    expect(names).not.toContain('孙将来');
    expect(names).toHaveLength(4);
    const listed = (await call(t.app, admin, 'GET', `/api/v1/grids/${DONGHU_G3}/staff`)).json().items;
    expect(listed.find((s: { id: string }) => s.id === staff.id).current).toBe(false);
    const page = (await call(t.app, admin, 'GET', `/api/v1/grids/${DONGHU_G3}`)).json();
    expect(page.currentStaff.map((s: { id: string }) => s.id)).not.toContain(staff.id);

    expect(await auditOf(staff.id, 'gridStaff.create')).toHaveLength(1);
    const ended = await auditOf(staff.id, 'gridStaff.end');
    expect(ended).toHaveLength(2);
    expect(ended.every((e) => e.actorId === admin.userId)).toBe(true);
    expect(ended.map((e) => e.details)).toContainEqual({
      gridId: DONGHU_G3,
      endsOn: '2026-03-01',
      previousEndsOn: '2026-03-02',
    });
  });

  it('links a staff period to a user and refuses unknown users', async () => {
    const ok = await call(t.app, admin, 'POST', `/api/v1/grids/${DONGHU_G3}/staff`, {
      name: '周网格',
      phone: '0531-86660003',
      position: 'gridAdviser',
      userId: gridWorker.userId,
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ userId: gridWorker.userId, current: true });
    const unknown = await call(t.app, admin, 'POST', `/api/v1/grids/${DONGHU_G3}/staff`, {
      name: '无名',
      phone: '0531-86660004',
      position: 'gridAdviser',
      userId: '00000000-0000-4000-8000-000000000000',
      startsOn: '2026-01-01',
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('validates periods and positions, and needs grid.manage', async () => {
    const url = `/api/v1/grids/${DONGHU_G3}/staff`;
    const base = { name: '某人', phone: '0531-86660005', position: 'gridWorker', startsOn: '2026-03-02' };
    for (const body of [
      { ...base, endsOn: '2026-03-01' },
      { ...base, position: 'gridBoss' },
      { ...base, startsOn: '2026-02-30' },
      { ...base, startsOn: '02/03/2026' },
      { ...base, name: '' },
      { ...base, phone: undefined },
    ]) {
      const response = await call(t.app, admin, 'POST', url, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
    }
    const worker = await call(t.app, gridWorker, 'POST', `/api/v1/grids/${DONGHU_G1}/staff`, base);
    expect(worker.statusCode).toBe(403);
    expect(errorCode(worker)).toBe('FORBIDDEN');
    const notAGrid = await call(t.app, admin, 'POST', `/api/v1/grids/${DONGHU}/staff`, base);
    expect(notAGrid.statusCode).toBe(404);

    const listed = (await call(t.app, admin, 'GET', url)).json().items as { id: string; name: string }[];
    const target = listed.find((s) => s.name === '钱新来')!;
    const early = await call(t.app, admin, 'PATCH', `${url}/${target.id}`, { endsOn: '2026-01-31' });
    expect(early.statusCode).toBe(400);
    const otherGrid = await call(t.app, admin, 'PATCH', `/api/v1/grids/${DONGHU_G1}/staff/${target.id}`, {
      endsOn: '2026-03-05',
    });
    expect(otherGrid.statusCode).toBe(404);
  });
});

describe('grid card', () => {
  it('lets the admin set the supervision phone and duties, audited and public', async () => {
    const put = await call(t.app, admin, 'PUT', `/api/v1/grids/${XIYUAN_G2}/card`, {
      supervisionPhone: '0531-89990000',
      duties: ['巡查走访', '化解纠纷'],
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ supervisionPhone: '0531-89990000', duties: ['巡查走访', '化解纠纷'] });
    const card = (await call(t.app, null, 'GET', `/api/v1/public/grids/${XIYUAN_G2}`)).json();
    expect(card).toMatchObject({ supervisionPhone: '0531-89990000', duties: ['巡查走访', '化解纠纷'] });
    expect(await auditOf(XIYUAN_G2, 'gridCard.update')).toHaveLength(1);
  });

  it('validates the card and needs grid.manage', async () => {
    for (const body of [
      { supervisionPhone: '0531-89990000', duties: [] },
      { supervisionPhone: '0531-89990000', duties: [''] },
      { supervisionPhone: 'none', duties: ['巡查'] },
      { duties: ['巡查'] },
    ]) {
      const response = await call(t.app, admin, 'PUT', `/api/v1/grids/${XIYUAN_G2}/card`, body);
      expect(response.statusCode).toBe(400);
    }
    const worker = await call(t.app, gridWorker, 'PUT', `/api/v1/grids/${DONGHU_G1}/card`, {
      supervisionPhone: '0531-89990000',
      duties: ['巡查'],
    });
    expect(worker.statusCode).toBe(403);
  });
});

describe('risk colours', () => {
  it('records each change with its reason and previous colour, newest first, audited', async () => {
    const first = await call(t.app, admin, 'PUT', `/api/v1/territories/${DONGHU_G1}/risk`, {
      color: 'yellow',
      reason: '辖区内有两处施工围挡',
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      territoryId: DONGHU_G1,
      color: 'yellow',
      previousColor: null,
      reason: '辖区内有两处施工围挡',
      actorId: admin.userId,
      actorName: '陈管理',
    });
    t.clock.advance(60_000);
    const second = await call(t.app, admin, 'PUT', `/api/v1/territories/${DONGHU_G1}/risk`, {
      color: 'red',
      reason: '燃气管道泄漏隐患',
    });
    expect(second.json()).toMatchObject({ color: 'red', previousColor: 'yellow' });
    t.clock.advance(60_000);

    const history = await call(t.app, dispatcher, 'GET', `/api/v1/territories/${DONGHU_G1}/risk-history`);
    expect(history.statusCode).toBe(200);
    expect(history.json().items.map((i: { color: string; reason: string }) => [i.color, i.reason])).toEqual([
      ['red', '燃气管道泄漏隐患'],
      ['yellow', '辖区内有两处施工围挡'],
    ]);
    const page = (await call(t.app, gridWorker, 'GET', `/api/v1/grids/${DONGHU_G1}`)).json();
    expect(page.riskColor).toBe('red');

    const entries = await auditOf(DONGHU_G1, 'territory.riskColor');
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.details)).toContainEqual({
      color: 'red',
      previousColor: 'yellow',
      reason: '燃气管道泄漏隐患',
    });

    const community = await call(t.app, admin, 'PUT', `/api/v1/territories/${DONGHU}/risk`, {
      color: 'green',
      reason: '连续三个月无安全事件',
    });
    expect(community.statusCode).toBe(200);
  });

  it('validates colour, reason and level, and needs grid.manage', async () => {
    const url = `/api/v1/territories/${DONGHU_G1}/risk`;
    for (const body of [
      { color: 'red' },
      { color: 'red', reason: '急' },
      { color: 'red', reason: 'x'.repeat(501) },
      { color: 'purple', reason: '原因说明' },
    ]) {
      const response = await call(t.app, admin, 'PUT', url, body);
      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
    }
    const street = await call(t.app, admin, 'PUT', `/api/v1/territories/${HEPING_STREET}/risk`, {
      color: 'red',
      reason: '街道不分色',
    });
    expect(street.statusCode).toBe(400);
    const worker = await call(t.app, gridWorker, 'PUT', url, { color: 'green', reason: '自评无风险' });
    expect(worker.statusCode).toBe(403);
    const outside = await call(t.app, dispatcher, 'GET', `/api/v1/territories/${ANDING_GRID}/risk-history`);
    expect(outside.statusCode).toBe(404);
    const history = (await call(t.app, admin, 'GET', `/api/v1/territories/${DONGHU_G1}/risk-history`)).json();
    expect(history.items).toHaveLength(2);
  });
});
