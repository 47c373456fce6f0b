/**
 * Drive's own first-party web app: sign-in with the Password grant (RFC 6749 §4.3), against the REAL auth
 * server (client `drive-web`, client_secret_basic). A cookie jar plays the browser. The access token lives in
 * the session, server side: the tests read it from the drive's database to prove it never reaches the page.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDriveDatabase } from '../src/db.js';
import { SEED_PHOTOS } from '../src/photos/seed.js';
import { Browser, csrfFrom, DRIVE_SECRET, isActive, type RunningAuthServer, startAuthServer } from './auth_server.js';
import { get, type RunningDrive, startDrive } from './helpers.js';

const titlesOf = (owner: string) => SEED_PHOTOS.filter((p) => p.owner === owner).map((p) => p.scene.title);

/** ejs escapes these: what a title looks like in the HTML. */
const inHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** The access tokens kept in the drive's session store (server side). */
function tokensInSessions(drive: RunningDrive): string[] {
  const db = openDriveDatabase(join(drive.dataDir, 'drive.db'));
  try {
    const rows = db.prepare('SELECT data FROM sessions').all() as { data: string }[];
    return rows
      .map((r) => (JSON.parse(r.data) as { driveWeb?: { accessToken: string } }).driveWeb?.accessToken)
      .filter((t): t is string => typeof t === 'string');
  } finally {
    db.close();
  }
}

/** GET /signin, then POST the form with its CSRF token. */
async function signIn(browser: Browser, username: string, password: string): Promise<Response> {
  const form = await browser.request('/signin');
  assert.equal(form.status, 200);
  return browser.post('/signin', { csrf: csrfFrom(await form.text()), username, password });
}

const JWT_LIKE = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

describe("Drive's own web app: Password grant sign-in with the real auth server", () => {
  let auth: RunningAuthServer;
  let drive: RunningDrive;
  const logs = () => drive.logs.join('\n');

  before(async () => {
    auth = await startAuthServer();
    drive = await startDrive({ env: { AUTH_INTERNAL_URL: auth.url } });
  });
  after(async () => {
    await drive.stop();
    await auth.destroy();
  });

  it('GET /signin: the form (Username, Password, "Sign in to Drive"), steps 1 and 2, and why only a first party may ask', async () => {
    const browser = new Browser(drive.url);
    const res = await browser.request('/signin');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    // Before sign-in, no session: the form's CSRF token rides in a signed cookie (issue 12 item 7).
    assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith('drive.sid=')), 'no session before sign-in');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('drive.sid.csrf='));
    assert.ok(cookie, 'the CSRF cookie is drive.sid.csrf');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const html = await res.text();
    assert.match(html, /Role: <strong>Resource Server<\/strong>/);
    assert.match(html, /<label for="username">Username<\/label>/);
    assert.match(html, /<label for="password">Password<\/label>/);
    assert.match(html, /<button type="submit">Sign in to Drive<\/button>/);
    assert.match(html, /<span class="badge">Step 1<\/span>/);
    // The password grant has no steps 3 to 5: the bar says so, and why (steps.ts absent).
    assert.match(html, /<summary>Why no steps 3, 4 and 5\?<\/summary>/);
    assert.match(
      html,
      /<li data-absent-step="3"><strong>No step 3\.<\/strong> The authorization server never asks you/,
    );
    assert.match(html, /<span class="badge">Step 2<\/span>/);
    assert.doesNotMatch(html, /<span class="badge">Step 3<\/span>/);
    assert.match(html, /This is Drive’s OWN app/);
    assert.match(html, /Why Photo Printer, a third party, must never ask for your Drive password/);
    for (const reason of [
      'all of your access, forever',
      'cannot be limited or taken back',
      'phishing page',
      'No second factor',
    ]) {
      assert.ok(html.includes(reason), reason);
    }
    assert.match(html, /RFC 9700 \(OAuth 2\.0 Security Best Current Practice\)\s+§2\.4/);
    assert.match(html, /<strong>MUST NOT<\/strong>/);
    assert.match(html, /Authorization Code with PKCE/);
    // CSP: no inline script or style anywhere on the page.
    assert.doesNotMatch(html, /<script|<style|\sstyle=|\son[a-z]+=/i);
  });

  it("success: 303 to /my-photos, which shows alice's photos, steps 6-8, scope and expiry, and never her token", async () => {
    const browser = new Browser(drive.url);
    const before = await browser.request('/signin');
    const preLoginSession = browser.cookie('drive.sid');
    const res = await browser.post('/signin', {
      csrf: csrfFrom(await before.text()),
      username: 'alice',
      password: 'wonderland',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/my-photos');
    assert.ok(browser.cookie('drive.sid'));
    assert.notEqual(browser.cookie('drive.sid'), preLoginSession, 'a new session id at sign-in (no session fixation)');
    for (const line of res.headers.getSetCookie()) assert.doesNotMatch(line, JWT_LIKE, 'no token in a cookie');

    const page = await browser.request('/my-photos');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const html = await page.text();
    for (const title of titlesOf('alice')) assert.ok(html.includes(inHtml(title)), `alice's "${title}" is listed`);
    for (const title of titlesOf('bob')) assert.ok(!html.includes(inHtml(title)), `bob's "${title}" is not`);
    for (const n of [6, 7, 8]) assert.match(html, new RegExp(`<span class="badge">Step ${n}</span>`));
    assert.match(html, /Your photos, alice/);
    assert.match(html, /<th scope="row">Scope<\/th><td><code>photos\.read<\/code>/);
    assert.match(html, /<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d\d:\d\d:\d\d UTC \(in \d+ minutes\)<\/time>/);
    assert.match(html, /password=••••••/, 'the password is never shown either');
    assert.ok(!html.includes('wonderland'));

    // The token is in the session store, server side, and nowhere in the page.
    const tokens = tokensInSessions(drive);
    assert.equal(tokens.length, 1);
    assert.ok(!html.includes(tokens[0]!), 'the access token is not in the HTML');
    assert.doesNotMatch(html, JWT_LIKE, 'nothing that looks like a JWT in the HTML');
    const claims = JSON.parse(Buffer.from(tokens[0]!.split('.')[1]!, 'base64url').toString('utf8')) as {
      sub: string;
      client_id: string;
      scope: string;
    };
    assert.deepEqual([claims.sub, claims.client_id, claims.scope], ['alice', 'drive-web', 'photos.read']);

    // The thumbnails: a session-authenticated route that checks the token and the owner.
    const ids = [...html.matchAll(/src="\/my-photos\/([0-9a-f-]{36})\/image"/g)].map((m) => m[1]!);
    assert.equal(ids.length, titlesOf('alice').length);
    const image = await browser.request(`/my-photos/${ids[0]}/image`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/svg+xml');
    assert.equal(image.headers.get('cache-control'), 'no-store');
    assert.match(image.headers.get('content-security-policy') ?? '', /sandbox/);
    // Without the session: no image.
    assert.equal((await get(`${drive.url}/my-photos/${ids[0]}/image`)).status, 401);
    await browser.post('/signout', { csrf: csrfFrom(html) });
  });

  it("the image route serves the session owner's photos only: bob's session cannot open alice's photo", async () => {
    const alice = new Browser(drive.url);
    await signIn(alice, 'alice', 'wonderland');
    const aliceHtml = await (await alice.request('/my-photos')).text();
    const aliceId = /src="\/my-photos\/([0-9a-f-]{36})\/image"/.exec(aliceHtml)?.[1];
    assert.ok(aliceId);

    const bob = new Browser(drive.url);
    assert.equal((await signIn(bob, 'bob', 'builder')).status, 303);
    const bobHtml = await (await bob.request('/my-photos')).text();
    for (const title of titlesOf('bob')) assert.ok(bobHtml.includes(inHtml(title)), title);
    assert.equal((await bob.request(`/my-photos/${aliceId}/image`)).status, 404);
    assert.equal((await alice.request(`/my-photos/${aliceId}/image`)).status, 200);
    for (const b of [alice, bob])
      await b.post('/signout', { csrf: csrfFrom(await (await b.request('/my-photos')).text()) });
  });

  it('wrong password and unknown user: the same 401 page, "Wrong username or password.", the form again with the username kept (escaped)', async () => {
    const pages: string[] = [];
    for (const [username, password] of [
      ['alice', 'not-her-password'],
      ['nobody-<b>"x"</b>', 'whatever'],
    ] as const) {
      const browser = new Browser(drive.url);
      const res = await signIn(browser, username, password);
      assert.equal(res.status, 401, username);
      const html = await res.text();
      assert.match(
        html,
        /<p class="notice bad" role="alert" id="signin-error">Wrong username or password\.<\/p>/,
        username,
      );
      assert.match(html, /<button type="submit">Sign in to Drive<\/button>/, 'the form again');
      assert.ok(html.includes(`value="${inHtml(username)}"`), `the username is kept, escaped: ${username}`);
      assert.ok(!html.includes('<b>"x"</b>'), 'no markup injected');
      assert.ok(!html.includes(password), 'the password is not echoed');
      assert.equal(tokensInSessions(drive).length, 0, 'no token anywhere');
      const after = await browser.request('/my-photos');
      assert.equal(after.status, 303, 'not signed in');
      assert.equal(after.headers.get('location'), '/signin');
      pages.push(/<p class="notice bad"[^<]*<\/p>/.exec(html)?.[0] ?? '');
    }
    assert.equal(pages[0], pages[1], 'one message for both');
  });

  it("throttled after 5 failures for a username: the same page with the auth server's message", async () => {
    const browser = new Browser(drive.url);
    for (let i = 0; i < 5; i++) assert.equal((await signIn(browser, 'mallory', `guess-${i}`)).status, 401);
    const res = await signIn(browser, 'mallory', 'guess-5');
    assert.equal(res.status, 401);
    const html = await res.text();
    assert.match(
      html,
      /role="alert" id="signin-error">Too many failed attempts for this user\. Wait a few minutes\.<\/p>/,
    );
    assert.ok(html.includes('value="mallory"'));
  });

  it("sends the end user's address (End-User-Address): one learner's wrong passwords never lock alice out for the class", async () => {
    // A second drive behind a trusted proxy hop, so each "learner" has an address of their own (X-Forwarded-For).
    const proxied = await startDrive({ env: { AUTH_INTERNAL_URL: auth.url, TRUST_PROXY: 'loopback' } });
    try {
      async function signInFrom(address: string, password: string): Promise<Response> {
        const browser = new Browser(proxied.url);
        const headers = { 'x-forwarded-for': address };
        const form = await browser.request('/signin', { headers });
        const body = new URLSearchParams({ csrf: csrfFrom(await form.text()), username: 'alice', password });
        return browser.request('/signin', {
          method: 'POST',
          body,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        });
      }
      for (let i = 0; i < 5; i++) assert.equal((await signInFrom('198.51.100.9', `guess-${i}`)).status, 401);
      const blocked = await signInFrom('198.51.100.9', 'wonderland');
      assert.match(await blocked.text(), /Too many failed attempts/, 'the guessing address is blocked');
      assert.equal(
        (await signInFrom('192.0.2.9', 'wonderland')).status,
        303,
        'alice, from her own address, is signed in',
      );
    } finally {
      await proxied.stop();
    }
  });

  it('CSRF: a POST without the form token, or with another one, is 403 and signs no one in', async () => {
    const browser = new Browser(drive.url);
    await browser.request('/signin');
    const forms: Record<string, string>[] = [
      { username: 'alice', password: 'wonderland' },
      { csrf: 'forged-token-value', username: 'alice', password: 'wonderland' },
    ];
    for (const form of forms) {
      const res = await browser.post('/signin', form);
      assert.equal(res.status, 403);
      const html = await res.text();
      assert.match(html, /This form expired/);
      assert.doesNotMatch(html, /\bat .+\.(js|ts):\d+/, 'no stack trace');
    }
    // No cookie at all (a cross-site form post without our session): 403 too.
    const stranger = await fetch(`${drive.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: 'wonderland' }),
      redirect: 'manual',
    });
    assert.equal(stranger.status, 403);
    assert.equal((await browser.request('/my-photos')).status, 303);
    assert.equal(tokensInSessions(drive).length, 0);
  });

  it('sign-out (CSRF) destroys the session, revokes the token, and the old cookie no longer shows /my-photos', async () => {
    const browser = new Browser(drive.url);
    assert.equal((await signIn(browser, 'bob', 'builder')).status, 303);
    const oldCookie = browser.cookie('drive.sid');
    assert.ok(oldCookie);
    const page = await browser.request('/my-photos');
    assert.equal(page.status, 200);
    const html = await page.text();
    const [token] = tokensInSessions(drive);
    assert.ok(token);
    assert.equal(await isActive(auth, token), true);

    // Without the CSRF token: refused, still signed in.
    assert.equal((await browser.post('/signout', {})).status, 403);
    assert.equal((await browser.request('/my-photos')).status, 200);

    const out = await browser.post('/signout', { csrf: csrfFrom(html) });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/signin?signed_out=1');
    assert.ok(
      out.headers.getSetCookie().some((c) => /^drive\.sid=;/.test(c) && /Expires=Thu, 01 Jan 1970/i.test(c)),
      'the cookie is cleared',
    );
    assert.match(await (await browser.request('/signin?signed_out=1')).text(), /You are signed out/);

    // The old cookie, replayed: the session is gone on the server.
    const replay = new Browser(drive.url);
    replay.setCookie('drive.sid', oldCookie);
    const again = await replay.request('/my-photos');
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), '/signin');
    assert.equal(tokensInSessions(drive).length, 0, 'no token left in the session store');
    assert.equal(await isActive(auth, token), false, 'RFC 7009: revoked at the auth server');
  });

  it('the home page links the sign-in, and the API never sets a cookie', async () => {
    const html = await (await get(`${drive.url}/`)).text();
    assert.match(html, /<a class="button" href="\/signin">/);
    const api = await get(`${drive.url}/api/photos`);
    assert.equal(api.status, 401);
    assert.equal(api.headers.get('set-cookie'), null);
    assert.ok(!logs().includes('wonderland'), 'no password in the log');
  });
});

describe("Drive's own web app: when the auth server cannot be used", () => {
  /** A port nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it('unreachable: 503, the form again with the username, no stack trace, and the reason in the log', async () => {
    const drive = await startDrive({
      env: { AUTH_INTERNAL_URL: `http://127.0.0.1:${await closedPort()}` },
      deps: { backChannelTimeoutMs: 1000 },
    });
    try {
      const res = await signIn(new Browser(drive.url), 'alice', 'wonderland');
      assert.equal(res.status, 503);
      const html = await res.text();
      assert.match(html, /Drive cannot reach the Auth server right now/);
      assert.match(html, /<button type="submit">Sign in to Drive<\/button>/);
      assert.ok(html.includes('value="alice"'));
      assert.doesNotMatch(html, /\bat .+\.(js|ts):\d+|127\.0\.0\.1|ECONNREFUSED|Error:/);
      assert.match(drive.logs.join('\n'), /sign-in unavailable: cannot reach the authorization server metadata/);
    } finally {
      await drive.stop();
    }
  });

  it('too slow: 503 after the time budget, not a hanging page', async () => {
    // Answers the metadata, then never answers the token request.
    const sockets = new Set<Socket>();
    const tokenRequests: string[] = [];
    const standIn: Server = createServer((req, res) => {
      if (req.url !== '/.well-known/oauth-authorization-server') tokenRequests.push(`${req.method} ${req.url}`);
      if (req.url === '/.well-known/oauth-authorization-server') {
        const base = `http://auth.test:9000`;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ issuer: base, token_endpoint: `${base}/token`, revocation_endpoint: `${base}/revoke` }),
        );
      }
      // otherwise: silence
    });
    standIn.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    const { port } = standIn.address() as AddressInfo;
    const drive = await startDrive({
      env: { AUTH_INTERNAL_URL: `http://127.0.0.1:${port}` },
      deps: { backChannelTimeoutMs: 300 },
    });
    try {
      // No clock here: the stand-in never answers, so a page at all means the drive's deadline ended the wait
      // (without one, this test would hang until the runner's timeout); the log names that deadline.
      const res = await signIn(new Browser(drive.url), 'alice', 'wonderland');
      assert.equal(res.status, 503);
      assert.deepEqual(tokenRequests, ['POST /token'], 'the drive did ask, and got no answer');
      assert.match(await res.text(), /Drive cannot reach the Auth server right now/);
      assert.match(drive.logs.join('\n'), /no answer within 300 ms/);
    } finally {
      await drive.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => standIn.close(() => resolve()));
    }
  });

  it("a drive whose DRIVE_WEB_CLIENT_SECRET differs from the auth server's: a 500 page that blames nobody's password, details in the log", async () => {
    const auth = await startAuthServer();
    const drive = await startDrive({
      env: { AUTH_INTERNAL_URL: auth.url, DRIVE_WEB_CLIENT_SECRET: `not-the-same-${DRIVE_SECRET}` },
    });
    try {
      const res = await signIn(new Browser(drive.url), 'alice', 'wonderland');
      assert.equal(res.status, 500);
      const html = await res.text();
      assert.match(html, /Drive’s sign-in is not working|Drive&#39;s sign-in is not working/);
      assert.doesNotMatch(html, /Wrong username or password/);
      assert.match(drive.logs.join('\n'), /invalid_client.*DRIVE_WEB_CLIENT_SECRET/);
    } finally {
      await drive.stop();
      await auth.destroy();
    }
  });

  it('in introspection mode the sign-in works the same (step 8 asks the auth server)', async () => {
    const auth = await startAuthServer();
    const drive = await startDrive({
      env: { AUTH_INTERNAL_URL: auth.url, DRIVE_TOKEN_VALIDATION: 'introspection', DRIVE_CLIENT_SECRET: DRIVE_SECRET },
    });
    try {
      const browser = new Browser(drive.url);
      assert.equal((await signIn(browser, 'bob', 'builder')).status, 303);
      const html = await (await browser.request('/my-photos')).text();
      for (const title of titlesOf('bob')) assert.ok(html.includes(inHtml(title)), title);
      assert.match(html, /by asking the Auth server, introspection/);
    } finally {
      await drive.stop();
      await auth.destroy();
    }
  });
});
