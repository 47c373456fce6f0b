/**
 * @module bench_flows
 *
 * Benchmark 3: whole Authorization Code flows, scripted over HTTP the way a learner's browser clicks through
 * them (no browser): Photo Printer's home page → POST /import (CSRF) → the auth server's /authorize →
 * /interaction/:id → sign in (CSRF) → consent, Allow (CSRF) → the printer's /callback (which exchanges the
 * code at /token) → /photos (which calls the drive with the token). N learners at once (alice and bob in
 * turn), each with its own cookie jar kept from flow to flow, for a bounded time. Goal: 0 errors; reported:
 * p50/p99 of a whole flow, and the memory of each service before and after.
 *
 * A learner keeps its cookies, like a browser: its first flow signs in and consents; later flows find it
 * signed in at the auth server with its consent remembered, and go straight from /authorize to /callback.
 * The report counts each kind. After an error the learner starts over from the printer's home page, with the
 * same cookies (as a learner would, in the same browser).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchContext, serverCpu } from './context.js';
import { type Attribution, attribute, readServerTimings } from './attribution.js';
import {
  CookieJar,
  clientTimings,
  recordTimings,
  type Form,
  location,
  type Reply,
  request,
  retriedRequests,
  unescapeHtml,
} from './http_client.js';
import { memoryKiB, type Proc, REPO_ROOT, stopAll } from './procs.js';
import { type ServiceName, SERVICES, stackConfig, startStack } from './stack.js';
import { percentile, round } from './stats.js';

const USERS = [
  { name: 'alice', password: 'wonderland' },
  { name: 'bob', password: 'builder' },
] as const;

/** What the learner had to do at the auth server in one flow. */
export type FlowKind =
  | 'signed in + consented'
  | 'signed in, consent remembered'
  | 'already signed in + consented'
  | 'nothing asked (signed in, consent remembered)';

class FlowError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

interface Urls {
  printer: URL;
  auth: URL;
}

interface Learner {
  id: number;
  user: (typeof USERS)[number];
  jar: CookieJar;
}

/** Per step of the flow: when each request was sent (performance.now) and how long it took, in ms. */
type StepTimes = Map<string, { at: number; ms: number }[]>;

function describe(reply: Reply): string {
  const text = reply.body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
  return `${reply.status} ${reply.url.pathname}${reply.headers.location ? ` → ${reply.headers.location}` : ''}${text ? `: ${text}` : ''}`;
}

function csrfOf(reply: Reply, step: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(reply.body);
  if (!m?.[1]) throw new FlowError(step, `no CSRF field in ${describe(reply)}`);
  return unescapeHtml(m[1]);
}

function formAction(reply: Reply, pattern: RegExp, step: string): URL {
  for (const m of reply.body.matchAll(/<form[^>]*action="([^"]+)"/g)) {
    const action = unescapeHtml(m[1]!);
    if (pattern.test(action)) return new URL(action, reply.url);
  }
  throw new FlowError(step, `no form matching ${pattern} in ${describe(reply)}`);
}

/** The scopes the consent form sends with everything left ticked: its hidden required ones and checked boxes. */
function consentScopes(reply: Reply): string[] {
  const scopes: string[] = [];
  for (const m of reply.body.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1]!;
    if (!/name="scope"/.test(attrs)) continue;
    const value = /value="([^"]+)"/.exec(attrs)?.[1];
    if (value && (/type="hidden"/.test(attrs) || /\bchecked\b/.test(attrs))) scopes.push(unescapeHtml(value));
  }
  return scopes;
}

/** How often one step is sent again after 503 + Retry-After before the 503 counts as an error. */
const MAX_503_RETRIES = 10;
/** Requests sent again after 503 + Retry-After, by step. */
const busyRetries = new Map<string, number>();

async function flow(learner: Learner, urls: Urls, times: StepTimes): Promise<FlowKind> {
  const { jar, user } = learner;
  const step = async (name: string, method: 'GET' | 'POST', url: URL, form?: Form, expect?: number): Promise<Reply> => {
    const t0 = performance.now();
    let reply: Reply;
    let [sendMethod, sendUrl, sendForm] = [method, url, form];
    for (let attempt = 0; ; attempt++) {
      try {
        reply = await request(jar, sendMethod, sendUrl, sendForm, undefined, name);
      } catch (err) {
        throw new FlowError(name, err instanceof Error ? err.message : String(err));
      }
      // Overload, said honestly: 503 with Retry-After (RFC 9110 §10.2.3). Like a browser on a page that retries
      // itself (or a learner pressing the button again), wait that long and send the same request again. Counted
      // apart, never an error; the step's time includes the wait.
      const retryAfter = Number(reply.headers['retry-after']);
      if (reply.status !== 503 || !Number.isFinite(retryAfter) || attempt >= MAX_503_RETRIES) break;
      busyRetries.set(name, (busyRetries.get(name) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.min(30, Math.max(0, retryAfter)) * 1000));
      // A page that reloads itself elsewhere (Refresh: N; url=…, the printer's "busy, retrying") is followed there.
      const refresh = /^\s*\d+\s*;\s*url=(.+)$/i.exec(String(reply.headers.refresh ?? ''));
      if (refresh?.[1]) [sendMethod, sendUrl, sendForm] = ['GET', new URL(refresh[1].trim(), reply.url), undefined];
    }
    const list = times.get(name) ?? [];
    list.push({ at: t0, ms: performance.now() - t0 });
    times.set(name, list);
    if (expect !== undefined && reply.status !== expect)
      throw new FlowError(name, `expected ${expect}, got ${describe(reply)}`);
    return reply;
  };
  const redirectTo = (reply: Reply, name: string, origin: URL, path: string): URL => {
    const to = location(reply);
    if (!to || to.origin !== origin.origin || !to.pathname.startsWith(path))
      throw new FlowError(name, `expected a redirect to ${origin.origin}${path}, got ${describe(reply)}`);
    return to;
  };

  // Step 1: the printer's home page, then "Import photos from Drive" (POST /import with the form's CSRF token).
  const home = await step('printer GET /', 'GET', new URL('/', urls.printer), undefined, 200);
  const imported = await step(
    'printer POST /import',
    'POST',
    new URL('/import', urls.printer),
    { csrf: csrfOf(home, 'printer GET /') },
    303,
  );
  // Step 2: the authorization request, in the learner's browser.
  const authorize = await step(
    'auth GET /authorize',
    'GET',
    redirectTo(imported, 'printer POST /import', urls.auth, '/authorize'),
    undefined,
    303,
  );
  const interaction = redirectTo(authorize, 'auth GET /authorize', urls.auth, '/interaction/');
  let page = await step('auth GET /interaction', 'GET', interaction);

  // Step 3: sign in and consent, as far as the auth server asks.
  let signedIn = false;
  let consented = false;
  for (let guard = 0; guard < 3 && page.status === 200; guard++) {
    if (/action="[^"]*\/login"/.test(page.body) && !signedIn) {
      const action = formAction(page, /\/interaction\/[^/]+\/login$/, 'auth login page');
      const login = await step(
        'auth POST login',
        'POST',
        action,
        { csrf: csrfOf(page, 'auth login page'), username: user.name, password: user.password },
        303,
      );
      signedIn = true;
      page = await step(
        'auth GET /interaction',
        'GET',
        redirectTo(login, 'auth POST login', urls.auth, '/interaction/'),
      );
    } else if (/action="[^"]*\/consent"/.test(page.body) && !consented) {
      const action = formAction(page, /\/interaction\/[^/]+\/consent$/, 'auth consent page');
      page = await step(
        'auth POST consent',
        'POST',
        action,
        { csrf: csrfOf(page, 'auth consent page'), decision: 'allow', scope: consentScopes(page) },
        303,
      );
      consented = true;
    } else {
      throw new FlowError('auth interaction', `unexpected page ${describe(page)}`);
    }
  }
  if (page.status !== 303)
    throw new FlowError('auth interaction', `expected the redirect back to the printer, got ${describe(page)}`);

  // Step 4-6: back at the printer's redirect_uri; it checks state and iss and exchanges the code.
  const callbackUrl = redirectTo(page, 'auth redirect to callback', urls.printer, '/callback');
  if (!callbackUrl.searchParams.get('code'))
    throw new FlowError('auth redirect to callback', `no code: ${callbackUrl.search}`);
  const callback = await step('printer GET /callback (code → token)', 'GET', callbackUrl, undefined, 303);
  // Steps 7-8: the printer calls the drive with the token.
  const photos = await step(
    'printer GET /photos (→ drive API)',
    'GET',
    redirectTo(callback, 'printer GET /callback (code → token)', urls.printer, '/photos'),
    undefined,
    200,
  );
  if (!photos.body.includes(user.name))
    throw new FlowError(
      'printer GET /photos (→ drive API)',
      `the page does not name ${user.name}: ${describe(photos)}`,
    );

  if (signedIn) return consented ? 'signed in + consented' : 'signed in, consent remembered';
  return consented ? 'already signed in + consented' : 'nothing asked (signed in, consent remembered)';
}

export interface ServiceMemory {
  service: ServiceName;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  peakMiB: number;
  dataDirBeforeKiB: number;
  dataDirAfterKiB: number;
  /** RSS sampled during the run, in MiB: growth that continues to the end would be a leak, a plateau is not. */
  rssTimelineMiB: number[];
  /** Event-loop stalls longer than 1 s during the run (servers/stall_watch.ts), in ms. */
  stallsMs: number[];
}

export interface FlowBenchResult {
  learners: number;
  durationS: number;
  flows: number;
  flowsPerS: number;
  errors: number;
  /** Errors and completed flows in each 10 s of the run: when did things go wrong? */
  errorsPer10s: number[];
  flowsPer10s: number[];
  errorSamples: { message: string; count: number }[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same, for flows started after the first sign-ins (from `steadyFromS` on): the class at work. */
  steady: { fromS: number; flows: number; p50Ms: number; p99Ms: number; maxMs: number };
  kinds: Record<string, number>;
  /** p50 / p99 of each request of the flow, in ms; and p99 / max of those sent from `steady.fromS` on. */
  steps: { step: string; count: number; p50Ms: number; p99Ms: number; steadyP99Ms: number; steadyMaxMs: number }[];
  memory: ServiceMemory[];
  /** Requests sent again (as a browser does) after a reset on a reused keep-alive connection; not errors. */
  retriedRequests: number;
  /** Requests answered 503 + Retry-After (overload, said honestly) and sent again after it, by step; not errors. */
  busyRetries: Record<string, number>;
  notes: string[];
  /** Where the slowest requests waited (BENCH_TIMINGS, on by default in benchmark 3). */
  attribution?: Attribution;
}

/** The stalls servers/stall_watch.ts wrote to a service's log. */
function stallsIn(logFile: string): number[] {
  try {
    return [...readFileSync(logFile, 'utf8').matchAll(/^\[stall\] event loop blocked (\d+) ms/gm)].map((m) =>
      Number(m[1]),
    );
  } catch {
    return [];
  }
}

function dirKiB(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) total += statSync(p).size;
    }
  };
  try {
    walk(dir);
  } catch {
    /* gone */
  }
  return Math.round(total / 1024);
}

const mib = (kib: number | undefined) => (kib === undefined || Number.isNaN(kib) ? Number.NaN : round(kib / 1024, 1));

export async function benchFlows(ctx: BenchContext, count = ctx.settings.flows.learners): Promise<FlowBenchResult> {
  const { settings, log } = ctx;
  const { durationS } = settings.flows;
  const cfg = await stackConfig(ctx.workDir, 'flows');
  // Each service reports event-loop stalls (> 1 s) in its log: see servers/stall_watch.ts.
  const stallWatch = join(REPO_ROOT, 'bench', 'dist', 'src', 'servers', 'stall_watch.js');
  // And, with timings on, where each request spent its time (servers/timings.ts, attribution.ts).
  const timingsPreload = join(REPO_ROOT, 'bench', 'dist', 'src', 'servers', 'timings.js');
  const timingsFile = (name: ServiceName) => join(cfg.runDir, `${name}.timings.ndjson`);
  const nodeArgs = ['--import', pathToFileURL(stallWatch).href];
  if (settings.timings) nodeArgs.push('--import', pathToFileURL(timingsPreload).href);
  const stack = await startStack(
    cfg,
    serverCpu(ctx),
    nodeArgs,
    (name): Record<string, string> =>
      settings.timings ? { BENCH_TIMINGS_FILE: timingsFile(name), BENCH_TIMINGS_SERVICE: name } : {},
  );
  recordTimings(settings.timings);
  const services: [ServiceName, Proc][] = [
    ['auth-server', stack.auth],
    ['drive', stack.drive],
    ['printer', stack.printer],
  ];
  let result: FlowBenchResult;
  try {
    const before = services.map(([name, p]) => ({ name, mem: memoryKiB(p.pid), disk: dirKiB(join(cfg.runDir, name)) }));
    const urls: Urls = { printer: new URL(stack.printer.url), auth: new URL(stack.auth.url) };
    const learners: Learner[] = Array.from({ length: count }, (_, i) => ({
      id: i,
      user: USERS[i % 2]!,
      jar: new CookieJar(),
    }));
    const durations: number[] = [];
    const steadyDurations: number[] = [];
    const kinds: Record<string, number> = {};
    const errors = new Map<string, number>();
    const times: StepTimes = new Map();
    let errorCount = 0;
    const errorsPer10s: number[] = [];
    const flowsPer10s: number[] = [];
    let counted = 0;

    // Learners join over the first 2 s (at most a tenth of the run), then loop until the time is up; a flow
    // under way at the deadline is finished. Each request has a 30 s timeout, so the run is bounded.
    const rampMs = Math.min(2000, (durationS * 1000) / 10);
    // Every learner signs in once, at the start (scrypt, on purpose slow); steady state is measured after that.
    const steadyFromMs = Math.min(20_000, (durationS * 1000) / 3);
    log(`3. flows: ${count} learners, ${durationS} s (joining over ${rampMs / 1000} s)`);
    const retriesBefore = retriedRequests();
    busyRetries.clear();
    const t0 = performance.now();
    const deadline = t0 + durationS * 1000;
    const timelines: number[][] = services.map(() => []);
    const sampleRss = () => {
      for (const [i, [, p]] of services.entries()) timelines[i]!.push(mib(memoryKiB(p.pid)?.rss));
    };
    sampleRss();
    const sampler = setInterval(sampleRss, Math.max(1000, (durationS * 1000) / 6));
    let lastReport = t0;
    await Promise.all(
      learners.map(async (learner) => {
        await new Promise((r) => setTimeout(r, (learner.id * rampMs) / count));
        while (performance.now() < deadline) {
          const start = performance.now();
          try {
            const kind = await flow(learner, urls, times);
            durations.push(performance.now() - start);
            if (start - t0 >= steadyFromMs) steadyDurations.push(performance.now() - start);
            kinds[kind] = (kinds[kind] ?? 0) + 1;
          } catch (err) {
            errorCount++;
            const key = err instanceof FlowError ? `${err.step}: ${err.message}` : String(err);
            errors.set(key.slice(0, 300), (errors.get(key.slice(0, 300)) ?? 0) + 1);
            const bucket = Math.floor((performance.now() - t0) / 10_000);
            errorsPer10s[bucket] = (errorsPer10s[bucket] ?? 0) + 1;
            // Like a learner after an error page: same browser (cookies kept), start again from the printer.
          }
          const bucket = Math.floor((performance.now() - t0) / 10_000);
          if (flowsPer10s[bucket] === undefined) flowsPer10s[bucket] = 0;
          if (durations.length > counted) {
            flowsPer10s[bucket] += durations.length - counted;
            counted = durations.length;
          }
          const now = performance.now();
          if (now - lastReport > 10_000) {
            lastReport = now;
            log(`  ${Math.round((now - t0) / 1000)} s: ${durations.length} flows, ${errorCount} errors`);
          }
        }
      }),
    );
    clearInterval(sampler);
    sampleRss();
    const elapsedS = (performance.now() - t0) / 1000;
    const memory: ServiceMemory[] = services.map(([name, p], i) => {
      const after = memoryKiB(p.pid);
      return {
        service: name,
        rssBeforeMiB: mib(before[i]!.mem?.rss),
        rssAfterMiB: mib(after?.rss),
        peakMiB: mib(after?.hwm),
        dataDirBeforeKiB: before[i]!.disk,
        dataDirAfterKiB: dirKiB(join(cfg.runDir, name)),
        rssTimelineMiB: timelines[i]!,
        stallsMs: stallsIn(p.logFile),
      };
    });
    const steps = [...times].map(([step, list]) => {
      const all = list.map((x) => x.ms);
      const steady = list.filter((x) => x.at - t0 >= steadyFromMs).map((x) => x.ms);
      return {
        step,
        count: list.length,
        p50Ms: round(percentile(all, 50), 1),
        p99Ms: round(percentile(all, 99), 1),
        steadyP99Ms: round(percentile(steady, 99), 1),
        steadyMaxMs: round(Math.max(0, ...steady), 1),
      };
    });
    result = {
      learners: count,
      durationS,
      flows: durations.length,
      flowsPerS: round(durations.length / elapsedS, 1),
      errors: errorCount,
      errorsPer10s: Array.from(
        { length: Math.max(errorsPer10s.length, flowsPer10s.length) },
        (_, i) => errorsPer10s[i] ?? 0,
      ),
      flowsPer10s: Array.from(
        { length: Math.max(errorsPer10s.length, flowsPer10s.length) },
        (_, i) => flowsPer10s[i] ?? 0,
      ),
      errorSamples: [...errors]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([message, n]) => ({ message, count: n })),
      p50Ms: round(percentile(durations, 50), 1),
      p99Ms: round(percentile(durations, 99), 1),
      maxMs: round(Math.max(0, ...durations), 1),
      steady: {
        fromS: steadyFromMs / 1000,
        flows: steadyDurations.length,
        p50Ms: round(percentile(steadyDurations, 50), 1),
        p99Ms: round(percentile(steadyDurations, 99), 1),
        maxMs: round(Math.max(0, ...steadyDurations), 1),
      },
      kinds,
      steps,
      memory,
      retriedRequests: retriedRequests() - retriesBefore,
      busyRetries: Object.fromEntries(busyRetries),
      notes: [
        'a learner keeps its cookies: the first flow signs in (scrypt) and consents, later ones are redirected from /authorize straight back to the printer',
        'each flow: 7 requests from the learner, plus the printer → auth /token and printer → drive /api/photos back-channel calls',
      ],
    };
  } finally {
    await stopAll(stack.all);
  }
  if (settings.timings) {
    result.attribution = attribute(clientTimings(), readServerTimings(SERVICES.map(timingsFile)));
    recordTimings(false);
  }
  return result;
}
