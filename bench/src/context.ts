/**
 * @module context
 *
 * What every benchmark gets from the runner.
 */
import type { Pinning } from './procs.js';
import type { Settings } from './settings.js';

export interface BenchContext {
  settings: Settings;
  pinning: Pinning;
  /** A temporary folder for this run: data directories, logs, CPU profiles. */
  workDir: string;
  log: (line: string) => void;
}

/** The CPU servers are pinned to, or undefined when pinning is off. */
export function serverCpu(ctx: BenchContext): number | undefined {
  return ctx.pinning.enabled ? ctx.pinning.serverCpu : undefined;
}

class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchFailure(message);
}
