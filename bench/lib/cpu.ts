import { readdirSync, readFileSync } from 'node:fs';

/**
 * Tells how much CPU other work on the machine took while a figure was measured, so a disturbed figure
 * is flagged instead of silently reported low. Linux only (/proc); elsewhere it reports nothing.
 */

function readTicks(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, all threads
  } catch {
    return undefined;
  }
}

function commOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** CPU ticks of the bench, the given processes and every PostgreSQL process (the database under test). */
function ownTicks(pids: number[]): Map<string, number> {
  const ticks = new Map<string, number>();
  const add = (pid: string) => {
    const t = readTicks(`/proc/${pid}/stat`);
    if (t !== undefined) ticks.set(pid, t);
  };
  add(String(process.pid));
  for (const pid of pids) add(String(pid));
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && commOf(entry) === 'postgres') add(entry);
  }
  return ticks;
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    // Process time only: interrupts (mostly our own loopback traffic) and the hypervisor's steal are no
    // process's, so they are left out of "busy" but kept in the capacity.
    const busy = user + nice + system;
    return { busy, total: busy + idle + iowait + irq + softirq + steal };
  } catch {
    return undefined;
  }
}

export interface CpuWatch {
  /**
   * The share of the machine's CPU capacity (0–1) that went to other processes since the watch started;
   * `pids` adds processes under test started meanwhile (counted from zero).
   */
  stop(pids?: number[]): number | undefined;
}

/** Starts watching; `pids` are the processes under test besides the bench itself (e.g. the server). */
export function watchCpu(pids: number[] = []): CpuWatch {
  if (process.platform !== 'linux') return { stop: () => undefined };
  const machineBefore = machineTicks();
  const ownBefore = ownTicks(pids);
  return {
    stop: (more = []) => {
      const machineAfter = machineTicks();
      if (!machineBefore || !machineAfter) return undefined;
      const ownAfter = ownTicks([...pids, ...more]);
      let own = 0;
      for (const [pid, after] of ownAfter) own += after - (ownBefore.get(pid) ?? 0);
      const total = machineAfter.total - machineBefore.total;
      const foreign = machineAfter.busy - machineBefore.busy - own;
      return total > 0 ? Math.max(0, foreign / total) : undefined;
    },
  };
}

/** The share of CPU other work takes over `ms` milliseconds while the bench is idle. */
export async function otherCpuUse(ms = 500): Promise<number> {
  const watch = watchCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return watch.stop() ?? 0;
}

/** Warns when other processes took more than 10 % of the machine while `label` was measured. */
export function warnIfDisturbed(
  warn: (message: string) => void,
  label: string,
  share: number | undefined,
): void {
  if (share !== undefined && share > 0.1) {
    warn(
      `${label}: other processes took ${(share * 100).toFixed(0)} % of the CPU during the measurement; the figure is likely low`,
    );
  }
}
