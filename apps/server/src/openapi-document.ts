import { buildApp } from './app.ts';
import { systemClock } from './clock.ts';
import { loadConfig } from './config.ts';
import type { Database } from './db/connect.ts';

export const OPENAPI_FILE = new URL('../../../docs/api/openapi.json', import.meta.url);

/** Builds the OpenAPI document from the route schemas (no database is touched to describe routes). */
export async function generateOpenapiDocument(): Promise<string> {
  const noDatabase = new Proxy({} as Database, {
    get: () => {
      throw new Error('the OpenAPI generator does not use the database');
    },
  });
  const app = await buildApp({ config: loadConfig({}), database: noDatabase, clock: systemClock });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}
