import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBearerChallenge, parseBearerAuthorization, parseBearerChallenge } from './bearer.js';
import {
  buildBasicAuthorization,
  hashClientSecret,
  parseBasicAuthorization,
  verifyClientSecret,
  generateClientSecret,
} from './client_auth.js';
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
    assert.equal(
      buildBearerChallenge({ realm: 'drive', error: new InvalidToken('expired "now"') }),
      'Bearer realm="drive", error="invalid_token", error_description="expired now"',
    );
    assert.match(
      buildBearerChallenge({ realm: 'drive', error: new InsufficientScope('photos.read') }),
      /error="insufficient_scope", error_description="[^"]+", scope="photos.read"$/,
    );
  });
});

describe('Client authentication RFC 6749 §2.3.1', () => {
  it('round-trips Basic credentials with form-urlencoding of reserved characters', () => {
    const header = buildBasicAuthorization('my client:1', 'se:cr+et/%');
    assert.deepEqual(parseBasicAuthorization(header), { clientId: 'my client:1', clientSecret: 'se:cr+et/%' });
  });
  it('ignores other schemes and rejects malformed Basic with invalid_client and a Basic challenge', () => {
    assert.equal(parseBasicAuthorization('Bearer x'), null);
    for (const bad of [
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
      `Basic ${Buffer.from('a:%zz').toString('base64')}`,
    ]) {
      assert.throws(
        () => parseBasicAuthorization(bad),
        (err: unknown) => err instanceof InvalidClient && err.usedBasic && err.status === 401,
        bad,
      );
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

describe('Reading a Bearer challenge, RFC 6750 §3 (what the client learns from a refusal)', () => {
  it('reads error, error_description, scope and resource_metadata in any order', () => {
    assert.deepEqual(
      parseBearerChallenge(
        'Bearer realm="drive", error="invalid_token", error_description="The access token expired."',
      ),
      {
        realm: 'drive',
        error: 'invalid_token',
        error_description: 'The access token expired.',
      },
    );
    assert.deepEqual(
      parseBearerChallenge(
        'Bearer scope="photos.read", error="insufficient_scope", resource_metadata="http://d/.well-known/oauth-protected-resource"',
      ),
      {
        scope: 'photos.read',
        error: 'insufficient_scope',
        resource_metadata: 'http://d/.well-known/oauth-protected-resource',
      },
    );
  });

  it('reads what our own resource server writes (round trip with buildBearerChallenge)', () => {
    const header = buildBearerChallenge({
      realm: 'drive',
      error: new InvalidToken('The token is signed with an algorithm this resource server does not accept.'),
    });
    assert.deepEqual(parseBearerChallenge(header), {
      realm: 'drive',
      error: 'invalid_token',
      error_description: 'The token is signed with an algorithm this resource server does not accept.',
    });
    const scoped = buildBearerChallenge({ realm: 'drive', error: new InsufficientScope('photos.read') });
    assert.equal(parseBearerChallenge(scoped)?.scope, 'photos.read');
  });

  it('accepts unquoted values, any case of the scheme and parameter names, and spaces around "="', () => {
    assert.deepEqual(parseBearerChallenge('bearer ERROR=invalid_token ,  Error_Description = "no"'), {
      error: 'invalid_token',
      error_description: 'no',
    });
  });

  it('undoes backslash escapes in quoted strings and keeps commas inside them', () => {
    assert.deepEqual(
      parseBearerChallenge('Bearer error="invalid_token", error_description="a \\"quoted\\" word, and a comma"'),
      {
        error: 'invalid_token',
        error_description: 'a "quoted" word, and a comma',
      },
    );
  });

  it("finds the Bearer challenge among others, and ignores the others' parameters", () => {
    assert.deepEqual(
      parseBearerChallenge('Basic realm="x", error="not-mine", Bearer realm="api", error="invalid_token"'),
      { realm: 'api', error: 'invalid_token' },
    );
    assert.deepEqual(parseBearerChallenge('Negotiate abc==, Bearer error="invalid_token"'), { error: 'invalid_token' });
    assert.deepEqual(parseBearerChallenge(['DPoP algs="ES256"', 'Bearer error="insufficient_scope"']), {
      error: 'insufficient_scope',
    });
    assert.deepEqual(parseBearerChallenge('Bearer error="invalid_token", Basic realm="x", error="other"'), {
      error: 'invalid_token',
    });
  });

  it('a bare challenge has no error; no Bearer challenge is null; garbage never throws', () => {
    assert.deepEqual(parseBearerChallenge('Bearer'), {});
    assert.deepEqual(parseBearerChallenge('Bearer realm="drive"'), { realm: 'drive' });
    assert.equal(parseBearerChallenge('Basic realm="x"'), null);
    assert.equal(parseBearerChallenge(''), null);
    assert.equal(parseBearerChallenge(undefined), null);
    for (const junk of ['"', 'Bearer ="x"', 'Bearer error="unterminated', '===', 'Bearer error=', '\u0000Bearer']) {
      assert.doesNotThrow(() => parseBearerChallenge(junk), junk);
    }
    assert.deepEqual(parseBearerChallenge('Bearer error="unterminated'), {});
  });

  it('caps a long description', () => {
    const long = parseBearerChallenge(`Bearer error_description="${'x'.repeat(5000)}"`);
    assert.equal(long?.error_description?.length, 500);
  });
});
