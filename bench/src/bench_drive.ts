/**
 * @module bench_drive
 *
 * Benchmark 1: Drive's protected photo list, `GET /api/photos` with a valid bearer token, against the same
 * route without authentication, side by side in one run (goal ≥ 0.90x).
 *
 * - `drive (production)`: the real drive, `node apps/drive/dist/server.js`, verifying the JWT (jwt mode), with
 *   its verified-token cache (apps/drive/src/verified_token_cache.ts).
 * - `same route, no auth`: servers/drive_variant.ts BENCH_VARIANT=no-auth, the drive's own createApp with a
 *   validator that trusts the token unseen (the baseline).
 * - `without the cache` (full mode): the drive's own createApp with its verifier but no cache: one jose
 *   verification per request, what the cache saves.
 *
 * The token is a real one for alice (photos.read, audience the drive), from the auth server's token endpoint
 * (Drive's first-party web app, the password grant). Every target answers the same request, same header.
 */
import { createBackChannel, endpointFrom, fetchAuthorizationServerMetadata } from '@oauth-demo/back-channel';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { type BenchContext, check, serverCpu } from './context.js';
import { compareTargets, roundRatios, runLoad, type Target, type TargetRounds } from './load.js';
import { median } from './stats.js';
import { freePorts, type Proc, REPO_ROOT, start, stop, stopAll, waitHealthy } from './procs.js';
import { findProfile, type ProfileSummary, summariseProfile } from './profile.js';
import { serviceEnv, stackConfig, startService, type StackConfig } from './stack.js';

export interface DriveBenchResult {
  route: string;
  connections: number;
  targets: TargetRounds[];
  /** production drive ÷ same route without auth: the median of the per-round ratios. */
  ratio: number;
  /** Each round's ratios (targets of one round ran seconds apart; a shared machine drifts over minutes). */
  roundRatios: { production: number[]; perRequest?: number[] };
  /** median req/s ÷ median req/s, for comparison with `ratio`. */
  ratioOfMedians: number;
  /** the drive without its cache (jose per request) ÷ same route without auth. */
  perRequestRatio?: number;
  goal: number;
  profile?: ProfileSummary;
  notes: string[];
}

export const DRIVE_TARGETS = {
  production: 'drive (production: JWT + verified-token cache)',
  baseline: 'same route, no auth (baseline)',
  perRequest: 'drive without the cache (jose per request)',
} as const;

/**
 * A token for alice, the way Drive's own web app gets one (the password grant as drive-web), over the back channel
 * the services use (@oauth-demo/back-channel): the token endpoint found in the RFC 8414 metadata, not assumed.
 */
async function passwordGrantToken(cfg: StackConfig, authUrl: string): Promise<string> {
  const channel = createBackChannel({ timeoutMs: 30_000, userAgent: 'bench/1.0' });
  try {
    const server = { issuer: authUrl, publicUrl: authUrl, internalUrl: authUrl };
    const tokenEndpoint = endpointFrom(
      await fetchAuthorizationServerMetadata(channel.http, server),
      'token_endpoint',
      server,
    );
    const form = new URLSearchParams({
      grant_type: 'password',
      username: 'alice',
      password: 'wonderland',
      scope: 'photos.read',
    });
    const res = await channel.http.post<{ access_token?: string }>(tokenEndpoint.href, form.toString(), {
      headers: {
        Authorization: buildBasicAuthorization('drive-web', cfg.secrets.DRIVE_WEB_CLIENT_SECRET),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      responseType: 'json',
    });
    const token = res.data?.access_token;
    check(
      res.status === 200 && token,
      `password grant for the drive token failed: ${res.status} ${JSON.stringify(res.data)}`,
    );
    return token;
  } finally {
    channel.close();
  }
}

function startVariant(ctx: BenchContext, cfg: StackConfig, variant: string, port: number): Proc {
  const name = `drive-variant-${variant}`;
  return start({
    name,
    script: join(REPO_ROOT, 'bench', 'dist', 'src', 'servers', 'drive_variant.js'),
    port,
    env: {
      ...serviceEnv(cfg, 'drive', join(cfg.runDir, name)),
      BENCH_VARIANT: variant,
      BENCH_LISTEN_PORT: String(port),
    },
    logDir: cfg.runDir,
    cpu: serverCpu(ctx),
  });
}

async function getPhotos(
  url: string,
  token: string,
): Promise<{ status: number; owner?: string; count?: number; bytes: number }> {
  const res = await fetch(`${url}/api/photos`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, bytes: text.length };
  const json = JSON.parse(text) as { owner: string; photos: unknown[] };
  return { status: res.status, owner: json.owner, count: json.photos.length, bytes: text.length };
}

/** A token with one signature character changed: every verifying target must refuse it. */
function tamper(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.slice(-1)}`;
}

export async function benchDrive(ctx: BenchContext): Promise<DriveBenchResult> {
  const { settings, log } = ctx;
  const cfg = await stackConfig(ctx.workDir, 'drive');
  const cpu = serverCpu(ctx);
  const procs: Proc[] = [];
  const notes: string[] = [];
  try {
    const auth = startService(cfg, 'auth-server', { cpu });
    const drive = startService(cfg, 'drive', { cpu });
    procs.push(auth, drive);
    const [noAuthPort, perRequestPort] = (await freePorts(2)) as [number, number];
    const baseline = startVariant(ctx, cfg, 'no-auth', noAuthPort);
    procs.push(baseline);
    const perRequest = settings.smoke ? undefined : startVariant(ctx, cfg, 'per-request', perRequestPort);
    if (perRequest) procs.push(perRequest);
    await Promise.all(procs.map((p) => waitHealthy(p)));

    const token = await passwordGrantToken(cfg, auth.url);
    const targets: Target[] = [];
    const headers = { authorization: `Bearer ${token}` };
    const byName: [string, Proc][] = [
      [DRIVE_TARGETS.production, drive],
      [DRIVE_TARGETS.baseline, baseline],
      ...(perRequest ? ([[DRIVE_TARGETS.perRequest, perRequest]] as [string, Proc][]) : []),
    ];
    // Sanity: the same answer everywhere for the real token; a forged one refused wherever tokens are checked.
    const reference = await getPhotos(drive.url, token);
    check(
      reference.status === 200 && reference.owner === 'alice' && (reference.count ?? 0) > 0,
      `drive GET /api/photos: ${JSON.stringify(reference)}`,
    );
    for (const [name, proc] of byName) {
      const answer = await getPhotos(proc.url, token);
      check(
        answer.status === 200 &&
          answer.owner === reference.owner &&
          answer.count === reference.count &&
          Math.abs(answer.bytes - reference.bytes) < 64,
        `${name} answers differently from the drive: ${JSON.stringify(answer)} vs ${JSON.stringify(reference)}`,
      );
      if (proc !== baseline) {
        const forged = await getPhotos(proc.url, tamper(token));
        check(forged.status === 401, `${name} accepted a token with a changed signature (${forged.status})`);
      }
      targets.push({ name, spec: { url: `${proc.url}/api/photos`, headers, connections: settings.connections } });
    }
    notes.push(
      `${reference.count} photos, ${reference.bytes} bytes of JSON per answer; one token reused by every request (as a printer session does)`,
    );

    log(
      `1. drive GET /api/photos: ${targets.length} targets, ${settings.rounds} rounds × ${settings.durationS} s, ${settings.connections} connections`,
    );
    const results = await compareTargets(
      targets,
      { rounds: settings.rounds, durationS: settings.durationS, warmupS: settings.warmupS },
      log,
    );
    const target = (name: string) => results.find((r) => r.name === name)!;
    const perRound = (a: string, b: string) => roundRatios(target(a), target(b));
    const ratios = {
      production: perRound(DRIVE_TARGETS.production, DRIVE_TARGETS.baseline),
      ...(perRequest ? { perRequest: perRound(DRIVE_TARGETS.perRequest, DRIVE_TARGETS.baseline) } : {}),
    };
    const out: DriveBenchResult = {
      route: 'GET /api/photos',
      connections: settings.connections,
      targets: results,
      ratio: median(ratios.production),
      roundRatios: ratios,
      ratioOfMedians: target(DRIVE_TARGETS.production).medianRps / target(DRIVE_TARGETS.baseline).medianRps,
      goal: 0.9,
      notes,
    };
    if (ratios.perRequest) out.perRequestRatio = median(ratios.perRequest);

    if (settings.profile) {
      await stopAll(procs.filter((p) => p !== auth && p !== drive));
      out.profile = await profileDrive(ctx, cfg, drive, token);
    }
    return out;
  } finally {
    await stopAll(procs);
  }
}

/** The production drive again, under `node --cpu-prof`, with the same load. */
async function profileDrive(
  ctx: BenchContext,
  cfg: StackConfig,
  running: Proc,
  token: string,
): Promise<ProfileSummary | undefined> {
  await stop(running);
  const dir = mkdtempSync(join(cfg.runDir, 'prof-drive-'));
  const drive = startService(cfg, 'drive', { cpu: serverCpu(ctx), nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  try {
    await waitHealthy(drive);
    const spec = {
      url: `${drive.url}/api/photos`,
      headers: { authorization: `Bearer ${token}` },
      connections: ctx.settings.connections,
    };
    await runLoad({ ...spec, durationS: 1 });
    await runLoad({ ...spec, durationS: Math.max(5, ctx.settings.durationS) });
  } finally {
    await stop(drive);
  }
  const file = findProfile(dir);
  return file ? summariseProfile(file) : undefined;
}
