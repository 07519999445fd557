import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/huizhi.js', import.meta.url));
const SAMPLE = fileURLToPath(
  new URL('../../../../../docs/operations/samples/appeals-12345-sample.csv', import.meta.url),
);

/** Runs `huizhi …` on an embedded database in `dataDir`. */
function huizhi(dataDir: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HUIZHI_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return run(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
}

// The command end to end on PGlite (the service it calls is tested on both databases).
describe('huizhi import appeals', () => {
  const root = mkdtempSync(join(tmpdir(), 'huizhi-appeal-import-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('checks with --dry-run, imports, and exits with 1 and the first errors when refused', async () => {
    const data = join(root, 'data');
    await huizhi(data, ['seed', 'demo']);

    const dry = await huizhi(data, ['import', 'appeals', SAMPLE, '--dry-run']);
    expect(dry.stdout).toContain('Dry run: all 6 rows can be imported; nothing was written.');

    const applied = await huizhi(data, ['import', 'appeals', SAMPLE]);
    expect(applied.stdout).toContain('Import applied: 6 of 6 rows imported as historical appeals.');

    const bad = join(root, 'bad.csv');
    writeFileSync(
      bad,
      [
        '受理时间,诉求类型,诉求内容,所属街道,承办单位,答复内容,答复时间',
        '2025-03-01 08:30,投诉,路灯不亮,和平街道,和平街道办事处,已修复,2025-03-02 10:00',
        '2025-03-32 08:30,表扬,路灯不亮,无名街道,和平街道办事处,已修复,2025-03-02 10:00',
      ].join('\n'),
    );
    const refused = await huizhi(data, ['import', 'appeals', bad]).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stdout).toContain('Import refused: 3 problem(s) in 2 rows; nothing was imported.');
    expect(refused?.stdout).toContain(
      'error row 3 [受理时间]: "2025-03-32 08:30" is not a real date and time.',
    );
    expect(refused?.stdout).toContain('error row 3 [所属街道]: No street is called "无名街道".');
    // The existing `import territories` command still works beside it.
    const help = await huizhi(data, ['import', '--help']);
    expect(help.stdout).toMatch(/territories[\s\S]*appeals|appeals[\s\S]*territories/);
  }, 300_000);
});
