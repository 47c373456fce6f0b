import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { inspectToken, numericDateMs, tokenRequestOutcomes, tokenStatus, tokensInRecordings } from './inspector.js';
import type { Exchange } from './recorder.js';

const b64 = (v: unknown) => {
  let text: string;
  try {
    text = typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    // Too deep for the test's own stringify: write the nesting by hand.
    const { deep: _deep, ...rest } = v as Record<string, unknown>;
    text = `${JSON.stringify(rest).slice(0, -1)},"deep":${'['.repeat(5000)}1${']'.repeat(5000)}}`;
  }
  return Buffer.from(text).toString('base64url');
};
const unsigned = (header: unknown, payload: unknown) => `${b64(header)}.${b64(payload)}.c2ln`;
const NOW = Date.UTC(2026, 0, 1);

describe('the inspector never fails on odd claims (issue 12 item 10)', () => {
  it('shows a huge exp, a non-numeric exp, nested JSON and prototype-named claims without throwing', async () => {
    // Nested deep enough that showing it must not recurse without bound (JSON.stringify of a parsed claim).
    const deep = JSON.parse(`${'['.repeat(5000)}1${']'.repeat(5000)}`) as unknown;
    const odd: Record<string, unknown>[] = [
      { exp: 1e300, iat: -1e300, nbf: Number.MAX_SAFE_INTEGER },
      { exp: 'tomorrow', iat: '2026-01-01', nbf: null },
      { exp: { $date: 1 }, deep },
      JSON.parse('{"constructor": "x", "__proto__": "y", "toString": 1, "hasOwnProperty": []}') as Record<
        string,
        unknown
      >,
    ];
    for (const payload of odd) {
      const t = await inspectToken(
        { kind: 'pasted', value: unsigned({ alg: 'ES256', typ: 'at+jwt', constructor: 1 }, payload), source: 'test' },
        null,
        true,
        NOW,
      );
      assert.equal(t.jwt, true);
      assert.equal(t.expiresAt, undefined, 'no expiry a clock cannot show');
      for (const c of [...(t.claims ?? []), ...(t.header ?? [])])
        assert.equal(typeof c.meaning, 'string', `${c.name}: a string meaning, never a function of Object.prototype`);
    }
    // A JSON nesting too deep for JSON.parse is a damaged token, not a crash.
    const tooDeep = `${b64({ alg: 'ES256' })}.${Buffer.from(`${'['.repeat(200_000)}${']'.repeat(200_000)}`).toString('base64url')}.c2ln`;
    const t = await inspectToken({ kind: 'pasted', value: tooDeep, source: 'test' }, null, true, NOW);
    assert.equal(t.jwt, false);
  });

  it('keeps NumericDate only when a Date can hold it', () => {
    assert.equal(numericDateMs(1_700_000_000), 1_700_000_000_000);
    assert.equal(numericDateMs(1e300), undefined);
    assert.equal(numericDateMs(Number.NaN), undefined);
    assert.equal(numericDateMs('1700000000'), undefined);
  });

  it('calls a three-part value whose claims do not decode damaged, not "not a JWT"', async () => {
    const t = await inspectToken(
      { kind: 'pasted', value: `${b64({ alg: 'ES256' })}.bm90IGpzb24.c2ln`, source: 'test' },
      null,
      true,
      NOW,
    );
    assert.match(t.opaqueExplanation ?? '', /Three parts/);
    assert.match(t.opaqueExplanation ?? '', /claims no longer decode/);
  });

  it('recognises its own masked display pasted back', async () => {
    const t = await inspectToken(
      { kind: 'pasted', value: 'eyJhbGciOiJF… (812 characters; the rest is shown in instructor mode)', source: 'test' },
      null,
      true,
      NOW,
    );
    assert.match(t.maskedHint ?? '', /masked display/);
    assert.match(t.maskedHint ?? '', /instructor mode/);
  });

  it('still verifies a real token with odd but valid claims', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const token = await new SignJWT({ scope: 'photos.read', extra: { a: [1, { b: 2 }] } })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
      .setExpirationTime(Math.floor(NOW / 1000) + 600)
      .sign(privateKey);
    const t = await inspectToken({ kind: 'access_token', value: token, source: 'test' }, { keys: [jwk] }, false, NOW);
    assert.equal(t.verification?.signatureValid, true);
    assert.equal(t.expiresAt, (Math.floor(NOW / 1000) + 600) * 1000);
  });
});

describe('a token’s real state (issue 13 item 2)', () => {
  it('active, expired, rotated and revoked, from introspection and the recordings', () => {
    assert.equal(
      tokenStatus({ kind: 'access_token', introspected: true, expiresAt: NOW + 60_000, now: NOW }).life,
      'active',
    );
    assert.equal(
      tokenStatus({ kind: 'access_token', introspected: false, expiresAt: NOW - 1, now: NOW }).life,
      'expired',
    );
    assert.equal(
      tokenStatus({ kind: 'access_token', introspected: false, expiresAt: NOW + 60_000, now: NOW }).life,
      'revoked',
    );
    assert.equal(
      tokenStatus({ kind: 'refresh_token', introspected: false, rotatedAt: NOW - 5, now: NOW }).life,
      'rotated',
    );
    assert.equal(tokenStatus({ kind: 'refresh_token', introspected: false, now: NOW }).life, 'revoked');
    assert.equal(
      tokenStatus({
        kind: 'access_token',
        introspected: null,
        expiresAt: NOW + 60_000,
        notAsked: 'Another client’s.',
        now: NOW,
      }).life,
      'unknown',
    );
  });

  it('an active access token Photo Printer treats as expired (“Don’t wait”) says both', () => {
    const s = tokenStatus({
      kind: 'access_token',
      introspected: true,
      expiresAt: NOW + 60_000,
      clientExpiresAt: NOW - 1,
      now: NOW,
    });
    assert.equal(s.life, 'active');
    assert.match(s.explanation, /treats it as expired/);
  });

  it('a code the auth server refused as expired is "refused", not "redeemed once"', () => {
    const code = 'the-code';
    const exchanges = [
      exchange({
        channel: 'front',
        request: { method: 'GET', url: `/callback?code=${code}&state=s`, headers: {} },
        response: { status: 303, headers: {} },
      }),
      exchange({
        channel: 'back',
        at: NOW + 10,
        request: {
          method: 'POST',
          url: 'http://auth/token',
          headers: {},
          body: `grant_type=authorization_code&code=${code}&code_verifier=v`,
        },
        response: {
          status: 400,
          headers: {},
          body: JSON.stringify({ error: 'invalid_grant', error_description: 'The authorization code has expired.' }),
        },
      }),
    ];
    const [met] = tokensInRecordings(exchanges);
    assert.equal(met?.redemption?.status, 400);
    const s = tokenStatus({
      kind: 'authorization_code',
      introspected: null,
      ...(met?.redemption ? { redemption: met.redemption } : {}),
      now: NOW,
    });
    assert.equal(s.life, 'refused');
    assert.match(s.explanation, /expired/);
    assert.doesNotMatch(s.explanation, /Redeemed once/);
  });

  it('a refresh token traded with success is rotated', () => {
    const out = tokenRequestOutcomes([
      exchange({
        channel: 'back',
        request: {
          method: 'POST',
          url: 'http://auth/token',
          headers: {},
          body: 'grant_type=refresh_token&refresh_token=r1',
        },
        response: { status: 200, headers: {}, body: '{}' },
      }),
    ]);
    assert.equal(out.rotated.has('r1'), true);
  });
});

function exchange(e: Partial<Exchange> & Pick<Exchange, 'channel' | 'request' | 'response'>): Exchange {
  return {
    id: Math.random().toString(36).slice(2),
    traceId: 't',
    recordedBy: 'printer',
    from: 'printer',
    to: 'auth',
    label: '',
    at: NOW,
    durationMs: 1,
    ...e,
  };
}
