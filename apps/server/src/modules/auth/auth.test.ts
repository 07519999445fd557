import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  call,
  createTestApp,
  errorCode,
  loginAs,
  resetDatabase,
  type TestContext,
} from '../../../test/harness.ts';
import { seedDemo } from '../../seed/demo.ts';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, SESSION_CACHE_MS } from './auth.service.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());
beforeEach(async () => {
  await resetDatabase(t.deps);
  await seedDemo(t.deps);
});

const login = (username: string, password: string, remoteAddress = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });

describe('login', () => {
  it('opens a session with an httpOnly, SameSite=Lax cookie and returns the menu', async () => {
    const response = await login('dispatcher', 'huizhi-demo-2026');
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'hz_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.secure).toBeFalsy();
    const body = response.json();
    expect(body.nav).toEqual(['home', 'appeals', 'whistleBoard', 'territories', 'units', 'account']);
    expect(body.assignments[0]).toMatchObject({
      role: 'dispatcher',
      scope: { kind: 'territory', name: '和平街道' },
    });
  });

  it('ignores the case of the username', async () => {
    expect((await login('DISPATCHER', 'huizhi-demo-2026')).statusCode).toBe(200);
  });

  it('gives one answer for a wrong password and an unknown user', async () => {
    const wrong = await login('dispatcher', 'wrong-password');
    const unknown = await login('nobody', 'wrong-password');
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(errorCode(wrong)).toBe('LOGIN_FAILED');
    expect(errorCode(unknown)).toBe('LOGIN_FAILED');
  });

  it('refuses an empty body with a validation error naming the fields', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {} });
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(response.json().error.details)).toContain('username');
  });

  it('throttles an account after repeated failures, even with the right password', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      expect(errorCode(await login('handler', 'wrong', `10.0.1.${i}`))).toBe('LOGIN_FAILED');
    }
    const blocked = await login('handler', 'huizhi-demo-2026', '10.0.2.1');
    expect(blocked.statusCode).toBe(429);
    expect(errorCode(blocked)).toBe('LOGIN_THROTTLED');
    // Other accounts are not affected, and the window passes.
    expect((await login('admin', 'huizhi-demo-2026', '10.0.2.1')).statusCode).toBe(200);
    t.clock.advance(16 * 60 * 1000);
    expect((await login('handler', 'huizhi-demo-2026', '10.0.2.1')).statusCode).toBe(200);
  });

  it('throttles an address that fails on many accounts', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) await login(`someone${i}`, 'wrong', '10.9.9.9');
    expect(errorCode(await login('admin', 'huizhi-demo-2026', '10.9.9.9'))).toBe('LOGIN_THROTTLED');
    expect((await login('admin', 'huizhi-demo-2026', '10.9.9.8')).statusCode).toBe(200);
  });

  it('marks the cookie Secure behind TLS when the proxy is trusted', async () => {
    const tls = await createTestApp({ HUIZHI_TRUST_PROXY: 'true' });
    try {
      const response = await tls.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'huizhi-demo-2026' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(response.cookies.find((c) => c.name === 'hz_session')?.secure).toBe(true);
    } finally {
      await tls.close();
    }
  });
});

describe('session', () => {
  it('answers /me with the session and 401 without one', async () => {
    const session = await loginAs(t.app, 'resident');
    const me = await call(t.app, session, 'GET', '/api/v1/auth/me');
    expect(me.json().nav).toEqual(['home', 'myAppeals', 'account']);
    const anonymous = await call(t.app, null, 'GET', '/api/v1/auth/me');
    expect(anonymous.statusCode).toBe(401);
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('refuses a state change without the CSRF token or from another origin', async () => {
    const session = await loginAs(t.app, 'admin');
    const noToken = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/locale',
      headers: { cookie: session.cookie },
      payload: { locale: 'en' },
    });
    expect(errorCode(noToken)).toBe('CSRF_TOKEN_INVALID');
    const otherOrigin = await call(
      t.app,
      session,
      'PUT',
      '/api/v1/auth/me/locale',
      { locale: 'en' },
      { origin: 'https://evil.example' },
    );
    expect(errorCode(otherOrigin)).toBe('CSRF_TOKEN_INVALID');
    const ok = await call(t.app, session, 'PUT', '/api/v1/auth/me/locale', { locale: 'en' });
    expect(ok.statusCode).toBe(200);
    expect((await call(t.app, session, 'GET', '/api/v1/auth/me')).json().user.locale).toBe('en');
  });

  it('ends on logout and on expiry', async () => {
    const session = await loginAs(t.app, 'operator');
    expect((await call(t.app, session, 'POST', '/api/v1/auth/logout')).statusCode).toBe(200);
    expect((await call(t.app, session, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);

    const second = await loginAs(t.app, 'operator');
    t.clock.advance(13 * 3600 * 1000);
    expect((await call(t.app, second, 'GET', '/api/v1/territories')).statusCode).toBe(401);
  });

  it('notices a session revoked elsewhere within the session cache time', async () => {
    const session = await loginAs(t.app, 'operator');
    expect((await call(t.app, session, 'GET', '/api/v1/territories?limit=1')).statusCode).toBe(200);
    // Another instance revokes it (an admin action, a logout there): this instance's copy is cached.
    await t.deps.database.pool.query('update sessions set revoked_at = expires_at');
    expect((await call(t.app, session, 'GET', '/api/v1/territories?limit=1')).statusCode).toBe(200);
    t.clock.advance(SESSION_CACHE_MS + 1);
    expect((await call(t.app, session, 'GET', '/api/v1/territories?limit=1')).statusCode).toBe(401);
  });

  it('records sign-ins and failures in the audit log', async () => {
    await login('admin', 'wrong');
    const session = await loginAs(t.app, 'admin');
    const audit = await call(t.app, session, 'GET', '/api/v1/audit?limit=10');
    const actions = audit.json().items.map((e: { action: string }) => e.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('auth.loginFailed');
  });
});
