/**
 * The `prompt` parameter of OpenID Connect Core §3.1.2.1 at the authorization endpoint (issue 12 item 1): consent
 * on demand (`prompt=consent`), signing in again (`prompt=login`), no page at all (`prompt=none`, with the errors of
 * §3.1.2.6), and unknown values refused with invalid_request, sent back to the client (RFC 6749 §4.1.2.1).
 * Remembered consent says so in the code response (the demo's `demo_consent_remembered`), so the client can tell
 * that step 3 was skipped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  authorizePath,
  Browser,
  csrfFrom,
  PRINTER,
  startAuthServer,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';

describe('prompt (OpenID Connect Core §3.1.2.1) and remembered consent', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  /** Allow once (fresh consent), in a browser that stays signed in as alice. */
  async function allowedOnce() {
    const first = await authorize(server);
    assert.ok(first.location.searchParams.get('code'));
    assert.equal(
      first.location.searchParams.get('demo_consent_remembered'),
      null,
      'a fresh consent is not "remembered"',
    );
    return first.browser;
  }

  /** Start an authorization request in this browser; the first hop after /authorize. */
  async function start(browser: Browser, prompt?: string) {
    const res = await browser.get(authorizePath(validAuthorizeParams({ prompt })));
    assert.equal(res.status, 303);
    const interaction = res.headers.get('location')!;
    return { interaction, page: await browser.get(interaction) };
  }

  function redirectParams(res: Response): URLSearchParams {
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, PRINTER.redirectUri);
    return location.searchParams;
  }

  it('remembered consent skips step 3 and says so in the code response, with the day it was allowed', async () => {
    const browser = await allowedOnce();
    const { page } = await start(browser);
    const params = redirectParams(page);
    assert.ok(params.get('code'));
    const remembered = params.get('demo_consent_remembered');
    assert.match(remembered ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const grant = server.app.context.store.grants.findActive('alice', PRINTER.clientId)!;
    assert.equal(Date.parse(remembered!) / 1000, grant.created_at);
    assert.equal(params.get('iss'), server.config.issuer);
    assert.equal(params.get('state'), 'state-123');
  });

  it('prompt=consent asks again although consent is remembered: Allow gives a code, Deny after Allow gives access_denied', async () => {
    const browser = await allowedOnce();
    const again = await start(browser, 'consent');
    assert.equal(again.page.status, 200, 'the consent page, not a redirect');
    const html = await again.page.text();
    assert.match(html, /You already allowed Photo Printer on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(html, /type="checkbox" id="scope-offline_access"/, 'what was allowed before can be refused now');
    const allowed = redirectParams(
      await browser.post(`${again.interaction}/consent`, {
        csrf: csrfFrom(html),
        decision: 'allow',
        scope: ['offline_access'],
      }),
    );
    assert.ok(allowed.get('code'));
    assert.equal(allowed.get('demo_consent_remembered'), null, 'asked, not remembered');

    const third = await start(browser, 'consent');
    const denied = redirectParams(
      await browser.post(`${third.interaction}/consent`, { csrf: csrfFrom(await third.page.text()), decision: 'deny' }),
    );
    assert.equal(denied.get('error'), 'access_denied');
    assert.equal(denied.get('code'), null);
    assert.equal(denied.get('state'), 'state-123');
    assert.equal(denied.get('iss'), server.config.issuer);
  });

  it('prompt=login shows the sign-in page to a signed-in user, then goes on', async () => {
    const browser = await allowedOnce();
    const again = await start(browser, 'login');
    assert.equal(again.page.status, 200);
    const html = await again.page.text();
    assert.match(html, /name="password"/, 'the sign-in page again');
    const forged = await browser.post(`${again.interaction}/consent`, { csrf: csrfFrom(html), decision: 'allow' });
    assert.equal(forged.status, 401, 'no consent answer before signing in again');
    const login = await browser.post(`${again.interaction}/login`, {
      csrf: csrfFrom(html),
      username: 'alice',
      password: 'wonderland',
    });
    assert.equal(login.status, 303);
    const params = redirectParams(await browser.get(again.interaction));
    assert.ok(params.get('code'), 'signed in again; consent is remembered, so the code comes back');
  });

  it('prompt=none: login_required when not signed in, consent_required when consent is needed, a code when neither', async () => {
    const stranger = new Browser(server.url);
    const notSignedIn = redirectParams((await start(stranger, 'none')).page);
    assert.equal(notSignedIn.get('error'), 'login_required');
    assert.equal(notSignedIn.get('state'), 'state-123');
    assert.equal(notSignedIn.get('iss'), server.config.issuer);

    const browser = await allowedOnce();
    assert.ok(
      redirectParams((await start(browser, 'none')).page).get('code'),
      'signed in and remembered: no page needed',
    );

    server.app.context.store.grants.revoke(server.app.context.store.grants.findActive('alice', PRINTER.clientId)!.id);
    const needsConsent = redirectParams((await start(browser, 'none')).page);
    assert.equal(needsConsent.get('error'), 'consent_required');
    assert.equal(needsConsent.get('code'), null);
  });

  it('an unknown prompt value, or none with another value, is invalid_request sent back to the client', async () => {
    for (const prompt of ['bogus', 'consent bogus', 'none login', 'none consent']) {
      const res = await new Browser(server.url).get(authorizePath(validAuthorizeParams({ prompt })));
      const params = redirectParams(res);
      assert.equal(params.get('error'), 'invalid_request', prompt);
      assert.equal(params.get('state'), 'state-123');
      assert.equal(params.get('iss'), server.config.issuer);
    }
    const both = await new Browser(server.url).get(authorizePath(validAuthorizeParams({ prompt: 'login consent' })));
    assert.equal(both.status, 303);
    assert.match(both.headers.get('location') ?? '', /^\/interaction\//, 'login and consent together are fine');
  });
});
