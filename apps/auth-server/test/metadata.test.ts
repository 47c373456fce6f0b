import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAuthServer, type TestServer } from './helpers.js';

describe('Authorization Server Metadata RFC 8414 and JWKS', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  it('RFC 8414 §3.2: publishes metadata whose issuer is the configured public URL', async () => {
    const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /application\/json/);
    const metadata = (await res.json()) as Record<string, unknown>;
    assert.equal(metadata.issuer, server.config.issuer);
    assert.equal(metadata.authorization_endpoint, `${server.config.issuer}/authorize`);
    assert.equal(metadata.token_endpoint, `${server.config.issuer}/token`);
    assert.equal(metadata.jwks_uri, `${server.config.issuer}/.well-known/jwks.json`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.response_types_supported, ['code', 'token']);
    assert.deepEqual(metadata.prompt_values_supported, ['none', 'login', 'consent', 'select_account']);
    assert.equal(metadata.device_authorization_endpoint, `${server.config.issuer}/device_authorization`);
    assert.ok((metadata.grant_types_supported as string[]).includes('client_credentials'));
    assert.ok((metadata.token_endpoint_auth_methods_supported as string[]).includes('client_secret_post'));
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    assert.ok((metadata.scopes_supported as string[]).includes('photos.read'));
    assert.ok((metadata.token_endpoint_auth_methods_supported as string[]).includes('client_secret_basic'));
    // Not standard (RFC 8414 §2 allows more): the code lifetime, for the printer's step-through pauses.
    assert.equal(metadata.demo_authorization_code_lifetime, server.config.lifetimes.authorizationCode);
  });

  it('publishes AUTHORIZATION_CODE_TTL as demo_authorization_code_lifetime (seconds)', async () => {
    const other = await startAuthServer({ env: { AUTHORIZATION_CODE_TTL: '17' } });
    try {
      const metadata = (await (await fetch(`${other.url}/.well-known/oauth-authorization-server`)).json()) as {
        demo_authorization_code_lifetime?: unknown;
      };
      assert.equal(metadata.demo_authorization_code_lifetime, 17);
    } finally {
      await other.destroy();
    }
  });

  it('RFC 7517: the JWKS holds the public signing key only, with kid and alg', async () => {
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, string>[];
    };
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key!.kty, 'EC');
    assert.equal(key!.alg, 'ES256');
    assert.ok(key!.kid);
    assert.equal('d' in key!, false, 'the private part must never be published');
  });

  it('keeps the signing key (and its kid) across a restart', async () => {
    const before = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    await server.stop();
    server = await startAuthServer({ dataDir: server.dataDir });
    const after = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    assert.deepEqual(after.keys, before.keys);
  });
});
