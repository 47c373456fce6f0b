/**
 * @module malformed
 *
 * The vocabulary of malformed requests that the robustness tests send (apps/auth-server/test/robustness.test.ts
 * against one service, conformance/test/robustness.test.ts against all three, docs/security.md §B1, §B2): the
 * protocol's parameter names and hostile values, wrong content types and broken Authorization headers, cookies,
 * path ids, and a deterministic PRNG so that a failure replays with the same seed. Each suite picks its endpoints
 * and adds the values only it knows (its redirect_uri, its client ids).
 */

/** A small deterministic PRNG (an LCG): the same seed gives the same sequence, on every machine. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

/** Names of the protocol's parameters (RFC 6749, 7636, 7009, 7662, 8628, 9207) and of the pages' forms, and
 * names that walk an object's prototype or that a query parser turns into arrays and objects. */
export const MALFORMED_NAMES: readonly string[] = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'grant_type',
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'token_type_hint',
  'csrf',
  'username',
  'password',
  'decision',
  'return_to',
  'iss',
  'error',
  'error_description',
  'photo',
  'size',
  'copies',
  'user_code',
  'device_code',
  'client_secret',
  'access_token',
  '__proto__',
  'constructor',
  'prototype',
  'a[]',
  'a[b]',
  '',
];

/** Values: broken percent-escapes, control characters, markup, huge, numeric edge cases, foreign URLs, names of
 * the demo's clients and grants in the wrong places, an unsigned JWT. */
export const MALFORMED_VALUES: readonly string[] = [
  '',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%0d%0a',
  'photo-printer',
  'photo-printer-browser',
  'print-lab',
  'drive',
  'code',
  'token',
  'id_token',
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  'S256',
  'plain',
  'photos.read',
  'offline_access',
  'allow',
  'deny',
  '<script>alert(1)</script>',
  '"\'><',
  '\u0000',
  '\u202e',
  '🙂',
  'a'.repeat(5000),
  'x'.repeat(43),
  '[]',
  '{}',
  'null',
  '-1',
  '1e309',
  '4x6',
  '99',
  '//evil.example',
  'https://evil.example/',
  'javascript:alert(1)',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
  'alice',
  'bob',
];

/** Content types a form endpoint must refuse or survive ('' sends none). */
export const MALFORMED_CONTENT_TYPES: readonly string[] = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-16',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'application/x-www-form-urlencoded; charset=latin1',
  '*/*',
];

/** Authorization headers: empty, broken Basic (RFC 6749 §2.3.1), wrong secrets, bearer tokens (RFC 6750 §2.1). */
export const MALFORMED_AUTHORIZATIONS: readonly string[] = [
  '',
  'Basic',
  'Basic !!!',
  `Basic ${Buffer.from('photo-printer:wrong').toString('base64')}`,
  `Basic ${Buffer.from(':').toString('base64')}`,
  'Bearer',
  'Bearer x',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
  `Bearer ${'a'.repeat(4000)}`,
  'Digest x',
  'Basic %%%',
];

/** Cookie headers: garbage and badly signed session ids, broken escapes, a huge one, duplicates, no names. */
export const MALFORMED_COOKIES: readonly string[] = [
  '',
  'auth.sid=garbage',
  'printer.sid=s%3Agarbage.sig',
  'auth.sid=s%3A%E0%A4%A',
  `printer.sid=${'a'.repeat(3000)}`,
  'a=b; a=c',
  '=;;=',
];

/** Path segments where an id goes: wrong shapes, traversal, broken escapes, prototype keys, dots. */
export const MALFORMED_IDS: readonly string[] = [
  'x',
  '0',
  'a'.repeat(22),
  '00000000-0000-0000-0000-000000000000',
  '%zz',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  '%00',
  'ü',
  '%F0%9F%99%82',
  'a'.repeat(3000),
  '__proto__',
  'constructor',
  '.',
  '..',
];
