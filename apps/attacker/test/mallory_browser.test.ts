/**
 * Mallory's "browser" against the real auth server (its compiled server, started on free ports by
 * @oauth-demo/testkit, as the drive's tests and the e2e suite do): she signs in with her own account and keeps the
 * code-bearing redirect instead of following it.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type BackChannel, createBackChannel } from '@oauth-demo/back-channel';
import { createStack, internalUrls, publicUrls, type Stack, startService, stopService } from '@oauth-demo/testkit';
import { authorizeAs } from '../src/mallory_browser.js';

describe('authorizeAs (Mallory signs in as herself)', () => {
  let stack: Stack;
  /** The authorization request of the lab copy, as her browser would see it (the auth server's public URL). */
  let request: URL;
  let labCallback: string;
  let backChannel: BackChannel;
  before(async () => {
    backChannel = createBackChannel({ timeoutMs: 10_000, userAgent: 'attacker-test' });
    stack = await createStack({ name: 'attacker-test', extraEnv: { 'auth-server': { TIMELINE_RECORDING: 'off' } } });
    await startService('auth-server', stack);
    labCallback = `${publicUrls(stack).printer}/lab/callback`;
    request = new URL(`${publicUrls(stack).auth}/authorize`);
    request.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'photo-printer-lab',
      redirect_uri: labCallback,
      scope: 'photos.read',
    }).toString();
  });
  after(async () => {
    backChannel.close();
    await stopService('auth-server', stack);
    rmSync(stack.runDir, { recursive: true, force: true });
  });

  it('returns the redirect with a code for the lab copy, and never follows it', async () => {
    const answer = new URL(
      await authorizeAs(request.href, internalUrls(stack).auth, 'mallory', 'free-filters', backChannel.http),
    );
    assert.equal(`${answer.origin}${answer.pathname}`, labCallback);
    assert.ok(answer.searchParams.get('code'));
    assert.equal(answer.searchParams.get('state'), null);
  });

  it('a wrong password ends in a clear error, not a code', async () => {
    await assert.rejects(
      authorizeAs(request.href, internalUrls(stack).auth, 'mallory', 'wrong', backChannel.http),
      /answered 40/,
    );
  });
});
