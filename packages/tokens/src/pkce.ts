/**
 * @module pkce
 *
 * Proof Key for Code Exchange, RFC 7636. The client makes a random `code_verifier`, sends only its SHA-256
 * (`code_challenge`, method S256) on the front channel, and proves it holds the verifier on the back channel.
 * A stolen authorization code is then useless without the verifier.
 *
 * Only S256 is supported: `plain` would put the secret itself on the front channel (RFC 9700 §2.1.1).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { base64url } from 'jose';

/** RFC 7636 §4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is always 43 characters, no padding. */
const S256_CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export const CODE_CHALLENGE_METHOD = 'S256';

/** RFC 7636 §4.1: 32 random octets, base64url-encoded, give a 43-character verifier with 256 bits of entropy. */
export function generateCodeVerifier(): string {
  return base64url.encode(randomBytes(32));
}

/** RFC 7636 §4.2: code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))). */
export function calculateCodeChallenge(codeVerifier: string): string {
  return base64url.encode(createHash('sha256').update(codeVerifier, 'ascii').digest());
}

export function isValidCodeVerifier(value: unknown): value is string {
  return typeof value === 'string' && CODE_VERIFIER.test(value);
}

export function isValidCodeChallenge(value: unknown): value is string {
  return typeof value === 'string' && S256_CODE_CHALLENGE.test(value);
}

/** RFC 7636 §4.6: recompute the challenge from the verifier and compare, in constant time. */
export function verifyCodeVerifier(codeVerifier: string, codeChallenge: string): boolean {
  if (!isValidCodeVerifier(codeVerifier) || !isValidCodeChallenge(codeChallenge)) return false;
  const expected = Buffer.from(calculateCodeChallenge(codeVerifier));
  const actual = Buffer.from(codeChallenge);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
