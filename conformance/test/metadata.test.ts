/**
 * Discovery: what the auth server (RFC 8414) and the drive (RFC 9728) publish about themselves, and that
 * what they publish is what they do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { header, json, raw } from '../support/http.js';
import { DRIVE_RESOURCE, INTERNAL, ISSUER } from '../support/stack.js';

interface AsMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  code_challenge_methods_supported?: string[];
  response_types_supported: string[];
  authorization_response_iss_parameter_supported?: boolean;
  token_endpoint_auth_methods_supported?: string[];
  [name: string]: unknown;
}

async function asMetadata(): Promise<AsMetadata> {
  const res = await raw(INTERNAL.auth, 'GET', '/.well-known/oauth-authorization-server');
  assert.equal(res.status, 200);
  return json<AsMetadata>(res);
}

describe('docs/security.md §M1, §M2, §M3: authorization server metadata (RFC 8414) and keys (RFC 7517)', () => {
  it('RFC 8414 §3.3: the issuer in the metadata is exactly the public URL the metadata was fetched for', async () => {
    const m = await asMetadata();
    assert.equal(m.issuer, ISSUER);
    assert.doesNotMatch(m.issuer, /[?#]|\/$/, 'RFC 8414 §2: no query, no fragment');
  });

  it('RFC 8414 §2: every endpoint is an absolute URL under the issuer, and the JWKS is served where jwks_uri says', async () => {
    const m = await asMetadata();
    for (const name of [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'introspection_endpoint',
      'revocation_endpoint',
    ] as const) {
      const value = m[name];
      assert.equal(typeof value, 'string', `${name} is published`);
      assert.ok(String(value).startsWith(`${ISSUER}/`), `${name} = ${String(value)}`);
    }
    const jwks = await raw(INTERNAL.auth, 'GET', new URL(m.jwks_uri).pathname);
    assert.equal(jwks.status, 200);
    assert.match(header(jwks, 'content-type') ?? '', /application\/(jwk-set\+)?json/);
  });

  it('RFC 7636 §4.3 + RFC 9700 §2.1.1: PKCE with S256 only is advertised (never plain)', async () => {
    const m = await asMetadata();
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
  });

  it('RFC 9207 §3: authorization_response_iss_parameter_supported is true', async () => {
    const m = await asMetadata();
    assert.equal(m.authorization_response_iss_parameter_supported, true);
  });

  it('RFC 8414 §2: the authorization code response type is offered', async () => {
    const m = await asMetadata();
    assert.ok(m.response_types_supported.includes('code'));
    assert.ok(!m.response_types_supported.includes('code token'), 'hybrid/implicit mixes are not offered');
  });

  it('RFC 7517 §4 + RFC 9068 §4: the JWKS holds public asymmetric signing keys only, each with kid, alg and use', async () => {
    const m = await asMetadata();
    const jwks = json<{ keys: Record<string, unknown>[] }>(
      await raw(INTERNAL.auth, 'GET', new URL(m.jwks_uri).pathname),
    );
    assert.ok(Array.isArray(jwks.keys) && jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        assert.equal(key[secret], undefined, `the JWKS publishes the private/secret member "${secret}"`);
      assert.ok(key.kty === 'EC' || key.kty === 'RSA' || key.kty === 'OKP', `kty ${String(key.kty)} is asymmetric`);
      assert.equal(typeof key.kid, 'string');
      assert.ok(typeof key.alg === 'string' && !/^(none|HS)/i.test(key.alg), `alg ${String(key.alg)}`);
      assert.equal(key.use, 'sig');
    }
    const kids = jwks.keys.map((k) => k.kid);
    assert.equal(new Set(kids).size, kids.length, 'kids are unique');
  });

  it('RFC 8414 §3: metadata and JWKS are machine endpoints: JSON, no session cookie', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/jwks.json']) {
      const res = await raw(INTERNAL.auth, 'GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.headers['set-cookie'], undefined, `${path} sets a cookie`);
    }
  });
});

describe('docs/security.md §M4: protected resource metadata (RFC 9728)', () => {
  async function prMetadata() {
    const res = await raw(INTERNAL.drive, 'GET', '/.well-known/oauth-protected-resource');
    assert.equal(res.status, 200);
    return json<{
      resource: string;
      authorization_servers: string[];
      bearer_methods_supported?: string[];
      scopes_supported?: string[];
    }>(res);
  }

  it('RFC 9728 §3.3: resource is exactly the drive public URL, and it names our issuer as its authorization server', async () => {
    const m = await prMetadata();
    assert.equal(m.resource, DRIVE_RESOURCE);
    assert.deepEqual(m.authorization_servers, [ISSUER]);
  });

  it('RFC 9728 §2 + RFC 6750 §2.1: bearer tokens are accepted in the Authorization header only', async () => {
    const m = await prMetadata();
    assert.deepEqual(m.bearer_methods_supported, ['header']);
    assert.ok(m.scopes_supported?.includes('photos.read'));
  });

  it('RFC 9728 §5.1: the 401 challenge of the API points at this metadata', async () => {
    const res = await raw(INTERNAL.drive, 'GET', '/api/photos');
    assert.equal(res.status, 401);
    assert.match(
      header(res, 'www-authenticate') ?? '',
      new RegExp(`resource_metadata="${DRIVE_RESOURCE}/\\.well-known/oauth-protected-resource"`),
    );
  });
});
