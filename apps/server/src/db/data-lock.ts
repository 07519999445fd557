import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';

/**
 * Takes an exclusive lock on the PGlite data folder: PGlite does not lock it, and two processes
 * writing one folder would corrupt it. A stale lock (a crashed process) is taken over after 10 s.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: `${dataDir}/.huizhi.lock`,
      stale: 10_000,
      update: 2_000,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new Error(
        `The data folder ${dataDir} is in use by another Huizhi server. Stop it first, or set HUIZHI_DATA_DIR to another folder.`,
      );
    }
    throw error;
  }
}
