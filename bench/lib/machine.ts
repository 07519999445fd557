import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { Machine } from './types.ts';

/** Describes the machine the figures are measured on. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}
