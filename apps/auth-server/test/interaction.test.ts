import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  authorizePath,
  Browser,
  csrfFrom,
  forgetConsent,
  startAuthServer,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';

describe('Sign-in and consent (step 3)', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  async function openLogin(browser = new Browser(server.url)) {
    const start = await browser.get(authorizePath(validAuthorizeParams()));
    const interaction = start.headers.get('location')!;
    const page = await (await browser.get(interaction)).text();
    return { browser, interaction, page };
  }

  it('shows a login form with Username, Password and Sign in, the client name and the demo accounts', async () => {
    const { page } = await openLogin();
    assert.match(page, /<label for="username">Username<\/label>/);
    assert.match(page, /<label for="password">Password<\/label>/);
    assert.match(page, /<button type="submit">Sign in<\/button>/);
    assert.match(page, /Photo Printer/);
    assert.match(page, /wonderland/);
    assert.match(page, /Step 3/);
  });

  it('login and consent pages cannot be framed', async () => {
    const { browser, interaction } = await openLogin();
    const res = await browser.get(interaction);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
  });

  it('the login form needs the session CSRF token', async () => {
    const { browser, interaction } = await openLogin();
    const res = await browser.post(`${interaction}/login`, {
      csrf: 'forged',
      username: 'alice',
      password: 'wonderland',
    });
    assert.equal(res.status, 403);
    const noToken = await browser.post(`${interaction}/login`, { username: 'alice', password: 'wonderland' });
    assert.equal(noToken.status, 403);
  });

  it('the same message for an unknown user and a wrong password, and reflected input is escaped', async () => {
    const a = await openLogin();
    const wrong = await a.browser.post(`${a.interaction}/login`, {
      csrf: csrfFrom(a.page),
      username: 'alice',
      password: 'nope',
    });
    const b = await openLogin();
    const unknown = await b.browser.post(`${b.interaction}/login`, {
      csrf: csrfFrom(b.page),
      username: '<script>x</script>',
      password: 'nope',
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    const unknownPage = await unknown.text();
    assert.match(await wrong.text(), /Wrong username or password/);
    assert.match(unknownPage, /Wrong username or password/);
    assert.equal(unknownPage.includes('<script>x</script>'), false);
    assert.match(unknownPage, /&lt;script&gt;x&lt;\/script&gt;/);
  });

  it('changes the session id at sign-in (no session fixation)', async () => {
    const { browser, interaction, page } = await openLogin();
    const before = browser.cookies.get('auth.sid');
    assert.ok(before);
    await browser.post(`${interaction}/login`, { csrf: csrfFrom(page), username: 'alice', password: 'wonderland' });
    assert.ok(browser.cookies.get('auth.sid'));
    assert.notEqual(browser.cookies.get('auth.sid'), before);
  });

  it('uses its own HttpOnly, SameSite=Lax session cookie named auth.sid', async () => {
    const res = await new Browser(server.url).get(authorizePath(validAuthorizeParams()));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('auth.sid='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
  });

  it('throttles repeated failures for one user', async () => {
    const { browser, interaction, page } = await openLogin();
    const csrf = csrfFrom(page);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await browser.post(`${interaction}/login`, { csrf, username: 'bob', password: `wrong-${i}` })).status,
      );
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const blocked = await browser.post(`${interaction}/login`, { csrf, username: 'bob', password: 'builder' });
    assert.equal(blocked.status, 429, 'even the right password waits until the window passes');
  });

  it('throttling counts per username too: claiming another X-Forwarded-For buys no extra guesses', async () => {
    const { browser, interaction, page } = await openLogin();
    const csrf = csrfFrom(page);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const body = new URLSearchParams({ csrf, username: 'carol-not-a-user', password: `wrong-${i}` });
      const res = await browser.request(`${interaction}/login`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.0.0.${i}` },
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  });

  it('guesses sent at the same time count against each other (RFC 6749 §4.3.2, brute force)', async () => {
    const { browser, interaction, page } = await openLogin();
    const csrf = csrfFrom(page);
    const statuses = await Promise.all(
      Array.from(
        { length: 12 },
        async (_, i) =>
          (await browser.post(`${interaction}/login`, { csrf, username: 'dave-not-a-user', password: `wrong-${i}` }))
            .status,
      ),
    );
    const wrong = statuses.filter((s) => s === 401).length;
    // The limit is 5; two checks run at a time, so the one beside the 5th may still be checked.
    assert.ok(wrong >= 5 && wrong <= 6, `checked ${wrong} of 12 simultaneous guesses: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 12 - wrong);
  });

  it('a class signing in as the same user at the same moment: everyone gets in', async () => {
    const logins = await Promise.all(Array.from({ length: 8 }, () => openLogin()));
    const statuses = await Promise.all(
      logins.map(
        async ({ browser, interaction, page }) =>
          (
            await browser.post(`${interaction}/login`, {
              csrf: csrfFrom(page),
              username: 'alice',
              password: 'wonderland',
            })
          ).status,
      ),
    );
    assert.deepEqual(statuses, Array(8).fill(303));
  });

  it('shows a consent screen naming the client and each scope, with Allow, Deny and a checkbox for the optional scope', async () => {
    const { browser, interaction, page } = await openLogin();
    await browser.post(`${interaction}/login`, { csrf: csrfFrom(page), username: 'alice', password: 'wonderland' });
    const consent = await (await browser.get(interaction)).text();
    assert.match(consent, /Photo Printer wants to access your Drive/);
    assert.match(consent, /photos\.read/);
    assert.match(consent, /View your photos/);
    assert.match(consent, /type="checkbox" id="scope-offline_access"/);
    assert.match(consent, /value="allow">Allow</);
    assert.match(consent, /value="deny" class="secondary">Deny</);
  });

  it('RFC 6749 §4.1.2.1: Deny sends access_denied with state and iss back to the client', async () => {
    const { location } = await authorize(server, { decision: 'deny', params: { state: 'deny-state' } });
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'deny-state');
    assert.equal(location.searchParams.get('iss'), server.config.issuer);
    assert.equal(location.searchParams.has('code'), false);
  });

  it('a consent answer is single-use: the same interaction cannot be answered twice', async () => {
    const { browser } = await authorize(server);
    forgetConsent(server, 'alice', 'photo-printer');
    const start = await browser.get(authorizePath(validAuthorizeParams()));
    const interaction = start.headers.get('location')!;
    const csrf = csrfFrom(await (await browser.get(interaction)).text());
    const first = await browser.post(`${interaction}/consent`, { csrf, decision: 'allow' });
    assert.equal(first.status, 303);
    const second = await browser.post(`${interaction}/consent`, { csrf, decision: 'allow' });
    assert.equal(second.status, 400);
    assert.equal(second.headers.get('location'), null);
  });

  it('consent needs the CSRF token too', async () => {
    const { browser } = await authorize(server);
    forgetConsent(server, 'alice', 'photo-printer');
    const start = await browser.get(authorizePath(validAuthorizeParams()));
    const res = await browser.post(`${start.headers.get('location')}/consent`, { decision: 'allow', csrf: 'forged' });
    assert.equal(res.status, 403);
  });

  it('logout destroys the server-side session', async () => {
    const { browser } = await authorize(server);
    const home = await (await browser.get('/')).text();
    const oldCookie = browser.cookies.get('auth.sid')!;
    const out = await browser.post('/logout', { csrf: csrfFrom(home) });
    assert.equal(out.status, 303);
    // Replaying the old cookie finds no session: the next authorization asks to sign in again.
    const replay = new Browser(server.url);
    replay.cookies.set('auth.sid', oldCookie);
    const start = await replay.get(authorizePath(validAuthorizeParams()));
    const page = await (await replay.get(start.headers.get('location')!)).text();
    assert.match(page, /name="password"/);
  });
});
