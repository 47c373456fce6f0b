/**
 * Runs the conformance suite against the three real services, started the way users start them
 * (`node apps/<x>/dist/server.js` with environment variables):
 *
 * 1. free loopback ports are chosen once, before anything starts (CONFORMANCE_PRINTER_PORT, _AUTH_PORT,
 *    _DRIVE_PORT choose them instead), plus a few spare ones for services a test starts itself;
 * 2. each service gets a fresh temporary data directory and the run fresh random client secrets;
 * 3. node's test runner runs test/*.test.ts one file at a time, in name order (they share the services).
 *    durability.test.ts kills every service with SIGKILL and starts it again on the same data and environment,
 *    so the files after it (grants … sessions) also check services that came back from a crash;
 * 4. everything started is stopped by its PID, and nothing else. The run directory is removed when the run
 *    passed, and kept (with each service's log) when it failed.
 *
 *   pnpm conformance                       the whole suite
 *   pnpm conformance test/drive.test.ts    some files
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createStack, logFile, pickPorts, stackToEnv, startAll, stopAll, type Stack } from '@oauth-demo/testkit';

const HERE = import.meta.dirname;

/** The test files: the ones given, or every test/*.test.ts (node's test runner runs them in name order). */
function testFiles(args: string[]): string[] {
  if (args.length > 0) return args;
  return readdirSync(join(HERE, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join('test', f));
}

function givenPort(name: string): number | undefined {
  const raw = process.env[`CONFORMANCE_${name}_PORT`];
  return raw ? Number(raw) : undefined;
}

/** Every stack whose run directory lies under the main one (spare services a test may have left running). */
function spareStacks(main: Stack): Stack[] {
  if (!existsSync(main.runDir)) return [];
  return readdirSync(main.runDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(main.runDir, d.name, 'pids.json')))
    .map((d) => ({ ...main, runDir: join(main.runDir, d.name) }));
}

async function stopEverything(main: Stack): Promise<void> {
  for (const spare of spareStacks(main)) await stopAll(spare);
  await stopAll(main);
}

const main = await createStack({
  name: 'oauth-demo-conformance',
  ports: { printer: givenPort('PRINTER'), auth: givenPort('AUTH'), drive: givenPort('DRIVE') },
});
const spare = await pickPorts(6);
const exclude = new Set(Object.values(main.ports));
const sparePorts = spare.filter((p) => !exclude.has(p));
console.log(
  `conformance: printer :${main.ports.printer}, auth server :${main.ports.auth}, drive :${main.ports.drive}, spare :${sparePorts.join(',')}, data in ${main.runDir}`,
);

let interrupted = false;
let child: ReturnType<typeof spawn> | undefined;
// Ctrl-C / SIGTERM: stop the test runner; the `finally` below stops the services (once, and before exiting).
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted) return;
  interrupted = true;
  child?.kill(signal);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

let code = 1;
try {
  await startAll(main);
  if (!interrupted) {
    const files = testFiles(process.argv.slice(2));
    const env = { ...process.env, ...stackToEnv(main, 'CONFORMANCE'), CONFORMANCE_SPARE_PORTS: sparePorts.join(',') };
    child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=120000', ...files],
      { cwd: HERE, stdio: 'inherit', env },
    );
    code = await new Promise<number>((resolve) => child!.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  }
} catch (err) {
  console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await stopEverything(main);
  if (interrupted) code = 130;
  if (code === 0) rmSync(main.runDir, { recursive: true, force: true });
  else
    console.error(
      `conformance: ${interrupted ? 'interrupted' : 'failed'}; the services' data and logs are kept in ${main.runDir} (e.g. ${logFile('auth-server', main)})`,
    );
}
process.exit(code);
