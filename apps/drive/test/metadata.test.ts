/**
 * What the drive says about itself: RFC 9728 protected resource metadata, the health check, the home page,
 * 404s, and the CORS answer for Photo Printer's browser pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DRIVE_URL, get, ISSUER, makeAuthority, PRINTER_URL, type RunningDrive, startDrive } from './helpers.js';

describe('Protected resource metadata (RFC 9728) and pages', () => {
  let drive: RunningDrive;

  before(async () => {
    drive = await startDrive({ deps: { keys: (await makeAuthority()).keys } });
  });
  after(() => drive.stop());

  it('publishes its metadata at /.well-known/oauth-protected-resource (RFC 9728 §3)', async () => {
    const res = await get(`${drive.url}/.well-known/oauth-protected-resource`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      resource: DRIVE_URL,
      authorization_servers: [ISSUER],
      scopes_supported: ['photos.read', 'gallery.read'],
      bearer_methods_supported: ['header'],
      resource_name: 'Drive',
      resource_documentation: `${DRIVE_URL}/`,
    });
  });

  it('answers its health check', async () => {
    const res = await get(`${drive.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('has a home page that says which role it plays and explains step 8, with no step bar (it is in no flow)', async () => {
    const res = await get(`${drive.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-powered-by'), null);
    const html = await res.text();
    assert.match(html, /Role: <strong>Resource Server<\/strong>/);
    assert.match(html, /Step 8: how Drive checks a token/);
    assert.doesNotMatch(html, /<nav class="steps"/, 'no grant’s step bar on a page that is in no flow');
    assert.ok(html.includes(`href="${ISSUER}"`), 'links to the auth server');
    assert.ok(html.includes(`href="${PRINTER_URL}"`), 'links to the printer');
    assert.ok(html.includes('GET /api/photos'), 'documents its API');
    assert.ok(html.includes('href="/assets/ui/style.css"'));
  });

  it('serves the shared stylesheet locally', async () => {
    const res = await get(`${drive.url}/assets/ui/style.css`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
  });

  it('an unknown page is an HTML 404 for a browser, JSON for an API client', async () => {
    const page = await get(`${drive.url}/nowhere`, undefined, { accept: 'text/html' });
    assert.equal(page.status, 404);
    assert.match(await page.text(), /Not found/);
    const json = await get(`${drive.url}/nowhere`, undefined, { accept: 'application/json' });
    assert.equal(json.status, 404);
    assert.deepEqual(await json.json(), { error: 'not_found' });
    const wellKnown = await get(`${drive.url}/.well-known/nothing`, undefined, { accept: 'text/html' });
    assert.deepEqual(await wellKnown.json(), { error: 'not_found' });
  });

  it("lets Photo Printer's pages call the API from the browser (CORS), and no other origin", async () => {
    const preflight = await fetch(`${drive.url}/api/photos`, {
      method: 'OPTIONS',
      headers: {
        origin: PRINTER_URL,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), PRINTER_URL);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'Authorization');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);

    const call = await get(`${drive.url}/api/photos`, undefined, { origin: PRINTER_URL });
    assert.equal(call.status, 401);
    assert.equal(call.headers.get('access-control-allow-origin'), PRINTER_URL);
    assert.equal(call.headers.get('access-control-expose-headers'), 'WWW-Authenticate');

    const stranger = await fetch(`${drive.url}/api/photos`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'GET' },
    });
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
  });
});
