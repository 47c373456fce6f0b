/**
 * The three real services, started from their compiled output the way users start them, on the ports
 * run.mjs chose. Each is stopped by its own PID, and only what we started is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type ServiceName = 'auth-server' | 'drive' | 'printer';

const REPO = resolve(import.meta.dirname, '..', '..');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e suite with "pnpm e2e" (e2e/run.mjs picks the ports).`);
  return value;
}

export function ports() {
  return {
    printer: Number(required('E2E_PRINTER_PORT')),
    auth: Number(required('E2E_AUTH_PORT')),
    drive: Number(required('E2E_DRIVE_PORT')),
  };
}

export function urls() {
  const p = ports();
  return {
    printer: `http://localhost:${p.printer}`,
    auth: `http://localhost:${p.auth}`,
    drive: `http://localhost:${p.drive}`,
  };
}

const runDir = () => required('E2E_RUN_DIR');
const pidFile = () => join(runDir(), 'pids.json');

/** The environment each service gets; the same variables a user or docker-compose sets. */
export function serviceEnv(name: ServiceName): NodeJS.ProcessEnv {
  const p = ports();
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PRINTER_PORT: String(p.printer),
    AUTH_PORT: String(p.auth),
    DRIVE_PORT: String(p.drive),
    PRINTER_CLIENT_SECRET: required('E2E_PRINTER_CLIENT_SECRET'),
    DRIVE_CLIENT_SECRET: required('E2E_DRIVE_CLIENT_SECRET'),
    DATA_DIR: join(runDir(), name),
  };
}

const healthUrl = (name: ServiceName) => {
  const p = ports();
  const port = name === 'auth-server' ? p.auth : name === 'drive' ? p.drive : p.printer;
  return `http://127.0.0.1:${port}/healthz`;
};

function readPids(): Partial<Record<ServiceName, number>> {
  return existsSync(pidFile()) ? (JSON.parse(readFileSync(pidFile(), 'utf8')) as Partial<Record<ServiceName, number>>) : {};
}

export async function startService(name: ServiceName): Promise<ChildProcess> {
  mkdirSync(runDir(), { recursive: true });
  const log = openSync(join(runDir(), `${name}.log`), 'a');
  const child = spawn(process.execPath, [join(REPO, 'apps', name, 'dist', 'server.js')], { env: serviceEnv(name), stdio: ['ignore', log, log], detached: false });
  writeFileSync(pidFile(), JSON.stringify({ ...readPids(), [name]: child.pid }));
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${name} exited with ${exited} at start-up; see ${join(runDir(), `${name}.log`)}`);
    try {
      const res = await fetch(healthUrl(name));
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become healthy at ${healthUrl(name)} within 20 s; see ${join(runDir(), `${name}.log`)}`);
}

/** Stop one service we started. `SIGKILL` simulates a crash: nothing gets a chance to flush. */
export async function stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = readPids()[name];
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pids = readPids();
  delete pids[name];
  writeFileSync(pidFile(), JSON.stringify(pids));
}

export async function restartService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await stopService(name, signal);
  await startService(name);
}

export const ALL_SERVICES: ServiceName[] = ['auth-server', 'drive', 'printer'];
