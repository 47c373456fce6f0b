/**
 * Issue 12 item 3: instructor mode is the instructor's (offered without a key only on loopback, from loopback),
 * class mode (CLASS_HOST) refuses to start without INSTRUCTOR_KEY, and a learner's own "Start over" asks first and
 * touches only that learner's tokens and orders.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@oauth-demo/web';
import { loadConfig } from '../src/config.js';
import {
  Browser,
  CLIENT_SECRET,
  PHOTOS,
  type StubStack,
  TEST_TRACE_SECRET,
  connect,
  startStubStack,
} from './helpers.js';

let stack: StubStack;
before(async () => {
  stack = await startStubStack();
});
after(() => stack.stop());

describe('class mode (CLASS_HOST)', () => {
  const base = {
    DATA_DIR: '/nonexistent-not-read',
    PRINTER_CLIENT_SECRET: CLIENT_SECRET,
    PRINT_LAB_CLIENT_SECRET: CLIENT_SECRET,
    SESSION_SECRET: 's'.repeat(43),
  };

  it('binds every interface and sets every public URL to http://CLASS_HOST:port', () => {
    const config = loadConfig({
      TRACE_SECRET: TEST_TRACE_SECRET,
      ...base,
      CLASS_HOST: '192.168.1.20',
      INSTRUCTOR_KEY: 'class-of-2026',
    });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.printer.publicUrl, 'http://192.168.1.20:3000');
    assert.equal(config.auth.publicUrl, 'http://192.168.1.20:9000');
    assert.equal(config.drive.publicUrl, 'http://192.168.1.20:9001');
    assert.equal(config.client.redirectUri, 'http://192.168.1.20:3000/callback');
  });

  it('refuses to start without INSTRUCTOR_KEY, with a short key, or with a CLASS_HOST that is not a host', () => {
    assert.throws(
      () => loadConfig({ TRACE_SECRET: TEST_TRACE_SECRET, ...base, CLASS_HOST: 'teacher.local' }),
      (e: unknown) => e instanceof ConfigError && /set INSTRUCTOR_KEY/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ TRACE_SECRET: TEST_TRACE_SECRET, ...base, INSTRUCTOR_KEY: 'short' }),
      (e: unknown) => e instanceof ConfigError && /at least 8 characters/.test(e.message),
    );
    assert.throws(
      () =>
        loadConfig({
          TRACE_SECRET: TEST_TRACE_SECRET,
          ...base,
          CLASS_HOST: 'http://teacher.local:3000',
          INSTRUCTOR_KEY: 'class-of-2026',
        }),
      ConfigError,
    );
  });
});

describe('instructor mode without a key: only on loopback, from loopback', () => {
  async function offered(env: Record<string, string>, headers: Record<string, string> = {}) {
    const printer = await stack.startAnotherPrinter(env);
    try {
      const panel = await fetch(`${printer.base}/timeline`, { headers });
      const text = await panel.text();
      const jar = panel.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const csrf = /name="csrf" value="([^"]+)"/.exec(text)![1]!;
      const switched = await fetch(`${printer.base}/teaching`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...headers, cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, instructor: 'on', back: '/timeline' }),
      });
      return { shown: text.includes('Turn instructor mode on'), status: switched.status };
    } finally {
      await printer.close();
    }
  }

  it('is offered to a request from loopback when the printer listens on loopback with a loopback URL', async () => {
    assert.deepEqual(await offered({ PRINTER_PUBLIC_URL: 'http://localhost:3999' }), { shown: true, status: 303 });
  });

  it('is refused when the printer listens on every interface (docker-compose, HOST=0.0.0.0)', async () => {
    assert.deepEqual(await offered({ PRINTER_PUBLIC_URL: 'http://localhost:3999', HOST: '0.0.0.0' }), {
      shown: false,
      status: 403,
    });
  });

  it('is refused to a request from a LAN address (behind a trusted proxy that says so)', async () => {
    const lan = { 'x-forwarded-for': '192.168.1.50' };
    assert.deepEqual(await offered({ PRINTER_PUBLIC_URL: 'http://localhost:3999', TRUST_PROXY: 'loopback' }, lan), {
      shown: false,
      status: 403,
    });
    assert.deepEqual(await offered({ PRINTER_PUBLIC_URL: 'http://localhost:3999', TRUST_PROXY: 'loopback' }), {
      shown: true,
      status: 303,
    });
  });
});

describe('Start over (a learner, their own things only)', () => {
  async function placeOrder(browser: Browser): Promise<string> {
    await connect(browser, stack.auth.publicUrl);
    const photos = await browser.get('/photos');
    const placed = await browser.post('/orders', {
      csrf: Browser.csrf(photos),
      photo: PHOTOS[0]!.id,
      size: '4x6',
      copies: '1',
    });
    assert.equal(placed.status, 303);
    return placed.location!;
  }

  it('asks first and says what it resets, then revokes this browser’s tokens and forgets its orders, not another’s', async () => {
    const mine = new Browser(stack.printer.base);
    const theirs = new Browser(stack.printer.base);
    const myOrder = await placeOrder(mine);
    const theirOrder = await placeOrder(theirs);
    stack.auth.revocations.length = 0;

    const asked = await mine.post('/start-over', { csrf: Browser.csrf(await mine.get('/')) });
    assert.equal(asked.status, 200);
    assert.match(asked.text, /Start over\?/);
    assert.match(asked.text, /revoked at the auth server/);
    assert.match(asked.text, /Only yours/);
    assert.equal(stack.auth.revocations.length, 0, 'nothing happens before the confirmation');
    assert.equal((await mine.get(myOrder)).status, 200);

    const done = await mine.post('/start-over', { csrf: Browser.csrf(asked), confirm: 'start-over' });
    assert.equal(done.status, 303);
    assert.equal(stack.auth.revocations.length, 1, 'one revocation (RFC 7009): this browser’s refresh token');
    assert.equal((await mine.get(myOrder)).status, 404);
    assert.equal((await theirs.get(theirOrder)).status, 200, 'the other learner’s order stays');
    assert.equal((await theirs.get('/photos')).status, 200, 'the other learner is still connected');
  });
});

describe('quick print without crypto.subtle (issue 12 item 4)', () => {
  it('serves the vetted SHA-256 module and what it imports from node_modules, and nothing else of the package', async () => {
    for (const file of ['sha2.js', '_md.js', '_u64.js', 'utils.js']) {
      const res = await fetch(`${stack.printer.base}/assets/vendor/noble-hashes/${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
      const imports = [...(await res.text()).matchAll(/^import .* from "(.+)";$/gm)].map((m) => m[1]);
      for (const name of imports)
        assert.match(name!, /^\.\/(sha2|_md|_u64|utils)\.js$/, `${file} imports only files served here`);
    }
    for (const file of ['package.json', 'scrypt.js', '..%2Fpackage.json'])
      assert.equal((await fetch(`${stack.printer.base}/assets/vendor/noble-hashes/${file}`)).status, 404, file);
  });

  it('computes the RFC 7636 Appendix B challenge like WebCrypto does', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUpJmPU1Xe2EZ2yoN4BgE4qs';
    assert.equal(
      Buffer.from(sha256(new TextEncoder().encode('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'))).toString(
        'base64url',
      ),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    assert.equal(
      Buffer.from(sha256(new TextEncoder().encode(verifier))).toString('base64url'),
      Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url'),
    );
  });

  it('the page says why a real deployment uses https', async () => {
    const page = await new Browser(stack.printer.base).get('/quick-print');
    assert.match(page.text, /id="qp-insecure"[^>]*hidden/);
    assert.match(page.text, /a real\s+deployment uses <strong>https<\/strong>/);
  });
});
