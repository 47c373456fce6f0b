/**
 * @module settings
 *
 * Full mode (`pnpm bench`, a few minutes) and smoke mode (`bench:smoke` or BENCH_SMOKE=1, seconds: it
 * asserts no errors, not speed). Every duration is bounded; a few BENCH_* variables shorten or narrow a run.
 */
export interface Settings {
  smoke: boolean;
  /** Rounds per side-by-side comparison; medians are reported. */
  rounds: number;
  /** Seconds per measurement, and of the warm-up before a comparison. */
  durationS: number;
  warmupS: number;
  /** autocannon connections. */
  connections: number;
  flows: { learners: number; durationS: number };
  /**
   * BENCH_LEARNERS as a comma list (50,100,200,400,800): benchmark 3 once per class size, the curve (curve.ts).
   * `flows.learners` is the size whose run is the main result: 200 when the list has it, else the first.
   */
  learnerSweep: number[];
  /** BENCH_CONTENTION=N: N busy loops compete for the CPUs during the whole run, as on a machine shared with other work. */
  contention: number;
  coldRounds: number;
  /** CPU-profile the auth server's token endpoint and the drive's photo list under load. */
  profile: boolean;
  /** Per-request timings in benchmark 3 (servers/timings.ts), to attribute the slowest requests. */
  timings: boolean;
  /** Which benchmarks (1-4) to run. */
  only: Set<number>;
}

function num(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function learnerList(fallback: number): number[] {
  const raw = process.env.BENCH_LEARNERS;
  if (raw === undefined || raw.trim() === '') return [fallback];
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 2000))
    throw new Error(`BENCH_LEARNERS must be whole numbers from 1 to 2000, comma-separated, got "${raw}"`);
  return [...new Set(list)];
}

export function readSettings(argv: readonly string[]): Settings {
  const smoke = argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
  const sweep = learnerList(smoke ? 6 : 200);
  const only = new Set(
    (process.env.BENCH_ONLY ?? '1,2,3,4')
      .split(',')
      .map((s) => Number(s.trim()))
      .filter((n) => n >= 1 && n <= 4),
  );
  return {
    smoke,
    rounds: num('BENCH_ROUNDS', smoke ? 1 : 5, 1, 10),
    durationS: num('BENCH_DURATION', smoke ? 1 : 3, 1, 30),
    warmupS: smoke ? 0 : 1,
    connections: num('BENCH_CONNECTIONS', 10, 1, 200),
    flows: {
      learners: sweep.includes(200) ? 200 : sweep[0]!,
      durationS: num('BENCH_FLOW_DURATION', smoke ? 3 : 60, 1, 120),
    },
    learnerSweep: sweep,
    contention: num('BENCH_CONTENTION', 0, 0, 64),
    coldRounds: num('BENCH_COLD_ROUNDS', smoke ? 1 : 3, 1, 10),
    profile: !smoke && process.env.BENCH_PROFILE !== '0',
    timings: process.env.BENCH_TIMINGS !== '0',
    only,
  };
}
