/**
 * The resource server (RFC 6750, RFC 9068 §4, RFC 8725): how the drive answers without, with a bad, and with
 * a good token, and that a token opens its owner's photos only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoLeak, header, json, postForm, raw, type RawResponse } from '../support/http.js';
import {
  attackerKey,
  genuineClaims,
  hmacWithPublicKey,
  now,
  realSigningKey,
  signWithAttackerKey,
  signWithRealKey,
  unsecuredToken,
  type AttackerKey,
  type RealKey,
} from '../support/forge.js';
import { assertOAuthError, codeFlowTokens, refresh, revoke, type TokenResponse } from '../support/oauth.js';
import { DRIVE_RESOURCE, INTERNAL, ISSUER, PRINT_LAB, PRINTER, sparePorts, startSpare } from '../support/stack.js';

interface PhotoList {
  owner: string | null;
  photos: { id: string; title: string; href: string; content_url: string }[];
}

function api(path: string, token?: string, extraHeaders: Record<string, string> = {}): Promise<RawResponse> {
  return raw(INTERNAL.drive, 'GET', path, {
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...extraHeaders,
  });
}

/** RFC 6750 §3: the challenge's auth-params. */
function challenge(res: RawResponse): { scheme: string; params: Record<string, string> } {
  const value = header(res, 'www-authenticate') ?? '';
  const scheme = value.split(' ')[0] ?? '';
  const params: Record<string, string> = {};
  for (const m of value.matchAll(/([a-z_]+)="([^"]*)"/g)) params[m[1]!] = m[2]!;
  return { scheme, params };
}

function assertInvalidToken(res: RawResponse, what: string): void {
  assert.equal(res.status, 401, `${what}: expected 401, got ${res.status}: ${res.body.slice(0, 200)}`);
  const c = challenge(res);
  assert.equal(c.scheme, 'Bearer', what);
  assert.ok(c.params.realm, `${what}: realm`);
  assert.equal(c.params.error, 'invalid_token', `${what}: ${header(res, 'www-authenticate')}`);
  assert.doesNotMatch(res.body, /"photos"/, `${what}: no photo data`);
  assertNoLeak(res.body, what);
}

let alice: TokenResponse;
let bob: TokenResponse;
let alicePhotos: PhotoList;
let bobPhotos: PhotoList;
let key: RealKey;
let attacker: AttackerKey;

before(async () => {
  [alice, bob] = await Promise.all([codeFlowTokens({ user: 'alice' }), codeFlowTokens({ user: 'bob' })]);
  alicePhotos = json<PhotoList>(await api('/api/photos', alice.access_token));
  bobPhotos = json<PhotoList>(await api('/api/photos', bob.access_token));
  key = await realSigningKey();
  attacker = await attackerKey();
});

describe('docs/security.md §R1, RFC 6750 §3.1: requests without a token', () => {
  for (const path of ['/api/photos', '/api/photos/some-id', '/api/photos/some-id/content']) {
    it(`RFC 6750 §3.1: GET ${path} without a token is 401 with a Bearer realm challenge and no error code`, async () => {
      const res = await api(path);
      assert.equal(res.status, 401);
      const c = challenge(res);
      assert.equal(c.scheme, 'Bearer');
      assert.ok(c.params.realm, 'realm');
      assert.equal(c.params.error, undefined, `no error code without a token: ${header(res, 'www-authenticate')}`);
      assert.doesNotMatch(res.body, /"error"/);
    });
  }

  it('RFC 6750 §3.1: another authentication scheme (Basic) counts as no token: 401, no error code', async () => {
    const res = await api('/api/photos', undefined, {
      authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`,
    });
    assert.equal(res.status, 401);
    assert.equal(challenge(res).params.error, undefined);
  });

  it('RFC 6750 §3.1: a malformed Bearer credential is 400 invalid_request with a Bearer challenge', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer !!!', 'Bearer "quoted"']) {
      const res = await api('/api/photos', undefined, { authorization });
      assert.ok(res.status === 400 || res.status === 401, `${authorization}: ${res.status}`);
      if (res.status === 400) assert.equal(challenge(res).params.error, 'invalid_request', authorization);
      assert.doesNotMatch(res.body, /"photos"/);
    }
  });
});

describe('docs/security.md §R2, RFC 6750 §2: tokens only from the Authorization header', () => {
  it('RFC 6750 §2.3 + RFC 9700 §4.3.2: a valid token in the query string (?access_token=) is not accepted: 401, no error code', async () => {
    const res = await api(`/api/photos?access_token=${encodeURIComponent(alice.access_token)}`);
    assert.equal(res.status, 401);
    assert.equal(challenge(res).params.error, undefined);
    assert.doesNotMatch(res.body, /"photos"/);
  });

  it('RFC 6750 §2.2: a valid token in a form-encoded body is not accepted', async () => {
    for (const method of ['POST', 'GET']) {
      const res = await raw(
        INTERNAL.drive,
        method,
        '/api/photos',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `access_token=${encodeURIComponent(alice.access_token)}`,
      );
      assert.notEqual(res.status, 200, `${method} with the token in the body`);
      assert.doesNotMatch(res.body, /"photos"/);
    }
  });

  it('RFC 6750 §2.1: the same token in the Authorization header is accepted (the control case)', async () => {
    assert.equal((await api('/api/photos', alice.access_token)).status, 200);
    assert.equal(
      (await api('/api/photos', alice.access_token, { authorization: `bearer ${alice.access_token}` })).status,
      200,
      'the scheme is case-insensitive (RFC 7235 §2.1)',
    );
  });
});

describe('docs/security.md §R3, RFC 6750 §3.1 + RFC 9068 §4 + RFC 8725: bad, expired and foreign tokens are 401 invalid_token', () => {
  it('RFC 6750 §3.1: garbage, a JWT-shaped string and an opaque refresh token are invalid_token', async () => {
    assertInvalidToken(await api('/api/photos', 'abc'), 'garbage');
    assertInvalidToken(
      await api('/api/photos', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.AAAA'),
      'JWT-shaped garbage',
    );
    assertInvalidToken(await api('/api/photos', alice.refresh_token!), 'a refresh token as bearer');
  });

  it('RFC 7515 §5.2: a token with a flipped signature byte, or a payload swapped to bob, is invalid_token', async () => {
    const [h, p, sig] = alice.access_token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    assertInvalidToken(await api('/api/photos', flipped), 'flipped signature');
    const bobPayload = bob.access_token.split('.')[1]!;
    assertInvalidToken(await api('/api/photos', `${h}.${bobPayload}.${sig}`), "bob's payload under alice's signature");
  });

  it('RFC 8725 §3.1: alg "none" is refused', async () => {
    assertInvalidToken(await api('/api/photos', unsecuredToken(genuineClaims())), 'alg none');
    assertInvalidToken(
      await api('/api/photos', unsecuredToken(genuineClaims()).slice(0, -1)),
      'alg none without the trailing dot',
    );
  });

  it('RFC 8725 §2.1 + §3.1: HS256 keyed with the public key (algorithm confusion) is refused', async () => {
    for (const token of await hmacWithPublicKey(key.publicJwk, genuineClaims(), key.kid))
      assertInvalidToken(await api('/api/photos', token), 'HS256 with the public key');
  });

  it('RFC 7515 §4.1.4: a token signed by a key the auth server does not publish (unknown kid) is refused', async () => {
    assertInvalidToken(
      await api('/api/photos', await signWithAttackerKey(attacker, genuineClaims(), { kid: 'attacker-key' })),
      'unknown kid',
    );
    assertInvalidToken(await api('/api/photos', await signWithAttackerKey(attacker, genuineClaims(), {})), 'no kid');
  });

  it("RFC 7515 §4.1.4: a foreign token that names the real key's kid but is signed by another key is refused", async () => {
    assertInvalidToken(
      await api('/api/photos', await signWithAttackerKey(attacker, genuineClaims(), { kid: key.kid })),
      'real kid, foreign key',
    );
  });

  it('RFC 8725 §3.10: a key embedded in the token (jwk, jku, x5u, x5c) is never trusted', async () => {
    const jwk = { ...attacker.publicJwk };
    assertInvalidToken(
      await api('/api/photos', await signWithAttackerKey(attacker, genuineClaims(), { jwk })),
      'embedded jwk',
    );
    assertInvalidToken(
      await api('/api/photos', await signWithAttackerKey(attacker, genuineClaims(), { jwk, kid: key.kid })),
      'embedded jwk with the real kid',
    );
    assertInvalidToken(
      await api(
        '/api/photos',
        await signWithAttackerKey(attacker, genuineClaims(), {
          jku: `http://127.0.0.1:${sparePorts()[0]}/jwks.json`,
          kid: 'x',
        }),
      ),
      'jku',
    );
    assertInvalidToken(
      await api(
        '/api/photos',
        await signWithAttackerKey(attacker, genuineClaims(), {
          x5u: `http://127.0.0.1:${sparePorts()[0]}/cert.pem`,
          kid: 'x',
        }),
      ),
      'x5u',
    );
    // With the REAL key too: a header that carries a key is refused on principle, not only because the key is foreign.
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims(), { jwk: key.publicJwk })),
      'real key, jwk in the header',
    );
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims(), { jku: `${ISSUER}/.well-known/jwks.json` })),
      'real key, jku in the header',
    );
  });

  it('RFC 9068 §4: a correctly signed token with the wrong typ (JWT, none, id-token style) is refused', async () => {
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims(), { typ: 'JWT' })),
      'typ JWT',
    );
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims(), { typ: undefined })),
      'no typ',
    );
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims(), { typ: 'logout+jwt' })),
      'typ logout+jwt',
    );
  });

  it('RFC 9068 §4: a correctly signed token from another issuer is refused', async () => {
    for (const iss of [
      'http://evil.example',
      `${ISSUER}/`,
      ISSUER.replace('localhost', '127.0.0.1'),
      ISSUER.toUpperCase(),
    ]) {
      assertInvalidToken(await api('/api/photos', await signWithRealKey(key, genuineClaims({ iss }))), `iss ${iss}`);
    }
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims({ iss: undefined }))),
      'no iss',
    );
  });

  it('RFC 9068 §4 + RFC 8707: a correctly signed token for another audience is refused', async () => {
    for (const aud of [
      'http://other-resource.example',
      `${DRIVE_RESOURCE}/`,
      DRIVE_RESOURCE.replace('localhost', '127.0.0.1'),
      PRINTER.clientId,
    ]) {
      assertInvalidToken(await api('/api/photos', await signWithRealKey(key, genuineClaims({ aud }))), `aud ${aud}`);
    }
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims({ aud: undefined }))),
      'no aud',
    );
  });

  it('RFC 9068 §4 + RFC 7519 §4.1.4: an expired token is refused; a token expired a second ago passes (small clock skew)', async () => {
    const t = now();
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims({ iat: t - 700, exp: t - 60 }))),
      'expired a minute ago',
    );
    assertInvalidToken(
      await api('/api/photos', await signWithRealKey(key, genuineClaims({ exp: undefined }))),
      'no exp',
    );
    const skewed = await api('/api/photos', await signWithRealKey(key, genuineClaims({ iat: t - 600, exp: t - 1 })));
    assert.equal(skewed.status, 200, `a token 1 s past exp is within the allowed skew: ${skewed.status}`);
  });

  it('RFC 9068 §2.2: a correctly signed token missing sub, client_id or jti is refused', async () => {
    for (const claim of ['sub', 'client_id', 'jti'] as const) {
      assertInvalidToken(
        await api('/api/photos', await signWithRealKey(key, genuineClaims({ [claim]: undefined }))),
        `no ${claim}`,
      );
    }
  });
});

describe('docs/security.md §R4, RFC 6750 §3.1: too little scope is 403 insufficient_scope with the needed scope', () => {
  it('RFC 6750 §3.1: a real token narrowed by refresh to offline_access only gets 403 insufficient_scope, scope="photos.read"', async () => {
    const t = await codeFlowTokens({ user: 'alice' });
    const res = await refresh(t.refresh_token!, { scope: 'offline_access' });
    assert.equal(res.status, 200, res.body);
    const narrowed = json<TokenResponse>(res);
    for (const path of [
      '/api/photos',
      `/api/photos/${alicePhotos.photos[0]!.id}`,
      `/api/photos/${alicePhotos.photos[0]!.id}/content`,
    ]) {
      const denied = await api(path, narrowed.access_token);
      assert.equal(denied.status, 403, path);
      const c = challenge(denied);
      assert.equal(c.scheme, 'Bearer');
      assert.equal(c.params.error, 'insufficient_scope');
      assert.equal(c.params.scope, 'photos.read');
      assert.doesNotMatch(denied.body, /"photos"/);
    }
  });

  it('RFC 6750 §3.1: a correctly signed token without any scope is 403 insufficient_scope', async () => {
    const res = await api('/api/photos', await signWithRealKey(key, genuineClaims({ scope: undefined })));
    assert.equal(res.status, 403);
    assert.equal(challenge(res).params.error, 'insufficient_scope');
  });
});

describe("docs/security.md §R5: a user's token reads that user's photos only", () => {
  it("RFC 6749 §1.1: alice's token lists alice's photos, bob's token bob's, and no photo is in both", () => {
    assert.equal(alicePhotos.owner, 'alice');
    assert.equal(bobPhotos.owner, 'bob');
    assert.ok(alicePhotos.photos.length >= 6);
    assert.ok(bobPhotos.photos.length >= 1);
    const bobIds = new Set(bobPhotos.photos.map((p) => p.id));
    assert.deepEqual(
      alicePhotos.photos.filter((p) => bobIds.has(p.id)),
      [],
    );
  });

  it("RFC 6749 §1.1: alice's token opens each of her photos and its content", async () => {
    const photo = alicePhotos.photos[0]!;
    const meta = await api(`/api/photos/${photo.id}`, alice.access_token);
    assert.equal(meta.status, 200);
    assert.equal(json<{ id: string }>(meta).id, photo.id);
    const content = await api(`/api/photos/${photo.id}/content`, alice.access_token);
    assert.equal(content.status, 200);
    assert.equal(header(content, 'cache-control'), 'no-store');
  });

  it("RFC 6749 §1.1: alice's token gets the same 404 for bob's photo (metadata and content) as for a photo that does not exist", async () => {
    const theirs = bobPhotos.photos[0]!.id;
    const missing = await api('/api/photos/00000000-0000-0000-0000-000000000000', alice.access_token);
    for (const path of [`/api/photos/${theirs}`, `/api/photos/${theirs}/content`]) {
      const res = await api(path, alice.access_token);
      assert.equal(res.status, 404, path);
      assert.equal(res.body, missing.body, 'no difference that would reveal the photo exists');
    }
  });

  it('RFC 6749 §4.4 + docs/security.md §R5: a real client-credentials token (the print lab) reads no user photos', async () => {
    const res = await postForm(INTERNAL.auth, '/token', {
      grant_type: 'client_credentials',
      client_id: PRINT_LAB.clientId,
      client_secret: PRINT_LAB.secret,
    });
    assert.equal(res.status, 200, res.body);
    const token = json<TokenResponse>(res).access_token;
    for (const path of [
      '/api/photos',
      `/api/photos/${alicePhotos.photos[0]!.id}`,
      `/api/photos/${alicePhotos.photos[0]!.id}/content`,
    ]) {
      const answer = await api(path, token);
      assert.ok(
        [403, 404].includes(answer.status) || (answer.status === 200 && /"photos":\[\]/.test(answer.body)),
        `${path}: ${answer.status} ${answer.body.slice(0, 200)}`,
      );
      assert.doesNotMatch(answer.body, new RegExp(alicePhotos.photos[0]!.id));
    }
  });

  it('RFC 9068 §2.2 + RFC 6749 §4.4: a client-credentials token (sub = client_id) reads no user photos', async () => {
    const asClient = await signWithRealKey(key, genuineClaims({ sub: PRINTER.clientId, client_id: PRINTER.clientId }));
    const list = await api('/api/photos', asClient);
    assert.equal(list.status, 200);
    assert.deepEqual(json<PhotoList>(list), { owner: null, photos: [] });
    assert.equal((await api(`/api/photos/${alicePhotos.photos[0]!.id}`, asClient)).status, 404);
    // A client that happens to be called "alice" gets nothing of alice's with a token for itself.
    const namesake = await signWithRealKey(key, genuineClaims({ sub: 'alice', client_id: 'alice' }));
    assert.deepEqual(json<PhotoList>(await api('/api/photos', namesake)).photos, []);
  });

  it('docs/security.md §R6, RFC 9111 §5.2.2.5: API answers with personal data are never cached (Cache-Control: no-store)', async () => {
    const res = await api('/api/photos', alice.access_token);
    assert.equal(header(res, 'cache-control'), 'no-store');
  });
});

describe('docs/security.md §R8: when the drive cannot check a token with the auth server, access is refused, not granted', () => {
  let spare: Awaited<ReturnType<typeof startSpare>>;
  before(async () => {
    const [drivePort, deadPort] = sparePorts();
    // A second drive with the same identity (public URL = the audience of our tokens) whose auth server is
    // unreachable: nothing listens on its AUTH_INTERNAL_URL.
    spare = await startSpare('drive', {
      label: 'drive-auth-down',
      port: drivePort!,
      env: {
        DRIVE_PUBLIC_URL: DRIVE_RESOURCE,
        AUTH_PUBLIC_URL: ISSUER,
        AUTH_INTERNAL_URL: `http://127.0.0.1:${deadPort}`,
      },
    });
  });
  after(() => spare.stop());

  it('RFC 9700 §4 / RFC 6750 §3.1: a valid token is refused (503, never 200) while the auth server is unreachable', async () => {
    const res = await raw(spare.url, 'GET', '/api/photos', { authorization: `Bearer ${alice.access_token}` });
    assert.notEqual(res.status, 200);
    assert.ok(res.status === 503 || res.status === 401, `got ${res.status}`);
    assert.doesNotMatch(res.body, /"photos"/);
    assertNoLeak(res.body, 'auth server down');
    assert.doesNotMatch(res.body, /127\.0\.0\.1:\d+/, 'internal URLs are for the log, not the caller');
  });
});

describe('docs/security.md §R7, RFC 7662: the drive validating by introspection (DRIVE_TOKEN_VALIDATION=introspection)', () => {
  let introspecting: Awaited<ReturnType<typeof startSpare>>;
  let cutOff: Awaited<ReturnType<typeof startSpare>>;
  before(async () => {
    const ports = sparePorts();
    // The same drive identity (its public URL is the audience of our tokens), asking the real auth server...
    introspecting = await startSpare('drive', {
      label: 'drive-introspection',
      port: ports[2]!,
      env: { DRIVE_TOKEN_VALIDATION: 'introspection', DRIVE_PUBLIC_URL: DRIVE_RESOURCE },
    });
    // ...and one whose auth server is unreachable.
    cutOff = await startSpare('drive', {
      label: 'drive-introspection-down',
      port: ports[3]!,
      env: {
        DRIVE_TOKEN_VALIDATION: 'introspection',
        DRIVE_PUBLIC_URL: DRIVE_RESOURCE,
        AUTH_PUBLIC_URL: ISSUER,
        AUTH_INTERNAL_URL: `http://127.0.0.1:${ports[1]}`,
      },
    });
  });
  after(async () => {
    await introspecting.stop();
    await cutOff.stop();
  });

  it('RFC 7662 §2.2 + RFC 7009 §2: a token revoked at the auth server is refused at once (401 invalid_token)', async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    const before = await raw(introspecting.url, 'GET', '/api/photos', { authorization: `Bearer ${t.access_token}` });
    assert.equal(before.status, 200, `the control case: ${before.status} ${before.body.slice(0, 200)}`);
    assert.equal((await revoke(t.access_token)).status, 200);
    const after = await raw(introspecting.url, 'GET', '/api/photos', { authorization: `Bearer ${t.access_token}` });
    assertInvalidToken(after, 'revoked token, introspection mode');
  });

  it('RFC 7662 §2.2: a forged or foreign token is refused by introspection too', async () => {
    assertInvalidToken(
      await raw(introspecting.url, 'GET', '/api/photos', {
        authorization: `Bearer ${unsecuredToken(genuineClaims())}`,
      }),
      'alg none',
    );
    assertInvalidToken(await raw(introspecting.url, 'GET', '/api/photos', { authorization: 'Bearer abc' }), 'garbage');
  });

  it('RFC 7662 §4 + docs/security.md §R8: when the auth server is unreachable, access is refused, not granted', async () => {
    const res = await raw(cutOff.url, 'GET', '/api/photos', { authorization: `Bearer ${alice.access_token}` });
    assert.notEqual(res.status, 200);
    assert.ok(res.status === 503 || res.status === 401, `got ${res.status}`);
    assert.doesNotMatch(res.body, /"photos"/);
    assertNoLeak(res.body, 'introspection unreachable');
  });
});

describe('docs/security.md §R3, RFC 6750 §3.1: token errors', () => {
  it('RFC 6750 §3.1: an invalid_token answer is JSON with the error code and no-store', async () => {
    const res = await api('/api/photos', 'abc');
    assertOAuthError(res, 401, 'invalid_token');
    assert.equal(header(res, 'cache-control'), 'no-store');
  });
});
