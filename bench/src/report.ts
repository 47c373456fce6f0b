/**
 * @module report
 *
 * The printed report: Markdown tables (they paste as they are into an issue's closing note).
 */
import type { DriveBenchResult } from './bench_drive.js';
import { DRIVE_TARGETS } from './bench_drive.js';
import type { ColdBenchResult } from './bench_cold.js';
import { type Attribution, PARTS, type Part } from './attribution.js';
import type { FlowBenchResult } from './bench_flows.js';
import type { CurvePoint } from './curve.js';
import type { TokenBenchResult } from './bench_token.js';
import type { ProfileSummary } from './profile.js';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  commit: string;
  pinning: string;
  /** 1, 5 and 15 min load averages at the start and the end of the run (other work on a shared machine). */
  loadAverage?: { before: number[]; after: number[] };
}

export interface Report {
  mode: 'full' | 'smoke';
  startedAt: string;
  elapsedS: number;
  machine: Machine;
  method: {
    rounds: number;
    durationS: number;
    warmupS: number;
    connections: number;
    nodeEnv: string;
    /** BENCH_CONTENTION: what competed for the CPUs during the run. */
    contention?: string;
  };
  /** Benchmark 3 at each class size of a BENCH_LEARNERS sweep (curve.svg next to the JSON). */
  curve?: CurvePoint[];
  drive?: DriveBenchResult;
  token?: TokenBenchResult;
  flows?: FlowBenchResult;
  cold?: ColdBenchResult;
  /** Failures that make the run fail (smoke and full): errors, non-2xx, a broken sanity check. */
  failures: string[];
}

export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}

const rps = (n: number) => `${Math.round(n)} req/s`;
const x = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : `${n.toFixed(2)}x`);
const status = (ratio: number | undefined, goal: number) =>
  ratio === undefined || Number.isNaN(ratio) ? '—' : ratio >= goal ? 'met' : 'NOT met';

function profileLines(title: string, p: ProfileSummary | undefined): string[] {
  if (!p) return [];
  return [
    '',
    `${title} (node --cpu-prof, ${(p.busyMs / 1000).toFixed(1)} s of CPU sampled, start-up included; self time):`,
    table(
      ['package', 'self %'],
      p.byPackage.slice(0, 8).map((r) => [r.pkg, r.selfPct.toFixed(1)]),
    ),
    table(
      ['top frames', 'self %'],
      p.topFrames.slice(0, 10).map((r) => [r.frame, r.selfPct.toFixed(1)]),
    ),
    table(
      ['our code and its middleware, inclusive', 'total %'],
      p.topInclusive.slice(0, 14).map((r) => [r.frame, r.totalPct.toFixed(1)]),
    ),
  ];
}

const fmtParts = (parts: Partial<Record<Part, number>>) =>
  PARTS.filter((p) => parts[p] !== undefined)
    .map((p) => `${p} ${parts[p]}`)
    .join(', ');

function attributionLines(a: Attribution): string[] {
  return [
    '',
    `where the slowest requests waited (server-side timings joined to ${a.joined} of ${a.requests} requests; parts in ms, see attribution.ts)`,
    table(
      ['request in the flow', 'count', 'p99 ms', 'max ms', '≥ p99: on a new connection', 'median parts of those ≥ p99'],
      a.steps.map((s) => [
        s.step,
        s.count,
        s.p99Ms,
        s.maxMs,
        `${s.slowOnNewConnection} of ${s.slow}`,
        fmtParts(s.slowMedianParts),
      ]),
    ),
    table(
      ['slowest requests', 'ms', 'new connection', 'status', 'parts'],
      a.slowest.map((r) => [r.step, r.totalMs, r.newConnection ? 'yes' : 'no', r.status, fmtParts(r.parts)]),
    ),
    `new connections whose TCP handshake took ≥ 1 s (a SYN sent again): ${a.slowConnects}; connections waiting ≥ 1 s to be accepted: ${a.slowAccepts}; longest event-loop delay in any second: ${a.loops.map((l) => `${l.service} ${l.maxMs} ms (${l.secondsOver500Ms} s over 500 ms)`).join(', ')}`,
  ];
}

export function render(report: Report): string {
  const { machine: m, method } = report;
  const out: string[] = [];
  out.push(`OAuth demo benchmarks (${report.mode} run, ${report.startedAt}, ${report.elapsedS.toFixed(0)} s)`);
  out.push(
    `machine: nproc ${m.nproc}, ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.kernel}, node ${m.node}, commit ${m.commit}`,
  );
  out.push(`pinning: ${m.pinning}`);
  if (m.loadAverage)
    out.push(
      `load average (1/5/15 min): ${m.loadAverage.before.join(' ')} at start, ${m.loadAverage.after.join(' ')} at end (${m.nproc} CPUs)`,
    );
  out.push(
    `method: ${method.rounds} round(s) × ${method.durationS} s per target, order rotating, ${method.warmupS} s warm-up, ${method.connections} connections (autocannon); req/s are medians over rounds, ratios medians of per-round ratios; NODE_ENV=${method.nodeEnv}`,
  );
  if (method.contention) out.push(`contention: ${method.contention}`);
  out.push('');

  const summary: (string | number)[][] = [];
  const d = report.drive;
  if (d) {
    const t = (name: string) => d.targets.find((r) => r.name === name);
    const prod = t(DRIVE_TARGETS.production);
    const base = t(DRIVE_TARGETS.baseline);
    const perRequest = t(DRIVE_TARGETS.perRequest);
    if (prod && base)
      summary.push([
        '1',
        `drive ${d.route}, bearer JWT (production: verified-token cache)`,
        rps(prod.medianRps),
        `same route, no auth: ${rps(base.medianRps)}`,
        x(d.ratio),
        '≥ 0.90x',
        status(d.ratio, d.goal),
      ]);
    if (perRequest && base)
      summary.push([
        '1',
        'for comparison: the drive without its cache (jose per request)',
        rps(perRequest.medianRps),
        `same route, no auth: ${rps(base.medianRps)}`,
        x(d.perRequestRatio),
        '—',
        '—',
      ]);
  }
  const k = report.token;
  if (k) {
    const [ours, peer] = k.targets;
    if (ours && peer)
      summary.push([
        '2',
        'token endpoint, client_credentials (ES256 JWT)',
        rps(ours.medianRps),
        `node-oidc-provider: ${rps(peer.medianRps)}`,
        x(k.ratio),
        `≥ ${k.goal.toFixed(1)}x`,
        status(k.ratio, k.goal),
      ]);
  }
  const f = report.flows;
  if (f) {
    summary.push([
      '3',
      `whole code flows, ${f.learners} learners × ${f.durationS} s`,
      `${f.flows} flows (${f.flowsPerS}/s), p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms; after ${f.steady.fromS} s: p50 ${f.steady.p50Ms} ms, p99 ${f.steady.p99Ms} ms`,
      '—',
      '—',
      '0 errors',
      f.errors === 0 ? 'met (0 errors)' : `NOT met (${f.errors} errors)`,
    ]);
  }
  const c = report.cold;
  if (c) {
    for (const row of c.rows)
      summary.push([
        '4',
        `cold start to /healthz 200: ${row.what}`,
        `${row.medianFirstStartMs} ms first start`,
        `${row.medianRestartMs} ms restart`,
        '—',
        '—',
        '—',
      ]);
  }
  out.push(table(['#', 'measurement', 'result (median)', 'compared with', 'ratio', 'goal', 'status'], summary));

  if (d) {
    out.push('', `1. ${d.route}: every target, medians of ${method.rounds} round(s)`);
    out.push(targetsTable(d.targets));
    const rr = (v: number[] | undefined) => (v ?? []).map((n) => n.toFixed(2)).join(' / ');
    out.push(
      `ratios are medians of per-round ratios; per round: production ÷ no auth ${rr(d.roundRatios.production)}${d.roundRatios.perRequest ? `; without the cache ÷ no auth ${rr(d.roundRatios.perRequest)}` : ''}; ratio of medians ${x(d.ratioOfMedians)}`,
    );
    for (const n of d.notes) out.push(`- ${n}`);
    out.push(...profileLines('Drive under this load, production code', d.profile));
  }
  if (k) {
    out.push('', `2. ${k.request}`);
    out.push(targetsTable(k.targets));
    out.push(
      `ratio is the median of per-round ratios: ${k.roundRatios.map((n) => n.toFixed(2)).join(' / ')}; ratio of medians ${x(k.ratioOfMedians)}`,
    );
    if (k.floorVsPeer !== undefined)
      out.push(
        `bare express floor ÷ oidc-provider: ${x(k.floorVsPeer)} (the ceiling of any express token endpoint against this peer here)`,
      );
    if (k.budget)
      out.push(
        `CPU budget per request for ${k.goal}x oidc-provider: ${k.budget.goalUs} µs; express alone (the floor) takes ${k.budget.floorUs} µs, leaving ${k.budget.headroomUs} µs for everything a token endpoint does; one ES256 signature with jose takes ${k.budget.signatureUs} µs of CPU here`,
      );
    if (k.authDbBytes) {
      const grew = (k.authDbBytes.after - k.authDbBytes.before) / 1024 / 1024;
      out.push(
        `our auth.db (+WAL) grew ${grew.toFixed(1)} MiB for ${k.authDbBytes.tokensIssued} client_credentials tokens (no row until one is revoked)`,
      );
    }
    for (const n of k.notes) out.push(`- ${n}`);
    out.push(...profileLines('Auth server under this load', k.profile));
  }
  if (f) {
    out.push(
      '',
      `3. flows: ${f.flows} flows, ${f.errors} errors, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms`,
    );
    out.push(
      `   flows started after the first ${f.steady.fromS} s (every learner has signed in): ${f.steady.flows}, p50 ${f.steady.p50Ms} ms, p99 ${f.steady.p99Ms} ms, max ${f.steady.maxMs} ms`,
    );
    out.push(
      table(
        ['what the learner was asked', 'flows'],
        Object.entries(f.kinds).map(([kind, n]) => [kind, n]),
      ),
    );
    out.push(
      table(
        [
          'request in the flow',
          'count',
          'p50 ms',
          'p99 ms',
          `after ${f.steady.fromS} s: p99 ms`,
          `after ${f.steady.fromS} s: max ms`,
        ],
        f.steps.map((s) => [
          s.step,
          s.count,
          s.p50Ms,
          s.p99Ms,
          // None sent after the burst (the sign-in and consent of the first flow): a dash, not NaN.
          Number.isNaN(s.steadyP99Ms) ? '—' : s.steadyP99Ms,
          Number.isNaN(s.steadyP99Ms) ? '—' : s.steadyMaxMs,
        ]),
      ),
    );
    out.push(
      table(
        [
          'service',
          'RSS before MiB',
          'RSS after MiB',
          'peak MiB',
          'RSS during the run MiB',
          'DATA_DIR before → after KiB',
          'event-loop stalls > 1 s',
        ],
        f.memory.map((mm) => [
          mm.service,
          mm.rssBeforeMiB,
          mm.rssAfterMiB,
          mm.peakMiB,
          mm.rssTimelineMiB.map((v) => Math.round(v)).join(' '),
          `${mm.dataDirBeforeKiB} → ${mm.dataDirAfterKiB}`,
          mm.stallsMs.length === 0 ? 'none' : `${mm.stallsMs.length} (longest ${Math.max(...mm.stallsMs)} ms)`,
        ]),
      ),
    );
    out.push(
      `per 10 s of the run: flows completed ${f.flowsPer10s.join(' ')}; errors ${f.errorsPer10s.join(' ')}; requests retried on a new connection after a keep-alive reset (as browsers do): ${f.retriedRequests}`,
    );
    const busy = Object.entries(f.busyRetries ?? {});
    out.push(
      `answered 503 + Retry-After (busy) and sent again after it, as a browser would: ${busy.length === 0 ? 'none' : busy.map(([step, n]) => `${step} ×${n}`).join(', ')}`,
    );
    for (const e of f.errorSamples) out.push(`error ×${e.count}: ${e.message}`);
    for (const n of f.notes) out.push(`- ${n}`);
    if (f.attribution) out.push(...attributionLines(f.attribution));
  }
  if (report.curve) {
    out.push(
      '',
      'the curve: benchmark 3 at each class size (curve.svg next to the JSON); "after the burst": flows started once everyone had signed in',
      table(
        [
          'learners',
          'flows/s',
          'errors',
          '503 + Retry-After, sent again',
          'flow p50 ms',
          'flow p99 ms',
          'after the burst p50 ms',
          'after the burst p99 ms',
        ],
        report.curve.map((p) => [
          p.learners,
          p.flowsPerS,
          p.errors,
          p.busyRetries,
          p.p50Ms,
          p.p99Ms,
          p.steadyP50Ms,
          p.steadyP99Ms,
        ]),
      ),
    );
    for (const p of report.curve)
      for (const e of p.errorSamples) out.push(`${p.learners} learners: error ×${e.count}: ${e.message}`);
  }
  if (c) {
    out.push(
      '',
      `4. cold start, ms from spawn to the first 200 from /healthz (polled every 5 ms), ${c.rounds} round(s)`,
    );
    out.push(
      table(
        ['service', 'first start (empty DATA_DIR)', 'restart (same DATA_DIR)', 'rounds first / restart'],
        c.rows.map((r) => [
          r.what,
          r.medianFirstStartMs,
          r.medianRestartMs,
          `${r.firstStartMs.join(', ')} / ${r.restartMs.join(', ')}`,
        ]),
      ),
    );
  }
  if (report.failures.length > 0) {
    out.push('', 'FAILURES:');
    for (const fl of report.failures) out.push(`- ${fl}`);
  }
  return out.join('\n');
}

/** Benchmarks 1 and 2 report their targets alike: medians over the rounds, and each round's req/s. */
function targetsTable(
  targets: readonly {
    name: string;
    medianRps: number;
    medianP50Ms: number;
    medianP99Ms: number;
    medianCpuUsPerRequest?: number;
    failures: number;
    rounds: readonly { rps: number }[];
  }[],
): string {
  // The server's own CPU time per request, where measured (benchmark 2): steadier than req/s on a busy machine.
  const cpu = targets.some((t) => t.medianCpuUsPerRequest !== undefined);
  return table(
    ['target', 'req/s', 'p50 ms', 'p99 ms', ...(cpu ? ['server CPU µs/request'] : []), 'failures', 'rounds req/s'],
    targets.map((t) => [
      t.name,
      Math.round(t.medianRps),
      t.medianP50Ms,
      t.medianP99Ms,
      ...(cpu ? [t.medianCpuUsPerRequest === undefined ? '—' : Math.round(t.medianCpuUsPerRequest)] : []),
      t.failures,
      t.rounds.map((r) => Math.round(r.rps)).join(' / '),
    ]),
  );
}
