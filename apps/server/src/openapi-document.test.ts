import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenapiDocument, OPENAPI_FILE } from './openapi-document.ts';

describe('openapi.json', () => {
  it('is up to date with the route schemas (run `npm run openapi` after changing a route)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect(committed).toBe(await generateOpenapiDocument());
  });

  it('documents every API route with its error shape', async () => {
    const document = JSON.parse(await generateOpenapiDocument()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const apiPaths = Object.keys(document.paths).filter((p) => p.startsWith('/api/v1'));
    expect(apiPaths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/territories',
        '/api/v1/territories/{id}',
        '/api/v1/users',
        '/api/v1/audit',
      ]),
    );
    for (const path of apiPaths) {
      for (const operation of Object.values(document.paths[path]!))
        expect(Object.keys(operation.responses)).toContain('401');
    }
  });
});
