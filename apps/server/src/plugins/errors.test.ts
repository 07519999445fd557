import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@huizhi/domain';
import { call, createTestApp, errorCode, loginAs, type TestContext } from '../../test/harness.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('errors', () => {
  it('has a line in docs/errors.md for every code of the registry', () => {
    const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });

  it('answers malformed JSON, unknown routes, wrong content types and large bodies with codes', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect([malformed.statusCode, errorCode(malformed)]).toEqual([400, 'MALFORMED_REQUEST']);
    const route = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect([route.statusCode, errorCode(route)]).toEqual([404, 'ROUTE_NOT_FOUND']);
    const media = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/xml' },
      payload: '<login/>',
    });
    expect([media.statusCode, errorCode(media)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const large = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'a', password: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect([large.statusCode, errorCode(large)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('never leaks the text of an internal error', async () => {
    const session = await loginAs(t.app, 'admin');
    // Break the database under the request: the pool is closed, so the query fails inside the service.
    const broken = await createTestApp();
    await broken.deps.database.pool.end();
    const response = await call(broken.app, session, 'GET', '/api/v1/territories');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.' },
    });
    expect(response.body).not.toMatch(/pool|pg|sql/i);
    await broken.app.close();
  });

  it('sets safe headers and a request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });
});

describe('the web app', () => {
  it('serves index.html for the root and for client-side routes, and files as they are rebuilt', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { buildApp } = await import('../app.ts');
    const dist = mkdtempSync(join(tmpdir(), 'huizhi-web-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>汇治</title>');
    const app = await buildApp(t.deps, { webDist: dist });
    try {
      const html = { accept: 'text/html' };
      const root = await app.inject({ method: 'GET', url: '/', headers: html });
      expect([root.statusCode, root.body]).toEqual([200, '<!doctype html><title>汇治</title>']);
      const page = await app.inject({ method: 'GET', url: '/territories', headers: html });
      expect([page.statusCode, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
      writeFileSync(join(dist, 'app-new.js'), 'export {};');
      expect((await app.inject({ method: 'GET', url: '/app-new.js' })).statusCode).toBe(200);
      const missing = await app.inject({ method: 'GET', url: '/missing.js' });
      expect([missing.statusCode, errorCode(missing)]).toEqual([404, 'ROUTE_NOT_FOUND']);
      const api = await app.inject({ method: 'GET', url: '/api/v1/nothing', headers: html });
      expect(errorCode(api)).toBe('ROUTE_NOT_FOUND');
    } finally {
      await app.close();
    }
  });
});
