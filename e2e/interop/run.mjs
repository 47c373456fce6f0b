// The interop test (issue 17): Photo Printer and Drive of the current build against an authorization server
// nobody here wrote, node-oidc-provider (oidc_provider.mjs), pointed at it by environment variables only, as the
// README's "Use it with another authorization server" says. Once per access token algorithm (RS256, the most
// common default, and ES256): start the provider, Drive and the printer on free loopback ports, run
// interop.spec.ts in Chromium (the code flow to alice's photos, then a refresh), stop what was started, by PID.
// `INTEROP_ALGS=ES256` runs one algorithm only. Started by `pnpm e2e` after the main suite.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createStack, logFile, publicUrls, startService, stopService } from '@oauth-demo/testkit';

const here = import.meta.dirname;
const algs = (process.env.INTEROP_ALGS || 'RS256,ES256')
  .split(',')
  .map((a) => a.trim())
  .filter(Boolean);
const CLIENT_ID = 'printer-web';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start the provider and wait for its /healthz; returns the child process. */
async function startProvider(stack, alg, urls, clientSecret) {
  const log = openSync(join(stack.runDir, 'oidc-provider.log'), 'a');
  const child = spawn(process.execPath, [join(here, 'oidc_provider.mjs')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      INTEROP_AS_PORT: String(stack.ports.auth),
      INTEROP_HOST: stack.host,
      INTEROP_ALG: alg,
      INTEROP_ISSUER: urls.auth,
      INTEROP_DRIVE_URL: urls.drive,
      INTEROP_PRINTER_URL: urls.printer,
      INTEROP_CLIENT_ID: CLIENT_ID,
      INTEROP_CLIENT_SECRET: clientSecret,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? String(code);
  });
  for (let tries = 0; tries < 400; tries++) {
    if (exited !== null)
      throw new Error(`oidc-provider exited (${exited}); see ${join(stack.runDir, 'oidc-provider.log')}`);
    try {
      const res = await fetch(`http://${stack.host}:${stack.ports.auth}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  child.kill('SIGTERM');
  throw new Error('oidc-provider did not become healthy');
}

function stopProvider(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function runPlaywright(env) {
  return new Promise((resolve) => {
    const bin = join(here, '..', 'node_modules', '.bin', 'playwright');
    // Only flags are passed on (`--headed`, `--debug`): `pnpm e2e tests/x.spec.ts` appends the main suite's spec
    // names to this command too, and they name nothing here.
    const flags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
    const child = spawn(bin, ['test', '--config', join(here, 'playwright.config.ts'), ...flags], {
      stdio: 'inherit',
      env,
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let failed = 0;
for (const alg of algs) {
  // A secret of 32 characters, as many providers issue: the printer accepts it with a start-up warning.
  const clientSecret = randomBytes(24).toString('base64url');
  const stack = await createStack({
    name: `oauth-demo-interop-${alg.toLowerCase()}`,
    secrets: { printerClientSecret: clientSecret },
    extraEnv: { printer: { PRINTER_CLIENT_ID: CLIENT_ID } },
  });
  const urls = publicUrls(stack);
  console.log(
    `interop ${alg}: oidc-provider :${stack.ports.auth}, drive :${stack.ports.drive}, printer :${stack.ports.printer}, data in ${stack.runDir}`,
  );
  let provider;
  let code = 1;
  try {
    provider = await startProvider(stack, alg, urls, clientSecret);
    await startService('drive', stack);
    await startService('printer', stack);
    code = await runPlaywright({
      ...process.env,
      INTEROP_ALG: alg,
      INTEROP_PRINTER_URL: urls.printer,
      INTEROP_AUTH_URL: urls.auth,
      INTEROP_DRIVE_URL: urls.drive,
      INTEROP_PRINTER_LOG: logFile('printer', stack),
    });
  } catch (error) {
    console.error(`interop ${alg}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await stopService('printer', stack).catch(() => {});
    await stopService('drive', stack).catch(() => {});
    if (provider) await stopProvider(provider);
  }
  if (code === 0) {
    rmSync(stack.runDir, { recursive: true, force: true });
  } else {
    failed++;
    for (const name of ['oidc-provider.log', 'drive.log', 'printer.log']) {
      try {
        console.error(
          `--- ${name} (last lines) ---\n${readFileSync(join(stack.runDir, name), 'utf8').split('\n').slice(-30).join('\n')}`,
        );
      } catch {
        // no log
      }
    }
  }
}
if (failed > 0) {
  console.error(`interop: ${failed} of ${algs.length} runs failed`);
  process.exit(1);
}
console.log(`interop: passed with ${algs.join(' and ')} access tokens`);
