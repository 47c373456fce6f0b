/**
 * The claims editor's re-encoding (RFC 7519 §6 unsecured JWTs, ES256 by the demo key) and its input checks. The
 * refusals are checked with jose the way Drive checks (a local JWKS of "the auth server", RFC 9068 §4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  base64url,
  compactVerify,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { createDemoKey, decodeForEditing, HeaderRefused, parseJsonObject, reencodeToken } from './claims_editor.js';

const CLAIMS = { iss: 'http://auth.test', sub: 'alice', aud: 'http://drive.test', scope: 'photos.read' };

async function authServer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'auth-server-key-1';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256' }] };
  const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).sign(privateKey);
  return { kid, jwks, token };
}

describe('parseJsonObject', () => {
  it('takes a JSON object and refuses everything else with a reason', () => {
    assert.deepEqual(parseJsonObject(' {"a": 1} ', 'claims'), { ok: true, value: { a: 1 } });
    const broken = parseJsonObject("{'sub': 'bob'}", 'claims');
    assert.equal(broken.ok, false);
    assert.match(!broken.ok ? broken.error : '', /not valid JSON .*double quotes/);
    const array = parseJsonObject('[1]', 'header');
    assert.match(!array.ok ? array.error : '', /header must be a JSON object .*an array/);
    assert.match((parseJsonObject('"x"', 'header') as { error: string }).error, /not string/);
    assert.match((parseJsonObject('   ', 'claims') as { error: string }).error, /empty/);
    assert.match((parseJsonObject(`{"a":"${'x'.repeat(9000)}"}`, 'claims') as { error: string }).error, /longer/);
  });
});

describe('createDemoKey', () => {
  it('is an ES256 key whose page copy has no private member, and a kid that says what it is', async () => {
    const key = await createDemoKey();
    assert.match(key.kid, /^demo-key-not-the-auth-server-[A-Za-z0-9_-]{8}$/);
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.equal(key.publicJwk.d, undefined);
    assert.notEqual((await createDemoKey()).kid, key.kid, 'a new key each start');
  });
});

describe('reencodeToken', () => {
  it('unsigned: alg none and an empty signature (RFC 7519 §6.1), which jose refuses like Drive', async () => {
    const { jwks, kid } = await authServer();
    const edited = await reencodeToken(
      { alg: 'ES256', kid, typ: 'at+jwt' },
      { ...CLAIMS, sub: 'bob' },
      'unsigned',
      await createDemoKey(),
    );
    const [h, p, s] = edited.token.split('.');
    assert.equal(s, '');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(base64url.decode(h!))), { alg: 'none', kid, typ: 'at+jwt' });
    assert.equal(JSON.parse(new TextDecoder().decode(base64url.decode(p!))).sub, 'bob');
    await assert.rejects(
      jwtVerify(edited.token, createLocalJWKSet(jwks), { algorithms: ['ES256'] }),
      errors.JOSEAlgNotAllowed,
    );
    assert.match(edited.expectation, /RFC 8725/);
  });

  it('demo key under the auth server’s kid: a real signature that does not verify with the auth server’s key', async () => {
    const { jwks, kid } = await authServer();
    const demo = await createDemoKey();
    const edited = await reencodeToken({ alg: 'none', kid, typ: 'at+jwt' }, CLAIMS, 'demo-key', demo);
    assert.deepEqual(edited.header, { alg: 'ES256', kid, typ: 'at+jwt' }, 'the mode sets alg, the kid is kept');
    await compactVerify(edited.token, await importJWK(demo.publicJwk, 'ES256')); // signed by the demo key …
    await assert.rejects(
      jwtVerify(edited.token, createLocalJWKSet(jwks), { algorithms: ['ES256'] }),
      errors.JWSSignatureVerificationFailed,
    ); // … which is not the auth server's
    assert.match(edited.expectation, /does not verify/);
  });

  it('demo key with its own kid: no key in the auth server’s JWKS has it', async () => {
    const { jwks, kid } = await authServer();
    const demo = await createDemoKey();
    const edited = await reencodeToken({ alg: 'ES256', kid, typ: 'at+jwt' }, CLAIMS, 'demo-key-own-kid', demo);
    assert.equal(edited.header.kid, demo.kid);
    await assert.rejects(
      jwtVerify(edited.token, createLocalJWKSet(jwks), { algorithms: ['ES256'] }),
      errors.JWKSNoMatchingKey,
    );
    assert.match(edited.expectation, /finds none/);
  });

  it('a header jose will not sign (an unknown crit extension) is the learner’s error, not a crash', async () => {
    const demo = await createDemoKey();
    await assert.rejects(reencodeToken({ crit: ['exp'] }, CLAIMS, 'demo-key', demo), HeaderRefused);
    await assert.rejects(reencodeToken({ crit: 'x' }, CLAIMS, 'demo-key-own-kid', demo), /cannot be signed/);
    // Unsigned, nothing is signed: the header is encoded as written.
    assert.ok((await reencodeToken({ crit: ['exp'] }, CLAIMS, 'unsigned', demo)).token.endsWith('.'));
  });

  it('decodeForEditing round-trips a real token into the editor’s boxes', async () => {
    const { token, kid } = await authServer();
    const boxes = decodeForEditing(token);
    assert.ok(boxes);
    assert.equal(JSON.parse(boxes.header).kid, kid);
    assert.deepEqual(JSON.parse(boxes.claims), CLAIMS);
    assert.equal(decodeForEditing('opaque-refresh-token'), null);
    assert.equal(decodeForEditing('a.b.c'), null);
  });
});
