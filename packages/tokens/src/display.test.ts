/**
 * Talking about tokens without showing them: fingerprints and display-only claims.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeClaimsForDisplay, fingerprint } from './display.js';

describe('token fingerprints and display claims', () => {
  it('shows 6 hex characters of the SHA-256, never the token', () => {
    assert.equal(fingerprint('abc'), 'sha256:ba7816');
    assert.match(fingerprint('another token'), /^sha256:[0-9a-f]{6}$/);
  });
  it('decodes a JWT payload for display, and nothing else', () => {
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'print-lab',
        client_id: 'print-lab',
        scope: 'gallery.read',
        aud: ['drive'],
        exp: 5,
        extra: 'x',
      }),
    ).toString('base64url');
    assert.deepEqual(decodeClaimsForDisplay(`e30.${payload}.sig`), {
      sub: 'print-lab',
      client_id: 'print-lab',
      scope: 'gallery.read',
      aud: 'drive',
      exp: 5,
    });
    assert.equal(decodeClaimsForDisplay('opaque-token'), null);
    assert.equal(decodeClaimsForDisplay('a.!!!.c'), null);
  });
});
