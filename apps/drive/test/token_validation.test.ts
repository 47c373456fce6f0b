/**
 * Step 8: the drive verifies the token. RFC 9068 §4 (validating JWT access tokens), RFC 8725 (JWT BCP),
 * RFC 6750 §3.1 (invalid_token, insufficient_scope).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { base64url, createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { generateSigningKey, importSigningKey } from '@oauth-demo/tokens';
import {
  type Authority,
  DRIVE_URL,
  get,
  ISSUER,
  type RunningDrive,
  startDrive,
  startTrustingDrive,
  tokenFrom,
} from './helpers.js';

function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const encode = (part: Record<string, unknown>) => base64url.encode(JSON.stringify(part));
  return `${encode(header)}.${encode(payload)}.`;
}

function validClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    sub: 'alice',
    aud: DRIVE_URL,
    client_id: 'photo-printer',
    scope: 'photos.read',
    iat: now,
    exp: now + 300,
    jti: 'test',
  };
}

describe('Access token validation (RFC 9068 §4)', () => {
  let authority: Authority;
  let drive: RunningDrive;

  before(async () => {
    ({ authority, drive } = await startTrustingDrive());
  });
  after(() => drive.stop());

  /** 401 invalid_token (RFC 6750 §3.1); `reason`, when given, must be in error_description (the inspector's claims editor shows it). */
  async function assertInvalidToken(token: string, why: string, reason?: RegExp): Promise<void> {
    const res = await get(`${drive.url}/api/photos`, token);
    assert.equal(res.status, 401, why);
    const challenge = res.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer realm="drive", error="invalid_token"/, why);
    assert.match(challenge, new RegExp(`resource_metadata="${DRIVE_URL}/\\.well-known/oauth-protected-resource"`), why);
    const body = (await res.json()) as { error: string; error_description?: string };
    assert.equal(body.error, 'invalid_token', why);
    assert.equal(typeof body.error_description, 'string', why);
    if (reason) {
      assert.match(body.error_description ?? '', reason, why);
      assert.match(challenge, reason, `${why}: the same reason in the challenge`);
    }
  }

  it('accepts a valid token (the baseline for every refusal below)', async () => {
    const res = await get(`${drive.url}/api/photos`, await authority.token());
    assert.equal(res.status, 200);
  });

  it('refuses garbage', async () => {
    await assertInvalidToken('not-a-jwt', 'garbage');
    await assertInvalidToken('a.b.c', 'three garbage parts');
  });

  it('refuses an expired token (beyond the small clock skew)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertInvalidToken(await authority.token({ now: now - 3600, expiresIn: 600 }), 'expired');
  });

  it('refuses a token not yet valid (nbf in the future)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ ...validClaims(), nbf: now + 3600 })
      .setProtectedHeader({ alg: 'ES256', kid: authority.key.kid, typ: 'at+jwt' })
      .sign(authority.key.privateKey);
    await assertInvalidToken(token, 'nbf in the future');
  });

  it('refuses a token for another resource server (aud)', async () => {
    await assertInvalidToken(await authority.token({ aud: 'http://other-api.test' }), 'wrong aud');
    // Same host, other port: still another resource.
    await assertInvalidToken(await authority.token({ aud: 'http://drive.test:9002' }), 'aud on another port');
  });

  it('refuses a token from another issuer (iss), even signed with the trusted key', async () => {
    await assertInvalidToken(await authority.token({ iss: 'http://evil.test' }), 'wrong iss');
    await assertInvalidToken(
      await authority.token({ iss: `${ISSUER}/` }),
      'iss with a trailing slash is not the same issuer',
    );
  });

  it('refuses alg "none" (RFC 8725 §2.1)', async () => {
    const notAccepted = /algorithm this resource server does not accept/;
    await assertInvalidToken(unsignedToken({ alg: 'none', typ: 'at+jwt' }, validClaims()), 'alg none', notAccepted);
    await assertInvalidToken(
      unsignedToken({ alg: 'none', typ: 'at+jwt', kid: authority.key.kid }, validClaims()),
      'alg none with a known kid',
      notAccepted,
    );
  });

  it('refuses a token signed by a foreign key, with its own kid or with ours', async () => {
    const foreign = await importSigningKey((await generateSigningKey()).privateJwk);
    await assertInvalidToken(
      await tokenFrom(foreign),
      'foreign key, unknown kid',
      /signed with a key the authorization server does not publish/,
    );
    const posing = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'ES256', kid: authority.key.kid, typ: 'at+jwt' })
      .sign(foreign.privateKey);
    await assertInvalidToken(posing, 'foreign key posing as our kid', /signature is not valid/);
  });

  it('refuses HMAC signed with the public key (algorithm confusion, RFC 8725 §2.1)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(authority.key.publicJwk));
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid: authority.key.kid, typ: 'at+jwt' })
      .sign(secret);
    await assertInvalidToken(token, 'HS256 with the public key');
  });

  it('refuses a key carried in the token itself (jwk header, RFC 8725 §3.10)', async () => {
    const foreign = await importSigningKey((await generateSigningKey()).privateJwk);
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', jwk: foreign.publicJwk })
      .sign(foreign.privateKey);
    await assertInvalidToken(token, 'embedded jwk');
  });

  it('refuses a JWT that is not an access token (typ, RFC 9068 §4)', async () => {
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'ES256', kid: authority.key.kid, typ: 'JWT' })
      .sign(authority.key.privateKey);
    await assertInvalidToken(token, 'typ JWT (e.g. an ID token)');
  });

  it('refuses a token without a subject', async () => {
    const { sub: _sub, ...claims } = validClaims();
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: authority.key.kid, typ: 'at+jwt' })
      .sign(authority.key.privateKey);
    await assertInvalidToken(token, 'no sub');
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await authority.token({ sub: 'alice' })).split('.');
    const payload = base64url.encode(JSON.stringify({ ...validClaims(), sub: 'bob' }));
    await assertInvalidToken(`${header}.${payload}.${signature}`, 'payload swapped after signing');
  });

  it('a valid token without photos.read: 403 insufficient_scope naming the scope (RFC 6750 §3.1)', async () => {
    for (const scope of ['offline_access', 'photos.readonly', 'photos', '']) {
      const res = await get(`${drive.url}/api/photos`, await authority.token({ scope }));
      assert.equal(res.status, 403, `scope "${scope}"`);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="drive", error="insufficient_scope"/);
      assert.match(challenge, /scope="photos\.read"/);
      assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
    }
  });

  it('photos.read among other scopes is enough', async () => {
    const res = await get(`${drive.url}/api/photos`, await authority.token({ scope: 'offline_access photos.read' }));
    assert.equal(res.status, 200);
  });
});

/**
 * Issue 17: another authorization server signs RS256 (the common default). The drive accepts it with the
 * default allow-list, and refuses it when DRIVE_TOKEN_ALGORITHMS leaves RS256 out.
 */
describe('Access tokens of another authorization server (DRIVE_TOKEN_ALGORITHMS, RFC 8725 §3.1)', () => {
  async function rs256Token(): Promise<{ token: string; keys: ReturnType<typeof createLocalJWKSet> }> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const keys = createLocalJWKSet({
      keys: [{ ...(await exportJWK(publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }],
    });
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt' })
      .sign(privateKey);
    return { token, keys };
  }

  it('accepts an RS256 token by default', async () => {
    const { token, keys } = await rs256Token();
    const drive = await startDrive({ deps: { keys } });
    try {
      assert.equal((await get(`${drive.url}/api/photos`, token)).status, 200);
    } finally {
      await drive.stop();
    }
  });

  it('refuses it with invalid_token when DRIVE_TOKEN_ALGORITHMS lists only ES256', async () => {
    const { token, keys } = await rs256Token();
    const drive = await startDrive({ env: { DRIVE_TOKEN_ALGORITHMS: 'ES256' }, deps: { keys } });
    try {
      const res = await get(`${drive.url}/api/photos`, token);
      assert.equal(res.status, 401);
      assert.match(
        res.headers.get('www-authenticate') ?? '',
        /error="invalid_token", error_description="The token is signed with an algorithm this resource server does not accept\."/,
      );
    } finally {
      await drive.stop();
    }
  });
});
