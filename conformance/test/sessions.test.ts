/**
 * Browser sessions (docs/security.md §S1 to §S10; OWASP ASVS V3, RFC 6749 §10.12, RFC 9700 §4.7, §4.16,
 * RFC 9207 §2.4): CSRF, session fixation, logout, cookies, framing, login throttling, open redirects, the
 * printer's callback checks, and who may read a learner's state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { Browser, csrfFrom, json, postForm, raw, type Page } from '../support/http.js';
import {
  authorize,
  authorizeParams,
  authorizeUrl,
  basic,
  codeFlowTokens,
  codeOf,
  PRINTER_AUTH,
  redeem,
  signIn,
  type AuthorizationResult,
} from '../support/oauth.js';
import { connectPrinter, printerToCallback, startImport } from '../support/printer.js';
import {
  BROWSER_CLIENT,
  DRIVE_CLIENT,
  INTERNAL,
  ISSUER,
  PRINTER,
  PUBLIC,
  sparePorts,
  startSpare,
  USERS,
} from '../support/stack.js';

function assertRefusedNoRedirect(page: Page, status: number, what: string): void {
  assert.equal(page.status, status, `${what}: expected ${status}, got ${page.status}: ${page.text.slice(0, 200)}`);
  assert.equal(page.location, undefined, `${what}: no redirect`);
}

/** Sign in on the auth server's own sign-in page; returns the answer to the POST. */
async function standaloneSignIn(
  browser: Browser,
  user: keyof typeof USERS,
  returnTo?: string,
  base = ISSUER,
): Promise<Page> {
  const query = returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`;
  const page = await browser.get(`${base}/login${query}`);
  assert.equal(page.status, 200);
  return browser.post(`${base}/login${query}`, { csrf: csrfFrom(page.text), username: user, password: USERS[user] });
}

/** The kiosk asks for a device code (RFC 8628 §3.1); `browser` types it, signs in if it must, and approves (§3.3). */
async function approveKiosk(browser: Browser, user: keyof typeof USERS): Promise<void> {
  const started = await postForm(INTERNAL.auth, '/device_authorization', {
    client_id: 'photo-kiosk',
    scope: 'photos.read',
  });
  assert.equal(started.status, 200, started.body);
  const { user_code } = json<{ user_code: string }>(started);
  const form = await browser.get(`${ISSUER}/device`);
  const typed = await browser.post(`${ISSUER}/device`, { csrf: csrfFrom(form.text), user_code });
  assert.equal(typed.location, `${ISSUER}/device/confirm`);
  let confirm = await browser.get(`${ISSUER}/device/confirm`);
  if (confirm.status === 303) {
    assert.equal((await standaloneSignIn(browser, user, '/device/confirm')).status, 303);
    confirm = await browser.get(`${ISSUER}/device/confirm`);
  }
  assert.equal(confirm.status, 200, confirm.text.slice(0, 300));
  const done = await browser.post(`${ISSUER}/device/confirm`, { csrf: csrfFrom(confirm.text), decision: 'allow' });
  assert.equal(done.status, 200, done.text.slice(0, 300));
}

/** A fresh auth server (no remembered consent, fresh throttling counters) for the tests that need one. */
let fresh: Awaited<ReturnType<typeof startSpare>>;
let FRESH: string;
before(async () => {
  fresh = await startSpare('auth-server', { label: 'sessions', port: sparePorts()[0]! });
  FRESH = `http://localhost:${fresh.stack.ports.auth}`;
});
after(() => fresh.stop());

/**
 * Start an authorization request on the fresh auth server and return its interaction URL. Consent is remembered
 * per user and client, so the tests that need to see a consent screen use a user-client pair no other test
 * has allowed on this server: alice+printer (CSRF), bob+printer (binding), bob+browser (single use),
 * alice+browser (framing).
 */
async function freshRequest(
  browser: Browser,
  state: string,
  client: 'printer' | 'browser' = 'printer',
): Promise<{ interaction: string; verifier: string }> {
  const verifier = generateCodeVerifier();
  const c =
    client === 'printer'
      ? { id: PRINTER.clientId, uri: PRINTER.redirectUri, scope: PRINTER.scope }
      : { id: BROWSER_CLIENT.clientId, uri: BROWSER_CLIENT.redirectUri, scope: BROWSER_CLIENT.scope };
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: c.id,
    redirect_uri: c.uri,
    scope: c.scope,
    state,
    code_challenge: calculateCodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const start = await browser.get(`${FRESH}/authorize?${query}`);
  assert.equal(start.status, 303);
  return { interaction: start.location!, verifier };
}

describe('docs/security.md §S1, OWASP ASVS V3.5 / RFC 6749 §10.12: login and consent forms carry a CSRF token bound to the session', () => {
  it("RFC 6749 §10.12: a sign-in POST without the CSRF token, or with another session's, is refused (403) and signs nobody in", async () => {
    const victim = new Browser();
    const { interaction } = await freshRequest(victim, 'csrf-login');
    const page = await victim.get(interaction);
    const without = await victim.post(`${interaction}/login`, { username: 'alice', password: 'wonderland' });
    assertRefusedNoRedirect(without, 403, 'login without csrf');
    const attacker = new Browser();
    await attacker.get(`${FRESH}/login`);
    const attackerPage = await attacker.get(`${FRESH}/login`);
    const foreign = await victim.post(`${interaction}/login`, {
      csrf: csrfFrom(attackerPage.text),
      username: 'alice',
      password: 'wonderland',
    });
    assertRefusedNoRedirect(foreign, 403, "login with another session's csrf");
    assert.match((await victim.get(interaction)).text, /name="password"/, 'still not signed in');
    assert.ok(page.text.includes('name="csrf"'));
  });

  it("RFC 6749 §10.12: a consent POST without the CSRF token, or with another session's, is refused (403): no code, no redirect", async () => {
    const victim = new Browser();
    const { interaction } = await freshRequest(victim, 'csrf-consent');
    const consent = await signIn(victim, interaction, await victim.get(interaction), 'alice', USERS.alice);
    assert.match(consent.text, /name="decision"/, 'the consent screen');
    assertRefusedNoRedirect(
      await victim.post(`${interaction}/consent`, { decision: 'allow' }),
      403,
      'consent without csrf',
    );
    const attacker = new Browser();
    const attackerPage = await attacker.get(`${FRESH}/login`);
    assertRefusedNoRedirect(
      await victim.post(`${interaction}/consent`, { csrf: csrfFrom(attackerPage.text), decision: 'allow' }),
      403,
      "consent with another session's csrf",
    );
    // The real form still works afterwards: the request was not consumed by the forgeries.
    const ok = await victim.post(`${interaction}/consent`, {
      csrf: csrfFrom(consent.text),
      decision: 'allow',
      scope: 'offline_access',
    });
    assert.equal(ok.status, 303);
    assert.equal(new URL(ok.location!).searchParams.get('state'), 'csrf-consent');
  });

  it('RFC 6749 §10.12: the standalone sign-in and the sign-out forms need the CSRF token too', async () => {
    const browser = new Browser();
    await browser.get(`${ISSUER}/login`);
    assertRefusedNoRedirect(
      await browser.post(`${ISSUER}/login`, { username: 'alice', password: 'wonderland' }),
      403,
      'login without csrf',
    );
    const signedIn = await standaloneSignIn(browser, 'alice');
    assert.equal(signedIn.status, 303);
    assertRefusedNoRedirect(await browser.post(`${ISSUER}/logout`, {}), 403, 'logout without csrf');
    assert.equal((await browser.get(`${ISSUER}/apps`)).status, 200, 'still signed in after the forged logout');
  });

  it("RFC 6749 §10.12: the printer's Import and Order forms need the printer's CSRF token", async () => {
    const browser = new Browser();
    await browser.get(`${PUBLIC.printer}/`);
    assertRefusedNoRedirect(await browser.post(`${PUBLIC.printer}/import`, {}), 403, 'import without csrf');
    assertRefusedNoRedirect(
      await browser.post(`${PUBLIC.printer}/import`, { csrf: 'x'.repeat(43) }),
      403,
      'import with a made-up csrf',
    );
    assertRefusedNoRedirect(
      await browser.post(`${PUBLIC.printer}/orders`, { photo: 'x', size: '4x6', copies: '1' }),
      403,
      'order without csrf',
    );
  });
});

describe('docs/security.md §S2, RFC 6749 §10.12 + RFC 9700 §4.7: consent is bound to its own authorization request', () => {
  it('RFC 6749 §10.12: two pending requests in one browser each get their own answer (state, code bound to its own verifier)', async () => {
    const browser = new Browser();
    const a = await freshRequest(browser, 'request-A');
    const b = await freshRequest(browser, 'request-B');
    const consentB = await signIn(browser, b.interaction, await browser.get(b.interaction), 'bob', USERS.bob);
    const answerB = await browser.post(`${b.interaction}/consent`, {
      csrf: csrfFrom(consentB.text),
      decision: 'allow',
      scope: 'offline_access',
    });
    assert.equal(answerB.status, 303);
    const locB = new URL(answerB.location!);
    assert.equal(locB.searchParams.get('state'), 'request-B');
    // A is answered separately (the consent is remembered now, or asked again): with A's state.
    let pageA = await browser.get(a.interaction);
    if (pageA.status === 200)
      pageA = await browser.post(`${a.interaction}/consent`, {
        csrf: csrfFrom(pageA.text),
        decision: 'allow',
        scope: 'offline_access',
      });
    assert.equal(pageA.status, 303);
    const locA = new URL(pageA.location!);
    assert.equal(locA.searchParams.get('state'), 'request-A');
    const token = (code: string, verifier: string) =>
      raw(
        fresh.url,
        'POST',
        '/token',
        {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${PRINTER.clientId}:${PRINTER.secret}`).toString('base64')}`,
        },
        new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: PRINTER.redirectUri,
          code_verifier: verifier,
        }).toString(),
      );
    assert.equal(
      (await token(locB.searchParams.get('code')!, a.verifier)).status,
      400,
      "B's code does not open with A's verifier",
    );
    assert.equal(
      (await token(locA.searchParams.get('code')!, a.verifier)).status,
      200,
      "A's code opens with A's verifier",
    );
  });

  it('RFC 6749 §10.12: an answered request cannot be answered again (a replayed consent POST is a page, no redirect)', async () => {
    const browser = new Browser();
    const { interaction } = await freshRequest(browser, 'once', 'browser');
    const consent = await signIn(browser, interaction, await browser.get(interaction), 'bob', USERS.bob);
    assert.match(consent.text, /name="decision"/, 'the consent screen');
    const csrf = csrfFrom(consent.text);
    assert.equal((await browser.post(`${interaction}/consent`, { csrf, decision: 'allow' })).status, 303);
    const replay = await browser.post(`${interaction}/consent`, { csrf, decision: 'allow' });
    assert.ok(replay.status >= 400 && replay.status < 500, `replay answered ${replay.status}`);
    assert.equal(replay.location, undefined);
  });

  it("RFC 6749 §10.12: another browser cannot answer someone else's pending request (its interaction id is not in its session)", async () => {
    const victim = new Browser();
    const { interaction } = await freshRequest(victim, 'victims');
    const attacker = new Browser();
    const loginPage = await attacker.get(`${FRESH}/login`);
    const signedIn = await attacker.post(`${FRESH}/login`, {
      csrf: csrfFrom(loginPage.text),
      username: 'bob',
      password: USERS.bob,
    });
    assert.equal(signedIn.status, 303);
    const appsPage = await attacker.get(`${FRESH}/apps`);
    const answer = await attacker.post(`${interaction}/consent`, { csrf: csrfFrom(appsPage.text), decision: 'allow' });
    assert.ok(answer.status >= 400 && answer.status < 500, `got ${answer.status}`);
    assert.equal(answer.location, undefined, 'no code is sent anywhere');
  });
});

describe('docs/security.md §S3, OWASP ASVS V3.2 + V3.3: the session id changes at login; logout destroys the server-side session', () => {
  it('OWASP ASVS V3.2.1 (session fixation): the auth.sid cookie changes at sign-in, and the old one is not signed in', async () => {
    const browser = new Browser();
    const { interaction } = await freshRequest(browser, 'fixation');
    const before = browser.cookie(FRESH, 'auth.sid');
    assert.ok(before, 'a session exists before sign-in (it holds the pending request)');
    await signIn(browser, interaction, await browser.get(interaction), 'alice', USERS.alice);
    const afterLogin = browser.cookie(FRESH, 'auth.sid');
    assert.ok(afterLogin && afterLogin !== before, 'a new session id');
    const planted = new Browser();
    planted.setCookie(FRESH, 'auth.sid', before);
    const apps = await planted.get(`${FRESH}/apps`);
    assert.equal(apps.status, 303, 'the pre-login session id is not signed in');
    assert.match(apps.location ?? '', /\/login/);
  });

  it("OWASP ASVS V3.2.1: the printer's session id changes when it gets tokens, and the old one holds none", async () => {
    const browser = new Browser();
    await startImport(browser);
    const before = browser.cookie(PUBLIC.printer, 'printer.sid');
    assert.ok(before);
    const back = await printerToCallback(browser, 'alice');
    const callback = await browser.follow(back);
    assert.equal(callback.status, 303);
    const afterCallback = browser.cookie(PUBLIC.printer, 'printer.sid');
    assert.ok(afterCallback && afterCallback !== before);
    const planted = new Browser();
    planted.setCookie(PUBLIC.printer, 'printer.sid', before);
    const photos = await planted.get(`${PUBLIC.printer}/photos`);
    assert.notEqual(photos.status, 200, 'the old session id shows no photos');
  });

  it('OWASP ASVS V3.3.1: logout destroys the server-side session: the old cookie, replayed, is signed out', async () => {
    const browser = new Browser();
    assert.equal((await standaloneSignIn(browser, 'alice')).status, 303);
    const cookie = browser.cookie(ISSUER, 'auth.sid')!;
    const apps = await browser.get(`${ISSUER}/apps`);
    assert.equal(apps.status, 200);
    const out = await browser.post(`${ISSUER}/logout`, { csrf: csrfFrom(apps.text) });
    assert.equal(out.status, 303);
    assert.ok(
      out.setCookies.some((c) => /^auth\.sid=;/.test(c) || /auth\.sid=.*Expires=Thu, 01 Jan 1970/i.test(c)),
      'the cookie is cleared',
    );
    const replay = new Browser();
    replay.setCookie(ISSUER, 'auth.sid', cookie);
    const after = await replay.get(`${ISSUER}/apps`);
    assert.equal(after.status, 303, 'the replayed session id is no longer signed in');
  });
});

describe('docs/security.md §S4, RFC 6265 §4.1.2 + OWASP ASVS V3.4: session cookies', () => {
  function cookieLine(page: Page, name: string): string {
    const line = page.setCookies.find((c) => c.startsWith(`${name}=`));
    assert.ok(line, `no ${name} cookie set by ${page.url}`);
    return line;
  }

  it('RFC 6265 §4.1.2.6 + RFC 6265bis SameSite: auth.sid is HttpOnly, SameSite=Lax, Path=/, and not Secure over http', async () => {
    const browser = new Browser();
    const page = await browser.get(authorizeUrl(authorizeParams('printer', generateCodeVerifier())));
    const line = cookieLine(page, 'auth.sid');
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\//i);
    assert.doesNotMatch(line, /;\s*Secure/i);
  });

  it('RFC 6265 §4.1.2.6: printer.sid is HttpOnly, SameSite=Lax, Path=/ (stored from step 2 on, when it holds the request)', async () => {
    const page = await startImport(new Browser());
    const line = cookieLine(page, 'printer.sid');
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\//i);
  });

  it('RFC 6265 §4.1.2.6: an anonymous page stores no session; its form token rides in printer.sid.csrf, HttpOnly, SameSite=Lax', async () => {
    const page = await new Browser().get(`${PUBLIC.printer}/`);
    assert.equal(
      page.setCookies.find((c) => c.startsWith('printer.sid=')),
      undefined,
      'no session for an anonymous visitor',
    );
    const line = cookieLine(page, 'printer.sid.csrf');
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\//i);
  });

  it('RFC 6265 §8.5: each service has its own cookie name (auth.sid, printer.sid), and the drive sets none', async () => {
    assert.ok(cookieLine(await startImport(new Browser()), 'printer.sid'));
    assert.ok(
      cookieLine(await new Browser().get(authorizeUrl(authorizeParams('printer', generateCodeVerifier()))), 'auth.sid'),
    );
    for (const path of ['/', '/api/photos', '/.well-known/oauth-protected-resource', '/healthz']) {
      const res = await raw(INTERNAL.drive, 'GET', path);
      assert.equal(res.headers['set-cookie'], undefined, `drive ${path} sets a cookie`);
    }
    for (const path of ['/token', '/introspect', '/revoke']) {
      const res = await raw(
        INTERNAL.auth,
        'POST',
        path,
        { 'content-type': 'application/x-www-form-urlencoded' },
        'token=x',
      );
      assert.equal(res.headers['set-cookie'], undefined, `auth ${path} sets a cookie`);
    }
  });

  describe('served over https (public URL https, behind a TLS-terminating proxy on loopback, TRUST_PROXY set as the README says)', () => {
    let https: Awaited<ReturnType<typeof startSpare>>;
    before(async () => {
      const port = sparePorts()[1]!;
      https = await startSpare('auth-server', {
        label: 'https',
        port,
        env: { AUTH_PUBLIC_URL: `https://localhost:${port}`, TRUST_PROXY: 'loopback' },
      });
    });
    after(() => https.stop());

    it('RFC 6265 §4.1.2.5: auth.sid is Secure when the auth server is served over https', async () => {
      const query = new URL(authorizeUrl(authorizeParams('printer', generateCodeVerifier()))).search;
      const res = await raw(https.url, 'GET', `/authorize${query}`, { 'x-forwarded-proto': 'https' });
      assert.equal(res.status, 303);
      const line = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('auth.sid='));
      assert.ok(line, 'the session cookie is set (it holds the pending request)');
      assert.match(line, /;\s*Secure/i);
      assert.match(line, /;\s*HttpOnly/i);
    });
  });
});

describe('docs/security.md §S5, RFC 9700 §4.16 + RFC 6749 §10.13: login, consent and error pages cannot be framed', () => {
  function assertNoFraming(
    page: { headers: Headers } | { headers: Record<string, string | string[] | undefined> },
    what: string,
  ): void {
    const get = (name: string) =>
      page.headers instanceof Headers ? page.headers.get(name) : ([page.headers[name]].flat()[0] ?? null);
    assert.match(get('content-security-policy') ?? '', /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
    assert.equal(get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  }

  it("RFC 9700 §4.16: the login page, the consent page and the auth server's error pages send frame-ancestors 'none' and X-Frame-Options: DENY", async () => {
    const browser = new Browser();
    const { interaction } = await freshRequest(browser, 'framing', 'browser');
    assertNoFraming(await browser.get(interaction), 'login page');
    const consent = await signIn(browser, interaction, await browser.get(interaction), 'alice', USERS.alice);
    assert.match(consent.text, /name="decision"/);
    assertNoFraming(consent, 'consent page');
    assertNoFraming(await raw(INTERNAL.auth, 'GET', '/authorize?client_id=nobody'), 'error page (unknown client)');
    assertNoFraming(await raw(INTERNAL.auth, 'GET', '/no-such-page', { accept: 'text/html' }), '404 page');
    assertNoFraming(await raw(INTERNAL.auth, 'GET', '/login'), 'standalone sign-in page');
    assertNoFraming(
      await raw(INTERNAL.auth, 'POST', '/logout', { 'content-type': 'application/x-www-form-urlencoded' }, ''),
      'CSRF error page',
    );
  });

  it("RFC 9700 §4.16: the printer's and the drive's pages cannot be framed either", async () => {
    for (const path of ['/', '/orders', '/callback', '/no-such-page'])
      assertNoFraming(await raw(INTERNAL.printer, 'GET', path), `printer ${path}`);
    for (const path of ['/', '/no-such-page']) assertNoFraming(await raw(INTERNAL.drive, 'GET', path), `drive ${path}`);
  });
});

describe('docs/security.md §S6, RFC 6819 §4.4.3.6 + OWASP ASVS V6.3: failed logins are throttled, with one message for every failure', () => {
  function alertText(html: string): string {
    return /role="alert"[^>]*>([^<]*)</.exec(html)?.[1]?.trim() ?? '';
  }

  it('OWASP ASVS V6.3.1: an unknown user and a wrong password get the same status and the same message', async () => {
    const browser = new Browser({ 'x-forwarded-for': '192.0.2.41' });
    const first = await browser.get(`${ISSUER}/login`);
    const wrongPassword = await browser.post(`${ISSUER}/login`, {
      csrf: csrfFrom(first.text),
      username: 'alice',
      password: 'not-wonderland',
    });
    const second = await browser.get(`${ISSUER}/login`);
    const unknownUser = await browser.post(`${ISSUER}/login`, {
      csrf: csrfFrom(second.text),
      username: 'mallory',
      password: 'not-wonderland',
    });
    assert.equal(wrongPassword.status, unknownUser.status);
    assert.ok(wrongPassword.status >= 400 && wrongPassword.status < 500);
    assert.ok(alertText(wrongPassword.text).length > 0, 'a message is shown');
    assert.equal(alertText(wrongPassword.text), alertText(unknownUser.text));
  });

  it('RFC 6819 §4.4.3.6: after repeated failures the account is throttled: even the right password is refused for a while', async () => {
    const browser = new Browser();
    for (let i = 0; i < 6; i++) {
      const page = await browser.get(`${FRESH}/login`);
      const failed = await browser.post(`${FRESH}/login`, {
        csrf: csrfFrom(page.text),
        username: 'bob',
        password: `guess-${i}`,
      });
      assert.ok(failed.status === 401 || failed.status === 429, `attempt ${i}: ${failed.status}`);
    }
    const page = await browser.get(`${FRESH}/login`);
    const right = await browser.post(`${FRESH}/login`, {
      csrf: csrfFrom(page.text),
      username: 'bob',
      password: USERS.bob,
    });
    assert.equal(right.status, 429, 'the right password is refused while throttled');
    assert.equal(right.location, undefined);
    // Failed sign-ins store no session at all (issue 12 item 7: the form's token rides in auth.sid.csrf).
    assert.equal(browser.cookie(FRESH, 'auth.sid'), undefined);
    assert.equal((await browser.get(`${FRESH}/apps`)).status, 303, 'not signed in');
  });
});

describe('docs/security.md §S7, RFC 9700 §4.11 (open redirection): return_to and the like accept relative paths only', () => {
  const hostile = [
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\\\evil.example',
    '/\t/evil.example',
    'https:evil.example',
    'javascript:alert(1)',
    '/%0d%0aLocation:https://evil.example',
    ` //evil.example`,
    `${ISSUER}@evil.example/`,
  ];
  for (const returnTo of hostile) {
    it(`RFC 9700 §4.11: after sign-in, return_to=${JSON.stringify(returnTo)} stays on the auth server`, async () => {
      const browser = new Browser();
      const res = await standaloneSignIn(browser, 'alice', returnTo);
      assert.equal(res.status, 303);
      const target = new URL(res.location!, ISSUER);
      assert.equal(target.origin, new URL(ISSUER).origin, `sent to ${res.location}`);
      const rawLocation = res.headers.get('location') ?? '';
      assert.doesNotMatch(
        rawLocation,
        /^\s*(?:[a-z][a-z0-9+.-]*:|\/\/|\/\\|\\)/i,
        `Location ${rawLocation} is not a plain relative path`,
      );
    });
  }

  it('RFC 9700 §4.11: a relative return_to is honoured (the control case)', async () => {
    const res = await standaloneSignIn(new Browser(), 'alice', '/apps');
    assert.equal(res.location, `${ISSUER}/apps`);
  });

  it('RFC 9700 §4.11: sign-out always lands on the auth server, whatever the query says', async () => {
    const browser = new Browser();
    await standaloneSignIn(browser, 'bob');
    const apps = await browser.get(`${ISSUER}/apps`);
    const out = await browser.post(
      `${ISSUER}/logout?return_to=${encodeURIComponent('https://evil.example/')}&redirect_uri=https://evil.example/`,
      { csrf: csrfFrom(apps.text) },
    );
    assert.equal(out.status, 303);
    assert.equal(new URL(out.location!).origin, new URL(ISSUER).origin);
  });
});

describe('docs/security.md §S8, RFC 9207 §2.4 + RFC 6749 §10.12: the printer checks state and iss on its callback before any token request', () => {
  /**
   * A code the suite itself obtained for the printer's client_id and redirect_uri, with the suite's own verifier
   * and the given state. If the printer ever sent it to the token endpoint (with its own verifier), the code
   * would be spent, and the suite's redemption below would fail.
   */
  async function ourCode(state: string): Promise<AuthorizationResult> {
    return authorize({ user: 'alice', params: { state } });
  }

  async function printerState(browser: Browser): Promise<string> {
    const start = await startImport(browser);
    const state = new URL(start.location!).searchParams.get('state');
    assert.ok(state);
    return state;
  }

  async function assertCodeUnspent(result: AuthorizationResult): Promise<void> {
    const res = await redeem(codeOf(result), result.verifier);
    assert.equal(res.status, 200, `the printer must not have used the code: ${res.body}`);
  }

  function assertRejectedPage(page: Page, what: string): void {
    assert.ok(page.status >= 400 && page.status < 500, `${what}: ${page.status}`);
    assert.equal(page.location, undefined, `${what}: no redirect`);
    assert.doesNotMatch(page.text, /eyJ[A-Za-z0-9_-]{10,}\./, `${what}: no token on the page`);
  }

  it('RFC 6749 §10.12: a callback without state is refused, and the code is never exchanged', async () => {
    const browser = new Browser();
    await printerState(browser);
    const ours = await ourCode('ignored');
    assertRejectedPage(
      await browser.get(
        `${PUBLIC.printer}/callback?code=${encodeURIComponent(codeOf(ours))}&iss=${encodeURIComponent(ISSUER)}`,
      ),
      'no state',
    );
    await assertCodeUnspent(ours);
  });

  it('RFC 6749 §10.12: a callback with a state this browser never sent is refused, and the code is never exchanged', async () => {
    const browser = new Browser();
    await printerState(browser);
    const ours = await ourCode('attacker-state');
    assertRejectedPage(await browser.get(ours.location.href), 'foreign state');
    await assertCodeUnspent(ours);
  });

  it('RFC 9207 §2.4: the right state but no iss is refused, and the code is never exchanged', async () => {
    const browser = new Browser();
    const state = await printerState(browser);
    const ours = await ourCode(state);
    const url = new URL(ours.location.href);
    url.searchParams.delete('iss');
    assertRejectedPage(await browser.get(url.href), 'no iss');
    await assertCodeUnspent(ours);
  });

  it('RFC 9207 §2.4 + RFC 9700 §4.4: the right state but another issuer (mix-up) is refused, and the code is never exchanged', async () => {
    for (const iss of ['https://evil.example', `${ISSUER}/`, ISSUER.replace('localhost', '127.0.0.1')]) {
      const browser = new Browser();
      const state = await printerState(browser);
      const ours = await ourCode(state);
      const url = new URL(ours.location.href);
      url.searchParams.set('iss', iss);
      assertRejectedPage(await browser.get(url.href), `iss ${iss}`);
      await assertCodeUnspent(ours);
    }
  });

  it('RFC 9207 §2.4: an error answer with the wrong iss is refused before it is believed', async () => {
    const browser = new Browser();
    const state = await printerState(browser);
    const page = await browser.get(
      `${PUBLIC.printer}/callback?error=access_denied&state=${encodeURIComponent(state)}&iss=${encodeURIComponent('https://evil.example')}`,
    );
    assertRejectedPage(page, 'error with wrong iss');
    assert.doesNotMatch(page.text, /You said no/);
  });

  it('RFC 6749 §10.12: a state is used once: replaying a good callback is refused', async () => {
    const browser = new Browser();
    const back = await printerToCallback(browser, 'alice');
    assert.equal((await browser.follow(back)).status, 303);
    assertRejectedPage(await browser.get(back.location!), 'replayed callback');
  });

  it('docs/security.md §S9, RFC 6749 §10.3 + RFC 9700 §4.3: the printer never hands a token to the browser (no JWT in any page, header or cookie)', async () => {
    const browser = new Browser();
    const photos = await connectPrinter(browser, 'alice');
    await browser.get(`${PUBLIC.printer}/`);
    await browser.get(`${PUBLIC.printer}/orders`);
    const ids = [...photos.text.matchAll(/\/photos\/([^/"]+)\/image/g)].map((m) => m[1]!).slice(0, 2);
    for (const id of ids) await browser.get(`${PUBLIC.printer}/photos/${id}/image`);
    const jwt = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/;
    for (const page of browser.seen.filter((p) => p.url.startsWith(PUBLIC.printer))) {
      assert.doesNotMatch(page.text, jwt, `a token in the body of ${page.url}`);
      page.headers.forEach((value, name) => {
        assert.doesNotMatch(value, jwt, `a token in the ${name} header of ${page.url}`);
      });
    }
    for (const jar of browser.jars.values())
      for (const [name, value] of jar)
        assert.doesNotMatch(decodeURIComponent(value), jwt, `a token in the cookie ${name}`);
    assert.deepEqual(json(await raw(INTERNAL.printer, 'GET', '/healthz')), { status: 'ok' });
  });
});

describe("docs/security.md §S10, RFC 6749 §2.3.1: one learner's state is never another's to read", () => {
  const asDrive = basic(DRIVE_CLIENT.clientId, DRIVE_CLIENT.secret);

  it('the auth server tells who joined and a learner’s grants to the printer only, authenticated, with nothing secret', async () => {
    const { browser: laptop } = await codeFlowTokens({ user: 'bob' });
    // Bob approves the kiosk twice (RFC 8628 §3.3): in the browser he authorized Photo Printer in, then in another.
    await approveKiosk(laptop, 'bob');
    await approveKiosk(new Browser(), 'bob');
    for (const path of ['/_demo/learners', '/_demo/learner-state']) {
      for (const [who, headers] of [
        ['no authentication', {}],
        ['another client (drive)', { authorization: asDrive }],
        ['the printer with a wrong secret', { authorization: basic(PRINTER.clientId, 'wrong-secret') }],
      ] as const) {
        const res = await postForm(INTERNAL.auth, path, { sub: 'bob' }, headers);
        assert.equal(res.status, 401, `${path}, ${who}: ${res.status} ${res.body}`);
        assert.equal(json(res).error, 'invalid_client', `${path}, ${who}`);
        assert.doesNotMatch(res.body, /"grants"|"learners"/, `${path}, ${who}: nothing told`);
      }
    }
    const state = await postForm(
      INTERNAL.auth,
      '/_demo/learner-state',
      { sub: 'bob' },
      { authorization: PRINTER_AUTH },
    );
    assert.equal(state.status, 200);
    const body = json<{ sub: string; grants: { client_id: string }[] }>(state);
    assert.equal(body.sub, 'bob');
    assert.ok(body.grants.some((g) => g.client_id === PRINTER.clientId));
    assert.doesNotMatch(state.body, /hash|secret|password|eyJ/);
    // Of the browsers that approved, only whether each is the one of the code flow: no id, no hash.
    const devices = (json(state) as { devices: Record<string, unknown>[] }).devices;
    assert.deepEqual(devices.slice(-2), [
      { client_id: 'photo-kiosk', status: 'approved', same_browser_as_code_flow: true },
      { client_id: 'photo-kiosk', status: 'approved', same_browser_as_code_flow: false },
    ]);
    for (const value of laptop.jars.get(new URL(PUBLIC.auth).host)?.values() ?? [])
      assert.ok(!state.body.includes(value));
    const learners = await postForm(INTERNAL.auth, '/_demo/learners', {}, { authorization: PRINTER_AUTH });
    assert.equal(learners.status, 200);
    assert.doesNotMatch(learners.body, /"alice"|"bob"/, 'the seeded demo users are not learners who joined');
  });

  it('the printer’s class board and its data answer 403 outside instructor mode, even to a connected learner', async () => {
    const browser = new Browser();
    await connectPrinter(browser, 'alice');
    for (const path of ['/class', '/class/progress']) {
      const page = await browser.get(`${PUBLIC.printer}${path}`);
      assert.equal(page.status, 403, `${path}: ${page.status}`);
      assert.doesNotMatch(page.text, /data-learner|"learners"/, path);
    }
  });
});
