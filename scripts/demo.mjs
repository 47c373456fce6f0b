// Starts the auth server, the drive, the printer and Mallory's site (the attack lab's attacker; compiled
// output), prefixes their logs, and prints the URL to open. Ctrl-C stops them all. Ports and URLs come from
// the environment (see README). Typechecked with JSDoc (scripts/tsconfig.json).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Production mode: express caches compiled views (the benchmarks measured ~29% more flows per second).
/** @type {NodeJS.ProcessEnv} */
const env = { NODE_ENV: 'production', ...process.env };
/** @param {string} name @param {number} fallback */
const port = (name, fallback) => env[`${name}_PORT`] || String(fallback);
const services = [
  { name: 'auth-server', label: 'auth   ', health: `http://127.0.0.1:${port('AUTH', 9000)}/healthz` },
  { name: 'drive', label: 'drive  ', health: `http://127.0.0.1:${port('DRIVE', 9001)}/healthz` },
  { name: 'printer', label: 'printer', health: `http://127.0.0.1:${port('PRINTER', 3000)}/healthz` },
  { name: 'attacker', label: 'mallory', health: `http://127.0.0.1:${port('ATTACKER', 4000)}/healthz` },
];
// Class mode (README, "Teach a class"): CLASS_HOST names this machine on the LAN; the services refuse to start
// without INSTRUCTOR_KEY (their config.ts says so).
const printerUrl = env.PRINTER_PUBLIC_URL || `http://${env.CLASS_HOST || 'localhost'}:${port('PRINTER', 3000)}`;

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let stopping = false;
/** @param {number} code */
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

for (const service of services) {
  // DATA_DIR, when set, is the parent folder: each service keeps its data in its own subfolder.
  const serviceEnv = env.DATA_DIR ? { ...env, DATA_DIR: join(env.DATA_DIR, service.name) } : env;
  const child = spawn(process.execPath, [join(root, 'apps', service.name, 'dist', 'server.js')], {
    env: serviceEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) console.log(`[${service.label}] ${line}`);
    });
  }
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`[${service.label}] stopped (exit ${code}); stopping the others.`);
      stopAll(code || 1);
    }
  });
}

/** @param {string} url */
async function healthy(url) {
  for (let i = 0; i < 200 && !stopping; i++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const ok = (await Promise.all(services.map((s) => healthy(s.health)))).every(Boolean);
if (ok) {
  if (env.CLASS_HOST) {
    console.log(`\n  The class is on: every learner opens ${printerUrl} (write it on the board).`);
    console.log(
      '  Each learner joins the class on the sign-in page, or signs in as alice / wonderland or bob / builder.',
    );
    console.log('  Instructor mode asks for INSTRUCTOR_KEY. Ctrl-C stops everything.');
  } else {
    console.log(`\n  The demo is running. Open ${printerUrl} in your browser.`);
    console.log('  Sign in as alice / wonderland or bob / builder. Ctrl-C stops everything.');
  }
  console.log(
    `  Attack lab: ${printerUrl}/lab (Mallory's site runs at ${env.ATTACKER_PUBLIC_URL || `http://localhost:${port('ATTACKER', 4000)}`}).\n`,
  );
} else if (!stopping) {
  console.error('The services did not all become healthy in 20 s; see the logs above.');
  stopAll(1);
}
