import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { BACKUP_TABLES } from '../src/backup.ts';
import { openTestDatabase } from './harness.ts';
import { lockDataDir } from '../src/db/data-lock.ts';

const BIN = fileURLToPath(new URL('../bin/huizhi.js', import.meta.url));

async function waitForReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never became ready`);
}

// The real command on an empty database: migrate, seed, serve, then stop cleanly on SIGTERM. On the
// PostgreSQL run it uses the run's own test database (emptied first; other files reset it anyway).
describe('huizhi serve', () => {
  it('starts on an empty database with demo data, refuses a second server on its folder, and shuts down on SIGTERM', async () => {
    const target = inject('testDatabase');
    if (target.kind === 'postgres') {
      const database = await openTestDatabase();
      await database.pool.query(
        `truncate ${BACKUP_TABLES.map((t) => `"${t}"`).join(', ')} restart identity cascade`,
      );
      await database.close();
    }
    const dataDir = join(mkdtempSync(join(tmpdir(), 'huizhi-serve-')), 'data');
    const port = 38_000 + Math.floor(Math.random() * 1000);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      HUIZHI_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    if (target.kind === 'postgres') env.DATABASE_URL = target.url;
    const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitForReady(`http://127.0.0.1:${port}/readyz`, Date.now() + 60_000);
      expect(output).toContain(`http://localhost:${port}`);
      expect(output).toContain('huizhi-demo-2026');
      expect(output).toMatch(/dispatcher\s+赵派单/);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dispatcher', password: 'huizhi-demo-2026' }),
      });
      expect(login.status).toBe(200);

      if (target.kind === 'pglite')
        await expect(lockDataDir(dataDir)).rejects.toThrow(/in use by another Huizhi server/);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The lock is released: the folder can be opened again.
      const release = await lockDataDir(dataDir);
      await release();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
