import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Deps } from '../../context.ts';
import { auditLog } from '../../db/schema.ts';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  openTestDatabase,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';

let t: TestContext;
let admin: Session;
let dispatcher: Session;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
  dispatcher = await loginAs(t.app, 'dispatcher');
});
afterAll(async () => t.close());

interface Day {
  date: string;
  working: boolean;
  kind: string;
  name: string | null;
  overridden: boolean;
}

async function year(value: number | string) {
  const response = await call(t.app, null, 'GET', `/api/v1/calendar/days?year=${value}`);
  return { response, body: response.json() as { covered: boolean; source: string | null; days: Day[] } };
}
const dayOf = (days: Day[], date: string) => days.find((d) => d.date === date);

async function deadline(start: string, tier: string) {
  return call(
    t.app,
    null,
    'GET',
    `/api/v1/calendar/deadline?start=${encodeURIComponent(start)}&tier=${encodeURIComponent(tier)}`,
  );
}

describe('the public calendar', () => {
  it('lists 2026 without login, with the notice as source, 调休 Saturdays working and the Spring Festival off', async () => {
    const { response, body } = await year(2026);
    expect(response.statusCode).toBe(200);
    expect(body).toMatchObject({ year: 2026, timeZone: 'Asia/Shanghai', covered: true });
    expect(body.source).toContain('国办发明电〔2025〕7号');
    expect(body.source).toContain('https://www.gov.cn/');
    expect(body.days).toHaveLength(365);
    expect(dayOf(body.days, '2026-02-14')).toEqual({
      date: '2026-02-14',
      working: true,
      kind: 'makeupWorkday',
      name: '春节',
      source: expect.stringContaining('国办发明电〔2025〕7号'),
      overridden: false,
    });
    expect(dayOf(body.days, '2026-02-16')).toMatchObject({ working: false, kind: 'holiday', name: '春节' });
    expect(dayOf(body.days, '2026-03-02')).toMatchObject({ working: true, kind: 'workday', name: null });
    expect(dayOf(body.days, '2026-03-07')).toMatchObject({ working: false, kind: 'weekend' });
  });

  it('reports a year without data as not covered, on plain Monday–Friday', async () => {
    const { body } = await year(2030);
    expect(body).toMatchObject({ covered: false, source: null });
    expect(dayOf(body.days, '2030-01-01')).toMatchObject({ working: true, kind: 'workday' });
  });

  it.each(['abc', '1999', '2101', '2026.5', ''])('refuses the year %j', async (value) => {
    const { response } = await year(value);
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
  });

  it('computes a 7-day deadline across the Spring Festival with its warning', async () => {
    const response = await deadline('2026-02-13T09:00:00+08:00', '7d');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      start: '2026-02-13T01:00:00.000Z',
      tier: '7d',
      // 2.14 (调休), 2.24–2.27, 2.28 (调休), 3.2 → 24:00 of 3.2 in Beijing.
      dueAt: '2026-03-02T16:00:00.000Z',
      // 80 % of 17 days 15 hours.
      warnAt: '2026-02-27T03:24:00.000Z',
      provisional: false,
      timeZone: 'Asia/Shanghai',
    });
  });

  it('runs hour tiers on the clock and marks deadlines past the data provisional', async () => {
    const hours = await deadline('2026-03-02T23:30:00Z', '2h');
    expect(hours.json()).toMatchObject({ dueAt: '2026-03-03T01:30:00.000Z', provisional: false });
    const late = await deadline('2026-12-28T09:00:00+08:00', '15d');
    expect(late.json()).toMatchObject({ provisional: true });
  });

  it.each([
    ['a start without a time-zone offset', '2026-03-02T09:00:00', '7d'],
    ['a start that is not a time', 'yesterday', '7d'],
    ['an unknown tier', '2026-03-02T09:00:00+08:00', '9d'],
    ['a malformed tier', '2026-03-02T09:00:00+08:00', 'Seven Days'],
  ])('refuses %s', async (_case, start, tier) => {
    const response = await deadline(start, tier);
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
  });
});

describe("admins' calendar entries", () => {
  it('adds 2027 days that the public calendar and deadlines then follow', async () => {
    expect((await year(2027)).body.covered).toBe(false);
    const saturday = await call(t.app, admin, 'PUT', '/api/v1/calendar/days/2027-02-06', {
      working: true,
      name: '春节',
      source: '国务院办公厅关于2027年部分节假日安排的通知',
    });
    expect(saturday.statusCode).toBe(200);
    expect(saturday.json()).toMatchObject({
      date: '2027-02-06',
      working: true,
      kind: 'makeupWorkday',
      name: '春节',
      overridden: true,
    });
    const monday = await call(t.app, admin, 'PUT', '/api/v1/calendar/days/2027-02-08', {
      working: false,
      name: '春节',
    });
    expect(monday.json()).toMatchObject({ working: false, kind: 'holiday', source: null });

    const { body } = await year(2027);
    expect(body.covered).toBe(true);
    expect(body.source).toBeNull();
    expect(dayOf(body.days, '2027-02-06')).toMatchObject({
      working: true,
      kind: 'makeupWorkday',
      overridden: true,
    });
    expect(dayOf(body.days, '2027-02-08')).toMatchObject({ working: false, kind: 'holiday', name: '春节' });

    // Fri 2.5 + 7 working days: 2.6 (调休), then 2.9–2.12, 2.15, 2.16 → 24:00 of 2.16.
    const due = await deadline('2027-02-05T09:00:00+08:00', '7d');
    expect(due.json()).toMatchObject({ dueAt: '2027-02-16T16:00:00.000Z', provisional: false });

    const audit = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calendar.setDay'), eq(auditLog.entityId, '2027-02-06')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ working: true, name: '春节', before: null });
  });

  it('corrects a shipped day and resets it to the shipped data', async () => {
    const off = await call(t.app, admin, 'PUT', '/api/v1/calendar/days/2026-02-14', {
      working: false,
      name: '春节',
      source: 'correction',
    });
    expect(off.json()).toMatchObject({ working: false, kind: 'holiday', overridden: true });
    expect(dayOf((await year(2026)).body.days, '2026-02-14')).toMatchObject({ working: false });

    const reset = await call(t.app, admin, 'DELETE', '/api/v1/calendar/days/2026-02-14');
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ working: true, kind: 'makeupWorkday', overridden: false });
    expect(dayOf((await year(2026)).body.days, '2026-02-14')).toMatchObject({ working: true });

    const again = await call(t.app, admin, 'DELETE', '/api/v1/calendar/days/2026-02-14');
    expect(again.statusCode).toBe(404);
    expect(errorCode(again)).toBe('NOT_FOUND');
    const audited = await t.deps.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'calendar.resetDay'));
    expect(audited.map((a) => a.entityId)).toEqual(['2026-02-14']);
  });

  it('refuses anyone but an admin of the whole city', async () => {
    const body = { working: false, name: 'x' };
    const asDispatcher = await call(t.app, dispatcher, 'PUT', '/api/v1/calendar/days/2026-03-03', body);
    expect(asDispatcher.statusCode).toBe(403);
    expect(errorCode(asDispatcher)).toBe('FORBIDDEN');
    const heping = await territoryByCode(t.deps, '990101001000');
    const user = await buildUser(t.deps, { role: 'admin', territory: heping });
    const streetAdmin = await loginAs(t.app, user.username, user.password);
    expect((await call(t.app, streetAdmin, 'PUT', '/api/v1/calendar/days/2026-03-03', body)).statusCode).toBe(
      403,
    );
    expect((await call(t.app, streetAdmin, 'DELETE', '/api/v1/calendar/days/2027-02-06')).statusCode).toBe(
      403,
    );
    const anonymous = await call(t.app, null, 'PUT', '/api/v1/calendar/days/2026-03-03', body);
    expect(anonymous.statusCode).toBe(401);
    // Nothing changed.
    expect(dayOf((await year(2026)).body.days, '2026-03-03')).toMatchObject({
      working: true,
      overridden: false,
    });
  });

  it.each([
    ['an impossible date', '2026-02-30', { working: false }],
    ['a date that is not one', 'tomorrow', { working: false }],
    ['a year outside the calendar', '1999-01-01', { working: false }],
    ['a missing working flag', '2026-03-03', { name: '停工' }],
    ['a working flag that is not a boolean', '2026-03-03', { working: 'yes' }],
    ['a name too long', '2026-03-03', { working: false, name: '长'.repeat(51) }],
  ])('refuses %s', async (_case, date, body) => {
    const response = await call(t.app, admin, 'PUT', `/api/v1/calendar/days/${date}`, body);
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
  });

  it('reaches a second server instance after its next counter check', async () => {
    const otherDatabase = await openTestDatabase();
    const otherDeps: Deps = {
      config: loadConfig({ HUIZHI_DATA_DIR: '/nonexistent' }),
      database: otherDatabase,
      clock: t.clock,
    };
    const other = await buildApp(otherDeps);
    await other.ready();
    try {
      const read = async () =>
        (await other.inject({ method: 'GET', url: '/api/v1/calendar/days?year=2028' })).json() as {
          covered: boolean;
        };
      expect((await read()).covered).toBe(false);
      const put = await call(t.app, admin, 'PUT', '/api/v1/calendar/days/2028-01-03', {
        working: false,
        name: '元旦',
      });
      expect(put.statusCode).toBe(200);
      // This instance at once, the other after its counter check (at most a second later).
      expect((await year(2028)).body.covered).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await read()).covered).toBe(true);
    } finally {
      await other.close();
      await otherDatabase.close();
    }
  });
});
