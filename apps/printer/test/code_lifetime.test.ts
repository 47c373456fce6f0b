/**
 * Step-through mode shows a paused code's remaining lifetime from the auth server's real code lifetime, which the
 * demo's auth server publishes in its metadata (demo_authorization_code_lifetime, AUTHORIZATION_CODE_TTL there),
 * and explains an expiry with that lifetime (issue 13). Against a stub auth server that publishes 2 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, type StubStack, startStubStack } from './helpers.js';

const LIFETIME_S = 2;
let stack: StubStack;

before(async () => {
  stack = await startStubStack({
    configureStubs: ({ auth }) => {
      auth.metadata = { ...auth.metadata, demo_authorization_code_lifetime: LIFETIME_S };
    },
  });
});
after(() => stack.stop());

/** Step-through on, import, come back with a code: paused at step 4. Returns the browser and the paused page. */
async function pausedAtCallback(): Promise<{ browser: Browser; page: Awaited<ReturnType<Browser['get']>> }> {
  const browser = new Browser(stack.printer.base);
  const home = await browser.get('/');
  await browser.post('/teaching', { csrf: Browser.csrf(home), stepThrough: 'on', back: '/' });
  await browser.post('/import', { csrf: Browser.csrf(home) });
  const paused = await browser.get('/step');
  const state = /name="state" value="([^"]+)"/.exec(paused.text)?.[1] ?? '';
  await browser.get(`/callback?${new URLSearchParams({ code: 'code-1', state, iss: stack.auth.publicUrl })}`);
  return { browser, page: await browser.get('/step') };
}

describe('step-through: the code’s lifetime comes from the auth server', () => {
  it('shows the published lifetime, not the 60 s default, and no “about”', async () => {
    const { page } = await pausedAtCallback();
    assert.match(page.text, new RegExp(`codes live ${LIFETIME_S} s at this auth server, as its metadata says`));
    const left = Number(/data-code-left="(-?\d+)"/.exec(page.text)?.[1]);
    assert.ok(left <= LIFETIME_S, `at most ${LIFETIME_S} s left, counted from the published lifetime (${left})`);
    assert.doesNotMatch(page.text, /about 60 s/);
  });

  it('explains a refusal after a pause longer than that lifetime as the code’s lifetime at work, in its numbers', async () => {
    const { browser, page } = await pausedAtCallback();
    const toToken = await browser.post('/step/continue', { csrf: Browser.csrf(page) });
    assert.equal(toToken.location, '/step');
    const paused = await browser.get('/step');
    // Outlive the published lifetime, then the (stub) auth server refuses the code, as the real one would.
    await new Promise((resolve) => setTimeout(resolve, (LIFETIME_S + 1) * 1000));
    stack.auth.tokenError = 'invalid_grant';
    try {
      const refused = await browser.post('/step/continue', { csrf: Browser.csrf(paused) });
      assert.equal(refused.status, 400);
      assert.match(refused.text, /The code expired while the flow was paused/);
      assert.match(refused.text, new RegExp(`a code lives ${LIFETIME_S} s here`));
      assert.match(refused.text, /Start again/);
    } finally {
      stack.auth.tokenError = undefined;
    }
  });
});
