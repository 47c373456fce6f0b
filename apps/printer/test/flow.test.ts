/**
 * The Authorization Code flow as the printer plays it (steps 1-8), over HTTP, against stub peers.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { calculateCodeChallenge, parseBasicAuthorization } from '@oauth-demo/tokens';
import {
  Browser,
  CLIENT_ID,
  CLIENT_SECRET,
  PHOTOS,
  REDIRECT_URI,
  connect,
  startFlow,
  startStubStack,
  stepBars,
} from './helpers.js';

const stack = await startStubStack();
const { tokens, auth, drive, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

describe('home page (step 1)', () => {
  it('names the five terms of the notes and offers the Import button', async () => {
    const page = await new Browser(printer.base).get('/');
    assert.equal(page.status, 200);
    for (const term of ['Resource', 'Resource Owner', 'Resource Server', 'Client', 'Authorization Server']) {
      assert.match(page.text, new RegExp(`<div class="term">${term}</div>`));
    }
    assert.match(page.text, /A photo/);
    assert.match(page.text, /alice or bob/);
    assert.ok(page.text.includes(`href="${drive.publicUrl}"`), 'links to Drive');
    assert.ok(page.text.includes(`href="${auth.publicUrl}"`), 'links to the auth server');
    assert.match(page.text, /<button type="submit">Import photos from Drive<\/button>/);
    assert.match(page.text, /<form method="post" action="\/import"/);
    assert.deepEqual(
      stepBars(page.text).map((b) => [b.grant, b.active]),
      [['authorization_code', [1]]],
    );
    assert.equal(page.headers.get('x-powered-by'), null);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    // An anonymous visitor gets the form's CSRF token in a signed cookie, and no session (issue 12 item 7).
    assert.match(
      page.headers.get('set-cookie') ?? '',
      /^printer\.sid\.csrf=[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/i,
    );
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${printer.base}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('answers an unknown page with a 404 page', async () => {
    const page = await new Browser(printer.base).get('/nope');
    assert.equal(page.status, 404);
    assert.match(page.text, /Not found/);
  });
});

describe('POST /import (step 2)', () => {
  it('refuses a form without the CSRF token', async () => {
    const browser = new Browser(printer.base);
    await browser.get('/');
    const page = await browser.post('/import', {});
    assert.equal(page.status, 403);
    assert.match(page.text, /This form expired/);
    const forged = await browser.post('/import', { csrf: 'x'.repeat(43) });
    assert.equal(forged.status, 403);
  });

  it('sends the browser to the authorization endpoint with the whole request, and keeps the verifier', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    assert.equal(`${request.origin}${request.pathname}`, `${auth.publicUrl}/authorize`);
    const p = request.searchParams;
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), CLIENT_ID);
    assert.equal(p.get('redirect_uri'), REDIRECT_URI);
    assert.equal(p.get('scope'), 'photos.read offline_access');
    assert.match(p.get('state') ?? '', /^[A-Za-z0-9_-]{43,}$/, 'state carries ≥ 128 bits');
    assert.match(p.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.deepEqual([...p.keys()].sort(), [
      'client_id',
      'code_challenge',
      'code_challenge_method',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
    ]);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('"Ask me again" adds prompt=consent (OpenID Connect Core §3.1.2.1); without it there is no prompt', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    assert.match(
      home.text,
      /<input type="checkbox" name="ask_again" id="ask-again">\s*Ask me again/,
      'offered, unticked outside instructor mode',
    );
    const asked = await browser.post('/import', { csrf: Browser.csrf(home), ask_again: 'on' });
    assert.equal(asked.status, 303);
    assert.equal(new URL(asked.location!).searchParams.get('prompt'), 'consent');
    const plain = await startFlow(browser);
    assert.equal(plain.searchParams.get('prompt'), null);
  });

  it('"Ask me again" is ticked by default in instructor mode (the instructor shows consent again and again)', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    const switched = await browser.post('/teaching', { csrf: Browser.csrf(home), instructor: 'on', back: '/' });
    assert.equal(switched.status, 303);
    const again = await browser.get('/');
    assert.match(again.text, /<input type="checkbox" name="ask_again" id="ask-again" checked>\s*Ask me again/);
  });

  it('makes a fresh state and challenge for every request', async () => {
    const browser = new Browser(printer.base);
    const a = await startFlow(browser);
    const b = await startFlow(browser);
    assert.notEqual(a.searchParams.get('state'), b.searchParams.get('state'));
    assert.notEqual(a.searchParams.get('code_challenge'), b.searchParams.get('code_challenge'));
  });
});

describe('GET /callback (steps 4-6): state and iss before anything else', () => {
  it('refuses a missing state and never calls the token endpoint', async () => {
    const browser = new Browser(printer.base);
    await startFlow(browser);
    const page = await browser.get(`/callback?${new URLSearchParams({ code: 'c', iss: auth.publicUrl })}`);
    assert.equal(page.status, 400);
    assert.match(page.text, /no state parameter/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('refuses a wrong state and never calls the token endpoint', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const state = request.searchParams.get('state') ?? '';
    for (const wrong of [`${state}x`, state.slice(0, -1), state.toUpperCase(), 'attacker-state']) {
      const page = await browser.get(
        `/callback?${new URLSearchParams({ code: 'c', state: wrong, iss: auth.publicUrl })}`,
      );
      assert.equal(page.status, 400, wrong);
      assert.match(page.text, /does not match/);
    }
    assert.equal(auth.tokenRequests.length, 0);
    // A forged answer did not cancel the real one.
    const good = await browser.get(`/callback?${new URLSearchParams({ code: 'c', state, iss: auth.publicUrl })}`);
    assert.equal(good.status, 303);
  });

  it("refuses a state that belongs to another browser's request", async () => {
    const victim = new Browser(printer.base);
    const attacker = new Browser(printer.base);
    const request = await startFlow(attacker);
    await victim.get('/');
    const page = await victim.get(
      `/callback?${new URLSearchParams({ code: 'c', state: request.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    assert.equal(page.status, 400);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('refuses a wrong or missing iss (RFC 9207) and never calls the token endpoint', async () => {
    const browser = new Browser(printer.base);
    let request = await startFlow(browser);
    let page = await browser.get(
      `/callback?${new URLSearchParams({ code: 'c', state: request.searchParams.get('state') ?? '', iss: 'http://evil.test' })}`,
    );
    assert.equal(page.status, 400);
    assert.match(page.text, /mix-up/);
    request = await startFlow(browser);
    page = await browser.get(
      `/callback?${new URLSearchParams({ code: 'c', state: request.searchParams.get('state') ?? '' })}`,
    );
    assert.equal(page.status, 400);
    assert.match(page.text, /no iss parameter/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('refuses a repeated parameter with invalid_request', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const state = request.searchParams.get('state') ?? '';
    const page = await browser.get(
      `/callback?code=c&state=${state}&state=${state}&iss=${encodeURIComponent(auth.publicUrl)}`,
    );
    assert.equal(page.status, 400);
    assert.match(page.text, /invalid_request/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('explains access_denied (the Deny button) and offers to try again', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const page = await browser.get(
      `/callback?${new URLSearchParams({ error: 'access_denied', error_description: 'The user denied <b>it</b>', state: request.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    assert.equal(page.status, 200);
    assert.match(page.text, /access_denied/);
    assert.match(page.text, /RFC 6749 §4\.1\.2\.1/);
    assert.match(page.text, /nothing was shared/i);
    assert.match(page.text, /Try again/);
    assert.match(
      page.text,
      /<form method="post" action="\/import"[\s\S]*<button type="submit">Import photos from Drive<\/button>/,
    );
    assert.ok(!page.text.includes('<b>it</b>'), 'the description is escaped');
    assert.equal(auth.tokenRequests.length, 0);
    assert.match(Browser.csrf(page), /./);
    // Trying again asks again: a consent remembered from before must not answer for the user who just said no.
    assert.match(page.text, /<input type="hidden" name="ask_again" value="on">/);
    const again = await browser.post('/import', { csrf: Browser.csrf(page), ask_again: 'on' });
    assert.equal(new URL(again.location!).searchParams.get('prompt'), 'consent');
  });

  it('shows other authorization errors with their code', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const page = await browser.get(
      `/callback?${new URLSearchParams({ error: 'invalid_scope', state: request.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    assert.equal(
      page.status,
      400,
      'the auth server answered correctly (RFC 6749 §4.1.2.1): refused, not a bad gateway',
    );
    assert.match(page.text, /invalid_scope/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('an authorization endpoint that failed (server_error) is a bad gateway, 502', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const page = await browser.get(
      `/callback?${new URLSearchParams({ error: 'server_error', state: request.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    assert.equal(page.status, 502);
    assert.match(page.text, /server_error/);
  });

  it('exchanges the code with Basic auth, the exact redirect_uri and the matching code_verifier', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const state = request.searchParams.get('state') ?? '';
    const callback = await browser.get(
      `/callback?${new URLSearchParams({ code: 'the-code', state, iss: auth.publicUrl })}`,
    );
    assert.equal(callback.status, 303);
    assert.equal(callback.location, '/photos');

    assert.equal(auth.tokenRequests.length, 1);
    const tokenRequest = auth.tokenRequests[0]!;
    assert.equal(tokenRequest.url, '/token', 'called at the internal URL, rewritten from the public token_endpoint');
    assert.equal(tokenRequest.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(parseBasicAuthorization(tokenRequest.headers.authorization), {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    const form = tokenRequest.form;
    assert.equal(form.get('grant_type'), 'authorization_code');
    assert.equal(form.get('code'), 'the-code');
    assert.equal(form.get('redirect_uri'), REDIRECT_URI);
    const verifier = form.get('code_verifier') ?? '';
    assert.match(verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(calculateCodeChallenge(verifier), request.searchParams.get('code_challenge'));
    assert.ok(!request.href.includes(verifier), 'the verifier never went through the browser');
    assert.equal(form.get('client_secret'), null, 'client_secret_basic: the secret is not in the body');

    // Steps 7-8: the photos, fetched with the token.
    const photos = await browser.get('/photos');
    assert.equal(photos.status, 200);
    assert.match(photos.text, /alice's photos on Drive/);
    for (const p of PHOTOS) {
      assert.ok(photos.text.includes(`<label for="photo-`), 'each photo has a labelled checkbox');
      assert.match(photos.text, new RegExp(`value="${p.id}"`));
      assert.ok(photos.text.includes(`>${p.title}</label>`));
      assert.ok(photos.text.includes(`/photos/${p.id}/image`));
    }
    assert.match(photos.text, /Just happened: steps 4, 5 and 6/);
    assert.match(photos.text, /<label for="size"><strong>Print size<\/strong><\/label>/);
    assert.match(photos.text, /<label for="copies"><strong>Copies<\/strong><\/label>/);
    assert.match(photos.text, /<button type="submit">Place order<\/button>/);
    assert.match(photos.text, /photos\.read offline_access/);
    assert.deepEqual(
      stepBars(photos.text).map((b) => [b.grant, b.active]),
      [['authorization_code', [7, 8]]],
    );
    // The token is nowhere in what the browser receives.
    for (const token of tokens.valid) assert.ok(!photos.text.includes(token), 'no access token in the page');
    for (const token of tokens.refresh.keys()) assert.ok(!photos.text.includes(token), 'no refresh token in the page');
    assert.ok(!JSON.stringify([...browser.cookies.values()]).includes('at-'));
    assert.equal(photos.headers.get('cache-control'), 'no-store');
    const bearer = drive.requests.at(-1)?.headers.authorization ?? '';
    assert.ok(tokens.valid.has(bearer.replace(/^Bearer /, '')), 'Drive got the token as a Bearer header');

    // The "just happened" note is shown once.
    const again = await browser.get('/photos');
    assert.doesNotMatch(again.text, /Just happened/);
  });

  it("remembered consent: the auth server's demo_consent_remembered makes the photos page say step 3 was skipped, and when it was allowed", async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const state = request.searchParams.get('state') ?? '';
    const callback = await browser.get(
      `/callback?${new URLSearchParams({ code: 'c-remembered', state, iss: auth.publicUrl, demo_consent_remembered: '2026-12-01T09:30:00Z' })}`,
    );
    assert.equal(callback.status, 303);
    const photos = await browser.get('/photos');
    assert.match(photos.text, /Step 3 was skipped: already allowed on 2026-12-01 09:30 UTC/);
    assert.match(photos.text, /Ask me again/);

    // A fresh consent (no such parameter), or a malformed one, says nothing of the kind.
    for (const extra of [{}, { demo_consent_remembered: '<script>' }] as Record<string, string>[]) {
      const next = await startFlow(browser);
      const back = await browser.get(
        `/callback?${new URLSearchParams({ code: 'c-fresh', state: next.searchParams.get('state') ?? '', iss: auth.publicUrl, ...extra })}`,
      );
      assert.equal(back.status, 303);
      const page = await browser.get('/photos');
      assert.match(page.text, /Just happened: steps 4, 5 and 6/);
      assert.doesNotMatch(page.text, /Step 3 was skipped/);
    }
  });

  it('changes the session id when connecting', async () => {
    const browser = new Browser(printer.base);
    // The session is stored from step 2 on (it holds the pending request): that id must not survive step 6.
    const request = await startFlow(browser);
    const before = browser.cookies.get('printer.sid');
    assert.ok(before);
    const state = request.searchParams.get('state') ?? '';
    assert.equal(
      (await browser.get(`/callback?${new URLSearchParams({ code: 'code-1', state, iss: auth.publicUrl })}`)).status,
      303,
    );
    assert.notEqual(browser.cookies.get('printer.sid'), before);
    const old = new Browser(printer.base);
    old.cookies.set('printer.sid', before!);
    const page = await old.get('/photos');
    assert.equal(page.status, 303, 'the old session id opens nothing');
  });

  it('uses a state once: replaying the callback fails', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const query = new URLSearchParams({
      code: 'c1',
      state: request.searchParams.get('state') ?? '',
      iss: auth.publicUrl,
    });
    assert.equal((await browser.get(`/callback?${query}`)).status, 303);
    const replay = await browser.get(`/callback?${query}`);
    assert.equal(replay.status, 400);
    assert.equal(auth.tokenRequests.length, 1);
  });

  it('shows a token endpoint error with its RFC code', async () => {
    auth.tokenError = 'invalid_grant';
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const page = await browser.get(
      `/callback?${new URLSearchParams({ code: 'c', state: request.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    // RFC 6749 §5.2: the token endpoint answered correctly, and said no: the flow ended refused, not "bad gateway".
    assert.equal(page.status, 400);
    assert.match(page.text, /invalid_grant/);
    assert.match(page.text, /refused to issue a token/);
    assert.match(page.text, /start again/);
    assert.equal((await browser.get('/photos')).status, 303, 'not connected');
  });

  it('a token endpoint that failed is a bad gateway (502), a refused Photo Printer is its own fault (500)', async () => {
    const callback = async () => {
      const browser = new Browser(printer.base);
      const request = await startFlow(browser);
      const state = request.searchParams.get('state') ?? '';
      return browser.get(`/callback?${new URLSearchParams({ code: 'c', state, iss: auth.publicUrl })}`);
    };
    auth.extra = (req, url, _body, res) => {
      if (req.method !== 'POST' || url.pathname !== '/token') return false;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream crashed');
      return true;
    };
    try {
      const failed = await callback();
      assert.equal(failed.status, 502, 'an HTTP 500 with no RFC 6749 error: the upstream failed');
      assert.match(failed.text, /HTTP 500/);
    } finally {
      auth.extra = undefined;
    }
    auth.tokenError = 'invalid_client';
    const misconfigured = await callback();
    assert.equal(misconfigured.status, 500);
    assert.match(misconfigured.text, /PRINTER_CLIENT_SECRET/);
  });

  it('notes when offline_access was not granted (partial consent)', async () => {
    auth.grantScope = 'photos.read';
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const photos = await browser.get('/photos');
    assert.match(photos.text, /No refresh token was issued/);
    assert.match(photos.text, /you granted <code>photos\.read<\/code>/);
  });
});

describe('GET /callback when the auth server is busy (issue 15): a page that retries by itself, not a hang', () => {
  it('keeps the unread code, says the auth server is busy, retrying, and exchanges it on the retry, once', async () => {
    const browser = new Browser(printer.base);
    const request = await startFlow(browser);
    const state = request.searchParams.get('state') ?? '';
    auth.tokenBusy = 1;
    const busy = await browser.get(`/callback?${new URLSearchParams({ code: 'code-1', state, iss: auth.publicUrl })}`);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '1', 'the auth server’s Retry-After, passed on (RFC 9110 §10.2.3)');
    assert.equal(busy.headers.get('refresh'), '1; url=/callback/retry', 'the page reloads itself after it');
    assert.match(busy.text, /The auth server is busy, retrying/);
    assert.equal(auth.tokenRequests.length, 1);

    const retried = await browser.get('/callback/retry');
    assert.equal(retried.status, 303, retried.text.slice(0, 300));
    assert.equal(auth.tokenRequests.length, 2);
    assert.equal(auth.tokenRequests[1]!.form.get('code'), 'code-1', 'the same code, with its verifier');
    assert.equal(auth.tokenRequests[1]!.form.get('code_verifier'), auth.tokenRequests[0]!.form.get('code_verifier'));
    assert.match((await browser.get('/photos')).text, /photo/i, 'connected');

    const again = await browser.get('/callback/retry');
    assert.equal(again.status, 400, 'a kept code is exchanged once');
    assert.equal(auth.tokenRequests.length, 2);
  });
});

describe('after connecting (steps 7-8)', () => {
  it('sends / to the home page with a message when not connected', async () => {
    const browser = new Browser(printer.base);
    const page = await browser.get('/photos');
    assert.equal(page.status, 303);
    // Named in the URL, not kept in a session: an anonymous visitor stores nothing (issue 12 item 7).
    assert.equal(page.location, '/?notice=not-connected');
    const home = await browser.get(page.location!);
    assert.match(home.text, /Connect Photo Printer to your Drive first/);
    // Only the fixed texts: the query cannot put other words on the page.
    assert.doesNotMatch(
      (await browser.get('/?notice=%3Cb%3Ehacked')).text,
      /<p class="notice[^>]*>[^<]*hacked|<b>hacked/,
    );
  });

  it('proxies thumbnails with the token, with a strict policy for SVG, and validates the id', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const image = await browser.get(`/photos/${PHOTOS[0]!.id}/image`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/svg+xml');
    assert.match(image.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.match(image.text, /<svg/);
    assert.equal((await browser.get('/photos/..%2Fadmin/image')).status, 404);
    assert.equal((await browser.get('/photos/.hidden/image')).status, 404);
    assert.equal((await browser.get('/photos/unknown-photo/image')).status, 404);
  });

  it('links the home page to the photos once connected', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const home = await browser.get('/');
    assert.match(home.text, /href="\/photos"/);
  });

  it('says Drive refused the token when it is revoked, and offers to connect again', async () => {
    auth.grantScope = 'photos.read'; // no refresh token to fall back on
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    tokens.revokeAll();
    const page = await browser.get('/photos');
    assert.equal(page.status, 403);
    assert.match(page.text, /Drive refused the access token/);
    assert.match(page.text, /invalid_token/);
    assert.match(page.text, /&#34;The access token expired&#34;/, "Drive's own error_description");
    assert.match(page.text, /Connect to Drive again/);
    assert.equal((await browser.get('/photos')).status, 303, 'the dead token was forgotten');
  });

  it('repeats the reason Drive gave in its RFC 6750 challenge instead of guessing (issue 17)', async () => {
    auth.grantScope = 'photos.read';
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    drive.extra = (_req, url, _body, res) => {
      if (url.pathname !== '/api/photos') return false;
      res
        .writeHead(401, {
          'WWW-Authenticate':
            'Bearer realm="drive", error="invalid_token", error_description="The token is signed with an algorithm this resource server does not accept."',
        })
        .end();
      return true;
    };
    try {
      const page = await browser.get('/photos');
      assert.equal(page.status, 403);
      assert.match(
        page.text,
        /Drive refused the access token \(invalid_token\): &#34;The token is signed with an algorithm this resource server does not accept\.&#34;/,
      );
      assert.doesNotMatch(page.text, /has expired or was revoked/);
    } finally {
      drive.extra = undefined;
    }
  });

  it('refreshes an expired access token with the refresh token, once, and shows the rotation', async () => {
    auth.expiresIn = 1; // already inside the 30 s margin: the next call to Drive refreshes first
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    auth.expiresIn = 600;
    const first = auth.tokenRequests.length;
    const [a, b] = await Promise.all([
      browser.get(`/photos/${PHOTOS[0]!.id}/image`),
      browser.get(`/photos/${PHOTOS[1]!.id}/image`),
    ]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const refreshes = auth.tokenRequests.slice(first);
    assert.equal(refreshes.length, 1, 'concurrent requests share one refresh');
    assert.equal(refreshes[0]!.form.get('grant_type'), 'refresh_token');
    assert.ok(parseBasicAuthorization(refreshes[0]!.headers.authorization));
    const photos = await browser.get('/photos');
    assert.equal(photos.status, 200);
    assert.match(photos.text, /refreshed 1 time/);
    assert.equal(auth.tokenRequests.length, first + 1);
  });

  it('disconnects: forgets the tokens and revokes the refresh token (RFC 7009)', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const home = await browser.get('/');
    const page = await browser.post('/disconnect', { csrf: Browser.csrf(home) });
    assert.equal(page.status, 303);
    assert.equal(auth.revocations.at(-1)?.form.get('token_type_hint'), 'refresh_token');
    assert.equal((await browser.get('/photos')).status, 303);
  });
});

describe('robustness: bad input is a 4xx page, never a 500', () => {
  it('answers an oversized form with 413', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    const page = await browser.post('/import', { csrf: Browser.csrf(home), filler: 'x'.repeat(30_000) });
    assert.equal(page.status, 413);
    assert.match(page.text, /too large/);
  });

  it('answers invalid percent-encoding in the path with 400', async () => {
    const page = await new Browser(printer.base).get('/orders/%E0%A4%A');
    assert.equal(page.status, 400);
    assert.doesNotMatch(page.text, /at .*\.js:\d+|URIError/);
  });

  it('answers an over-long state with invalid_request and no token request', async () => {
    const browser = new Browser(printer.base);
    await startFlow(browser);
    const page = await browser.get(`/callback?code=c&state=${'s'.repeat(5000)}`);
    assert.equal(page.status, 400);
    assert.match(page.text, /invalid_request/);
    assert.equal(auth.tokenRequests.length, 0);
  });
});
