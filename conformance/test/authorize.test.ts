/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1): the client and its exact redirect_uri first, every other
 * error back to the client, PKCE, and the success response.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { assertNoLeak, Browser, csrfFrom, header, raw, type RawResponse } from '../support/http.js';
import { authorize, authorizeParams, authorizeUrl, codeOf, redeem } from '../support/oauth.js';
import { startImport } from '../support/printer.js';
import { BROWSER_CLIENT, INTERNAL, ISSUER, PRINTER, PUBLIC, stack } from '../support/stack.js';

const P = stack.ports.printer;
const R = PRINTER.redirectUri; // http://localhost:<P>/callback, registered exactly

/** GET /authorize with these parameters, exactly as given, on its own connection. */
function get(params: Record<string, string | undefined> | [string, string][]): Promise<RawResponse> {
  const url = new URL(authorizeUrl(params));
  return raw(INTERNAL.auth, 'GET', `${url.pathname}${url.search}`);
}

/** An error page: 4xx HTML, no Location at all, nothing reflected raw, no stack trace. */
function assertErrorPageNoRedirect(res: RawResponse, what: string): void {
  assert.ok(
    res.status >= 400 && res.status < 500,
    `${what}: expected a 4xx page, got ${res.status} (Location: ${header(res, 'location')})`,
  );
  assert.equal(header(res, 'location'), undefined, `${what}: the error page must not redirect`);
  assert.match(header(res, 'content-type') ?? '', /text\/html/, `${what}: an HTML page for the person at the browser`);
  assert.doesNotMatch(res.body, /<script>alert|<img src=x/i, `${what}: something was reflected unescaped`);
  assertNoLeak(res.body, what);
}

/** An error sent back to the registered redirect_uri (RFC 6749 §4.1.2.1) with state and iss (RFC 9207 §2). */
function assertErrorRedirect(
  res: RawResponse,
  error: string,
  state: string | undefined,
  what: string,
  redirectUri = R,
): URL {
  assert.ok(
    [302, 303].includes(res.status),
    `${what}: expected a 302/303 back to the client, got ${res.status}: ${res.body.slice(0, 200)}`,
  );
  const location = new URL(header(res, 'location')!);
  assert.equal(`${location.origin}${location.pathname}`, redirectUri, `${what}: redirected to ${location.href}`);
  // Code-flow errors come in the query (RFC 6749 §4.1.2.1); implicit-flow errors in the fragment (§4.2.2.1).
  const params = location.hash.length > 1 ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
  assert.equal(params.get('error'), error, `${what}: ${location.href}`);
  assert.equal(params.get('iss'), ISSUER, `${what}: iss (RFC 9207 §2)`);
  if (state === undefined) assert.equal(params.get('state'), null, `${what}: no state was sent, none comes back`);
  else assert.equal(params.get('state'), state, `${what}: state byte-exact`);
  assert.equal(params.get('code'), null, `${what}: no code with an error`);
  assert.equal(params.get('access_token'), null, `${what}: no token with an error`);
  return location;
}

const verifier = generateCodeVerifier();
const valid = (overrides: Record<string, string | undefined> = {}) =>
  authorizeParams('printer', verifier, { state: 'xyz', ...overrides });

describe('docs/security.md §A1, RFC 9700 §4.1.3: the redirect_uri must be an exact string match of a registered one (a page, never a redirect)', () => {
  const variants: [string, string][] = [
    ['the registered one with an upper-case scheme', `HTTP://localhost:${P}/callback`],
    ['an upper-case host', `http://LOCALHOST:${P}/callback`],
    ['an upper-case path', `http://localhost:${P}/Callback`],
    ['a trailing slash', `${R}/`],
    ['a dot segment /./', `http://localhost:${P}/./callback`],
    ['a dot-dot segment /x/../', `http://localhost:${P}/x/../callback`],
    ['a trailing /. segment', `${R}/.`],
    ['a trailing dot on the host (localhost.)', `http://localhost.:${P}/callback`],
    ['a doubled slash in the path', `http://localhost:${P}//callback`],
    ['a percent-encoded letter in the path (%63allback)', `http://localhost:${P}/%63allback`],
    ['a percent-encoded letter in the host (%6cocalhost)', `http://%6cocalhost:${P}/callback`],
    ['an encoded slash (%2F) appended', `${R}%2F`],
    ['an encoded NUL (%00) appended', `${R}%00`],
    ['an encoded # (%23) appended', `${R}%23evil`],
    ['the whole URI percent-encoded once more', encodeURIComponent(R)],
    ['the port left out', 'http://localhost/callback'],
    ['another port', `http://localhost:${P + 1}/callback`],
    ['the port with a leading zero', `http://localhost:0${P}/callback`],
    ['the default port :80 added', 'http://localhost:80/callback'],
    ['userinfo before the host (evil@)', `http://evil@localhost:${P}/callback`],
    ['empty userinfo (:@)', `http://:@localhost:${P}/callback`],
    ['the registered authority as userinfo of another host', `http://localhost:${P}@evil.example/callback`],
    ['an empty fragment', `${R}#`],
    ['a fragment', `${R}#frag`],
    ['an empty query', `${R}?`],
    ['an extra query parameter', `${R}?x=1`],
    ['a pre-filled code parameter', `${R}?code=attacker`],
    ['a path suffix (/callbackx)', `${R}x`],
    ['an extra path segment', `${R}/evil`],
    ['a path traversal after the path', `${R}/../evil`],
    ['fullwidth Unicode letters that IDNA maps to localhost', `http://ｌｏｃａｌｈｏｓｔ:${P}/callback`],
    ['an enclosed Unicode letter that IDNA maps to localhost (ⓛocalhost)', `http://ⓛocalhost:${P}/callback`],
    ['a look-alike IDN host (lócalhost)', `http://lócalhost:${P}/callback`],
    ['its punycode form (xn--lcalhost-v3a)', `http://xn--lcalhost-v3a:${P}/callback`],
    ['the IPv6 loopback literal [::1]', `http://[::1]:${P}/callback`],
    ['an IPv4-mapped IPv6 literal', `http://[::ffff:127.0.0.1]:${P}/callback`],
    ['127.0.0.1 instead of localhost', `http://127.0.0.1:${P}/callback`],
    ['a decimal IPv4 host (2130706433)', `http://2130706433:${P}/callback`],
    ['a hex IPv4 host (0x7f.1)', `http://0x7f.1:${P}/callback`],
    ['https instead of http', `https://localhost:${P}/callback`],
    ['a ws: scheme', `ws://localhost:${P}/callback`],
    ['a javascript: URI', `javascript:alert(1)//localhost:${P}/callback`],
    ['a data: URI', 'data:text/html,<script>alert(1)</script>'],
    ['a scheme-relative URI', `//localhost:${P}/callback`],
    ['a relative path', '/callback'],
    ['no scheme at all', `localhost:${P}/callback`],
    ['a leading space', ` ${R}`],
    ['a trailing space', `${R} `],
    ['a trailing tab', `${R}\t`],
    ['a trailing newline', `${R}\n`],
    ['a CRLF and a header after it', `${R}\r\nSet-Cookie: x=1`],
    ['a leading no-break space', `\u00a0${R}`],
    ['a space inside the path', `http://localhost:${P}/call back`],
    ['an encoded space (%20) appended', `${R}%20`],
    ['backslashes instead of slashes', `http:\\\\localhost:${P}\\callback`],
    ['a backslash before the path', `http://localhost:${P}\\callback`],
    ["another client's registered redirect_uri", BROWSER_CLIENT.redirectUri],
    ['a redirect_uri with markup in it', `${R}"><script>alert(1)</script>`],
  ];

  for (const [label, uri] of variants) {
    it(`RFC 9700 §4.1.3: a redirect_uri with ${label} is refused on a page, no redirect`, async () => {
      assertErrorPageNoRedirect(await get(valid({ redirect_uri: uri })), label);
    });
  }

  it('RFC 9700 §4.1.3: the registered redirect_uri itself is accepted (the control case of the variants above)', async () => {
    const res = await get(valid());
    assert.equal(res.status, 303);
    assert.match(header(res, 'location') ?? '', /^\/interaction\/|\/interaction\//);
  });

  it('RFC 6749 §3.1.2.3: a request without redirect_uri is refused on a page (the binding is always explicit)', async () => {
    assertErrorPageNoRedirect(await get(valid({ redirect_uri: undefined })), 'no redirect_uri');
    assertErrorPageNoRedirect(await get(valid({ redirect_uri: '' })), 'empty redirect_uri');
  });

  it('RFC 6749 §3.1: a repeated redirect_uri (even twice the registered one) is refused on a page', async () => {
    const params = Object.entries(valid()).filter((e): e is [string, string] => e[1] !== undefined);
    assertErrorPageNoRedirect(await get([...params, ['redirect_uri', R]]), 'repeated redirect_uri');
  });

  it('RFC 9700 §4.1.3: an unknown client_id is refused on a page, no redirect (also with its own "registered-looking" redirect_uri)', async () => {
    assertErrorPageNoRedirect(await get(valid({ client_id: 'evil-client' })), 'unknown client');
    assertErrorPageNoRedirect(await get(valid({ client_id: 'Photo-Printer' })), 'client_id in another case');
    assertErrorPageNoRedirect(
      await get(valid({ client_id: `${PRINTER.clientId} ` })),
      'client_id with a trailing space',
    );
    assertErrorPageNoRedirect(await get(valid({ client_id: undefined })), 'no client_id');
    assertErrorPageNoRedirect(await get(valid({ client_id: '<script>alert(1)</script>' })), 'client_id with markup');
  });

  it('RFC 9700 §4.1.3: a client that has no redirect_uri at all (drive, introspection only) is never redirected to', async () => {
    assertErrorPageNoRedirect(await get(valid({ client_id: 'drive' })), 'drive as a client');
  });

  it('RFC 9700 §4.1.3: the redirect_uri check wins over every other error (bad response_type, scope and PKCE together)', async () => {
    const everythingWrong = {
      response_type: 'token',
      scope: 'admin',
      code_challenge: undefined,
      code_challenge_method: 'plain',
    };
    assertErrorPageNoRedirect(
      await get(valid({ ...everythingWrong, redirect_uri: `${R}/` })),
      'unregistered redirect_uri + other errors',
    );
    assertErrorPageNoRedirect(
      await get(valid({ ...everythingWrong, client_id: 'nobody' })),
      'unknown client + other errors',
    );
    assertErrorPageNoRedirect(
      await get(valid({ ...everythingWrong, redirect_uri: undefined })),
      'missing redirect_uri + other errors',
    );
  });
});

describe('docs/security.md §A2, RFC 6749 §4.1.2.1 + RFC 9207 §2: once client and redirect_uri are verified, errors go back with error, the exact state and iss', () => {
  const cases: [string, Record<string, string | undefined>, string][] = [
    ['response_type is missing', { response_type: undefined }, 'invalid_request'],
    ['response_type is unknown', { response_type: 'magic' }, 'unsupported_response_type'],
    ['scope names an unknown scope', { scope: 'photos.read admin' }, 'invalid_scope'],
    ['scope names a scope this client may not ask for', { scope: 'photos.write' }, 'invalid_scope'],
    ['scope is missing', { scope: undefined }, 'invalid_scope'],
  ];
  for (const [label, overrides, error] of cases) {
    it(`RFC 6749 §4.1.2.1: ${label}: ${error}, redirected with the exact state and iss`, async () => {
      assertErrorRedirect(await get(valid({ ...overrides, state: 'st 8+/=&%25ü' })), error, 'st 8+/=&%25ü', label);
    });
  }

  it('RFC 6749 §4.1.2.1: response_type=token for a client not registered for it is unauthorized_client (implicit is per-client opt-in)', async () => {
    assertErrorRedirect(
      await get(valid({ response_type: 'token' })),
      'unauthorized_client',
      'xyz',
      'response_type=token',
    );
  });

  it('RFC 6749 §4.1.2.1: without a state, the error comes back without one (and still with iss)', async () => {
    assertErrorRedirect(
      await get(valid({ response_type: 'magic', state: undefined })),
      'unsupported_response_type',
      undefined,
      'no state',
    );
  });

  it('RFC 6749 §3.1: a repeated parameter (scope, response_type) is invalid_request', async () => {
    const params = Object.entries(valid()).filter((e): e is [string, string] => e[1] !== undefined);
    assertErrorRedirect(await get([...params, ['scope', 'photos.read']]), 'invalid_request', 'xyz', 'repeated scope');
    assertErrorRedirect(
      await get([...params, ['response_type', 'code']]),
      'invalid_request',
      'xyz',
      'repeated response_type',
    );
  });

  it('RFC 6749 §3.1: a repeated state is invalid_request, and neither copy is echoed', async () => {
    const params = Object.entries(valid({ state: 'one' })).filter((e): e is [string, string] => e[1] !== undefined);
    assertErrorRedirect(await get([...params, ['state', 'two']]), 'invalid_request', undefined, 'repeated state');
  });

  it('RFC 6749 §4.1.2.1: error redirects are 302/303, never 307, and carry Referrer-Policy: no-referrer', async () => {
    const res = await get(valid({ response_type: 'magic' }));
    assert.ok([302, 303].includes(res.status));
    assert.equal(header(res, 'referrer-policy'), 'no-referrer');
  });
});

describe('docs/security.md §A3, RFC 7636 + RFC 9700 §2.1.1: PKCE, S256 only, required for every client', () => {
  const challenge = calculateCodeChallenge(verifier);
  const cases: [string, Record<string, string | undefined>][] = [
    ['code_challenge_method=plain', { code_challenge_method: 'plain', code_challenge: verifier }],
    ['code_challenge_method missing (defaults to plain, RFC 7636 §4.3)', { code_challenge_method: undefined }],
    ['code_challenge_method=s256 (lower case)', { code_challenge_method: 's256' }],
    ['code_challenge_method=S512', { code_challenge_method: 'S512' }],
    ['code_challenge missing', { code_challenge: undefined }],
    ['a 42-character code_challenge', { code_challenge: challenge.slice(0, 42) }],
    ['a 44-character code_challenge', { code_challenge: `${challenge}A` }],
    ['a code_challenge with base64 padding', { code_challenge: `${challenge.slice(0, 42)}=` }],
    ['a code_challenge in standard base64 (+ and /)', { code_challenge: `${challenge.slice(0, 41)}+/` }],
    ['a code_challenge with a space', { code_challenge: `${challenge.slice(0, 42)} ` }],
    ['a 128-character code_challenge (a verifier, not a challenge)', { code_challenge: 'a'.repeat(128) }],
  ];
  for (const [label, overrides] of cases) {
    it(`RFC 7636 §4.4.1: ${label} is invalid_request for the confidential client`, async () => {
      assertErrorRedirect(await get(valid(overrides)), 'invalid_request', 'xyz', label);
    });
  }

  it('RFC 7636 §4.4.1 + RFC 9700 §2.1.1: the public client without code_challenge is invalid_request', async () => {
    const params = authorizeParams('browser', verifier, {
      state: 'pub',
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    assertErrorRedirect(
      await get(params),
      'invalid_request',
      'pub',
      'public client without PKCE',
      BROWSER_CLIENT.redirectUri,
    );
  });

  it('RFC 7636 §4.4.1: the public client with code_challenge_method=plain is invalid_request', async () => {
    const params = authorizeParams('browser', verifier, {
      state: 'pub',
      code_challenge_method: 'plain',
      code_challenge: verifier,
    });
    assertErrorRedirect(
      await get(params),
      'invalid_request',
      'pub',
      'public client with plain',
      BROWSER_CLIENT.redirectUri,
    );
  });
});

describe('docs/security.md §A5, RFC 6749 §4.1.2: the success response', () => {
  const oddState = 'a b+c/d?e=f&g%25h;ü🙂"\'<>\\~`';

  it('RFC 6749 §4.1.2 + RFC 9207 §2 + RFC 9700 §4.12: 302/303 (never 307) to the exact redirect_uri with code, byte-exact state, iss and Referrer-Policy: no-referrer', async () => {
    const result = await authorize({ params: { state: oddState } });
    const { response, location } = result;
    assert.ok([302, 303].includes(response.status), `got ${response.status}`);
    assert.equal(`${location.origin}${location.pathname}`, R);
    assert.equal(location.searchParams.get('state'), oddState);
    assert.equal(location.searchParams.get('iss'), ISSUER);
    assert.ok(location.searchParams.get('code'));
    assert.equal(location.hash, '', 'the code flow answers in the query, not the fragment');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    // The raw query carries state percent-encoded so that it decodes to exactly the bytes sent.
    const rawState = /[?&]state=([^&]*)/.exec(new URL(response.location!).search)?.[1];
    assert.equal(decodeURIComponent(rawState!.replace(/\+/g, ' ')), oddState);
  });

  it('RFC 6749 §4.1.2: without a state in the request, none in the response; iss still there', async () => {
    const { location } = await authorize({ params: { state: undefined } });
    assert.equal(location.searchParams.get('state'), null);
    assert.equal(location.searchParams.get('iss'), ISSUER);
    assert.ok(location.searchParams.get('code'));
  });

  it('RFC 6749 §4.1.2.1 + RFC 9207 §2: Deny is access_denied back at the redirect_uri, with state and iss', async () => {
    const { response, location } = await authorize({
      decision: 'deny',
      params: { state: 'denied-state' },
      user: 'bob',
    });
    assert.ok([302, 303].includes(response.status));
    assert.equal(`${location.origin}${location.pathname}`, R);
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'denied-state');
    assert.equal(location.searchParams.get('iss'), ISSUER);
    assert.equal(location.searchParams.get('code'), null);
  });

  it('RFC 9700 §4.12: the authorization endpoint itself answers 303 (never 307) and sends Referrer-Policy: no-referrer', async () => {
    const res = await get(valid());
    assert.equal(res.status, 303);
    assert.equal(header(res, 'referrer-policy'), 'no-referrer');
  });

  it('RFC 7636 §4.5: the public client completes the flow with PKCE alone (no secret) and gets no refresh token', async () => {
    const result = await authorize({ client: 'browser', user: 'bob' });
    assert.equal(`${result.location.origin}${result.location.pathname}`, BROWSER_CLIENT.redirectUri);
    const res = await redeem(codeOf(result), result.verifier, { client: 'browser' });
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(body.refresh_token, undefined);
  });
});

describe('docs/security.md §A4, RFC 6749 §4.2 + RFC 9700 §2.1.2: the Implicit flow, only for the client registered for it', () => {
  it('RFC 6749 §4.2.2 + RFC 9207 §2: the access token comes only in the fragment (never the query), with state and iss, and never a refresh token', async () => {
    const result = await authorize({
      client: 'browser',
      user: 'bob',
      params: {
        response_type: 'token',
        state: 'imp st+8',
        code_challenge: undefined,
        code_challenge_method: undefined,
      },
    });
    const { location, response } = result;
    assert.ok([302, 303].includes(response.status));
    assert.equal(`${location.origin}${location.pathname}`, BROWSER_CLIENT.redirectUri);
    assert.equal(location.search, '', `nothing in the query: ${location.search}`);
    const fragment = new URLSearchParams(location.hash.slice(1));
    assert.ok(fragment.get('access_token'), 'the token is in the fragment');
    assert.equal(fragment.get('token_type')?.toLowerCase(), 'bearer');
    assert.equal(fragment.get('state'), 'imp st+8');
    assert.equal(fragment.get('iss'), ISSUER, 'RFC 9207 §2: iss in every authorization response');
    assert.equal(fragment.get('refresh_token'), null, 'RFC 6749 §4.2.2: no refresh token');
    assert.equal(fragment.get('code'), null);
    const api = await raw(INTERNAL.drive, 'GET', '/api/photos', {
      authorization: `Bearer ${fragment.get('access_token')}`,
    });
    assert.equal(api.status, 200, 'the implicit token is a real token for bob');
    assert.equal((JSON.parse(api.body) as { owner: string }).owner, 'bob');
  });

  it('RFC 6749 §4.2.2.1: the confidential printer, not registered for it, gets unauthorized_client (in the fragment or query), no token', async () => {
    const res = await get(
      valid({ response_type: 'token', code_challenge: undefined, code_challenge_method: undefined }),
    );
    assertErrorRedirect(res, 'unauthorized_client', 'xyz', 'printer asking for response_type=token');
  });
});

describe('docs/security.md §A6, OWASP ASVS V1.2 / RFC 6749 §4.1.2.1: everything reflected into a page is escaped', () => {
  const probe = '"><script>alert(1)</script><img src=x onerror=alert(1)>';

  it('RFC 6749 §4.1.2.1: markup in client_id and redirect_uri comes back escaped on the error page', async () => {
    for (const overrides of [{ client_id: probe }, { redirect_uri: probe }, { redirect_uri: `${R}${probe}` }]) {
      const res = await get(valid(overrides));
      assert.equal(header(res, 'location'), undefined);
      assert.doesNotMatch(res.body, /<script>alert\(1\)|<img src=x/);
    }
  });

  it('RFC 6749 §4.1.2.1: a username with markup is escaped on the failed-login page', async () => {
    const browser = new Browser({ 'x-forwarded-for': '198.51.100.7' });
    const start = await browser.get(authorizeUrl(valid()));
    const interaction = start.location!;
    const page = await browser.get(interaction);
    const failed = await browser.post(`${interaction}/login`, {
      csrf: csrfFrom(page.text),
      username: probe,
      password: 'nope',
    });
    assert.ok(failed.status >= 400 && failed.status < 500);
    assert.doesNotMatch(failed.text, /<script>alert\(1\)|<img src=x|value=""><script>/);
  });

  it('RFC 6749 §4.1.2.1: the printer escapes the error and error_description of an authorization response it shows', async () => {
    for (const [error, description] of [
      ['access_denied', probe],
      [probe, probe],
      ['server_error', probe],
    ] as const) {
      const browser = new Browser();
      const start = await startImport(browser);
      const state = new URL(start.location!).searchParams.get('state')!;
      const query = new URLSearchParams({ error, error_description: description, state, iss: ISSUER });
      const page = await browser.get(`${PUBLIC.printer}/callback?${query}`);
      assert.ok(page.status < 500 || page.status === 502, `${error}: ${page.status}`);
      assert.doesNotMatch(page.text, /<script>alert\(1\)|<img src=x/, `${error}: reflected unescaped`);
      assertNoLeak(page.text, `printer callback ${error}`);
    }
  });

  it('RFC 6749 §4.1.2.1: an unknown path with markup is not reflected raw by any of the three services', async () => {
    for (const base of [INTERNAL.auth, INTERNAL.drive, INTERNAL.printer]) {
      const res = await raw(base, 'GET', `/${encodeURIComponent(probe)}`, { accept: 'text/html' });
      assert.equal(res.status, 404);
      assert.doesNotMatch(res.body, /<script>alert\(1\)|<img src=x/);
    }
  });
});

/** A browser page as a raw response, for the assertions above. */
function asRaw(page: { status: number; location: string | undefined; text: string }): RawResponse {
  return { status: page.status, headers: { location: page.location }, body: page.text };
}

describe('docs/security.md §A7, OpenID Connect Core §3.1.2.1: prompt=consent, login, none; unknown values refused', () => {
  it('OpenID Connect Core §3.1.2.1: an unknown prompt value, or none with another, is invalid_request sent back with state and iss', async () => {
    for (const prompt of ['bogus', 'consent bogus', 'none login'])
      assertErrorRedirect(await get(valid({ prompt })), 'invalid_request', 'xyz', `prompt=${prompt}`);
  });

  it('OpenID Connect Core §3.1.2.6: prompt=none without a signed-in user is login_required, never the sign-in page', async () => {
    const browser = new Browser();
    const start = await browser.get(authorizeUrl(valid({ prompt: 'none' })));
    assert.equal(start.status, 303);
    const answer = await browser.get(start.location!);
    assertErrorRedirect(asRaw(answer), 'login_required', 'xyz', 'prompt=none, signed out');
  });

  it('OpenID Connect Core §3.1.2.1: prompt=consent shows the consent screen although consent is remembered; Deny after Allow is access_denied', async () => {
    const first = await authorize({ user: 'bob' });
    assert.ok(codeOf(first), 'allowed once');
    const start = await first.browser.get(authorizeUrl(valid({ prompt: 'consent' })));
    const page = await first.browser.get(start.location!);
    assert.equal(page.status, 200, 'the consent screen again, not a redirect');
    assert.match(page.text, /name="decision"/);
    const denied = await first.browser.post(`${start.location!}/consent`, {
      csrf: csrfFrom(page.text),
      decision: 'deny',
    });
    assertErrorRedirect(asRaw(denied), 'access_denied', 'xyz', 'Deny after Allow');
  });

  it('OpenID Connect Core §3.1.2.1: prompt=login shows the sign-in page to a user who is signed in', async () => {
    const first = await authorize({ user: 'bob' });
    const start = await first.browser.get(authorizeUrl(valid({ prompt: 'login' })));
    const page = await first.browser.get(start.location!);
    assert.equal(page.status, 200);
    assert.match(page.text, /name="password"/);
  });
});
