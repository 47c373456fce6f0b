/**
 * Small pure pieces, tested directly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toInternalUrl } from '@oauth-demo/back-channel';
import { ConfigError } from '@oauth-demo/web';
import { loadConfig } from '../src/config.js';
import { TEST_TRACE_SECRET } from './helpers.js';
import { parseBearerChallenge } from '@oauth-demo/tokens';
import { validateMetadata } from '../src/oauth/metadata.js';
import { parseTokenResponse } from '../src/oauth/token_endpoint.js';
import { readOrderForm, validateOrderForm } from '../src/orders.js';
import { TokenRequestFailed, AuthServerMetadataInvalid } from '../src/errors.js';

const drive = { port: 9001, publicUrl: 'http://localhost:9001', internalUrl: 'http://drive:9001' };

describe('public → internal URLs (the docker-compose split)', () => {
  it('rewrites a URL under the public base, keeps one under the internal base, refuses others', () => {
    assert.equal(
      toInternalUrl('http://localhost:9001/api/photos/a/content', drive),
      'http://drive:9001/api/photos/a/content',
    );
    assert.equal(toInternalUrl('http://drive:9001/api/photos', drive), 'http://drive:9001/api/photos');
    assert.equal(toInternalUrl('http://localhost:90010/api', drive), null);
    assert.equal(toInternalUrl('http://localhost:9001.evil.test/api', drive), null);
    assert.equal(toInternalUrl('http://evil.test/api', drive), null);
  });
});

describe('config', () => {
  it('derives the exact redirect_uri from PRINTER_PUBLIC_URL', () => {
    const config = loadConfig({
      TRACE_SECRET: TEST_TRACE_SECRET,
      DATA_DIR: '/tmp/printer-unit',
      PRINTER_PUBLIC_URL: 'http://localhost:3000/',
      PRINTER_CLIENT_SECRET: 'x'.repeat(43),
      PRINT_LAB_CLIENT_SECRET: 'y'.repeat(43),
      SESSION_SECRET: 's'.repeat(43),
    });
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
    assert.throws(
      () => loadConfig({ TRACE_SECRET: TEST_TRACE_SECRET, PRINTER_PORT: 'abc' }),
      (e: unknown) => e instanceof ConfigError && /PRINTER_PORT/.test(e.message),
    );
    assert.throws(
      () =>
        loadConfig({ TRACE_SECRET: TEST_TRACE_SECRET, DATA_DIR: '/tmp/printer-unit', PRINTER_CLIENT_SECRET: 'short' }),
      (e: unknown) => e instanceof ConfigError && /PRINTER_CLIENT_SECRET/.test(e.message),
    );
    // A 32-character secret issued by another authorization server: accepted, with one warning at start-up (issue 17).
    const warnings: string[] = [];
    const foreign = loadConfig(
      {
        TRACE_SECRET: TEST_TRACE_SECRET,
        DATA_DIR: '/tmp/printer-unit',
        PRINTER_CLIENT_SECRET: 'p'.repeat(32),
        PRINT_LAB_CLIENT_SECRET: 'l'.repeat(43),
      },
      (m) => warnings.push(m),
    );
    assert.equal(foreign.client.clientSecret, 'p'.repeat(32));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^PRINTER_CLIENT_SECRET has 32 characters/);
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
    const m = validateMetadata(
      {
        ...good,
        device_authorization_endpoint: 'http://localhost:9000/device_authorization',
        introspection_endpoint: 'http://localhost:9000/introspect',
        grant_types_supported: ['client_credentials'],
      },
      good.issuer,
    );
    assert.equal(m.device_authorization_endpoint, 'http://localhost:9000/device_authorization');
    assert.equal(m.introspection_endpoint, 'http://localhost:9000/introspect');
    assert.deepEqual(m.grant_types_supported, ['client_credentials']);
    assert.throws(
      () => validateMetadata({ ...good, device_authorization_endpoint: 'javascript:alert(1)' }, good.issuer),
      AuthServerMetadataInvalid,
    );
  });
  it('needs the endpoints and S256', () => {
    assert.throws(
      () => validateMetadata({ ...good, token_endpoint: 'not a url' }, good.issuer),
      AuthServerMetadataInvalid,
    );
    assert.throws(
      () => validateMetadata({ ...good, code_challenge_methods_supported: undefined }, good.issuer),
      AuthServerMetadataInvalid,
    );
    assert.throws(() => validateMetadata('nope', good.issuer), AuthServerMetadataInvalid);
  });
});

describe('token response (RFC 6749 §5.1)', () => {
  it('reads a good response, with the requested scope when scope is absent', () => {
    const t = parseTokenResponse(
      { access_token: 'a', token_type: 'bearer', expires_in: 60 },
      'photos.read',
      'authorization_code',
      1000,
    );
    assert.deepEqual(t, { access_token: 'a', token_type: 'Bearer', expiresAt: 61_000, scope: 'photos.read' });
  });
  it('refuses what it cannot use', () => {
    for (const body of [
      {},
      { access_token: 'a', token_type: 'mac' },
      { access_token: 'a', token_type: 'Bearer', expires_in: '60' },
      { access_token: 'a', token_type: 'Bearer', refresh_token: 5 },
    ]) {
      assert.throws(() => parseTokenResponse(body, 's', 'authorization_code'), TokenRequestFailed);
    }
  });
});

describe('WWW-Authenticate (RFC 6750 §3)', () => {
  it('reads error and error_description', () => {
    assert.deepEqual(parseBearerChallenge('Bearer realm="drive", error="invalid_token", error_description="expired"'), {
      realm: 'drive',
      error: 'invalid_token',
      error_description: 'expired',
    });
    assert.deepEqual(parseBearerChallenge('Bearer realm="drive"'), { realm: 'drive' });
    assert.equal(parseBearerChallenge('Basic realm="x"'), null);
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
