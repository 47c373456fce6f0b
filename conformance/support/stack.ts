/**
 * The services under test: the stack run.ts started (it travels in CONFORMANCE_* variables, because node's
 * test runner runs each test file in its own process), what the suite knows about them from the outside, and
 * throwaway extra services on the spare ports run.ts set aside.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  internalUrls,
  publicUrls,
  stackFromEnv,
  startService,
  stopService,
  type ServiceName,
  type Stack,
} from '@oauth-demo/testkit';

export const stack: Stack = stackFromEnv(
  'CONFORMANCE',
  process.env,
  'run the suite with "pnpm conformance" (run.ts starts the services)',
);

/** What a browser uses, and what the services put in tokens and metadata. */
export const PUBLIC = publicUrls(stack);
/** Where the suite connects (the loopback address the services bind). */
export const INTERNAL = internalUrls(stack);

/** RFC 8414 §2: the issuer identifier is the auth server's public URL. */
export const ISSUER = PUBLIC.auth;
/** RFC 9068 §3: the drive's resource identifier, the `aud` of its tokens. */
export const DRIVE_RESOURCE = PUBLIC.drive;

export const PRINTER = {
  clientId: 'photo-printer',
  secret: stack.secrets.printerClientSecret,
  redirectUri: `${PUBLIC.printer}/callback`,
  scope: 'photos.read offline_access',
} as const;

export const BROWSER_CLIENT = {
  clientId: 'photo-printer-browser',
  redirectUri: `${PUBLIC.printer}/quick-print/callback`,
  scope: 'photos.read',
} as const;

export const DRIVE_CLIENT = { clientId: 'drive', secret: stack.secrets.driveClientSecret } as const;

/** The printer's print lab: Client Credentials, authenticating with client_secret_post. */
export const PRINT_LAB = {
  clientId: 'print-lab',
  secret: stack.secrets.printLabClientSecret,
  scope: 'gallery.read',
} as const;

/** Drive's own first-party web app: the only client registered for the password grant. */
export const DRIVE_WEB = { clientId: 'drive-web', secret: stack.secrets.driveWebClientSecret } as const;

export const USERS = { alice: 'wonderland', bob: 'builder' } as const;
export type UserName = keyof typeof USERS;

/** Ports run.ts reserved for services a test starts itself (nothing listens on them otherwise). */
export function sparePorts(): number[] {
  const raw = process.env.CONFORMANCE_SPARE_PORTS ?? '';
  const ports = raw.split(',').filter(Boolean).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p)))
    throw new Error('CONFORMANCE_SPARE_PORTS is not set: run the suite with "pnpm conformance"');
  return ports;
}

/**
 * A throwaway service next to the main stack: same secrets and (unless overridden) the same ports for the
 * other services, its own port and data directory under the run directory (run.ts stops anything left
 * running there), extra environment as given. Stop it with `stop()`.
 */
export async function startSpare(
  name: ServiceName,
  options: { label: string; port: number; env?: Record<string, string>; ports?: Partial<Stack['ports']> },
): Promise<{ stack: Stack; url: string; stop: () => Promise<void> }> {
  const key = name === 'auth-server' ? 'auth' : name;
  const runDir = join(stack.runDir, `spare-${options.label}`);
  mkdirSync(runDir, { recursive: true });
  const spare: Stack = {
    ...stack,
    runDir,
    ports: { ...stack.ports, ...options.ports, [key]: options.port },
    extraEnv: { [name]: options.env ?? {} },
  };
  await startService(name, spare);
  return { stack: spare, url: `http://127.0.0.1:${options.port}`, stop: () => stopService(name, spare) };
}
