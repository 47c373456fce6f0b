/**
 * The environment doctor's pure pieces (the page itself is tested against stub peers in apps/printer/test/doctor.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookieNames, issuerRows } from './doctor.js';

describe('issuerRows', () => {
  const expected = 'http://localhost:9000';
  it("compares a token's iss with the configured issuer", () => {
    assert.equal(
      issuerRows(expected, { metadata: expected, driveServers: [expected], tokenIss: expected })[3]!.verdict,
      'ok',
    );
    const bad = issuerRows(expected, {
      metadata: expected,
      driveServers: [expected],
      tokenIss: 'http://auth:9000',
    })[3]!;
    assert.equal(bad.verdict, 'bad');
    assert.match(bad.fix ?? '', /Issuer mismatch: the token says http:\/\/auth:9000/);
    assert.equal(
      issuerRows(expected, { metadata: expected, driveServers: [expected], tokenIss: null })[3]!.verdict,
      'info',
    );
  });

  it('one slash off is another issuer (RFC 8414 §3.3)', () => {
    assert.equal(issuerRows(expected, { metadata: `${expected}/`, driveServers: [expected] })[1]!.verdict, 'bad');
  });
});

describe('cookieNames', () => {
  it('keeps names only, sorted, each once, and drops what is not a cookie name', () => {
    assert.deepEqual(cookieNames('printer.sid=abc; auth.sid=def; printer.sid=x; =nameless; bad name=1'), [
      'auth.sid',
      'printer.sid',
    ]);
    assert.deepEqual(cookieNames(undefined), []);
  });
});
