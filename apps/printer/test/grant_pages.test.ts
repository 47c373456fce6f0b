/**
 * The pages of the other grants that the server renders: Quick print (its script does the protocol in the
 * browser; tested end to end with Playwright), the "which grant when" page, and the links from home.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Browser, PRINTER_PUBLIC_URL, startStubStack, stepBars } from './helpers.js';
const stack = await startStubStack();
const { auth, drive, printer } = stack;
after(() => stack.stop());

describe('GET /quick-print', () => {
  it('offers both buttons, a step bar for each of its two flows, and the config for its script', async () => {
    const page = await new Browser(printer.base).get('/quick-print');
    assert.equal(page.status, 200);
    assert.deepEqual(
      stepBars(page.text).map((b) => ({ grant: b.grant, steps: b.steps, active: b.active })),
      [
        { grant: 'implicit', steps: [1, 2, 3, 6, 7, 8], active: [1, 2] },
        { grant: 'authorization_code', steps: [1, 2, 3, 4, 5, 6, 7, 8], active: [1, 2] },
      ],
    );
    assert.match(page.text, /<button type="button" id="start-implicit">Quick print with the Implicit flow<\/button>/);
    assert.match(
      page.text,
      /<button type="button" id="start-code">Quick print with Authorization Code \+ PKCE<\/button>/,
    );
    assert.ok(page.text.includes(`data-authorization-endpoint="${auth.publicUrl}/authorize"`));
    assert.ok(page.text.includes(`data-token-endpoint="${auth.publicUrl}/token"`));
    assert.ok(page.text.includes(`data-issuer="${auth.publicUrl}"`));
    assert.ok(page.text.includes('data-iss-required="true"'));
    assert.ok(page.text.includes('data-client-id="photo-printer-browser"'));
    assert.ok(page.text.includes(`data-redirect-uri="${PRINTER_PUBLIC_URL}/quick-print/callback"`));
    assert.ok(page.text.includes(`data-drive-api="${drive.publicUrl}/api/photos"`));
    assert.match(
      page.text,
      /<td>Implicit<\/td><td>3rd party JS app \(no longer best practice, use AC with PKCE\)<\/td>/,
    );
    assert.match(page.text, /RFC 9700 §2\.1\.2/);
  });

  it('has no inline script or handler, and a policy that lets its script reach only the token endpoint and Drive', async () => {
    const page = await new Browser(printer.base).get('/quick-print');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(
      csp,
      new RegExp(
        `connect-src 'self' ${auth.publicUrl.replace(/[.]/g, '\\.')} ${drive.publicUrl.replace(/[.]/g, '\\.')}(;|$)`,
      ),
    );
    assert.match(csp, /img-src 'self' data: blob:/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(page.text, /<script>|<script [^>]*>[^<]+<\/script>/, 'no inline script');
    assert.doesNotMatch(page.text, /\son[a-z]+="/i, 'no inline handler');
    assert.doesNotMatch(page.text, /\sstyle="/i, 'no style attribute');
    assert.match(page.text, /<script src="\/assets\/printer\/quick_print\.js"><\/script>/);
    const script = await fetch(`${printer.base}/assets/printer/quick_print.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(await script.text(), /crypto\.subtle\.digest\('SHA-256'/);
  });

  it('the callback: the server sees no token (the fragment never reaches it), and loads analytics.js before the client script', async () => {
    const page = await new Browser(printer.base).get('/quick-print/callback');
    assert.equal(page.status, 200);
    assert.deepEqual(
      stepBars(page.text).map((b) => [b.grant, b.active]),
      [['implicit', [6, 7, 8]]],
    );
    assert.match(page.text, /<code>GET \/quick-print\/callback<\/code>: no query at all/);
    assert.ok(page.text.indexOf('/assets/printer/analytics.js') < page.text.indexOf('/assets/printer/quick_print.js'));
    const analytics = await fetch(`${printer.base}/assets/printer/analytics.js`);
    assert.equal(analytics.status, 200);
  });

  it('the callback with a code: steps 4-8, and only the names of the query are echoed', async () => {
    const page = await new Browser(printer.base).get('/quick-print/callback?code=secret-code-value&state=s&iss=x');
    assert.deepEqual(
      stepBars(page.text).map((b) => [b.grant, b.active]),
      [['authorization_code', [4, 5, 6, 7, 8]]],
    );
    assert.match(page.text, /<code>GET \/quick-print\/callback\?code=…&amp;state=…&amp;iss=…<\/code>/);
    assert.ok(!page.text.includes('secret-code-value'));
  });
});

describe('GET /grants', () => {
  it('compares every grant step by step against the notes’ table, with where to try it and the RFC 9700 verdict', async () => {
    const page = await new Browser(printer.base).get('/grants');
    assert.equal(page.status, 200);
    const rows = [
      ...page.text.matchAll(/<tr>\s*<th scope="row"><a href="#([a-z_]+)">[^<]+<\/a><\/th>([\s\S]*?)<\/tr>/g),
    ].map((m) => ({
      key: m[1],
      steps: [...(m[2] ?? '').matchAll(/<td class="(on|off)"/g)]
        .map((c, i) => (c[1] === 'on' ? i + 1 : 0))
        .filter((n) => n > 0),
    }));
    assert.deepEqual(rows, [
      { key: 'authorization_code', steps: [1, 2, 3, 4, 5, 6, 7, 8] },
      { key: 'implicit', steps: [1, 2, 3, 6, 7, 8] },
      { key: 'client_credentials', steps: [2, 6, 7, 8] },
      { key: 'password', steps: [1, 2, 6, 7, 8] },
      { key: 'refresh_token', steps: [5, 6, 7, 8] },
      { key: 'device_code', steps: [1, 2, 3, 5, 6, 7, 8] },
    ]);
    for (const row of [
      '<tr><td>Authorization Code</td><td>3rd party web, native or 3rd party JS app (with PKCE)</td></tr>',
      '<tr><td>Implicit</td><td>3rd party JS app (no longer best practice, use AC with PKCE)</td></tr>',
      '<tr><td>Client Credentials</td><td>Application (no user) (exp : microservice)</td></tr>',
      '<tr><td>Password</td><td>1st party (no longer best practice)</td></tr>',
    ]) {
      assert.ok(page.text.includes(row), row);
    }
    for (const href of ['/quick-print', '/print-lab', '/kiosk', '/orders', `${drive.publicUrl}/signin`])
      assert.ok(page.text.includes(`href="${href}"`), href);
    assert.match(page.text, /RFC 9700 §2\.4: the password grant MUST NOT be used/);
    assert.match(page.text, /RFC 9700 §2\.1\.2: clients SHOULD NOT use it/);
  });
});

describe('home page', () => {
  it('links every grant page and the comparison', async () => {
    const page = await new Browser(printer.base).get('/');
    for (const href of ['/quick-print', '/print-lab', '/kiosk', '/grants', '/orders', `${drive.publicUrl}/signin`])
      assert.ok(page.text.includes(`href="${href}"`), href);
  });
});

describe('the notes, the glossary and the configuration reference', () => {
  it('are pages of their own, linked from home and from the teaching panel', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    assert.match(home.text, /href="\/notes"/);
    assert.match(home.text, /href="\/glossary"/);
    for (const [path, heading] of [
      ['/notes', /The notes: OAuth 2 in five terms/],
      ['/glossary', /<h1 id="glossary">Glossary<\/h1>/],
      ['/docs/configuration', /<h1 id="configuration">Configuration<\/h1>/],
    ] as const) {
      const page = await browser.get(path);
      assert.equal(page.status, 200, path);
      assert.match(page.text, heading, path);
      assert.doesNotMatch(page.text, /<script/, `${path}: no script, nothing from a CDN`);
    }
  });

  it('links every glossary term a page uses to an entry that exists', async () => {
    const browser = new Browser(printer.base);
    const glossary = await browser.get('/glossary');
    const ids = new Set([...glossary.text.matchAll(/<p id="([a-z0-9-]+)" class="term-entry">/g)].map((m) => m[1]));
    let links = 0;
    for (const path of ['/inspect', '/timeline', '/grants', '/quick-print', '/print-lab', '/doctor', '/kiosk']) {
      const page = await browser.get(path);
      for (const m of page.html.matchAll(/<a class="term" href="\/glossary#([a-z0-9-]+)" title="[^"]+">/g)) {
        links++;
        assert.ok(ids.has(m[1]), `${path}: /glossary#${m[1]} exists`);
      }
    }
    assert.ok(links >= 15, `terms are linked (${links})`);
  });
});
