import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  type Session,
  type TestContext,
} from '../../../test/harness.ts';
import { buildTerritory, buildUser, territoryByCode } from '../../../test/factories.ts';
import { auditLog, users } from '../../db/schema.ts';
import { stableId } from '../../seed/demo.ts';

let t: TestContext;
let admin: Session;
const DONGHU = stableId('territory:990101001001');
const ANDING = stableId('territory:990101002000');

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => t.close());

const newUser = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  displayName: '新同事',
  password: 'a-long-enough-password',
  phone: '13912345678',
  assignments: [{ role: 'gridWorker', territoryId: DONGHU }],
  ...extra,
});

async function countUsers(username: string): Promise<number> {
  const rows = await t.deps.database.db
    .select({ n: count() })
    .from(users)
    .where(eq(users.username, username));
  return rows[0]?.n ?? 0;
}

describe('creating users', () => {
  it('creates a user with a role, masks the phone, and audits it in the same transaction', async () => {
    const response = await call(t.app, admin, 'POST', '/api/v1/users', newUser('grid.li'));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ username: 'grid.li', phone: '139****5678', phoneMasked: true });
    expect(body.assignments).toEqual([
      { role: 'gridWorker', scope: { kind: 'territory', id: DONGHU, name: '东湖社区' } },
    ]);
    const entries = await t.deps.database.db.select().from(auditLog).where(eq(auditLog.entityId, body.id));
    expect(entries.map((e) => e.action)).toEqual(['user.create']);
    expect(entries[0]?.scopePath).toContain(DONGHU);
    // The new person can sign in and sees the grid worker's menu.
    const session = await loginAs(t.app, 'grid.li', 'a-long-enough-password');
    expect((await call(t.app, session, 'GET', '/api/v1/auth/me')).json().nav).toEqual([
      'home',
      'appeals',
      'appealIntake',
      'whistleBoard',
      'territories',
      'units',
      'account',
    ]);
  });

  it('creates nothing twice for a retried Idempotency-Key and refuses the key for another request', async () => {
    const headers = { 'idempotency-key': 'create-user-42' };
    const first = await call(t.app, admin, 'POST', '/api/v1/users', newUser('retry.wang'), headers);
    const retry = await call(t.app, admin, 'POST', '/api/v1/users', newUser('retry.wang'), headers);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect(await countUsers('retry.wang')).toBe(1);
    const reused = await call(t.app, admin, 'POST', '/api/v1/users', newUser('other.name'), headers);
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await countUsers('other.name')).toBe(0);
  });

  it('creates one user when the same key is sent concurrently', async () => {
    const headers = { 'idempotency-key': 'concurrent-1' };
    const responses = await Promise.all(
      [1, 2, 3].map(() => call(t.app, admin, 'POST', '/api/v1/users', newUser('race.zhao'), headers)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await countUsers('race.zhao')).toBe(1);
  });

  it('refuses a taken username, bad fields and unknown territories with clear codes, creating nothing', async () => {
    expect(errorCode(await call(t.app, admin, 'POST', '/api/v1/users', newUser('ADMIN')))).toBe(
      'USERNAME_TAKEN',
    );
    const invalid = await call(
      t.app,
      admin,
      'POST',
      '/api/v1/users',
      newUser('x', { password: 'short', phone: 'abc' }),
    );
    expect(invalid.statusCode).toBe(400);
    const paths = invalid.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/username', '/password', '/phone']));
    const noScope = await call(
      t.app,
      admin,
      'POST',
      '/api/v1/users',
      newUser('no.scope', { assignments: [{ role: 'handler' }] }),
    );
    expect(errorCode(noScope)).toBe('VALIDATION_FAILED');
    const unknown = await call(
      t.app,
      admin,
      'POST',
      '/api/v1/users',
      newUser('unknown.place', {
        assignments: [{ role: 'handler', territoryId: '00000000-0000-4000-8000-000000000000' }],
      }),
    );
    expect(errorCode(unknown)).toBe('VALIDATION_FAILED');
    expect(await countUsers('unknown.place')).toBe(0);
  });

  it('keeps a street admin to its own street', async () => {
    const streetAdmin = await buildUser(t.deps, {
      role: 'admin',
      territory: await territoryByCode(t.deps, '990101001000'),
    });
    const session = await loginAs(t.app, streetAdmin.username, streetAdmin.password);
    const inside = await call(t.app, session, 'POST', '/api/v1/users', newUser('inside.heping'));
    expect(inside.statusCode).toBe(201);
    const outside = await call(
      t.app,
      session,
      'POST',
      '/api/v1/users',
      newUser('outside', { assignments: [{ role: 'gridWorker', territoryId: ANDING }] }),
    );
    expect(outside.statusCode).toBe(403);
    expect(errorCode(outside)).toBe('FORBIDDEN');
    const list = (await call(t.app, session, 'GET', '/api/v1/users?limit=500')).json();
    const names = list.items.map((u: { username: string }) => u.username);
    expect(names).toContain('inside.heping');
    expect(names).toContain('dispatcher'); // the demo dispatcher works in 和平街道
    expect(names).not.toContain('operator'); // city-wide
  });
});

describe('reading users', () => {
  it('refuses the user list to non-admins and hides others, but shows yourself', async () => {
    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect(errorCode(await call(t.app, dispatcher, 'GET', '/api/v1/users'))).toBe('FORBIDDEN');
    const adminId = stableId('user:admin');
    expect((await call(t.app, dispatcher, 'GET', `/api/v1/users/${adminId}`)).statusCode).toBe(404);
    const self = await call(t.app, dispatcher, 'GET', `/api/v1/users/${dispatcher.userId}`);
    expect(self.json()).toMatchObject({ username: 'dispatcher', phone: '138****0003' });
  });

  it('lists every demo user for the city admin, searchable', async () => {
    const list = (await call(t.app, admin, 'GET', '/api/v1/users?q=resident')).json();
    expect(list.items.map((u: { username: string }) => u.username)).toEqual(['resident']);
  });

  it('shows a user of another district to nobody scoped elsewhere', async () => {
    const farStreet = await buildTerritory(t.deps, { level: 'street' });
    const far = await buildUser(t.deps, { role: 'handler', territory: farStreet });
    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect((await call(t.app, dispatcher, 'GET', `/api/v1/users/${far.id}`)).statusCode).toBe(404);
  });
});
