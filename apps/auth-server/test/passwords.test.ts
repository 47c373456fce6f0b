/**
 * Password hashing (passwords.ts): scrypt, verified in constant time; password checks take turns, never
 * more than MAX_CONCURRENT_SCRYPT at once, so a burst of sign-ins cannot take the whole thread pool that
 * token signing needs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hashPassword,
  MAX_CONCURRENT_SCRYPT,
  passwordChecksRunning,
  takeTurnForPasswordCheck,
  verifyPassword,
} from '../src/passwords.js';

describe('Password hashing', () => {
  it('verifies the right password and refuses a wrong one or a foreign format', async () => {
    const stored = await hashPassword('wonderland');
    assert.match(stored, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifyPassword('wonderland', stored), true);
    assert.equal(await verifyPassword('Wonderland', stored), false);
    assert.equal(await verifyPassword('wonderland', 'md5$abc'), false);
  });

  it(`a burst of sign-ins runs at most ${MAX_CONCURRENT_SCRYPT} scrypt at a time, and every one gets its answer`, async () => {
    const stored = await hashPassword('wonderland');
    let most = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        most = Math.max(most, passwordChecksRunning());
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        takeTurnForPasswordCheck(() => verifyPassword(i % 2 === 0 ? 'wonderland' : 'nope', stored)),
      ),
    );
    watching = false;
    await watch;
    assert.deepEqual(answers, [true, false, true, false, true, false, true, false]);
    assert.equal(most, MAX_CONCURRENT_SCRYPT, 'the burst filled the allowed slots and no more');
    assert.equal(passwordChecksRunning(), 0, 'every slot was given back');
  });
});
