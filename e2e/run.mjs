// Runs the Playwright suite against the three real services on free loopback ports (or on
// E2E_PRINTER_PORT / E2E_AUTH_PORT / E2E_DRIVE_PORT when set), with a fresh data directory per run.
// With E2E_EXTERNAL=1 the services already run on those ports (scripts/compose-e2e.sh: docker-compose) and
// nothing is started or stopped; E2E_EXTERNAL_RESTART (JSON argv) restarts one, E2E_PUBLIC_HOST is the host name
// of their public URLs (default localhost), and E2E_PUBLIC_HOST_ADDRESS, when set, is where the browser resolves it.
// Ports are chosen here, once, because Playwright evaluates its config again in every worker.
// The services themselves are started and stopped by support/global-setup.ts and global-teardown.ts.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createStack, stackToEnv } from '@oauth-demo/testkit';

/** @param {'PRINTER' | 'AUTH' | 'DRIVE' | 'ATTACKER'} name */
const given = (name) => (process.env[`E2E_${name}_PORT`] ? Number(process.env[`E2E_${name}_PORT`]) : undefined);
const stack = await createStack({
  name: 'oauth-demo-e2e',
  ports: { printer: given('PRINTER'), auth: given('AUTH'), drive: given('DRIVE'), attacker: given('ATTACKER') },
  runDir: process.env.E2E_RUN_DIR || undefined,
  external:
    process.env.E2E_EXTERNAL === '1'
      ? { ...(process.env.E2E_EXTERNAL_RESTART ? { restart: JSON.parse(process.env.E2E_EXTERNAL_RESTART) } : {}) }
      : undefined,
  publicHost: process.env.E2E_PUBLIC_HOST || undefined,
  secrets: {
    printerClientSecret: process.env.E2E_PRINTER_CLIENT_SECRET || undefined,
    driveClientSecret: process.env.E2E_DRIVE_CLIENT_SECRET || undefined,
    printLabClientSecret: process.env.E2E_PRINT_LAB_CLIENT_SECRET || undefined,
    driveWebClientSecret: process.env.E2E_DRIVE_WEB_CLIENT_SECRET || undefined,
  },
});
const env = { ...process.env, ...stackToEnv(stack, 'E2E') };
console.log(
  stack.external
    ? `e2e: against services already running (${stack.publicHost ?? 'localhost'}): printer :${stack.ports.printer}, auth server :${stack.ports.auth}, drive :${stack.ports.drive}, Mallory :${stack.ports.attacker}`
    : `e2e: printer :${stack.ports.printer}, auth server :${stack.ports.auth}, drive :${stack.ports.drive}, Mallory :${stack.ports.attacker}, data in ${stack.runDir}`,
);

const child = spawn(
  join(import.meta.dirname, 'node_modules', '.bin', 'playwright'),
  ['test', ...process.argv.slice(2)],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
