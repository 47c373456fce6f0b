// Runs the Playwright suite against the three real services on free loopback ports (or on
// E2E_PRINTER_PORT / E2E_AUTH_PORT / E2E_DRIVE_PORT when set), with a fresh data directory per run.
// Ports are chosen here, once, because Playwright evaluates its config again in every worker.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const env = { ...process.env };
for (const name of ['PRINTER', 'AUTH', 'DRIVE']) {
  const key = `E2E_${name}_PORT`;
  if (!env[key]) env[key] = String(await freePort());
}
env.E2E_RUN_DIR ||= mkdtempSync(join(tmpdir(), 'oauth-demo-e2e-'));
env.E2E_PRINTER_CLIENT_SECRET ||= randomBytes(32).toString('base64url');
env.E2E_DRIVE_CLIENT_SECRET ||= randomBytes(32).toString('base64url');
console.log(`e2e: printer :${env.E2E_PRINTER_PORT}, auth server :${env.E2E_AUTH_PORT}, drive :${env.E2E_DRIVE_PORT}, data in ${env.E2E_RUN_DIR}`);

const child = spawn(join(import.meta.dirname, 'node_modules', '.bin', 'playwright'), ['test', ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
