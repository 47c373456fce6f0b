/**
 * Configuration: defaults for a native run, the docker-compose split of public and internal URLs, and
 * errors that name the variable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@oauth-demo/web';
import { loadConfig as loadConfigFrom } from '../src/config.js';

/** Every load names the web app's secret, so that no test reads or creates the shared secrets folder. */
const WEB_SECRET = 'w'.repeat(43);
const TRACE_SECRET = 't'.repeat(43);
const loadConfig = (env: Record<string, string | undefined>) =>
  loadConfigFrom({ DRIVE_WEB_CLIENT_SECRET: WEB_SECRET, TRACE_SECRET, ...env });

describe('loadConfig', () => {
  it('defaults to the ports of docs/design.md', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/drive-config-test' });
    assert.deepEqual(config, {
      host: '127.0.0.1',
      maxInFlight: 256,
      port: 9001,
      publicUrl: 'http://localhost:9001',
      issuer: 'http://localhost:9000',
      authInternalUrl: 'http://127.0.0.1:9000',
      printerUrl: 'http://localhost:3000',
      dataDir: '/tmp/drive-config-test',
      tokenValidation: { mode: 'jwt' },
      tokenAlgorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      webClient: { clientId: 'drive-web', clientSecret: WEB_SECRET, scope: 'photos.read' },
      recording: true,
      traceSecret: TRACE_SECRET,
      trustProxy: false,
    });
  });

  it('keeps the issuer public while connecting internally (docker-compose)', () => {
    const config = loadConfig({
      DATA_DIR: '/data',
      HOST: '0.0.0.0',
      AUTH_PUBLIC_URL: 'http://localhost:9000',
      AUTH_INTERNAL_URL: 'http://auth:9000',
      DRIVE_PUBLIC_URL: 'http://localhost:9001/',
    });
    assert.equal(config.issuer, 'http://localhost:9000');
    assert.equal(config.authInternalUrl, 'http://auth:9000');
    assert.equal(config.publicUrl, 'http://localhost:9001', 'no trailing slash: it is compared with aud byte for byte');
    assert.equal(config.host, '0.0.0.0');
  });

  it('validates tokens locally (jwt) by default, and reads no client secret for it', () => {
    // No DRIVE_CLIENT_SECRET and no SHARED_SECRETS_DIR: in jwt mode nothing is read or created.
    assert.deepEqual(loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_VALIDATION: 'jwt' }).tokenValidation, {
      mode: 'jwt',
    });
    assert.deepEqual(loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_VALIDATION: '' }).tokenValidation, { mode: 'jwt' });
  });

  it('DRIVE_TOKEN_ALGORITHMS narrows the asymmetric algorithms; none and HMAC stop the start-up (RFC 8725 §3.1)', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_ALGORITHMS: 'RS256, ES256,ES256' }).tokenAlgorithms, [
      'RS256',
      'ES256',
    ]);
    assert.deepEqual(loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_ALGORITHMS: ' ' }).tokenAlgorithms.length, 10);
    for (const bad of ['none', 'HS256', 'RS256,HS512', 'es256', ',']) {
      assert.throws(
        () => loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_ALGORITHMS: bad }),
        (err: unknown) =>
          err instanceof ConfigError && /DRIVE_TOKEN_ALGORITHMS may list only asymmetric/.test(err.message),
        bad,
      );
    }
  });

  it('a client secret of 32 characters (another authorization server issued it) is accepted with a warning (issue 17)', () => {
    const warnings: string[] = [];
    const config = loadConfigFrom(
      {
        DATA_DIR: '/tmp/x',
        DRIVE_WEB_CLIENT_SECRET: 'd'.repeat(32),
        DRIVE_TOKEN_VALIDATION: 'introspection',
        DRIVE_CLIENT_SECRET: 'i'.repeat(43),
      },
      (m) => warnings.push(m),
    );
    assert.equal(config.webClient.clientSecret, 'd'.repeat(32));
    assert.deepEqual(
      warnings.map((w) => w.split(' ')[0]),
      ['DRIVE_WEB_CLIENT_SECRET'],
    );
  });

  it('introspection mode: the drive signs in as its own client (DRIVE_CLIENT_ID, DRIVE_CLIENT_SECRET)', () => {
    const secret = 's'.repeat(43);
    assert.deepEqual(
      loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_VALIDATION: 'introspection', DRIVE_CLIENT_SECRET: secret })
        .tokenValidation,
      {
        mode: 'introspection',
        clientId: 'drive',
        clientSecret: secret,
      },
    );
    const custom = loadConfig({
      DATA_DIR: '/tmp/x',
      DRIVE_TOKEN_VALIDATION: 'introspection',
      DRIVE_CLIENT_ID: 'drive-2',
      DRIVE_CLIENT_SECRET: secret,
    });
    assert.equal(custom.tokenValidation.mode === 'introspection' && custom.tokenValidation.clientId, 'drive-2');
  });

  it('refuses an unknown validation mode or a weak secret, naming the variable', () => {
    for (const mode of ['JWT', 'introspect', 'none', 'jwt ']) {
      assert.throws(
        () => loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_VALIDATION: mode }),
        (err: unknown) =>
          err instanceof ConfigError &&
          /DRIVE_TOKEN_VALIDATION must be one of "jwt" or "introspection"/.test(err.message),
        mode,
      );
    }
    assert.throws(
      () => loadConfig({ DATA_DIR: '/tmp/x', DRIVE_TOKEN_VALIDATION: 'introspection', DRIVE_CLIENT_SECRET: 'short' }),
      (err: unknown) => err instanceof ConfigError && /DRIVE_CLIENT_SECRET/.test(err.message),
    );
  });

  it("Drive's own web app: client drive-web with DRIVE_WEB_CLIENT_SECRET (checked), SESSION_SECRET only when set", () => {
    const config = loadConfig({ DATA_DIR: '/tmp/x', SESSION_SECRET: 's'.repeat(40) });
    assert.equal(config.webClient.clientSecret, WEB_SECRET);
    assert.equal(config.sessionSecret, 's'.repeat(40));
    assert.equal('sessionSecret' in loadConfig({ DATA_DIR: '/tmp/x' }), false);
    assert.throws(
      () => loadConfig({ DATA_DIR: '/tmp/x', DRIVE_WEB_CLIENT_SECRET: 'short' }),
      (err: unknown) => err instanceof ConfigError && /DRIVE_WEB_CLIENT_SECRET/.test(err.message),
    );
  });

  it('names the variable that is wrong', () => {
    assert.throws(
      () => loadConfig({ DRIVE_PORT: 'ninety' }),
      (err: unknown) => err instanceof ConfigError && /DRIVE_PORT/.test(err.message),
    );
    assert.throws(
      () => loadConfig({ AUTH_INTERNAL_URL: 'auth:9000' }),
      (err: unknown) => err instanceof ConfigError && /AUTH_INTERNAL_URL/.test(err.message),
    );
  });
});
