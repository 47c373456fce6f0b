/**
 * Issue 12 item 7: anonymous requests store nothing. A session row is written only once the session holds
 * something (a flow's pending request, a signed-in user); a page with a form gives an anonymous visitor a
 * signed CSRF cookie instead (packages/web csrf.ts). Signed-out sessions are short-lived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIGNED_OUT_SESSION_MAX_AGE_MS } from '@oauth-demo/web';
import { Browser, csrfFrom, startAuthServer, type TestServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startAuthServer();
});
after(() => server.destroy());

const PAGES = [
  '/',
  '/login',
  '/apps',
  '/device',
  '/device/confirm',
  '/interaction/unknown',
  '/no-such-page',
  '/.well-known/oauth-authorization-server',
  '/jwks.json',
  '/healthz',
  '/authorize',
  '/favicon.ico',
];

describe('anonymous requests store no session', () => {
  it('serves the shared icon at /favicon.ico, cacheable for a day (no 404 when a browser asks on its own)', async () => {
    const res = await fetch(`${server.url}/favicon.ico`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/(x-icon|vnd\.microsoft\.icon)/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=86400/);
    const icon = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...icon.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file');
    assert.equal(res.headers.getSetCookie().length, 0, 'no cookie for an icon');
  });

  it('1 000 cookie-less requests add no session row', async () => {
    const sessions = server.app.sessions;
    const before = sessions.count();
    const statuses = new Set<number>();
    for (let i = 0; i < 1000; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) =>
        fetch(`${server.url}${PAGES[(i + j) % PAGES.length]}`, { redirect: 'manual' }),
      );
      for (const res of await Promise.all(batch)) {
        statuses.add(res.status);
        await res.arrayBuffer();
      }
    }
    assert.ok(statuses.has(200));
    assert.equal(sessions.count(), before);
  });

  it('signing in stores one session, kept longer than a signed-out one', async () => {
    const sessions = server.app.sessions;
    const before = sessions.count();
    const browser = new Browser(server.url);
    const page = await browser.get('/login');
    assert.equal(page.status, 200);
    assert.equal(sessions.count(), before, 'the login form alone stores nothing');
    const signedIn = await browser.post('/login', {
      csrf: csrfFrom(await page.text()),
      username: 'alice',
      password: 'wonderland',
    });
    assert.equal(signedIn.status, 303);
    assert.equal(sessions.count(), before + 1);
    const latest = sessions.expiries()[0]!;
    assert.ok(latest > Date.now() + SIGNED_OUT_SESSION_MAX_AGE_MS, 'a signed-in session outlives the signed-out limit');
  });
});
