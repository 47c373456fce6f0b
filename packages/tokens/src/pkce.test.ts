import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calculateCodeChallenge,
  generateCodeVerifier,
  isValidCodeChallenge,
  isValidCodeVerifier,
  verifyCodeVerifier,
} from './pkce.js';

describe('PKCE RFC 7636', () => {
  it('matches the S256 example of RFC 7636 Appendix B', () => {
    assert.equal(
      calculateCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('generates 43-character verifiers with fresh randomness (§4.1)', () => {
    const a = generateCodeVerifier();
    const b = generateCodeVerifier();
    assert.equal(a.length, 43);
    assert.ok(isValidCodeVerifier(a));
    assert.notEqual(a, b);
  });

  it('accepts the right verifier and refuses a wrong one (§4.6)', () => {
    const verifier = generateCodeVerifier();
    const challenge = calculateCodeChallenge(verifier);
    assert.equal(verifyCodeVerifier(verifier, challenge), true);
    assert.equal(verifyCodeVerifier(generateCodeVerifier(), challenge), false);
  });

  it('refuses the plain method: the challenge itself is not a verifier', () => {
    const verifier = generateCodeVerifier();
    assert.equal(verifyCodeVerifier(verifier, verifier), false);
  });

  it('enforces the verifier syntax of §4.1 (43-128 unreserved characters)', () => {
    assert.equal(isValidCodeVerifier('a'.repeat(42)), false);
    assert.equal(isValidCodeVerifier('a'.repeat(43)), true);
    assert.equal(isValidCodeVerifier('a'.repeat(128)), true);
    assert.equal(isValidCodeVerifier('a'.repeat(129)), false);
    assert.equal(isValidCodeVerifier(`${'a'.repeat(42)}=`), false);
    assert.equal(verifyCodeVerifier('short', calculateCodeChallenge('short')), false);
  });

  it('enforces the S256 challenge syntax (43 base64url characters)', () => {
    assert.equal(isValidCodeChallenge(calculateCodeChallenge(generateCodeVerifier())), true);
    assert.equal(isValidCodeChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM='), false);
    assert.equal(isValidCodeChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM'), false);
    assert.equal(isValidCodeChallenge(undefined), false);
  });
});
