/**
 * @module load
 *
 * autocannon, in this process (which runs on its own CPU), for a bounded time against one loopback URL.
 */
import autocannon from 'autocannon';
import { cpuTimeMs } from './procs.js';
import { median } from './stats.js';

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
}

export interface LoadResult {
  /** Mean requests per second over the run's per-second samples (autocannon's `requests.average`). */
  rps: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The server's CPU time per answered request during the run, in µs (when its process is known). */
  serverCpuUsPerRequest?: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (!spec.url.startsWith('http://127.0.0.1:')) throw new Error(`load only on loopback, not ${spec.url}`);
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationS,
    timeout: 10,
  });
  const total = result.requests.total;
  return {
    // Short smoke runs (< 1 s) have no per-second sample: count / time instead.
    rps: result.requests.average > 0 ? result.requests.average : total / spec.durationS,
    total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

export interface Target {
  name: string;
  spec: Omit<LoadSpec, 'durationS'>;
  /** The server's process: its CPU time per request is measured too (steadier than req/s on a shared machine). */
  pid?: number;
}

export interface TargetRounds {
  name: string;
  rounds: LoadResult[];
  medianRps: number;
  medianP50Ms: number;
  medianP99Ms: number;
  /** Median over rounds of the server's CPU time per request, in µs, when measured. */
  medianCpuUsPerRequest?: number;
  /** non-2xx + errors + timeouts over all rounds (warm-up excluded). */
  failures: number;
}

/**
 * Side by side in one run: a warm-up of each target, then `rounds` rounds in which every target is measured
 * once, the order rotating from round to round so no target always runs first (or right after another).
 */
export async function compareTargets(
  targets: readonly Target[],
  options: { rounds: number; durationS: number; warmupS: number },
  log: (line: string) => void,
): Promise<TargetRounds[]> {
  for (const t of targets) if (options.warmupS > 0) await runLoad({ ...t.spec, durationS: options.warmupS });
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + r) % targets.length]!;
      const cpuBefore = t.pid === undefined ? null : cpuTimeMs(t.pid);
      const res = await runLoad({ ...t.spec, durationS: options.durationS });
      const cpuAfter = t.pid === undefined ? null : cpuTimeMs(t.pid);
      if (cpuBefore !== null && cpuAfter !== null && res.total > 0)
        res.serverCpuUsPerRequest = ((cpuAfter - cpuBefore) * 1000) / res.total;
      results.get(t.name)!.push(res);
      log(
        `  round ${r + 1}/${options.rounds} ${t.name}: ${Math.round(res.rps)} req/s, p99 ${res.latencyP99Ms} ms${res.serverCpuUsPerRequest === undefined ? '' : `, ${Math.round(res.serverCpuUsPerRequest)} µs CPU/request`}${res.non2xx + res.errors ? `, ${res.non2xx} non-2xx, ${res.errors} errors` : ''}`,
      );
    }
  }
  return targets.map((t) => {
    const rounds = results.get(t.name)!;
    const cpu = rounds.flatMap((x) => (x.serverCpuUsPerRequest === undefined ? [] : [x.serverCpuUsPerRequest]));
    return {
      ...(cpu.length === rounds.length && cpu.length > 0 ? { medianCpuUsPerRequest: median(cpu) } : {}),
      name: t.name,
      rounds,
      medianRps: median(rounds.map((x) => x.rps)),
      medianP50Ms: median(rounds.map((x) => x.latencyP50Ms)),
      medianP99Ms: median(rounds.map((x) => x.latencyP99Ms)),
      failures: rounds.reduce((n, x) => n + x.non2xx + x.errors + x.timeouts, 0),
    };
  });
}

/** a ÷ b round by round (targets of one round were measured within seconds of each other). */
export function roundRatios(a: TargetRounds, b: TargetRounds): number[] {
  return a.rounds.map((r, i) => r.rps / (b.rounds[i]?.rps ?? Number.NaN));
}
