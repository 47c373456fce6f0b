/**
 * Issue 12 item 7: anonymous requests store nothing. A session is saved only when it holds something; pages
 * with forms give an anonymous visitor a signed CSRF cookie instead of a session row (packages/web csrf.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type StubStack, startStubStack } from './helpers.js';

let stack: StubStack;
before(async () => {
  stack = await startStubStack();
});
after(() => stack.stop());

const PAGES = [
  '/',
  '/quick-print',
  '/print-lab',
  '/kiosk',
  '/timeline',
  '/inspect',
  '/grants',
  '/orders',
  '/photos',
  '/step',
  '/no-such-page',
  '/callback?code=x&state=y',
  '/healthz',
  '/favicon.ico',
];

describe('anonymous requests store no session', () => {
  it('serves the shared icon at /favicon.ico, cacheable for a day (no 404 when a browser asks on its own)', async () => {
    const res = await fetch(`${stack.printer.base}/favicon.ico`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/(x-icon|vnd\.microsoft\.icon)/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=86400/);
    const icon = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...icon.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file');
    assert.equal(res.headers.getSetCookie().length, 0, 'no cookie for an icon');
  });

  it('1 000 cookie-less requests to every kind of page add no session row', async () => {
    const sessions = stack.printer.printer.sessions;
    const before = sessions.count();
    const statuses = new Set<number>();
    for (let i = 0; i < 1000; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) =>
        fetch(`${stack.printer.base}${PAGES[(i + j) % PAGES.length]}`, { redirect: 'manual' }),
      );
      for (const res of await Promise.all(batch)) {
        statuses.add(res.status);
        await res.arrayBuffer();
      }
    }
    assert.ok(statuses.has(200), 'pages were served');
    assert.equal(sessions.count(), before);
  });

  it('a form on an anonymous page still works: its CSRF token rides in a signed cookie, not a session', async () => {
    const sessions = stack.printer.printer.sessions;
    const before = sessions.count();
    const home = await fetch(`${stack.printer.base}/`);
    const cookie = home.headers.getSetCookie().find((c) => c.startsWith('printer.sid.csrf='));
    assert.ok(cookie, 'a CSRF cookie is set');
    assert.match(cookie, /HttpOnly/i);
    assert.ok(!home.headers.getSetCookie().some((c) => c.startsWith('printer.sid=')), 'no session cookie');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await home.text())![1]!;
    const jar = cookie.split(';')[0]!;
    // Step-through mode on: the session now holds something and is stored.
    const on = await fetch(`${stack.printer.base}/teaching`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, stepThrough: 'on', back: '/' }),
    });
    assert.equal(on.status, 303);
    assert.equal(sessions.count(), before + 1);
    // Without the cookie, or with a made-up one, the same token is refused.
    for (const headers of [{} as Record<string, string>, { cookie: `printer.sid.csrf=${csrf.split('.')[0]}.forged` }]) {
      const refused = await fetch(`${stack.printer.base}/teaching`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, stepThrough: 'on', back: '/' }),
      });
      assert.equal(refused.status, 403);
    }
    assert.equal(sessions.count(), before + 1);
  });
});
