import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import {
  type AccessTokenClaims,
  generateSigningKey,
  importSigningKey,
  InsufficientScope,
  InvalidToken,
  issueAccessToken,
  TemporarilyUnavailable,
  verifyAccessToken,
} from '@oauth-demo/tokens';
import type { TokenValidator } from '../src/token_validator.js';
import { VerifiedTokenCache, withVerifiedTokenCache } from '../src/verified_token_cache.js';
import { get, makeAuthority, startDrive } from './helpers.js';

const T0 = 1_800_000_000_000; // ms

function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  return {
    iss: 'http://auth',
    sub: 'alice',
    aud: 'http://drive',
    client_id: 'photo-printer',
    scope: 'photos.read offline_access',
    iat: T0 / 1000,
    exp: T0 / 1000 + 600,
    jti: 'j1',
    ...overrides,
  };
}

/** A validator that counts its calls and answers from a script. */
function fakeValidator(
  answer: (token: string, scope: string) => AccessTokenClaims | Error,
): TokenValidator & { calls: number } {
  const v = {
    calls: 0,
    async validate(token: string, scope: string): Promise<AccessTokenClaims> {
      v.calls++;
      const a = answer(token, scope);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return v;
}

describe('verified-token cache', () => {
  it('verifies a token once, then answers the same claims from the cache', async () => {
    const inner = fakeValidator(() => claims());
    const v = withVerifiedTokenCache(inner, { now: () => T0 });
    const a = await v.validate('tok', 'photos.read');
    const b = await v.validate('tok', 'photos.read');
    assert.equal(inner.calls, 1);
    assert.deepEqual(b, a);
    assert.equal(b.sub, 'alice');
  });

  it('never caches a failure: every failing request is checked in full, with the validator’s own error', async () => {
    for (const error of [
      new InvalidToken('bad signature'),
      new TemporarilyUnavailable('keys unavailable'),
      new InsufficientScope('photos.read'),
    ]) {
      const inner = fakeValidator(() => error);
      const v = withVerifiedTokenCache(inner, { now: () => T0 });
      await assert.rejects(v.validate('tok', 'photos.read'), (e) => e === error);
      await assert.rejects(v.validate('tok', 'photos.read'), (e) => e === error);
      assert.equal(inner.calls, 2);
      assert.equal(v.cache.size, 0);
    }
  });

  it('a failure after a success (e.g. another token) does not evict or poison the good entry', async () => {
    const inner = fakeValidator((token) => (token === 'good' ? claims() : new InvalidToken('no')));
    const v = withVerifiedTokenCache(inner, { now: () => T0 });
    await v.validate('good', 'photos.read');
    await assert.rejects(v.validate('bad', 'photos.read'), InvalidToken);
    await v.validate('good', 'photos.read');
    assert.equal(inner.calls, 2);
  });

  it('expires an entry at the token’s exp, never later (no clock tolerance)', async () => {
    let now = T0;
    const inner = fakeValidator(() => claims({ exp: T0 / 1000 + 30 }));
    const v = withVerifiedTokenCache(inner, { now: () => now, maxAgeMs: 3_600_000 });
    await v.validate('tok', 'photos.read');
    now = T0 + 29_999;
    await v.validate('tok', 'photos.read');
    assert.equal(inner.calls, 1);
    now = T0 + 30_000; // exactly exp
    await v.validate('tok', 'photos.read');
    assert.equal(
      inner.calls,
      2,
      'at exp the validator decides again (jose may still allow 5 s of skew; the cache does not)',
    );
  });

  it('expires an entry after maxAgeMs even when exp is later', async () => {
    let now = T0;
    const inner = fakeValidator(() => claims());
    const v = withVerifiedTokenCache(inner, { now: () => now, maxAgeMs: 1000 });
    await v.validate('tok', 'photos.read');
    now = T0 + 999;
    await v.validate('tok', 'photos.read');
    now = T0 + 1000;
    await v.validate('tok', 'photos.read');
    assert.equal(inner.calls, 2);
  });

  it('does not cache a token without a numeric exp, or one already expired', async () => {
    for (const c of [
      claims({ exp: undefined as unknown as number }),
      claims({ exp: Number.NaN }),
      claims({ exp: T0 / 1000 - 1 }),
    ]) {
      const inner = fakeValidator(() => c);
      const v = withVerifiedTokenCache(inner, { now: () => T0 });
      await v.validate('tok', 'photos.read');
      await v.validate('tok', 'photos.read');
      assert.equal(inner.calls, 2);
      assert.equal(v.cache.size, 0);
    }
  });

  it('checks the required scope on every hit: a cached token without it gets the validator’s 403', async () => {
    const inner = fakeValidator((_t, scope) =>
      scope === 'gallery.read' ? new InsufficientScope('gallery.read') : claims({ scope: 'photos.read' }),
    );
    const v = withVerifiedTokenCache(inner, { now: () => T0 });
    await v.validate('tok', 'photos.read');
    await assert.rejects(v.validate('tok', 'gallery.read'), InsufficientScope);
    await v.validate('tok', 'photos.read');
    assert.equal(inner.calls, 2, 'the scope miss went to the validator, the photos.read hit did not');
  });

  it('is bounded: the oldest entry goes first', async () => {
    const inner = fakeValidator((token) => claims({ jti: token }));
    const v = withVerifiedTokenCache(inner, { now: () => T0, maxEntries: 3 });
    for (const t of ['a', 'b', 'c', 'd']) await v.validate(t, 'photos.read');
    assert.equal(v.cache.size, 3);
    assert.equal(v.cache.get('a'), undefined);
    assert.equal(v.cache.get('d')?.jti, 'd');
  });

  it('hands out frozen claims: a route cannot change what the next request sees', async () => {
    const v = withVerifiedTokenCache(
      fakeValidator(() => claims()),
      { now: () => T0 },
    );
    const first = await v.validate('tok', 'photos.read');
    assert.throws(() => {
      (first as { sub: string }).sub = 'bob';
    }, TypeError);
    assert.equal((await v.validate('tok', 'photos.read')).sub, 'alice');
  });

  it('keys by the SHA-256 of the whole token, and keeps no token in memory', () => {
    const cache = new VerifiedTokenCache({ now: () => T0 });
    cache.set('header.payload.signature', claims());
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    assert.deepEqual(keys, [VerifiedTokenCache.keyOf('header.payload.signature')]);
    assert.match(keys[0]!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(cache.get('header.payload.signaturX'), undefined);
  });

  it('with the real verifier: a forged signature on a cached token is still refused', async () => {
    const fresh = await generateSigningKey();
    const key = await importSigningKey(fresh.privateJwk);
    const keys = createLocalJWKSet({ keys: [fresh.publicJwk] });
    const opts = { issuer: 'http://auth', audience: 'http://drive', keys };
    const real: TokenValidator & { calls: number } = {
      calls: 0,
      async validate(token, requiredScope) {
        real.calls++;
        return verifyAccessToken(token, { ...opts, requiredScope });
      },
    };
    const v = withVerifiedTokenCache(real);
    const { token } = await issueAccessToken(key, {
      issuer: 'http://auth',
      subject: 'alice',
      audience: 'http://drive',
      clientId: 'photo-printer',
      scope: 'photos.read',
      expiresIn: 600,
    });
    assert.equal((await v.validate(token, 'photos.read')).sub, 'alice');
    assert.equal((await v.validate(token, 'photos.read')).sub, 'alice');
    assert.equal(real.calls, 1);
    const [h, p, s] = token.split('.') as [string, string, string];
    const forgedSig = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    await assert.rejects(v.validate(forgedSig, 'photos.read'), InvalidToken);
    const otherPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'bob' }),
    ).toString('base64url');
    await assert.rejects(v.validate(`${h}.${otherPayload}.${s}`, 'photos.read'), InvalidToken);
    assert.equal(real.calls, 3);
  });
});

describe('The drive remembers verified tokens in jwt mode only', () => {
  it('jwt mode: the same token twice is verified once; another token is verified again', async () => {
    const authority = await makeAuthority();
    let keyLookups = 0;
    const keys: JWTVerifyGetKey = (header, token) => {
      keyLookups++;
      return authority.keys(header, token);
    };
    const drive = await startDrive({ deps: { keys } });
    try {
      const token = await authority.token({ sub: 'alice' });
      assert.equal((await get(`${drive.url}/api/photos`, token)).status, 200);
      assert.equal((await get(`${drive.url}/api/photos`, token)).status, 200);
      assert.equal(keyLookups, 1, 'the second request was answered from the cache');
      assert.equal((await get(`${drive.url}/api/photos`, await authority.token({ sub: 'bob' }))).status, 200);
      assert.equal(keyLookups, 2);
      // A cached token without the scope of another route is still refused there (403, from the full check).
      const res = await get(`${drive.url}/api/gallery`, token);
      assert.equal(res.status, 403);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    } finally {
      await drive.stop();
    }
  });
});
