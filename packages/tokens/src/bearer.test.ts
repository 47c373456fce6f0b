import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBearerChallenge, parseBearerAuthorization } from './bearer.js';
import { buildBasicAuthorization, hashClientSecret, parseBasicAuthorization, verifyClientSecret, generateClientSecret } from './client_auth.js';
import { InsufficientScope, InvalidClient, InvalidRequest, InvalidToken } from './errors.js';
import { optionalParam } from './params.js';
import { parseScope } from './scope.js';

describe('Bearer tokens RFC 6750', () => {
  it('reads the token from the Authorization header, scheme case-insensitive (§2.1)', () => {
    assert.equal(parseBearerAuthorization('Bearer abc.def-ghi_'), 'abc.def-ghi_');
    assert.equal(parseBearerAuthorization('bearer abc'), 'abc');
  });
  it('treats no header or another scheme as no token at all (§3.1)', () => {
    assert.equal(parseBearerAuthorization(undefined), null);
    assert.equal(parseBearerAuthorization('Basic Zm9vOmJhcg=='), null);
  });
  it('answers invalid_request for a malformed Bearer credential (§3.1)', () => {
    assert.throws(() => parseBearerAuthorization('Bearer'), InvalidRequest);
    assert.throws(() => parseBearerAuthorization('Bearer a b'), InvalidRequest);
    assert.throws(() => parseBearerAuthorization('Bearer "quoted"'), InvalidRequest);
  });
  it('builds a bare challenge with only the realm when no token was sent (§3)', () => {
    assert.equal(buildBearerChallenge({ realm: 'drive' }), 'Bearer realm="drive"');
  });
  it('builds challenges with error, description and scope (§3)', () => {
    assert.equal(buildBearerChallenge({ realm: 'drive', error: new InvalidToken('expired "now"') }), 'Bearer realm="drive", error="invalid_token", error_description="expired now"');
    assert.match(buildBearerChallenge({ realm: 'drive', error: new InsufficientScope('photos.read') }), /error="insufficient_scope", error_description="[^"]+", scope="photos.read"$/);
  });
});

describe('Client authentication RFC 6749 §2.3.1', () => {
  it('round-trips Basic credentials with form-urlencoding of reserved characters', () => {
    const header = buildBasicAuthorization('my client:1', 'se:cr+et/%');
    assert.deepEqual(parseBasicAuthorization(header), { clientId: 'my client:1', clientSecret: 'se:cr+et/%' });
  });
  it('ignores other schemes and rejects malformed Basic with invalid_client and a Basic challenge', () => {
    assert.equal(parseBasicAuthorization('Bearer x'), null);
    for (const bad of ['Basic', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`, `Basic ${Buffer.from('a:%zz').toString('base64')}`]) {
      assert.throws(() => parseBasicAuthorization(bad), (err: unknown) => err instanceof InvalidClient && err.usedBasic && err.status === 401, bad);
    }
  });
  it('stores secrets hashed and compares them', () => {
    const secret = generateClientSecret();
    assert.equal(secret.length, 43);
    const hash = hashClientSecret(secret);
    assert.notEqual(hash, secret);
    assert.equal(verifyClientSecret(secret, hash), true);
    assert.equal(verifyClientSecret(`${secret}x`, hash), false);
  });
});

describe('Parameters RFC 6749 §3.1 and scope §3.3', () => {
  it('refuses repeated parameters', () => {
    assert.throws(() => optionalParam({ state: ['a', 'b'] }, 'state'), /repeated/);
    assert.equal(optionalParam({ state: '' }, 'state'), undefined);
  });
  it('parses scopes and refuses forbidden characters', () => {
    assert.deepEqual(parseScope('photos.read  photos.read offline_access'), ['photos.read', 'offline_access']);
    assert.equal(parseScope('photos"read'), null);
  });
});
