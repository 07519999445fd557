import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/huizhi.js', import.meta.url));

/** Runs `huizhi …` on an embedded database in `dataDir`; resolves with stdout or rejects with stderr. */
function huizhi(dataDir: string, args: string[], extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, HUIZHI_DATA_DIR: dataDir, ...extraEnv };
  delete env.DATABASE_URL;
  return run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
}

// The command-line tool end to end on PGlite (the same code paths run on PostgreSQL with DATABASE_URL;
// backup/restore across the two databases is covered in src/backup.test.ts).
describe('huizhi command', () => {
  it('seeds the demo, adds a user, backs up and restores into another folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'huizhi-cli-'));
    const first = join(root, 'first');
    const second = join(root, 'second');

    expect((await huizhi(first, ['seed', 'demo'])).stdout).toContain('129 territories, 40 units, 11 users');
    await expect(huizhi(first, ['seed', 'demo'])).rejects.toMatchObject({
      stderr: expect.stringContaining('already has territories'),
    });

    const added = await huizhi(
      first,
      [
        'user',
        'add',
        '--username',
        'li.grid',
        '--name',
        '李网格',
        '--role',
        'gridWorker',
        '--territory',
        '990101001001G02',
      ],
      {
        HUIZHI_PASSWORD: 'a-long-enough-password',
      },
    );
    expect(added.stdout).toContain('User li.grid');
    await expect(
      huizhi(first, [
        'user',
        'add',
        '--username',
        'x',
        '--name',
        'X',
        '--role',
        'handler',
        '--password',
        'short',
      ]),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/username[\s\S]*password/) });
    await expect(
      huizhi(first, [
        'user',
        'add',
        '--username',
        'nowhere',
        '--name',
        'N',
        '--role',
        'handler',
        '--territory',
        '000',
        '--password',
        'a-long-enough-password',
      ]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('No territory has the code 000') });

    const file = join(root, 'backup.jsonl.gz');
    expect((await huizhi(first, ['backup', file])).stdout).toContain('users 12');
    await huizhi(second, ['migrate']);
    expect((await huizhi(second, ['restore', file])).stdout).toContain('users 12');
  }, 120_000);
});
