/**
 * Mallory's "browser" against the real auth server app (createApp on a free port): she signs in with her own
 * account and keeps the code-bearing redirect instead of following it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '@oauth-demo/auth-server/src/app.js';
import { loadConfig } from '@oauth-demo/auth-server/src/config.js';
import { listen } from '@oauth-demo/web';
import { authorizeAs } from '../src/mallory_browser.js';

describe('authorizeAs (Mallory signs in as herself)', () => {
  let dir: string;
  let base: string;
  let stop: () => Promise<void>;
  let close: () => void;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'attacker-test-'));
    const secret = 'x'.repeat(43);
    const config = loadConfig({
      DATA_DIR: dir,
      AUTH_PORT: '0',
      PRINTER_CLIENT_SECRET: secret,
      DRIVE_CLIENT_SECRET: secret,
      PRINT_LAB_CLIENT_SECRET: secret,
      DRIVE_WEB_CLIENT_SECRET: secret,
      TIMELINE_RECORDING: 'off',
    });
    const app = await createApp(config);
    const started = await listen(app.app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${started.port}`;
    stop = started.close;
    close = app.close;
  });
  after(async () => {
    await stop();
    close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the redirect with a code for the lab copy, and never follows it', async () => {
    const url = new URL('http://localhost:9000/authorize');
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'photo-printer-lab',
      redirect_uri: 'http://localhost:3000/lab/callback',
      scope: 'photos.read',
    }).toString();
    const answer = new URL(await authorizeAs(url.href, base, 'mallory', 'free-filters', 10_000));
    assert.equal(`${answer.origin}${answer.pathname}`, 'http://localhost:3000/lab/callback');
    assert.ok(answer.searchParams.get('code'));
    assert.equal(answer.searchParams.get('state'), null);
  });

  it('a wrong password ends in a clear error, not a code', async () => {
    const url = new URL('http://localhost:9000/authorize');
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'photo-printer-lab',
      redirect_uri: 'http://localhost:3000/lab/callback',
      scope: 'photos.read',
    }).toString();
    await assert.rejects(authorizeAs(url.href, base, 'mallory', 'wrong', 10_000), /answered 40/);
  });
});
