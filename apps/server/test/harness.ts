import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { fixedClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import type { Deps } from '../src/context.ts';
import { openDatabase } from '../src/db/connect.ts';
import { BACKUP_TABLES } from '../src/backup.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/seed/demo.ts';

export const TEST_NOW = new Date('2026-03-02T09:00:00+08:00');

export interface TestContext {
  app: FastifyInstance;
  deps: Deps;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

/** Connects to the run's shared test database (see global-setup.ts). */
export async function openTestDatabase() {
  const target = inject('testDatabase');
  return target.kind === 'postgres'
    ? openDatabase({ databaseUrl: target.url, poolSize: 5 })
    : openDatabase({ pgliteSocketDir: target.socketDir });
}

/** Empties every table. */
export async function resetDatabase(deps: Deps): Promise<void> {
  await deps.database.pool.query(
    `truncate ${BACKUP_TABLES.map((t) => `"${t}"`).join(', ')} restart identity cascade`,
  );
}

/** Builds the app on the shared test database with a pinned clock, emptied and seeded with the demo data. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestContext> {
  const database = await openTestDatabase();
  const clock = fixedClock(TEST_NOW);
  const config = loadConfig({ HUIZHI_DATA_DIR: '/nonexistent', HUIZHI_CHECK_RESPONSES: 'true', ...env });
  const deps: Deps = { config, database, clock };
  await resetDatabase(deps);
  await seedDemo(deps);
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    clock,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
}

/** Signs in through the API and returns the cookie and CSRF token for later requests. */
export async function loginAs(
  app: FastifyInstance,
  username: string,
  password = DEMO_PASSWORD,
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login as ${username} failed: ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'hz_session');
  if (!cookie) throw new Error('no session cookie');
  const body = response.json() as { csrfToken: string; user: { id: string } };
  return { cookie: `hz_session=${cookie.value}`, csrfToken: body.csrfToken, userId: body.user.id };
}

/** Sends a request as a signed-in person (with the CSRF token on state-changing methods). */
export function call(
  app: FastifyInstance,
  session: Session | null,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const allHeaders: Record<string, string> = { ...headers };
  if (session) {
    allHeaders.cookie = session.cookie;
    if (method !== 'GET') allHeaders['x-csrf-token'] = session.csrfToken;
  }
  return app.inject({
    method,
    url,
    headers: allHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** The error code of an error response. */
export function errorCode(response: LightMyRequestResponse): string | undefined {
  return (response.json() as { error?: { code?: string } }).error?.code;
}
