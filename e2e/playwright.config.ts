import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const port = 3100;

/**
 * Each run starts the real server on a fresh data directory, so the demo data is seeded anew. The
 * config is loaded again in every worker; the environment variable makes them share the directory.
 * Directories of earlier runs are removed here (they are kept until then for debugging).
 */
function freshDataDir(): string {
  const existing = process.env.HUIZHI_E2E_DATA_DIR;
  if (existing) return existing;
  const parent = join(repoRoot, '.tmp');
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    if (name.startsWith('e2e-data-')) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const dir = join(parent, `e2e-data-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  process.env.HUIZHI_E2E_DATA_DIR = dir;
  return dir;
}

const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`;
const useOwnServer = process.env.E2E_BASE_URL === undefined;

if (useOwnServer && !existsSync(join(repoRoot, 'apps/web/dist/index.html'))) {
  throw new Error(
    'apps/web/dist is missing: run `npm run build -w @huizhi/web` first (npm run e2e does it).',
  );
}

export default defineConfig({
  testDir: './tests',
  outputDir: '../test-results/e2e-artifacts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e.json' }]],
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 860 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: useOwnServer
    ? {
        command: 'node ../apps/server/bin/huizhi.js serve',
        cwd: here,
        env: { PORT: String(port), HUIZHI_DATA_DIR: freshDataDir(), HUIZHI_CHECK_RESPONSES: 'true' },
        url: `http://127.0.0.1:${port}/readyz`,
        timeout: 120_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe',
      }
    : undefined,
});
