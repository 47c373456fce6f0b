import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createStack, isPortInUse, pickPorts, serviceEnv, stackFromEnv, stackToEnv, stopService } from './index.js';

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

  it('runs a service with exactly a given environment (docker-compose\'s) and node options, carried to other processes', async () => {
    const compose = { HOST: '0.0.0.0', DATA_DIR: '/tmp/nowhere/auth-data', AUTH_PUBLIC_URL: 'http://localhost:9000' };
    const stack = await createStack({ runDir: '/tmp/nowhere', exactEnv: { 'auth-server': compose }, nodeArgs: ['--import', '/tmp/preload.mjs'] });
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
});
