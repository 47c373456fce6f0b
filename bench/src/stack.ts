/**
 * @module stack
 *
 * The three real services, from their compiled output (`node apps/<x>/dist/server.js`), the way a user starts
 * them: environment variables only, on free loopback ports, each with its own fresh DATA_DIR, with secrets
 * made for this run (so nothing is written under the repository's `.data/`).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, freePorts, HOST, type Proc, REPO_ROOT, secret, start, stopAll, waitHealthy } from './procs.js';

export type ServiceName = 'auth-server' | 'drive' | 'printer';
export const SERVICES: readonly ServiceName[] = ['auth-server', 'drive', 'printer'];

function serverScript(name: ServiceName): string {
  return join(REPO_ROOT, 'apps', name, 'dist', 'server.js');
}

export interface StackConfig {
  runDir: string;
  ports: { auth: number; drive: number; printer: number };
  secrets: {
    PRINTER_CLIENT_SECRET: string;
    DRIVE_CLIENT_SECRET: string;
    PRINT_LAB_CLIENT_SECRET: string;
    DRIVE_WEB_CLIENT_SECRET: string;
  };
}

export async function stackConfig(parentDir: string, label: string): Promise<StackConfig> {
  const runDir = mkdtempSync(join(parentDir, `${label}-`));
  const [auth, drive, printer] = (await freePorts(3)) as [number, number, number];
  return {
    runDir,
    ports: { auth, drive, printer },
    secrets: {
      PRINTER_CLIENT_SECRET: secret(),
      DRIVE_CLIENT_SECRET: secret(),
      PRINT_LAB_CLIENT_SECRET: secret(),
      DRIVE_WEB_CLIENT_SECRET: secret(),
    },
  };
}

/**
 * The environment of one service. Public URLs are 127.0.0.1 as well: the scripted "browser" of the flow
 * benchmark then never depends on how `localhost` resolves; cookie names differ per service (README).
 */
export function serviceEnv(
  cfg: StackConfig,
  name: ServiceName,
  dataDir = join(cfg.runDir, name),
): Record<string, string> {
  mkdirSync(dataDir, { recursive: true });
  const { auth, drive, printer } = cfg.ports;
  return {
    ...baseEnv(),
    HOST,
    AUTH_PORT: String(auth),
    DRIVE_PORT: String(drive),
    PRINTER_PORT: String(printer),
    AUTH_PUBLIC_URL: `http://${HOST}:${auth}`,
    DRIVE_PUBLIC_URL: `http://${HOST}:${drive}`,
    PRINTER_PUBLIC_URL: `http://${HOST}:${printer}`,
    DATA_DIR: dataDir,
    SHARED_SECRETS_DIR: cfg.runDir,
    ...cfg.secrets,
  };
}

function portOf(cfg: StackConfig, name: ServiceName): number {
  return name === 'auth-server' ? cfg.ports.auth : name === 'drive' ? cfg.ports.drive : cfg.ports.printer;
}

export function startService(
  cfg: StackConfig,
  name: ServiceName,
  options: { cpu?: number | undefined; nodeArgs?: string[]; dataDir?: string; extraEnv?: Record<string, string> } = {},
): Proc {
  return start({
    name,
    script: serverScript(name),
    port: portOf(cfg, name),
    env: { ...serviceEnv(cfg, name, options.dataDir), ...(options.extraEnv ?? {}) },
    logDir: cfg.runDir,
    cpu: options.cpu,
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
}

export interface RunningStack {
  cfg: StackConfig;
  auth: Proc;
  drive: Proc;
  printer: Proc;
  all: Proc[];
}

/** All three, started together, each waited for until healthy. */
export async function startStack(
  cfg: StackConfig,
  cpu: number | undefined,
  nodeArgs?: string[],
  extraEnv?: (name: ServiceName) => Record<string, string>,
): Promise<RunningStack> {
  const options = (name: ServiceName) => ({
    cpu,
    ...(nodeArgs ? { nodeArgs } : {}),
    ...(extraEnv ? { extraEnv: extraEnv(name) } : {}),
  });
  const auth = startService(cfg, 'auth-server', options('auth-server'));
  const drive = startService(cfg, 'drive', options('drive'));
  const printer = startService(cfg, 'printer', options('printer'));
  const all = [auth, drive, printer];
  try {
    await Promise.all(all.map((p) => waitHealthy(p)));
  } catch (err) {
    await stopAll(all);
    throw err;
  }
  return { cfg, auth, drive, printer, all };
}
