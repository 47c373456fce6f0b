/**
 * @module services
 *
 * The three real services (and Mallory's site, the attack lab's attacker), started from their compiled output the way users start them
 * (`node apps/<name>/dist/server.js` with environment variables), on ports chosen once before the run, each
 * with its own fresh DATA_DIR. Every process is stopped by its own PID, and only what we started is stopped:
 * the PIDs live in `<runDir>/pids.json`, so another process of the same run (a Playwright worker, a test file
 * of node's test runner) can restart a service, and the one that started the run can still stop it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isPortInUse, pickPorts } from './ports.js';

export type ServiceName = 'auth-server' | 'drive' | 'printer' | 'attacker';

/** In start order: the auth server first (the others discover it), the printer last. */
export const ALL_SERVICES: readonly ServiceName[] = ['auth-server', 'drive', 'printer'];

/**
 * The real services and Mallory's site (apps/attacker), the fourth party of the printer's attack lab (/lab).
 * Her site needs nobody at start-up; the conformance suite runs the real three only (ALL_SERVICES).
 */
export const ALL_SERVICES_WITH_ATTACKER: readonly ServiceName[] = [...ALL_SERVICES, 'attacker'];

/** The repository root (this file is packages/testkit/{src,dist}/services.*). */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

export interface Ports {
  printer: number;
  auth: number;
  drive: number;
  /** Mallory's site (ATTACKER_PORT). */
  attacker: number;
}

export interface Stack {
  /** `<runDir>/<service>` is each service's DATA_DIR; logs and pids.json live here too. */
  runDir: string;
  /** The address the services bind (HOST). */
  host: string;
  ports: Ports;
  /**
   * Generated per run: every client secret a service shares with the auth server (the printer's, the drive's,
   * the print lab's and the drive's first-party web app's), so none is made under the repository's `.data/`.
   */
  secrets: {
    printerClientSecret: string;
    driveClientSecret: string;
    printLabClientSecret: string;
    driveWebClientSecret: string;
  };
  /** Extra environment for one service (e.g. shorter lifetimes for a throwaway auth server). */
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Exactly the environment a service gets, instead of the one serviceEnv() makes (only PATH and HOME are added,
   * as a container image has them): to run a service with what docker-compose gives it (scripts/check-compose.mjs).
   * The caller chooses its DATA_DIR and SHARED_SECRETS_DIR; `ports` must be the ports that environment makes it use.
   */
  exactEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Node options before the server script, for every service: e.g. `['--import', '/abs/path/preload.mjs']`. */
  nodeArgs?: string[];
  /**
   * The services run already, started by something else (scripts/compose-e2e.sh: docker-compose), on `ports`
   * of `host`. Then nothing is spawned or signalled here: starting one only waits until its `/healthz` answers,
   * stopping one does nothing (we never stop what we did not start), and restarting one runs `restart` with the
   * service's name and the signal appended (e.g. `['bash', 'scripts/compose-e2e.sh', 'restart-service']`).
   */
  external?: { restart?: string[] };
  /** The host name in the public URLs (what the browser uses): `localhost` unless given (e.g. a class's CLASS_HOST). */
  publicHost?: string;
}

/** A client secret with 256 bits of entropy (43 base64url characters), as the services require. */
function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface CreateStackOptions {
  ports?: Partial<Ports>;
  runDir?: string;
  host?: string;
  secrets?: Partial<Stack['secrets']>;
  extraEnv?: Stack['extraEnv'];
  exactEnv?: Stack['exactEnv'];
  nodeArgs?: Stack['nodeArgs'];
  external?: Stack['external'];
  publicHost?: Stack['publicHost'];
  /** Prefix of the temporary run directory's name. */
  name?: string;
}

/** Free ports for whatever was not given, a fresh temporary run directory, fresh secrets. */
export async function createStack(options: CreateStackOptions = {}): Promise<Stack> {
  const free = await pickPorts(4);
  const ports: Ports = {
    printer: options.ports?.printer ?? free[0]!,
    auth: options.ports?.auth ?? free[1]!,
    drive: options.ports?.drive ?? free[2]!,
    attacker: options.ports?.attacker ?? free[3]!,
  };
  return {
    runDir: options.runDir ?? mkdtempSync(join(tmpdir(), `${options.name ?? 'oauth-demo'}-`)),
    host: options.host ?? '127.0.0.1',
    ports,
    secrets: {
      printerClientSecret: options.secrets?.printerClientSecret ?? generateSecret(),
      driveClientSecret: options.secrets?.driveClientSecret ?? generateSecret(),
      printLabClientSecret: options.secrets?.printLabClientSecret ?? generateSecret(),
      driveWebClientSecret: options.secrets?.driveWebClientSecret ?? generateSecret(),
    },
    ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
    ...(options.exactEnv ? { exactEnv: options.exactEnv } : {}),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    ...(options.external ? { external: options.external } : {}),
    ...(options.publicHost ? { publicHost: options.publicHost } : {}),
  };
}

/** The secrets' environment variables, as the services read them. */
const SECRET_VARS = {
  printerClientSecret: 'PRINTER_CLIENT_SECRET',
  driveClientSecret: 'DRIVE_CLIENT_SECRET',
  printLabClientSecret: 'PRINT_LAB_CLIENT_SECRET',
  driveWebClientSecret: 'DRIVE_WEB_CLIENT_SECRET',
} as const satisfies Record<keyof Stack['secrets'], string>;

/**
 * The stack as environment variables (`<PREFIX>_PRINTER_PORT`, `<PREFIX>_AUTH_PORT`, `<PREFIX>_DRIVE_PORT`,
 * `<PREFIX>_RUN_DIR`, `<PREFIX>_HOST` and `<PREFIX>_<SECRET VARIABLE>` for each client secret, plus
 * `<PREFIX>_EXACT_ENV` and `<PREFIX>_NODE_ARGS` as JSON when the stack has them; `<PREFIX>_EXTERNAL=1` with
 * `<PREFIX>_EXTERNAL_RESTART` as JSON, and `<PREFIX>_PUBLIC_HOST`, when given), to hand it to the processes of a
 * run. `stackFromEnv` reads it back.
 */
export function stackToEnv(stack: Stack, prefix: string): Record<string, string> {
  return {
    [`${prefix}_PRINTER_PORT`]: String(stack.ports.printer),
    [`${prefix}_AUTH_PORT`]: String(stack.ports.auth),
    [`${prefix}_DRIVE_PORT`]: String(stack.ports.drive),
    [`${prefix}_ATTACKER_PORT`]: String(stack.ports.attacker),
    [`${prefix}_RUN_DIR`]: stack.runDir,
    [`${prefix}_HOST`]: stack.host,
    ...Object.fromEntries(
      Object.entries(SECRET_VARS).map(([key, name]) => [
        `${prefix}_${name}`,
        stack.secrets[key as keyof Stack['secrets']],
      ]),
    ),
    ...(stack.exactEnv ? { [`${prefix}_EXACT_ENV`]: JSON.stringify(stack.exactEnv) } : {}),
    ...(stack.nodeArgs ? { [`${prefix}_NODE_ARGS`]: JSON.stringify(stack.nodeArgs) } : {}),
    ...(stack.external ? { [`${prefix}_EXTERNAL`]: '1' } : {}),
    ...(stack.external?.restart ? { [`${prefix}_EXTERNAL_RESTART`]: JSON.stringify(stack.external.restart) } : {}),
    ...(stack.publicHost ? { [`${prefix}_PUBLIC_HOST`]: stack.publicHost } : {}),
  };
}

export function stackFromEnv(prefix: string, env: NodeJS.ProcessEnv = process.env, hint = ''): Stack {
  const required = (name: string): string => {
    const value = env[`${prefix}_${name}`];
    if (!value) throw new Error(`${prefix}_${name} is not set${hint ? `: ${hint}` : ''}`);
    return value;
  };
  const port = (name: string): number => {
    const n = Number(required(name));
    if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${prefix}_${name} is not a port number`);
    return n;
  };
  const json = <T>(name: string, valid: (v: unknown) => boolean): T | undefined => {
    const raw = env[`${prefix}_${name}`];
    if (!raw) return undefined;
    const value: unknown = JSON.parse(raw);
    if (!valid(value)) throw new Error(`${prefix}_${name} is not what it should be (JSON)`);
    return value as T;
  };
  const exactEnv = json<Stack['exactEnv']>(
    'EXACT_ENV',
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  );
  const strings = (v: unknown) => Array.isArray(v) && v.every((a) => typeof a === 'string');
  const nodeArgs = json<string[]>('NODE_ARGS', strings);
  const restart = json<string[]>('EXTERNAL_RESTART', (v) => strings(v) && (v as string[]).length > 0);
  const external = env[`${prefix}_EXTERNAL`] === '1' ? { ...(restart ? { restart } : {}) } : undefined;
  const publicHost = env[`${prefix}_PUBLIC_HOST`] || undefined;
  return {
    runDir: required('RUN_DIR'),
    host: env[`${prefix}_HOST`] || '127.0.0.1',
    ports: {
      printer: port('PRINTER_PORT'),
      auth: port('AUTH_PORT'),
      drive: port('DRIVE_PORT'),
      attacker: port('ATTACKER_PORT'),
    },
    secrets: {
      printerClientSecret: required(SECRET_VARS.printerClientSecret),
      driveClientSecret: required(SECRET_VARS.driveClientSecret),
      printLabClientSecret: required(SECRET_VARS.printLabClientSecret),
      driveWebClientSecret: required(SECRET_VARS.driveWebClientSecret),
    },
    ...(exactEnv ? { exactEnv } : {}),
    ...(nodeArgs ? { nodeArgs } : {}),
    ...(external ? { external } : {}),
    ...(publicHost ? { publicHost } : {}),
  };
}

/** Where a browser reaches each service (the services' default public URLs: `localhost`, or the stack's publicHost). */
export function publicUrls(stack: Stack): { printer: string; auth: string; drive: string; attacker: string } {
  const host = stack.publicHost ?? 'localhost';
  return {
    printer: `http://${host}:${stack.ports.printer}`,
    auth: `http://${host}:${stack.ports.auth}`,
    drive: `http://${host}:${stack.ports.drive}`,
    attacker: `http://${host}:${stack.ports.attacker}`,
  };
}

/** Where a test connects (the services' default internal URLs: the loopback address they bind). */
export function internalUrls(stack: Stack): { printer: string; auth: string; drive: string; attacker: string } {
  return {
    printer: `http://127.0.0.1:${stack.ports.printer}`,
    auth: `http://127.0.0.1:${stack.ports.auth}`,
    drive: `http://127.0.0.1:${stack.ports.drive}`,
    attacker: `http://127.0.0.1:${stack.ports.attacker}`,
  };
}

export function servicePort(name: ServiceName, stack: Stack): number {
  return name === 'auth-server'
    ? stack.ports.auth
    : name === 'drive'
      ? stack.ports.drive
      : name === 'attacker'
        ? stack.ports.attacker
        : stack.ports.printer;
}

export function dataDir(name: ServiceName, stack: Stack): string {
  return join(stack.runDir, name);
}

export function logFile(name: ServiceName, stack: Stack): string {
  return join(stack.runDir, `${name}.log`);
}

function serverScript(name: ServiceName): string {
  return join(REPO_ROOT, 'apps', name, 'dist', 'server.js');
}

/** The environment each service gets: the same variables a user or docker-compose sets, and nothing else. */
export function serviceEnv(name: ServiceName, stack: Stack): NodeJS.ProcessEnv {
  const exact = stack.exactEnv?.[name];
  if (exact) return { PATH: process.env.PATH, HOME: process.env.HOME, ...exact };
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: stack.host,
    PRINTER_PORT: String(stack.ports.printer),
    AUTH_PORT: String(stack.ports.auth),
    DRIVE_PORT: String(stack.ports.drive),
    ATTACKER_PORT: String(stack.ports.attacker),
    PRINTER_CLIENT_SECRET: stack.secrets.printerClientSecret,
    DRIVE_CLIENT_SECRET: stack.secrets.driveClientSecret,
    PRINT_LAB_CLIENT_SECRET: stack.secrets.printLabClientSecret,
    DRIVE_WEB_CLIENT_SECRET: stack.secrets.driveWebClientSecret,
    // Any secret a service would otherwise make for itself goes into this run, never the repository's .data/.
    SHARED_SECRETS_DIR: join(stack.runDir, 'shared-secrets'),
    DATA_DIR: dataDir(name, stack),
    ...stack.extraEnv?.[name],
  };
}

type PidFile = Partial<Record<ServiceName, number>>;

const pidFile = (stack: Stack) => join(stack.runDir, 'pids.json');

function readPids(stack: Stack): PidFile {
  return existsSync(pidFile(stack)) ? (JSON.parse(readFileSync(pidFile(stack), 'utf8')) as PidFile) : {};
}

function writePids(stack: Stack, pids: PidFile): void {
  const tmp = `${pidFile(stack)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(pids));
  renameSync(tmp, pidFile(stack));
}

/** The PID of a service of this stack that we started and that is still running. */
export function runningPid(name: ServiceName, stack: Stack): number | undefined {
  const pid = readPids(stack)[name];
  return pid !== undefined && isOurs(pid, name) ? pid : undefined;
}

/** The state letter of /proc/<path>/stat (R, S, D, Z, X…), or undefined when it cannot be read. */
function procState(path: string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${path}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

/**
 * Is `pid` still running? A zombie is not, but only once all its threads are gone: after SIGKILL the main
 * thread of a multi-threaded process (node) can show `Z` while other threads still exit and still hold its
 * files, listening socket included.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync('/proc/self')) return true; // no procfs: kill(pid, 0) said it is there
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    threads = [String(pid)];
  }
  return threads.some((tid) => {
    const state = procState(`${pid}/task/${tid}`);
    return state !== undefined && state !== 'Z' && state !== 'X';
  });
}

/**
 * Is `pid` alive and still the process we started (where /proc exists: running this service's server.js)?
 * Checked before sending a signal, so a recycled PID is never signalled.
 */
function isOurs(pid: number, name: ServiceName): boolean {
  if (!isProcessAlive(pid)) return false;
  if (!existsSync('/proc/self')) return true; // no procfs: trust the PID file
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(serverScript(name));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StartOptions {
  /** How long to wait for `/healthz` to answer 200. */
  timeoutMs?: number;
}

/**
 * Start one service and wait until its `/healthz` answers. Returns its PID. Refuses to start when the port is
 * already taken (a health check would otherwise be answered by someone else's server).
 */
export async function startService(name: ServiceName, stack: Stack, options: StartOptions = {}): Promise<number> {
  const port = servicePort(name, stack);
  if (stack.external) {
    // Started by someone else (docker-compose): only wait until it answers. There is no PID of ours.
    await waitHealthy(name, stack, options.timeoutMs ?? 60_000, () => null);
    return 0;
  }
  if (runningPid(name, stack) !== undefined)
    throw new Error(`${name} of this stack is already running (pid ${runningPid(name, stack)})`);
  if (await isPortInUse(port, stack.host)) {
    const recorded = readPids(stack)[name];
    throw new Error(
      `${name}: port ${port} on ${stack.host} is already in use by another process${recorded ? ` (we last started pid ${recorded})` : ''}`,
    );
  }
  mkdirSync(stack.runDir, { recursive: true });
  const log = openSync(logFile(name, stack), 'a');
  const child = spawn(process.execPath, [...(stack.nodeArgs ?? []), serverScript(name)], {
    env: serviceEnv(name, stack),
    stdio: ['ignore', log, log],
    detached: false,
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} could not be started`);
  writePids(stack, { ...readPids(stack), [name]: pid });
  // The service may outlive the process that started it (a test file that restarts it): never keep us alive.
  child.unref();
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? String(code);
  });
  await waitHealthy(name, stack, options.timeoutMs ?? 20_000, () => exited);
  return pid;
}

/** Wait until `/healthz` of a service answers 200; `exited` says when the process died meanwhile. */
async function waitHealthy(
  name: ServiceName,
  stack: Stack,
  timeoutMs: number,
  exited: () => string | null,
): Promise<void> {
  const url = `http://${stack.host}:${servicePort(name, stack)}/healthz`;
  const where = stack.external ? 'its container logs' : logFile(name, stack);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const code = exited();
    if (code !== null) throw new Error(`${name} exited (${code}) at start-up; see ${where}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs} ms; see ${where}`);
}

/**
 * Stop one service of this stack, by its PID, and wait until it is gone. `SIGKILL` simulates a crash: nothing
 * gets a chance to flush or close.
 */
export async function stopService(name: ServiceName, stack: Stack, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (stack.external) return; // not ours to stop
  const pid = readPids(stack)[name];
  if (pid === undefined) return;
  if (isOurs(pid, name)) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10_000;
    // Only liveness from here: a dying process may already have lost its command line.
    while (isProcessAlive(pid)) {
      if (Date.now() > deadline) {
        // It ignored SIGTERM for 10 s: make sure.
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      if (Date.now() > deadline + 5000) throw new Error(`${name} (pid ${pid}) does not stop`);
      await sleep(25);
    }
    // Gone: its listening socket is released with its last thread; make sure before anyone starts it again.
    const port = servicePort(name, stack);
    const released = Date.now() + 5000;
    while ((await isPortInUse(port, stack.host)) && Date.now() < released) await sleep(25);
  }
  const pids = readPids(stack);
  delete pids[name];
  writePids(stack, pids);
}

/** Stop (by default: `kill -9`) and start again on the same data directory and environment. Returns the new PID. */
export async function restartService(
  name: ServiceName,
  stack: Stack,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number> {
  if (stack.external) {
    const command = stack.external.restart;
    if (!command) throw new Error(`${name} runs outside this test (external stack) and no restart command was given`);
    const [bin, ...args] = command as [string, ...string[]];
    const result = spawnSync(bin, [...args, name, signal], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    if (result.status !== 0)
      throw new Error(
        `restarting ${name} with ${command.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`,
      );
    return startService(name, stack);
  }
  await stopService(name, stack, signal);
  return startService(name, stack);
}

export async function startAll(stack: Stack): Promise<void> {
  for (const name of ALL_SERVICES) await startService(name, stack);
}

/** Stop every service of this stack that is still running, last started first. */
export async function stopAll(stack: Stack, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  for (const name of [...ALL_SERVICES].reverse()) await stopService(name, stack, signal);
}
