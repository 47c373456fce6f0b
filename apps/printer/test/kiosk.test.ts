/**
 * The shop's kiosk: the Device Authorization Grant (RFC 8628). The kiosk is a public client; it shows the
 * user_code, polls at most once per page load and never faster than the interval, handles each answer of §3.5,
 * and shows the user's photos once approved.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, beforeEach, describe, it } from 'node:test';
import { applyPoll, expireIfDue, isPollDue, reloadAfterSeconds, startKiosk } from '../src/kiosk.js';
import { parseDeviceAuthorization } from '../src/oauth/device_authorization.js';
import { DeviceFlowFailed } from '../src/errors.js';
import { Browser, DEVICE_CODE, PHOTOS, USER_CODE, startStubStack, stepBars } from './helpers.js';

const stack = await startStubStack();
const { tokens, auth, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

const polls = () =>
  auth.tokenRequests.filter((r) => r.form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code');

async function startKioskFlow(browser: Browser) {
  const page = await browser.get('/kiosk');
  const started = await browser.post('/kiosk/start', { csrf: Browser.csrf(page) });
  assert.equal(started.status, 303);
  assert.equal(started.location, '/kiosk');
}

function refreshSeconds(text: string): number | null {
  const match = /<meta http-equiv="refresh" content="(\d+)">/.exec(text);
  return match ? Number(match[1]) : null;
}

describe('the kiosk screen', () => {
  it('starts with the button and step 1, and polls nothing', async () => {
    const page = await new Browser(printer.base).get('/kiosk');
    assert.equal(page.status, 200);
    assert.match(page.text, /<button type="submit">Start on the kiosk<\/button>/);
    assert.deepEqual(
      stepBars(page.text),
      [{ grant: 'device_code', steps: [1, 2, 3, 5, 6, 7, 8], active: [1], refused: [] }],
      'no step 4 in the device flow',
    );
    assert.match(page.text, /You ask the kiosk to print your photos/);
    // The gap in the numbers is explained on the bar, in words (steps.ts absent), not left to a guess.
    assert.match(page.text, /<li class="step-gaps"><details><summary>Why no step 4\?<\/summary>/);
    assert.match(
      page.text,
      /<li data-absent-step="4"><strong>No step 4\.<\/strong> No redirect and no code in the browser/,
    );
    assert.equal(refreshSeconds(page.text), null, 'no reloading before anything started');
    assert.equal(auth.deviceAuthorizationRequests.length, 0);
  });

  it('asks the device authorization endpoint as a public client and shows the user code and the verification URLs', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    assert.equal(auth.deviceAuthorizationRequests.length, 1);
    const request = auth.deviceAuthorizationRequests[0]!;
    assert.equal(request.url, '/device_authorization', 'at the internal URL');
    assert.equal(request.headers.authorization, undefined, 'a public client: no secret');
    assert.deepEqual(Object.fromEntries(request.form), { client_id: 'photo-kiosk', scope: 'photos.read' });

    auth.deviceAuthorization = {};
    const page = await browser.get('/kiosk');
    assert.match(page.text, new RegExp(`<p class="user-code" aria-label="Your code">${USER_CODE}</p>`));
    assert.ok(page.text.includes(`href="${auth.publicUrl}/device"`), 'the verification_uri');
    assert.ok(
      page.text.includes(`href="${auth.publicUrl}/device?user_code=${USER_CODE}"`),
      'the verification_uri_complete',
    );
    assert.ok(!page.text.includes(DEVICE_CODE), 'the device_code never reaches the page');
    assert.deepEqual(
      stepBars(page.text).map((b) => [b.grant, b.active]),
      [['device_code', [2, 3, 5]]],
    );
  });

  it('polls once per load with the device_code grant, and shows authorization_pending in words', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    const page = await browser.get('/kiosk'); // interval 0 in the stub: due at once
    assert.equal(polls().length, 1);
    const poll = polls()[0]!;
    assert.deepEqual(Object.fromEntries(poll.form), {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: DEVICE_CODE,
      client_id: 'photo-kiosk',
    });
    assert.equal(poll.headers.authorization, undefined);
    assert.match(page.text, /Still waiting: nobody has approved this code yet \(authorization_pending\)/);
    assert.equal(refreshSeconds(page.text), 1, 'reloads itself after the interval (at least 1 s)');
    assert.match(page.text, /<td>400<\/td><td><code>authorization_pending<\/code><\/td>/);
  });

  it('slow_down: adds 5 s to the interval and does not poll again before it has passed', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    auth.devicePolls = [{ status: 400, error: 'slow_down' }];
    const page = await browser.get('/kiosk');
    assert.equal(polls().length, 1);
    assert.match(page.text, /slow_down: the kiosk asked too soon\. From now on it waits 5 seconds longer/);
    assert.match(page.text, /Polling interval: <strong>5 s<\/strong>/);
    assert.equal(refreshSeconds(page.text), 5);
    // A learner presses reload at once: the kiosk shows the page but does not ask.
    const again = await browser.get('/kiosk');
    assert.equal(polls().length, 1, 'no poll before the new interval');
    assert.ok((refreshSeconds(again.text) ?? 0) >= 4);
  });

  it('access_denied: stops polling and says so', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    auth.devicePolls = [{ status: 400, error: 'access_denied' }];
    const page = await browser.get('/kiosk');
    assert.match(page.text, /Someone pressed Deny \(access_denied\)/);
    assert.match(page.text, /You said no: nothing was shared/);
    assert.equal(refreshSeconds(page.text), null, 'no more reloading');
    await browser.get('/kiosk');
    assert.equal(polls().length, 1, 'no more polling');
    assert.match(page.text, /<button type="submit">Start on the kiosk<\/button>/);
  });

  it('expired_token: stops polling and says so', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    auth.devicePolls = [{ status: 400, error: 'expired_token' }];
    const page = await browser.get('/kiosk');
    assert.match(page.text, /The code expired before anyone approved it \(expired_token\)/);
    assert.equal(refreshSeconds(page.text), null);
    await browser.get('/kiosk');
    assert.equal(polls().length, 1);
  });

  it('respects expires_in: past it, the kiosk stops without asking', async () => {
    auth.deviceAuthorization = { expires_in: 1 };
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    await sleep(1100);
    const page = await browser.get('/kiosk');
    assert.equal(polls().length, 0);
    assert.match(page.text, /The code expired/);
    assert.match(page.text, /expires_in/);
  });

  it('an error the RFC does not list (invalid_grant) stops the kiosk with its code', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    auth.devicePolls = [{ status: 400, error: 'invalid_grant' }];
    const page = await browser.get('/kiosk');
    assert.match(page.text, /The kiosk stopped on <code>invalid_grant<\/code>/);
    assert.equal(refreshSeconds(page.text), null);
  });

  it('approved: gets the token, shows the user’s photos from Drive, then forgets everything on Done', async () => {
    const browser = new Browser(printer.base);
    await startKioskFlow(browser);
    auth.devicePolls = [{ status: 400, error: 'authorization_pending' }, 'tokens'];
    const waiting = await browser.get('/kiosk');
    assert.match(waiting.text, /authorization_pending/);
    const page = await browser.get('/kiosk');
    assert.equal(polls().length, 2);
    assert.match(page.text, /alice’s photos, ready to print at the kiosk/);
    for (const p of PHOTOS) {
      assert.ok(page.text.includes(`<figcaption class="caption">${p.title}</figcaption>`), p.title);
      assert.ok(page.text.includes(`/kiosk/photos/${p.id}/image`));
    }
    assert.deepEqual(
      stepBars(page.text).map((b) => [b.grant, b.active]),
      [['device_code', [6, 7, 8]]],
    );
    assert.equal(refreshSeconds(page.text), null, 'done polling');
    for (const token of tokens.valid) assert.ok(!page.text.includes(token), 'the kiosk’s token is not on the page');
    const image = await browser.get(`/kiosk/photos/${PHOTOS[0]!.id}/image`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/svg+xml');
    // Reloading does not poll again: the device_code is used up.
    await browser.get('/kiosk');
    assert.equal(polls().length, 2);

    const done = await browser.post('/kiosk/finish', { csrf: Browser.csrf(page) });
    assert.equal(done.status, 303);
    const fresh = await browser.get('/kiosk');
    assert.match(fresh.text, /Start on the kiosk/);
    assert.equal((await browser.get(`/kiosk/photos/${PHOTOS[0]!.id}/image`)).status, 404);
  });

  it("answers a refused start by who is at fault: the kiosk's registration 500, busy 503, a failed auth server 502", async () => {
    const cases = [
      { status: 401, error: 'invalid_client', expect: 500 },
      { status: 400, error: 'invalid_scope', expect: 500 },
      { status: 503, error: 'temporarily_unavailable', expect: 503 },
      { status: 500, error: 'server_error', expect: 502 },
    ];
    for (const { status, error, expect } of cases) {
      auth.deviceAuthorizationError = { status, error };
      const browser = new Browser(printer.base);
      const page = await browser.get('/kiosk');
      const started = await browser.post('/kiosk/start', { csrf: Browser.csrf(page) });
      assert.equal(started.status, expect, error);
      assert.match(started.text, /The kiosk could not start/);
      assert.match(started.text, new RegExp(error));
    }
    auth.deviceAuthorizationError = undefined;
  });

  it('shows a clear page when the auth server offers no device flow', async () => {
    auth.metadata = { device_authorization_endpoint: undefined };
    const other = await stack.startAnotherPrinter();
    try {
      const browser = new Browser(other.base);
      const page = await browser.get('/kiosk');
      const started = await browser.post('/kiosk/start', { csrf: Browser.csrf(page) });
      assert.equal(started.status, 502);
      assert.match(started.text, /no device_authorization_endpoint/);
    } finally {
      await other.close();
      auth.metadata = {};
    }
  });
});

describe('kiosk state (RFC 8628 §3.5), unit', () => {
  const auth0 = {
    device_code: 'd',
    user_code: 'ABCD-EFGH',
    verification_uri: 'http://a/device',
    expires_in: 600,
    interval: 5,
  };
  it('waits the interval before each poll, and slow_down adds 5 s for all later polls', () => {
    let state = startKiosk(auth0, 0);
    assert.equal(isPollDue(state, 4999), false);
    assert.equal(isPollDue(state, 5000), true);
    state = applyPoll(state, { outcome: 'error', error: { status: 400, code: 'slow_down' } }, 5000);
    assert.equal(state.interval, 10);
    assert.equal(isPollDue(state, 14_999), false);
    assert.equal(reloadAfterSeconds(state, 5000), 10);
    state = applyPoll(state, { outcome: 'error', error: { status: 400, code: 'authorization_pending' } }, 15_000);
    assert.equal(state.interval, 10, 'pending keeps the raised interval');
    state = applyPoll(state, { outcome: 'error', error: { status: 400, code: 'slow_down' } }, 25_000);
    assert.equal(state.interval, 15);
    assert.equal(state.status, 'pending');
  });
  it('stops on access_denied, expired_token, unknown errors, and past expires_in', () => {
    for (const [code, status] of [
      ['access_denied', 'denied'],
      ['expired_token', 'expired'],
      ['invalid_client', 'failed'],
    ] as const) {
      const state = applyPoll(startKiosk(auth0, 0), { outcome: 'error', error: { status: 400, code } }, 5000);
      assert.equal(state.status, status, code);
      assert.equal(state.deviceCode, undefined);
      assert.equal(isPollDue(state, 1e9), false);
    }
    assert.equal(expireIfDue(startKiosk(auth0, 0), 600_000).status, 'expired');
    assert.equal(expireIfDue(startKiosk(auth0, 0), 599_999).status, 'pending');
  });
  it('checks the device authorization response (RFC 8628 §3.2)', () => {
    assert.equal(parseDeviceAuthorization({ ...auth0, interval: undefined }).interval, 5, 'default interval 5');
    for (const bad of [
      { ...auth0, device_code: '' },
      { ...auth0, verification_uri: 'javascript:alert(1)' },
      { ...auth0, expires_in: 0 },
      { ...auth0, user_code: 'AB CD\nEF' },
    ]) {
      assert.throws(() => parseDeviceAuthorization(bad), DeviceFlowFailed);
    }
  });
});
