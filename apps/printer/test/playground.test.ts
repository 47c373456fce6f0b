/**
 * The inspector's claims editor against a REAL Drive (its createApp, trusting a local JWKS like the one the auth
 * server publishes): an unsigned token (alg none, RFC 8725 §2.1), the demo key under the auth server's kid (signature
 * invalid) and under its own kid (no such key in the JWKS, RFC 9068 §4) are each refused with 401 invalid_token and
 * Drive's reason, and each call is in the timeline. The same claims signed by the auth server's key pass: the
 * signature is the only difference.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compactVerify, createLocalJWKSet, importJWK, type JWK } from 'jose';
import { generateSigningKey, importSigningKey, issueAccessToken } from '@oauth-demo/tokens';
import { listen } from '@oauth-demo/web';
import { createApp as createDrive } from '@oauth-demo/drive/app';
import { loadConfig as loadDriveConfig } from '@oauth-demo/drive/config';
import {
  Browser,
  PRINTER_PUBLIC_URL,
  TEST_TRACE_SECRET,
  TokenRegistry,
  printerEnv,
  startPrinter,
  startStubAuth,
  tempDataDir,
} from './helpers.js';

const DRIVE_PUBLIC_URL = 'http://drive.test:9001';

// The auth server's side: a signing key whose public half is the stub's JWKS (the printer's inspector reads it) and
// the only key the real Drive trusts.
const authKey = await importSigningKey((await generateSigningKey()).privateJwk);
const jwks = { keys: [authKey.publicJwk] };
const auth = await startStubAuth(new TokenRegistry());
auth.metadata = { jwks_uri: `${auth.publicUrl}/jwks` };
auth.extra = (_req, url, _body, res) => {
  if (url.pathname !== '/jwks') return false;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  return true;
};

const driveDir = mkdtempSync(join(tmpdir(), 'printer-playground-drive-'));
const driveApp = await createDrive(
  loadDriveConfig({
    DATA_DIR: driveDir,
    DRIVE_PUBLIC_URL,
    AUTH_PUBLIC_URL: auth.publicUrl,
    PRINTER_PUBLIC_URL,
    DRIVE_WEB_CLIENT_SECRET: 'drive-web-secret-for-printer-tests-0123456789-abcdef',
    TRACE_SECRET: TEST_TRACE_SECRET,
  }),
  { keys: createLocalJWKSet(jwks), log: () => {} },
);
const driveServer = await listen(driveApp.app, 0, '127.0.0.1');
const driveUrl = `http://127.0.0.1:${driveServer.port}`;
const printerData = tempDataDir();
const printer = await startPrinter(
  printerEnv(printerData.dir, auth, { publicUrl: DRIVE_PUBLIC_URL, internalUrl: driveUrl }),
);

after(async () => {
  await printer.close();
  await driveServer.close();
  driveApp.close();
  await auth.close();
  printerData.remove();
  rmSync(driveDir, { recursive: true, force: true });
});

/** What the auth server would put in alice's token: valid for this Drive in every way but the signature. */
async function realToken(): Promise<{ token: string; header: string; claims: string }> {
  const { token } = await issueAccessToken(authKey, {
    issuer: auth.publicUrl,
    subject: 'alice',
    audience: DRIVE_PUBLIC_URL,
    clientId: 'photo-printer',
    scope: 'photos.read',
    expiresIn: 300,
  });
  const [h, p] = token.split('.');
  const decode = (part: string | undefined) => Buffer.from(part ?? '', 'base64url').toString('utf8');
  return { token, header: decode(h), claims: decode(p) };
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&#34;', '"')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

async function edit(
  browser: Browser,
  form: { header: string; claims: string; mode: string; send?: 'drive' | 'no' },
): Promise<{ status: number; text: string; token?: string; driveStatus?: number; challenge?: string }> {
  const page = await browser.get('/inspect');
  const posted = await browser.post('/inspect/editor', { csrf: Browser.csrf(page), send: 'no', ...form });
  const token = /<pre class="raw" data-edited-token>([^<]*)<\/pre>/.exec(posted.text)?.[1];
  const driveStatus = /data-drive-status="(\d+)"/.exec(posted.text)?.[1];
  const challenge = /<code data-www-authenticate>WWW-Authenticate: ([^<]*)<\/code>/.exec(posted.text)?.[1];
  return {
    status: posted.status,
    text: posted.text,
    ...(token ? { token } : {}),
    ...(driveStatus ? { driveStatus: Number(driveStatus) } : {}),
    ...(challenge ? { challenge: unescapeHtml(challenge) } : {}),
  };
}

describe('the claims editor (inspector)', () => {
  it('shows the editor and the demo key’s public JWK, labelled not the auth server’s key, with no private member', async () => {
    const page = await new Browser(printer.base).get('/inspect');
    assert.equal(page.status, 200);
    assert.match(page.text, /<form method="post" action="\/inspect\/editor"/);
    assert.match(page.text, /The demo key \(<strong>not the auth server’s key<\/strong>\)/);
    const jwk = JSON.parse(unescapeHtml(/<pre class="raw" data-demo-jwk>([^<]*)<\/pre>/.exec(page.text)?.[1] ?? ''));
    assert.equal(jwk.kty, 'EC');
    assert.equal(jwk.d, undefined, 'only the public half');
    assert.notEqual(jwk.x, authKey.publicJwk.x, 'not the auth server’s key');
    assert.match(jwk.kid, /^demo-key-not-the-auth-server-/);
  });

  it('the baseline: Drive accepts these claims when the auth server’s key signed them', async () => {
    const { token } = await realToken();
    const res = await fetch(`${driveUrl}/api/photos`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
  });

  it('unsigned (alg none): Drive answers 401 invalid_token, the algorithm refused (RFC 8725 §2.1)', async () => {
    const { header, claims } = await realToken();
    const result = await edit(new Browser(printer.base), { header, claims, mode: 'unsigned', send: 'drive' });
    assert.equal(result.status, 200);
    assert.ok(result.token?.endsWith('.'), 'an empty signature');
    assert.equal(JSON.parse(Buffer.from(result.token!.split('.')[0]!, 'base64url').toString('utf8')).alg, 'none');
    assert.equal(result.driveStatus, 401);
    assert.match(result.challenge ?? '', /^Bearer realm="drive", error="invalid_token"/);
    assert.match(result.challenge ?? '', /algorithm this resource server does not accept/);
    assert.match(result.text, /Refused before any key is looked at/);
  });

  it('the demo key under the auth server’s kid: 401 invalid_token, the signature is not valid', async () => {
    const { header, claims } = await realToken();
    const result = await edit(new Browser(printer.base), { header, claims, mode: 'demo-key', send: 'drive' });
    assert.equal(result.driveStatus, 401);
    assert.match(result.challenge ?? '', /error="invalid_token"/);
    assert.match(result.challenge ?? '', /signature is not valid/);
    const edited = JSON.parse(Buffer.from(result.token!.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(edited.kid, authKey.kid, 'the kid was kept');
    // Signed by the demo key shown on the page, never by the auth server's key.
    const jwk = JSON.parse(unescapeHtml(/data-demo-jwk>([^<]*)</.exec(result.text)?.[1] ?? '')) as JWK;
    await compactVerify(result.token!, await importJWK(jwk, 'ES256'));
    await assert.rejects(compactVerify(result.token!, createLocalJWKSet(jwks)));
    assert.match(result.text, /data-signature="invalid"/, 'the inspector calls it invalid too');
  });

  it('the demo key under its own kid: 401 invalid_token, a key the auth server does not publish (RFC 9068 §4)', async () => {
    const { header, claims } = await realToken();
    const result = await edit(new Browser(printer.base), {
      header,
      claims: claims.replace('"sub":"alice"', '"sub":"bob"'),
      mode: 'demo-key-own-kid',
      send: 'drive',
    });
    assert.equal(result.driveStatus, 401);
    assert.match(result.challenge ?? '', /key the authorization server does not publish/);
    assert.match(result.text, /no key in the auth server’s JWKS has this kid/);
  });

  it('records the call to Drive and its refusal in a flow of its own (the timeline)', async () => {
    const browser = new Browser(printer.base);
    const { header, claims } = await realToken();
    const result = await edit(browser, { header, claims, mode: 'unsigned', send: 'drive' });
    const traceId = /href="\/timeline\?trace=([0-9a-f]{32})"/.exec(result.text)?.[1];
    assert.ok(traceId, 'a link to the flow');
    const calls = printer.printer.context.recorder.list(traceId).filter((e) => e.channel === 'back');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.response.status, 401);
    assert.match(calls[0]!.request.url ?? '', /\/api\/photos$/);
    const timeline = await browser.get(`/timeline?trace=${traceId}`);
    assert.equal(timeline.status, 200);
    assert.match(timeline.text, /Claims editor: an edited token sent to Drive/);
  });

  it('re-encodes without calling Drive, and refuses bad JSON with the reason (400), calling nobody', async () => {
    const browser = new Browser(printer.base);
    const { header, claims } = await realToken();
    const encoded = await edit(browser, { header, claims, mode: 'demo-key-own-kid' });
    assert.equal(encoded.status, 200);
    assert.ok(encoded.token);
    assert.equal(encoded.driveStatus, undefined, 'not sent');
    const bad = await edit(browser, { header, claims: "{ sub: 'bob' }", mode: 'unsigned', send: 'drive' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /data-editor-error>The claims is not valid JSON/);
    assert.equal(bad.token, undefined);
    const array = await edit(browser, { header: '[]', claims, mode: 'unsigned', send: 'drive' });
    assert.match(array.text, /The header must be a JSON object/);
    const crit = await edit(browser, { header: '{"crit":["exp"]}', claims, mode: 'demo-key', send: 'drive' });
    assert.equal(crit.status, 400, 'a header jose will not sign: the learner’s error, not a 500');
    assert.match(crit.text, /data-editor-error>This header cannot be signed/);
    const mode = await edit(browser, { header, claims, mode: 'HS256', send: 'drive' });
    assert.equal(mode.status, 400);
    assert.match(mode.text, /Choose how to re-encode/);
  });

  it('refuses a post without the CSRF token', async () => {
    const browser = new Browser(printer.base);
    await browser.get('/inspect');
    const { header, claims } = await realToken();
    const res = await browser.post('/inspect/editor', { header, claims, mode: 'unsigned', send: 'drive' });
    assert.equal(res.status, 403);
  });
});
