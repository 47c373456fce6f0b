/**
 * Small pure pieces, tested directly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toInternalUrl } from '../src/back_channel.js';
import { ConfigError } from '@oauth-demo/web';
import { loadConfig } from '../src/config.js';
import { parseBearerChallenge } from '../src/drive_client.js';
import { validateMetadata } from '../src/oauth/metadata.js';
import { parseTokenResponse } from '../src/oauth/token_endpoint.js';
import { decodeClaimsForDisplay, fingerprint } from '../src/oauth/token_display.js';
import { readOrderForm, validateOrderForm } from '../src/orders.js';
import { TokenRequestFailed, AuthServerMetadataInvalid } from '../src/errors.js';
import { foldRepeats, genericPath, type MergedExchange } from '../src/timeline.js';

const drive = { port: 9001, publicUrl: 'http://localhost:9001', internalUrl: 'http://drive:9001' };

describe('public → internal URLs (the docker-compose split)', () => {
  it('rewrites a URL under the public base, keeps one under the internal base, refuses others', () => {
    assert.equal(toInternalUrl('http://localhost:9001/api/photos/a/content', drive), 'http://drive:9001/api/photos/a/content');
    assert.equal(toInternalUrl('http://drive:9001/api/photos', drive), 'http://drive:9001/api/photos');
    assert.equal(toInternalUrl('http://localhost:90010/api', drive), null);
    assert.equal(toInternalUrl('http://localhost:9001.evil.test/api', drive), null);
    assert.equal(toInternalUrl('http://evil.test/api', drive), null);
  });
});

describe('config', () => {
  it('derives the exact redirect_uri from PRINTER_PUBLIC_URL', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/printer-unit', PRINTER_PUBLIC_URL: 'http://localhost:3000/', PRINTER_CLIENT_SECRET: 'x'.repeat(43), PRINT_LAB_CLIENT_SECRET: 'y'.repeat(43), SESSION_SECRET: 's'.repeat(43) });
    assert.equal(config.client.redirectUri, 'http://localhost:3000/callback');
    assert.equal(config.quickPrint.redirectUri, 'http://localhost:3000/quick-print/callback');
    assert.equal(config.quickPrint.clientId, 'photo-printer-browser');
    assert.deepEqual(config.printLab, { clientId: 'print-lab', clientSecret: 'y'.repeat(43), scope: 'gallery.read' });
    assert.deepEqual(config.kiosk, { clientId: 'photo-kiosk', scope: 'photos.read' });
    assert.equal(config.client.clientId, 'photo-printer');
    assert.equal(config.auth.publicUrl, 'http://localhost:9000');
    assert.equal(config.auth.internalUrl, 'http://127.0.0.1:9000');
  });
  it('names the variable that is wrong', () => {
    assert.throws(() => loadConfig({ PRINTER_PORT: 'abc' }), (e: unknown) => e instanceof ConfigError && /PRINTER_PORT/.test(e.message));
    assert.throws(() => loadConfig({ DATA_DIR: '/tmp/printer-unit', PRINTER_CLIENT_SECRET: 'short' }), (e: unknown) => e instanceof ConfigError && /PRINTER_CLIENT_SECRET/.test(e.message));
  });
});

describe('metadata validation (RFC 8414)', () => {
  const good = {
    issuer: 'http://localhost:9000',
    authorization_endpoint: 'http://localhost:9000/authorize',
    token_endpoint: 'http://localhost:9000/token',
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
  it('accepts the contract', () => {
    assert.equal(validateMetadata(good, 'http://localhost:9000').authorization_response_iss_parameter_supported, true);
  });
  it('compares the issuer exactly', () => {
    for (const issuer of ['http://localhost:9000/', 'HTTP://localhost:9000', 'http://127.0.0.1:9000', undefined]) {
      assert.throws(() => validateMetadata({ ...good, issuer }, 'http://localhost:9000'), AuthServerMetadataInvalid);
    }
  });
  it('keeps the optional endpoints the other grants use, and checks them', () => {
    const m = validateMetadata({ ...good, device_authorization_endpoint: 'http://localhost:9000/device_authorization', introspection_endpoint: 'http://localhost:9000/introspect', grant_types_supported: ['client_credentials'] }, good.issuer);
    assert.equal(m.device_authorization_endpoint, 'http://localhost:9000/device_authorization');
    assert.equal(m.introspection_endpoint, 'http://localhost:9000/introspect');
    assert.deepEqual(m.grant_types_supported, ['client_credentials']);
    assert.throws(() => validateMetadata({ ...good, device_authorization_endpoint: 'javascript:alert(1)' }, good.issuer), AuthServerMetadataInvalid);
  });
  it('needs the endpoints and S256', () => {
    assert.throws(() => validateMetadata({ ...good, token_endpoint: 'not a url' }, good.issuer), AuthServerMetadataInvalid);
    assert.throws(() => validateMetadata({ ...good, code_challenge_methods_supported: undefined }, good.issuer), AuthServerMetadataInvalid);
    assert.throws(() => validateMetadata('nope', good.issuer), AuthServerMetadataInvalid);
  });
});

describe('token response (RFC 6749 §5.1)', () => {
  it('reads a good response, with the requested scope when scope is absent', () => {
    const t = parseTokenResponse({ access_token: 'a', token_type: 'bearer', expires_in: 60 }, 'photos.read', 'authorization_code', 1000);
    assert.deepEqual(t, { access_token: 'a', token_type: 'Bearer', expiresAt: 61_000, scope: 'photos.read' });
  });
  it('refuses what it cannot use', () => {
    for (const body of [{}, { access_token: 'a', token_type: 'mac' }, { access_token: 'a', token_type: 'Bearer', expires_in: '60' }, { access_token: 'a', token_type: 'Bearer', refresh_token: 5 }]) {
      assert.throws(() => parseTokenResponse(body, 's', 'authorization_code'), TokenRequestFailed);
    }
  });
});

describe('token fingerprints and display claims', () => {
  it('shows 6 hex characters of the SHA-256, never the token', () => {
    assert.equal(fingerprint('abc'), 'sha256:ba7816');
    assert.match(fingerprint('another token'), /^sha256:[0-9a-f]{6}$/);
  });
  it('decodes a JWT payload for display, and nothing else', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'print-lab', client_id: 'print-lab', scope: 'gallery.read', aud: ['drive'], exp: 5, extra: 'x' })).toString('base64url');
    assert.deepEqual(decodeClaimsForDisplay(`e30.${payload}.sig`), { sub: 'print-lab', client_id: 'print-lab', scope: 'gallery.read', aud: 'drive', exp: 5 });
    assert.equal(decodeClaimsForDisplay('opaque-token'), null);
    assert.equal(decodeClaimsForDisplay('a.!!!.c'), null);
  });
});

describe('WWW-Authenticate (RFC 6750 §3)', () => {
  it('reads error and error_description', () => {
    assert.deepEqual(parseBearerChallenge('Bearer realm="drive", error="invalid_token", error_description="expired"'), { error: 'invalid_token', error_description: 'expired' });
    assert.deepEqual(parseBearerChallenge('Bearer realm="drive"'), {});
    assert.deepEqual(parseBearerChallenge('Basic realm="x"'), {});
  });
});

describe('order form', () => {
  it('accepts a good form and removes duplicate photos', () => {
    const result = validateOrderForm(readOrderForm({ photo: ['a', 'a', 'b'], size: '4x6', copies: '20' }));
    assert.deepEqual(result, { ok: true, order: { photoIds: ['a', 'b'], size: '4x6', copies: 20 } });
  });
  it('ignores non-string values', () => {
    const result = validateOrderForm(readOrderForm({ photo: { x: 1 }, size: ['4x6'], copies: 3 }));
    assert.equal(result.ok, false);
  });
});

describe('timeline: repeated reads are folded', () => {
  let at = 0;
  const call = (method: string, url: string, status: number, channel: 'front' | 'back' = 'back'): MergedExchange => ({
    id: `span-${++at}`,
    traceId: 't',
    recordedBy: 'drive',
    from: 'printer',
    to: url.startsWith('/token') ? 'auth' : 'drive',
    channel,
    step: url.startsWith('/token') ? 5 : 7,
    label: `${method} ${url}`,
    at,
    durationMs: 1,
    request: { method, url, headers: {} },
    response: { status, headers: {} },
  });

  it('keeps the first thumbnail call and folds the others under it; a different answer or a POST is never folded', () => {
    const token = call('POST', '/token', 200);
    const list = call('GET', '/api/photos', 200);
    const [p1, p2, p3] = ['p-alice-1', 'p-alice-2', 'p-alice-3'].map((id) => call('GET', `/api/photos/${id}/content`, 200)) as [MergedExchange, MergedExchange, MergedExchange];
    const refused = call('GET', '/api/photos/p-alice-4/content', 401);
    const [poll1, poll2] = [call('POST', '/token', 400), call('POST', '/token', 400)];
    const front = [call('GET', '/photos/p-alice-1/image', 200, 'front'), call('GET', '/photos/p-alice-2/image', 200, 'front')];
    const folded = foldRepeats([token, list, p1, p2, p3, refused, poll1, poll2, ...front]);
    assert.deepEqual(folded.map((e) => e.id), [token, list, p1, refused, poll1, poll2, ...front].map((e) => e.id));
    assert.deepEqual(folded[2]?.repeats?.map((e) => e.id), [p2.id, p3.id]);
    assert.equal(p1.repeats, undefined, 'the recorded exchange itself is not changed');
    assert.equal(folded.filter((e) => e.repeats).length, 1);
  });

  it('names the kind of call with ids replaced', () => {
    assert.equal(genericPath('/api/photos/0b7c4b1e-9d2f-4c1a-8e3b-2f6a5d7c9e01/content'), '/api/photos/:id/content');
    assert.equal(genericPath('http://127.0.0.1:9001/api/gallery/color-bars/content?x=1'), '/api/gallery/:id/content');
    assert.equal(genericPath('/api/photos'), '/api/photos');
    assert.equal(genericPath('/token'), '/token');
  });
});
