import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, type TestContext } from '../../../test/harness.ts';
import { shippedMigrationCount } from '../../db/migrate.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('health', () => {
  it('says the process is up', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('says it is ready with the database kind and every migration applied', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ready',
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      migrations: shippedMigrationCount(),
    });
  });

  it('says it is not ready when the database is gone', async () => {
    const broken = await createTestApp();
    await broken.deps.database.pool.end();
    const response = await broken.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(errorCode(response)).toBe('NOT_READY');
    await broken.app.close();
  });
});
