/**
 * @module procs
 *
 * Starting servers from compiled output on loopback, pinned to a CPU when `taskset` exists, and stopping them
 * by their own PID (never by name). Every PID started here is remembered until it is stopped, so an
 * interrupted run still stops exactly what it started.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';

/** The repository root (this file is bench/{src,dist/src}/procs.*). */
export const REPO_ROOT = resolve(
  import.meta.dirname,
  existsSync(join(import.meta.dirname, '..', 'package.json')) ? '../..' : '../../..',
);

export const HOST = '127.0.0.1';

/** A client secret as the services require it: 256 random bits, 43 base64url characters. */
export function secret(): string {
  return randomBytes(32).toString('base64url');
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Which CPUs to use: servers on one, the load generator (this process) on the other, when there are two. */
export interface Pinning {
  enabled: boolean;
  serverCpu?: number;
  loadCpu?: number;
  note: string;
}

export function decidePinning(cpus: number): Pinning {
  if (process.env.BENCH_NO_PIN === '1') return { enabled: false, note: 'disabled by BENCH_NO_PIN=1' };
  if (cpus < 2) return { enabled: false, note: `only ${cpus} CPU` };
  if (!hasTaskset()) return { enabled: false, note: 'taskset not found' };
  return { enabled: true, serverCpu: 0, loadCpu: 1, note: 'servers on CPU 0 (taskset -c 0), load generator on CPU 1' };
}

/** Pin this process (all its threads) to one CPU. */
export function pinSelf(cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/** `count` distinct free loopback ports, all held open until every one is chosen. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      servers.push(
        await new Promise<Server>((ok, fail) => {
          const s = createServer();
          s.once('error', fail);
          s.listen(0, HOST, () => ok(s));
        }),
      );
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
  }
}

export interface Proc {
  name: string;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  logFile: string;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const running = new Map<number, Proc>();

export interface StartOptions {
  name: string;
  /** Script to run with node, absolute. */
  script: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  /** Pin to this CPU with taskset (which execs node, so the PID is node's). */
  cpu?: number | undefined;
  nodeArgs?: string[];
}

/** The environment a user would give a service, and nothing else of ours (no NODE_OPTIONS, no BENCH_*). */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  // As `npm start` (scripts/demo.mjs) and the Docker images run the services; BENCH_NODE_ENV= (empty) unsets it.
  const nodeEnv = process.env.BENCH_NODE_ENV ?? 'production';
  if (nodeEnv) env.NODE_ENV = nodeEnv;
  return env;
}

export function start(options: StartOptions): Proc {
  const logFile = join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  const nodeArgs = [...(options.nodeArgs ?? []), options.script];
  const [command, args] =
    options.cpu === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]];
  const spawnedAt = performance.now();
  const child = spawn(command, args, { env: options.env, stdio: ['ignore', fd, fd], cwd: REPO_ROOT });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${options.name} did not start`);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const proc: Proc = {
    name: options.name,
    pid: child.pid,
    port: options.port,
    url: `http://${HOST}:${options.port}`,
    logFile,
    spawnedAt,
    child,
    exited,
  };
  running.set(proc.pid, proc);
  void exited.then(() => running.delete(proc.pid));
  return proc;
}

/** One GET, no keep-alive: status code, or 0 when nothing answered. */
function probe(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((done) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => done(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => done(0));
  });
}

/** Poll `path` every few milliseconds until it answers 200; returns ms since spawn. Throws if the process dies. */
export async function waitHealthy(proc: Proc, path = '/healthz', timeoutMs = 30_000): Promise<number> {
  let dead = false;
  void proc.exited.then(() => (dead = true));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (dead) throw new Error(`${proc.name} exited before it was healthy; see ${proc.logFile}:\n${tail(proc.logFile)}`);
    if ((await probe(proc.url + path)) === 200) return performance.now() - proc.spawnedAt;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${proc.name} was not healthy after ${timeoutMs} ms; see ${proc.logFile}`);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** SIGTERM by PID (the services stop cleanly on it), SIGKILL by PID after `graceMs`. */
export async function stop(proc: Proc, graceMs = 5000): Promise<void> {
  if (!running.has(proc.pid)) return;
  try {
    process.kill(proc.pid, 'SIGTERM');
  } catch {
    running.delete(proc.pid);
    return;
  }
  const timer = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), graceMs).unref());
  if ((await Promise.race([proc.exited, timer])) === 'timeout') {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await proc.exited;
  }
}

export async function stopAll(procs: readonly Proc[]): Promise<void> {
  await Promise.all(procs.map((p) => stop(p)));
}

/** Last resort on an interrupted run: SIGKILL, by PID, whatever this run started and did not stop. */
export function killRemaining(): void {
  stopContention();
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  running.clear();
}

let clockTicksPerSecond: number | undefined;

/**
 * CPU time a process has used so far (user + system, all its threads: the thread pool's signatures count), in ms,
 * from /proc/<pid>/stat; null when it is gone or /proc is not there.
 */
export function cpuTimeMs(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
    // state is field 3, utime field 14, stime field 15 (proc(5)).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return null;
  }
}

/** Resident and peak resident memory of a process, in KiB, from /proc/<pid>/status. */
export function memoryKiB(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const read = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: read('VmRSS'), hwm: read('VmHWM') };
  } catch {
    return null;
  }
}

const hogs: ChildProcess[] = [];

/** `count` busy loops (`node -e 'for (;;) {}'`), on any CPU, at the same priority: a machine that is not quiet. */
export function startContention(count: number): void {
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    if (child.pid !== undefined) hogs.push(child);
  }
}

/** Stop the busy loops, by their PIDs. */
export function stopContention(): void {
  for (const child of hogs.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
