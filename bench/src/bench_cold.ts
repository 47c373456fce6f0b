/**
 * @module bench_cold
 *
 * Benchmark 4: cold start, the time from spawning `node apps/<x>/dist/server.js` to the first 200 from its
 * /healthz (polled every 5 ms), for each service alone and for all three started at once. Twice each:
 * on a first start (empty DATA_DIR: database created, demo data seeded, keys and secrets made) and on a
 * restart (the same DATA_DIR again). Not pinned: a real start has the whole machine.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import { type Proc, stopAll, waitHealthy } from './procs.js';
import { SERVICES, type ServiceName, stackConfig, startService, type StackConfig } from './stack.js';
import { median, round } from './stats.js';

export interface ColdRow {
  what: string;
  firstStartMs: number[];
  restartMs: number[];
  medianFirstStartMs: number;
  medianRestartMs: number;
}

export interface ColdBenchResult {
  rounds: number;
  rows: ColdRow[];
}

async function timeStart(cfg: StackConfig, names: readonly ServiceName[]): Promise<number> {
  const procs: Proc[] = names.map((name) => startService(cfg, name));
  try {
    const times = await Promise.all(procs.map((p) => waitHealthy(p)));
    return Math.max(...times);
  } finally {
    await stopAll(procs);
  }
}

export async function benchCold(ctx: BenchContext): Promise<ColdBenchResult> {
  const { settings, log } = ctx;
  // Smoke mode only checks that all three start and answer (the single-service cases add nothing to that).
  const groups: { what: string; names: readonly ServiceName[] }[] = [
    ...(settings.smoke ? [] : SERVICES.map((name) => ({ what: name, names: [name] }))),
    { what: 'all three together', names: SERVICES },
  ];
  const rows: ColdRow[] = groups.map((g) => ({
    what: g.what,
    firstStartMs: [],
    restartMs: [],
    medianFirstStartMs: 0,
    medianRestartMs: 0,
  }));
  log(`4. cold start: ${groups.length} cases × ${settings.coldRounds} rounds`);
  for (let r = 0; r < settings.coldRounds; r++) {
    for (const [i, g] of groups.entries()) {
      const cfg = await stackConfig(ctx.workDir, `cold-${r}-${i}`);
      rows[i]!.firstStartMs.push(round(await timeStart(cfg, g.names), 1));
      rows[i]!.restartMs.push(round(await timeStart(cfg, g.names), 1));
      for (const name of g.names) rmSync(join(cfg.runDir, name), { recursive: true, force: true });
    }
  }
  for (const row of rows) {
    row.medianFirstStartMs = median(row.firstStartMs);
    row.medianRestartMs = median(row.restartMs);
    log(`  ${row.what}: first start ${row.medianFirstStartMs} ms, restart ${row.medianRestartMs} ms`);
  }
  return { rounds: settings.coldRounds, rows };
}
