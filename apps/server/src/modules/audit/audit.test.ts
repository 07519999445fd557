import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, errorCode, loginAs, type TestContext } from '../../../test/harness.ts';
import { buildUser, territoryByCode } from '../../../test/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('audit log', () => {
  it('cannot be changed or deleted, only appended to', async () => {
    const { pool } = t.deps.database;
    await expect(pool.query(`update audit_log set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(pool.query('delete from audit_log')).rejects.toThrow(/append-only/);
  });

  it('is readable by admins only, within their territory', async () => {
    const cityAdmin = await loginAs(t.app, 'admin');
    const heping = await territoryByCode(t.deps, '990101001000');
    const anding = await territoryByCode(t.deps, '990101002000');
    const streetAdmin = await buildUser(t.deps, { role: 'admin', territory: heping });
    const streetSession = await loginAs(t.app, streetAdmin.username, streetAdmin.password);

    // The city admin creates one user in each street.
    for (const [username, territory] of [
      ['in.heping', heping],
      ['in.anding', anding],
    ] as const) {
      const response = await call(t.app, cityAdmin, 'POST', '/api/v1/users', {
        username,
        displayName: username,
        password: 'a-long-enough-password',
        assignments: [{ role: 'gridWorker', territoryId: territory.id }],
      });
      expect(response.statusCode).toBe(201);
    }

    const cityView = (await call(t.app, cityAdmin, 'GET', '/api/v1/audit?entityType=user&limit=100')).json();
    const cityActions = cityView.items.map(
      (e: { action: string; details: { username?: string } | null }) =>
        `${e.action}:${e.details?.username ?? ''}`,
    );
    expect(cityActions).toEqual(
      expect.arrayContaining(['user.create:in.heping', 'user.create:in.anding', 'auth.login:']),
    );
    expect(cityView.items[0].actorName).toBeDefined();

    const streetView = (await call(t.app, streetSession, 'GET', '/api/v1/audit?limit=100')).json();
    const streetActions = streetView.items.map(
      (e: { action: string; details: { username?: string } | null }) =>
        `${e.action}:${e.details?.username ?? ''}`,
    );
    expect(streetActions).toContain('user.create:in.heping');
    expect(streetActions).not.toContain('user.create:in.anding');
    // Sign-ins concern no territory: only admins of the whole tree see them.
    expect(streetActions.some((a: string) => a.startsWith('auth.login'))).toBe(false);

    const dispatcher = await loginAs(t.app, 'dispatcher');
    expect(errorCode(await call(t.app, dispatcher, 'GET', '/api/v1/audit'))).toBe('FORBIDDEN');
  });

  it('writes nothing when the change it records fails', async () => {
    const admin = await loginAs(t.app, 'admin');
    const before = (await call(t.app, admin, 'GET', '/api/v1/audit?action=user.create&limit=1')).json().total;
    const response = await call(t.app, admin, 'POST', '/api/v1/users', {
      username: 'admin',
      displayName: 'duplicate',
      password: 'a-long-enough-password',
      assignments: [{ role: 'gridWorker', territoryId: (await territoryByCode(t.deps, '990101001000')).id }],
    });
    expect(errorCode(response)).toBe('USERNAME_TAKEN');
    expect((await call(t.app, admin, 'GET', '/api/v1/audit?action=user.create&limit=1')).json().total).toBe(
      before,
    );
  });
});
