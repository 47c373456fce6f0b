/**
 * @module run
 *
 * `pnpm bench` (full, a few minutes) or `pnpm --filter @oauth-demo/bench bench:smoke` (seconds): starts
 * every server it measures on loopback from compiled output, runs the four benchmarks of issue 7, prints a
 * table and writes bench/results/latest.json (smoke: smoke.json). Exits 1 on any error or failed check
 * (never on speed). Everything it started is stopped by PID, also when interrupted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { benchCold } from './bench_cold.js';
import { benchDrive } from './bench_drive.js';
import { benchFlows } from './bench_flows.js';
import { benchToken } from './bench_token.js';
import type { BenchContext } from './context.js';
import { closeAgent } from './http_client.js';
import { decidePinning, killRemaining, pinSelf, REPO_ROOT } from './procs.js';
import { type Machine, render, type Report } from './report.js';
import { readSettings } from './settings.js';
import { curvePoint, curveSvg } from './curve.js';
import { startContention, stopContention } from './procs.js';

function machine(nproc: number, pinningNote: string): Machine {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    /* not Linux */
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    if (dirty) commit += ' (+ uncommitted changes)';
  } catch {
    /* no git */
  }
  return {
    nproc,
    cpuModel,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
    pinning: pinningNote,
  };
}

const settings = readSettings(process.argv.slice(2));
// Counted before this process pins itself (availableParallelism follows the CPU affinity).
const nproc = os.availableParallelism();
const loadBefore = os.loadavg();
const pinning = decidePinning(nproc);
if (pinning.enabled) pinSelf(pinning.loadCpu!);
const workDir = mkdtempSync(join(os.tmpdir(), 'oauth-bench-'));
const log = (line: string) => console.log(line);
const ctx: BenchContext = { settings, pinning, workDir, log };

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench: ${signal}, stopping what this run started`);
    killRemaining();
    process.exit(130);
  });
}
process.once('exit', () => killRemaining());

const startedAt = new Date();
const t0 = performance.now();
const report: Report = {
  mode: settings.smoke ? 'smoke' : 'full',
  startedAt: startedAt.toISOString(),
  elapsedS: 0,
  machine: machine(nproc, pinning.note),
  method: {
    rounds: settings.rounds,
    durationS: settings.durationS,
    warmupS: settings.warmupS,
    connections: settings.connections,
    nodeEnv:
      process.env.BENCH_NODE_ENV === ''
        ? '(unset)'
        : (process.env.BENCH_NODE_ENV ?? 'production (as `npm start` runs the services)'),
  },
  failures: [],
};

async function step<T>(n: number, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (!settings.only.has(n)) return undefined;
  try {
    return await fn();
  } catch (err) {
    report.failures.push(`${n}. ${name}: ${err instanceof Error ? err.message : String(err)}`);
    log(`${n}. ${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return undefined;
  }
}

log(`bench: ${report.mode} run; work folder ${workDir}; ${pinning.note}`);
// BENCH_CONTENTION=N: N busy loops on any CPU for the whole run, as a machine shared with other work would.
if (settings.contention > 0) {
  startContention(settings.contention);
  report.method.contention = `${settings.contention} busy loops (node -e 'for (;;) {}', unpinned) during the whole run`;
}
report.drive = await step(1, 'drive photo list', () => benchDrive(ctx));
report.token = await step(2, 'token endpoint', () => benchToken(ctx));
// Benchmark 3 once per class size of BENCH_LEARNERS; the main size (200 when listed) is the result, every size
// a point of the curve, drawn next to the JSON.
const sweep = settings.only.has(3) ? settings.learnerSweep : [];
for (const learners of sweep) {
  const result = await step(3, `whole flows, ${learners} learners`, () => benchFlows(ctx, learners));
  if (!result) continue;
  if (learners === settings.flows.learners) report.flows = result;
  if (sweep.length > 1) {
    report.curve ??= [];
    report.curve.push(curvePoint(result));
  }
}
report.cold = await step(4, 'cold start', () => benchCold(ctx));
closeAgent();
stopContention();

// Errors are failures in every mode; speed never is.
for (const t of [...(report.drive?.targets ?? []), ...(report.token?.targets ?? [])]) {
  if (t.failures > 0) report.failures.push(`${t.name}: ${t.failures} failed requests (non-2xx, errors or timeouts)`);
}
if (report.flows && report.flows.errors > 0) report.failures.push(`flows: ${report.flows.errors} errors`);
if (report.flows && report.flows.flows === 0) report.failures.push('flows: no flow completed');
// The other sizes of a sweep are measured, not judged: where one machine stops is what the curve is for.

report.elapsedS = (performance.now() - t0) / 1000;
// The machine is shared: what else ran during the measurement is part of the result.
report.machine.loadAverage = {
  before: loadBefore.map((v) => Math.round(v * 100) / 100),
  after: os.loadavg().map((v) => Math.round(v * 100) / 100),
};
const resultsDir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const jsonFile = join(resultsDir, settings.smoke ? 'smoke.json' : 'latest.json');
writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
if (report.curve) {
  const svgFile = join(resultsDir, settings.smoke ? 'curve-smoke.svg' : 'curve.svg');
  writeFileSync(
    svgFile,
    curveSvg(
      report.curve,
      `Whole code flows on one machine, ${settings.flows.durationS} s per class size (${report.machine.commit})`,
    ),
  );
  log(`curve: ${svgFile}`);
}
console.log(`\n${render(report)}\n\nJSON: ${jsonFile}`);

if (report.failures.length === 0 && !interrupted && process.env.BENCH_KEEP !== '1')
  rmSync(workDir, { recursive: true, force: true });
else console.error(`bench: logs and data kept in ${workDir}`);
process.exit(report.failures.length === 0 ? 0 : 1);
