import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  base64url,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  importJWK,
  SignJWT,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { issueAccessToken, verifyAccessToken, type IssueAccessTokenInput } from './access_token.js';
import { InsufficientScope, InvalidToken, TemporarilyUnavailable } from './errors.js';
import {
  ACCESS_TOKEN_ALGORITHMS,
  generateSigningKey,
  importSigningKey,
  type AccessTokenAlgorithm,
  type SigningKey,
} from './keys.js';

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

function verify(
  token: string,
  extra: {
    requiredScope?: string;
    audience?: string;
    keys?: JWTVerifyGetKey;
    algorithms?: readonly AccessTokenAlgorithm[];
  } = {},
) {
  return verifyAccessToken(token, {
    issuer: ISSUER,
    audience: extra.audience ?? AUDIENCE,
    keys: extra.keys ?? keys,
    ...(extra.requiredScope ? { requiredScope: extra.requiredScope } : {}),
    ...(extra.algorithms ? { algorithms: extra.algorithms } : {}),
  });
}

/** Re-sign arbitrary header and claims with our real key, to test each check on its own. */
async function forge(header: Record<string, unknown>, claims: Record<string, unknown>) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header })
    .sign(key.privateKey);
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
    for (const claim of ['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'exp', 'jti'])
      assert.ok(claim in verified, claim);
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
    const hs = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
      .sign(secret);
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
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
      .sign(foreign.privateKey);
    await assert.rejects(verify(token), InvalidToken);
  });

  it('refuses an unknown kid', async () => {
    const { claims } = await issueAccessToken(key, input);
    await assert.rejects(verify(await forge({ kid: 'not-our-key' }, { ...claims })), InvalidToken);
  });

  it('refuses a token that brings its own key (embedded jwk or jku)', async () => {
    const { claims } = await issueAccessToken(key, input);
    await assert.rejects(verify(await forge({ jwk: key.publicJwk }, { ...claims })), /must not carry "jwk"/);
    await assert.rejects(
      verify(await forge({ jku: 'http://evil.example/jwks' }, { ...claims })),
      /must not carry "jku"/,
    );
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
    await assert.rejects(
      verify(token, { requiredScope: 'photos.read' }),
      (err: unknown) => err instanceof InsufficientScope && err.requiredScope === 'photos.read',
    );
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

/**
 * Issue 17: tokens of another authorization server, signed with any asymmetric algorithm of the allow-list
 * (RS256 is the usual default), verify; `none`, HMAC, a key used with an algorithm not its own and an algorithm
 * outside the configured list do not.
 */
describe('access token algorithms (RFC 8725 §3.1)', () => {
  const claims = () => {
    const iat = Math.floor(Date.now() / 1000);
    return {
      iss: ISSUER,
      sub: 'alice',
      aud: AUDIENCE,
      client_id: 'printer-web',
      scope: 'photos.read',
      iat,
      exp: iat + 300,
      jti: `jti-${iat}-${Math.random()}`,
    };
  };
  const signers = new Map<AccessTokenAlgorithm, { privateKey: CryptoKey; publicJwk: JWK }>();
  let foreignKeys: JWTVerifyGetKey;
  let rsaPrivateJwk: JWK;

  before(async () => {
    // One RSA key pair serves the six RSA algorithms, published once per algorithm under its own kid and alg.
    // (WebCrypto binds a key to one algorithm, so the private half is imported again for each.)
    const rsa = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const rsaJwk = await exportJWK(rsa.publicKey);
    rsaPrivateJwk = await exportJWK(rsa.privateKey);
    const curves: Record<string, { privateKey: CryptoKey; publicKey: CryptoKey }> = {};
    for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA'] as const)
      curves[alg] = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
    for (const alg of ACCESS_TOKEN_ALGORITHMS) {
      const pair =
        alg.startsWith('RS') || alg.startsWith('PS')
          ? { privateKey: (await importJWK(rsaPrivateJwk, alg)) as CryptoKey, jwk: rsaJwk }
          : { privateKey: curves[alg]!.privateKey, jwk: await exportJWK(curves[alg]!.publicKey) };
      signers.set(alg, { privateKey: pair.privateKey, publicJwk: { ...pair.jwk, kid: `k-${alg}`, alg, use: 'sig' } });
    }
    foreignKeys = createLocalJWKSet({ keys: [...signers.values()].map((s) => s.publicJwk) });
  });

  const sign = (alg: string, privateKey: CryptoKey | Uint8Array, kid: string) =>
    new SignJWT(claims()).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(privateKey);

  it('exports the asymmetric algorithms only: no none, no HMAC', () => {
    assert.deepEqual(
      [...ACCESS_TOKEN_ALGORITHMS],
      ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    );
    for (const alg of ACCESS_TOKEN_ALGORITHMS) assert.doesNotMatch(alg, /^(none|HS)/i);
  });

  for (const alg of [
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ] as const) {
    it(`accepts a token signed ${alg} with the published ${alg} key`, async () => {
      const signer = signers.get(alg)!;
      const token = await sign(alg, signer.privateKey, `k-${alg}`);
      const verified = await verify(token, { keys: foreignKeys });
      assert.equal(verified.sub, 'alice');
      assert.equal(decodeProtectedHeader(token).alg, alg);
    });
  }

  it('refuses alg none with every algorithm allowed', async () => {
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'k-RS256' }))}.${base64url.encode(JSON.stringify(claims()))}.`;
    await assert.rejects(verify(none, { keys: foreignKeys }), InvalidToken);
  });

  it('refuses HS256 signed with a published public key as the secret (RSA and EC)', async () => {
    for (const kid of ['k-RS256', 'k-ES256']) {
      const publicJwk = [...signers.values()].find((s) => s.publicJwk.kid === kid)!.publicJwk;
      for (const secret of [JSON.stringify(publicJwk), String(publicJwk.n ?? publicJwk.x)]) {
        const hs = await sign('HS256', new TextEncoder().encode(secret), kid);
        await assert.rejects(
          verify(hs, { keys: foreignKeys }),
          (err: unknown) => err instanceof InvalidToken && /algorithm/.test(err.message),
        );
      }
    }
  });

  it('refuses HMAC even when a caller lists it', async () => {
    const hs = await sign('HS256', new TextEncoder().encode('x'.repeat(32)), 'k-RS256');
    await assert.rejects(
      verify(hs, { keys: foreignKeys, algorithms: ['HS256', 'RS256'] as unknown as AccessTokenAlgorithm[] }),
      InvalidToken,
    );
  });

  it('refuses a key of another type under a valid kid', async () => {
    // An RSA signature presented under the kid of the EC key, and an EC signature under the kid of an RSA key.
    const rs = await sign('RS256', signers.get('RS256')!.privateKey, 'k-ES256');
    await assert.rejects(verify(rs, { keys: foreignKeys }), InvalidToken);
    const es = await sign('ES256', signers.get('ES256')!.privateKey, 'k-RS256');
    await assert.rejects(verify(es, { keys: foreignKeys }), InvalidToken);
    // Same key type, another algorithm than the one the key is published for: PS256 with the RS256 key's kid.
    const ps = await sign('PS256', (await importJWK(rsaPrivateJwk, 'PS256')) as CryptoKey, 'k-RS256');
    await assert.rejects(verify(ps, { keys: foreignKeys }), InvalidToken);
  });

  it('refuses a key of another type under a valid kid when the JWKS names no alg (kty and crv decide)', async () => {
    const withoutAlg = createLocalJWKSet({
      keys: [...signers.values()].map(({ publicJwk: { alg: _alg, ...jwk } }) => jwk),
    });
    assert.equal(
      (await verify(await sign('ES384', signers.get('ES384')!.privateKey, 'k-ES384'), { keys: withoutAlg })).sub,
      'alice',
    );
    const rs = await sign('RS256', signers.get('RS256')!.privateKey, 'k-ES256');
    await assert.rejects(verify(rs, { keys: withoutAlg }), InvalidToken);
    // ES256 names P-256: a P-384 key under its own kid is not used for it.
    const es = await sign('ES384', signers.get('ES384')!.privateKey, 'k-ES384');
    const [, payload, signature] = es.split('.');
    const relabelled = `${base64url.encode(JSON.stringify({ alg: 'ES256', kid: 'k-ES384', typ: 'at+jwt' }))}.${payload}.${signature}`;
    await assert.rejects(verify(relabelled, { keys: withoutAlg }), InvalidToken);
  });

  it('refuses an algorithm not in the configured list', async () => {
    const token = await sign('RS256', signers.get('RS256')!.privateKey, 'k-RS256');
    assert.equal((await verify(token, { keys: foreignKeys, algorithms: ['RS256'] })).sub, 'alice');
    await assert.rejects(
      verify(token, { keys: foreignKeys, algorithms: ['ES256', 'EdDSA'] }),
      (err: unknown) =>
        err instanceof InvalidToken && /algorithm this resource server does not accept/.test(err.message),
    );
  });
});
