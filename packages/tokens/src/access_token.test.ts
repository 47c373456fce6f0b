import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { base64url, createLocalJWKSet, decodeProtectedHeader, SignJWT, generateKeyPair, type JWTVerifyGetKey } from 'jose';
import { issueAccessToken, verifyAccessToken, type IssueAccessTokenInput } from './access_token.js';
import { InsufficientScope, InvalidToken, TemporarilyUnavailable } from './errors.js';
import { generateSigningKey, importSigningKey, type SigningKey } from './keys.js';

const ISSUER = 'http://localhost:9000';
const AUDIENCE = 'http://localhost:9001';
let key: SigningKey;
let keys: JWTVerifyGetKey;

const input: IssueAccessTokenInput = {
  issuer: ISSUER,
  subject: 'alice',
  audience: AUDIENCE,
  clientId: 'photo-printer',
  scope: 'photos.read',
  expiresIn: 300,
};

function verify(token: string, extra: { requiredScope?: string; audience?: string; keys?: JWTVerifyGetKey } = {}) {
  return verifyAccessToken(token, { issuer: ISSUER, audience: extra.audience ?? AUDIENCE, keys: extra.keys ?? keys, ...(extra.requiredScope ? { requiredScope: extra.requiredScope } : {}) });
}

/** Re-sign arbitrary header and claims with our real key, to test each check on its own. */
async function forge(header: Record<string, unknown>, claims: Record<string, unknown>) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
}

describe('JWT access tokens RFC 9068', () => {
  before(async () => {
    const stored = await generateSigningKey();
    key = await importSigningKey(stored.privateJwk);
    keys = createLocalJWKSet({ keys: [stored.publicJwk] });
  });

  it('issues a token with the §2.2 claims and typ at+jwt, and verifies it', async () => {
    const { token, claims } = await issueAccessToken(key, input);
    const header = decodeProtectedHeader(token);
    assert.deepEqual(header, { alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
    const verified = await verify(token, { requiredScope: 'photos.read' });
    assert.deepEqual(verified, claims);
    assert.equal(verified.exp - verified.iat, 300);
    for (const claim of ['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'exp', 'jti']) assert.ok(claim in verified, claim);
  });

  it('keeps the kid across an export and re-import of the key (restarts)', async () => {
    const stored = await generateSigningKey();
    const a = await importSigningKey(stored.privateJwk);
    const b = await importSigningKey(JSON.parse(JSON.stringify(stored.privateJwk)));
    assert.equal(a.kid, b.kid);
    assert.equal(a.kid, stored.kid);
    assert.equal('d' in a.publicJwk, false, 'the public JWK must not carry the private part');
  });

  it('refuses alg none (RFC 8725 §3.1)', async () => {
    const { token } = await issueAccessToken(key, input);
    const [, payload] = token.split('.');
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`;
    await assert.rejects(verify(none), InvalidToken);
  });

  it('refuses HMAC signed with the public key as the secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const { claims } = await issueAccessToken(key, input);
    const hs = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' }).sign(secret);
    await assert.rejects(verify(hs), InvalidToken);
  });

  it('refuses a wrong audience', async () => {
    const { token } = await issueAccessToken(key, { ...input, audience: 'http://evil.example' });
    await assert.rejects(verify(token), (err: unknown) => err instanceof InvalidToken && /aud/.test(err.message));
  });

  it('refuses a wrong issuer', async () => {
    const { token } = await issueAccessToken(key, { ...input, issuer: 'http://localhost:9999' });
    await assert.rejects(verify(token), (err: unknown) => err instanceof InvalidToken && /iss/.test(err.message));
  });

  it('refuses a wrong typ: an ordinary JWT is not an access token (RFC 9068 §4)', async () => {
    const { claims } = await issueAccessToken(key, input);
    await assert.rejects(verify(await forge({ typ: 'JWT' }, { ...claims })), InvalidToken);
    await assert.rejects(verify(await forge({ typ: undefined }, { ...claims })), InvalidToken);
  });

  it('refuses an expired token, allowing only a few seconds of skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token: expired } = await issueAccessToken(key, { ...input, now: now - 400 });
    await assert.rejects(verify(expired), (err: unknown) => err instanceof InvalidToken && /expired/.test(err.message));
    const { token: justExpired } = await issueAccessToken(key, { ...input, expiresIn: 1, now: now - 3 });
    assert.equal((await verify(justExpired)).sub, 'alice');
  });

  it('refuses a token signed by a foreign key, even with our kid', async () => {
    const foreign = await generateKeyPair('ES256');
    const { claims } = await issueAccessToken(key, input);
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }).sign(foreign.privateKey);
    await assert.rejects(verify(token), InvalidToken);
  });

  it('refuses an unknown kid', async () => {
    const { claims } = await issueAccessToken(key, input);
    await assert.rejects(verify(await forge({ kid: 'not-our-key' }, { ...claims })), InvalidToken);
  });

  it('refuses a token that brings its own key (embedded jwk or jku)', async () => {
    const { claims } = await issueAccessToken(key, input);
    await assert.rejects(verify(await forge({ jwk: key.publicJwk }, { ...claims })), /must not carry "jwk"/);
    await assert.rejects(verify(await forge({ jku: 'http://evil.example/jwks' }, { ...claims })), /must not carry "jku"/);
  });

  it('refuses a token missing client_id or jti', async () => {
    const { claims } = await issueAccessToken(key, input);
    const { client_id: _c, ...noClient } = claims;
    const { jti: _j, ...noJti } = claims;
    await assert.rejects(verify(await forge({}, noClient)), InvalidToken);
    await assert.rejects(verify(await forge({}, noJti)), InvalidToken);
  });

  it('refuses a tampered payload', async () => {
    const { token } = await issueAccessToken(key, input);
    const [h, , s] = token.split('.');
    const payload = base64url.encode(JSON.stringify({ ...(await verify(token)), sub: 'bob' }));
    await assert.rejects(verify(`${h}.${payload}.${s}`), InvalidToken);
  });

  it('answers insufficient_scope with the scope needed (RFC 6750 §3.1)', async () => {
    const { token } = await issueAccessToken(key, { ...input, scope: 'offline_access' });
    await assert.rejects(verify(token, { requiredScope: 'photos.read' }), (err: unknown) => err instanceof InsufficientScope && err.requiredScope === 'photos.read');
  });

  it('refuses access, never grants it, when the key set cannot be fetched', async () => {
    const { token } = await issueAccessToken(key, input);
    const unreachable: JWTVerifyGetKey = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    await assert.rejects(verify(token, { keys: unreachable }), TemporarilyUnavailable);
  });

  it('refuses garbage', async () => {
    await assert.rejects(verify('not.a.jwt'), InvalidToken);
    await assert.rejects(verify(''), InvalidToken);
  });
});
