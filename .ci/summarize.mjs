/* eslint-disable no-console -- a CI script that reports on the console */
// Reads the Vitest and Playwright JSON reports of a CI run and prints "N passed, N failed".
// Exits non-zero when an expected report is missing (a runner that crashed counts as a failure).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;

for (const name of ['vitest-pglite.json', 'vitest-postgres.json']) {
  const file = join(dir, name);
  if (!existsSync(file)) {
    console.error(`missing report ${name}`);
    missing++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

const e2e = join(dir, 'e2e.json');
if (existsSync(e2e)) {
  const { stats, errors = [] } = JSON.parse(readFileSync(e2e, 'utf8'));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected + errors.length;
  skipped += stats.skipped;
} else {
  console.error('missing report e2e.json');
  missing++;
}

console.log(`${passed} passed, ${failed + missing} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(missing > 0 ? 1 : 0);
