import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createStack,
  isPortInUse,
  pickPorts,
  publicUrls,
  restartService,
  serviceEnv,
  stackFromEnv,
  stackToEnv,
  startService,
  stopService,
} from './index.js';

describe('testkit', () => {
  it('picks distinct free loopback ports', async () => {
    const ports = await pickPorts(5);
    assert.equal(new Set(ports).size, 5);
    for (const port of ports) assert.equal(await isPortInUse(port), false);
  });

  it('hands a stack to another process through the environment and back', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'testkit-'));
    try {
      const stack = await createStack({ runDir });
      assert.ok(stack.secrets.printerClientSecret.length >= 43);
      assert.notEqual(stack.secrets.printerClientSecret, stack.secrets.driveClientSecret);
      assert.deepEqual(stackFromEnv('X', stackToEnv(stack, 'X')), stack);
      assert.throws(() => stackFromEnv('Y', {}), /Y_RUN_DIR is not set/);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('gives each service its own data directory and only the variables a user would set', async () => {
    const stack = await createStack({ runDir: '/tmp/nowhere', extraEnv: { 'auth-server': { ACCESS_TOKEN_TTL: '5' } } });
    const auth = serviceEnv('auth-server', stack);
    const drive = serviceEnv('drive', stack);
    assert.equal(auth.DATA_DIR, '/tmp/nowhere/auth-server');
    assert.equal(drive.DATA_DIR, '/tmp/nowhere/drive');
    assert.equal(auth.ACCESS_TOKEN_TTL, '5');
    assert.equal(drive.ACCESS_TOKEN_TTL, undefined);
    assert.equal(auth.AUTH_PORT, String(stack.ports.auth));
    assert.equal(auth.PRINTER_CLIENT_SECRET, stack.secrets.printerClientSecret);
  });

  it("runs a service with exactly a given environment (docker-compose's) and node options, carried to other processes", async () => {
    const compose = { HOST: '0.0.0.0', DATA_DIR: '/tmp/nowhere/auth-data', AUTH_PUBLIC_URL: 'http://localhost:9000' };
    const stack = await createStack({
      runDir: '/tmp/nowhere',
      exactEnv: { 'auth-server': compose },
      nodeArgs: ['--import', '/tmp/preload.mjs'],
    });
    const auth = serviceEnv('auth-server', stack);
    assert.deepEqual(auth, { PATH: process.env.PATH, HOME: process.env.HOME, ...compose });
    // A service without an exact environment still gets the generated one.
    assert.equal(serviceEnv('drive', stack).DATA_DIR, '/tmp/nowhere/drive');
    assert.deepEqual(stackFromEnv('X', stackToEnv(stack, 'X')), stack);
    assert.throws(() => stackFromEnv('X', { ...stackToEnv(stack, 'X'), X_NODE_ARGS: '"--import"' }), /X_NODE_ARGS/);
  });

  it('stopping a service that was never started does nothing', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'testkit-'));
    try {
      await stopService('drive', await createStack({ runDir }));
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('an external stack (docker-compose): start waits for health, stop leaves it alone, restart runs the given command', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'testkit-'));
    // A stand-in for a service someone else runs: answers /healthz with 200 once `healthy` is set.
    let healthy = false;
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    try {
      const marker = join(runDir, 'restarted');
      const restart = [
        process.execPath,
        '-e',
        `require('node:fs').writeFileSync(${JSON.stringify(marker)}, process.argv.slice(1).join(' '))`,
      ];
      const stack = await createStack({
        runDir,
        ports: { drive: address.port },
        external: { restart },
        publicHost: 'class.test',
      });
      assert.deepEqual(stackFromEnv('X', stackToEnv(stack, 'X')), stack);
      assert.equal(stackToEnv(stack, 'X').X_EXTERNAL, '1');
      assert.equal(publicUrls(stack).drive, `http://class.test:${address.port}`);

      // Not healthy yet: start keeps waiting, then gives up.
      await assert.rejects(startService('drive', stack, { timeoutMs: 300 }), /did not become healthy/);
      healthy = true;
      assert.equal(await startService('drive', stack), 0);
      // Not ours: stopping it sends nothing, it still answers.
      await stopService('drive', stack, 'SIGKILL');
      assert.equal((await fetch(`http://127.0.0.1:${address.port}/healthz`)).status, 200);
      // Restart: the command gets the service and the signal, then start waits for health again.
      assert.equal(await restartService('drive', stack, 'SIGKILL'), 0);
      assert.equal(readFileSync(marker, 'utf8'), 'drive SIGKILL');
      // Without a restart command, an external service cannot be restarted.
      await assert.rejects(restartService('drive', { ...stack, external: {} }), /no restart command/);
    } finally {
      server.close();
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
