// Writes docs/api/openapi.json from the route schemas: `npm run openapi`. A test fails when it is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOpenapiDocument, OPENAPI_FILE } from '../openapi-document.ts';

const file = fileURLToPath(OPENAPI_FILE);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, await generateOpenapiDocument());
process.stdout.write(`Wrote ${file}\n`);
