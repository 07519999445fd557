import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './data-lock.ts';

describe('data folder lock', () => {
  it('lets one server hold a data folder and refuses a second with a clear message', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'huizhi-lock-')), 'data');
    const release = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(/in use by another Huizhi server/);
    await release();
    const again = await lockDataDir(dir);
    await again();
  });
});
