/**
 * Password hashing (passwords.ts): scrypt, verified in constant time; password checks take turns, never
 * more than MAX_CONCURRENT_SCRYPT at once, so a burst of sign-ins cannot take the whole thread pool that
 * token signing needs.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  configurePasswordChecks,
  hashPassword,
  PasswordChecksBusy,
  passwordCheckConcurrency,
  passwordChecksRunning,
  takeTurnForPasswordCheck,
  verifyPassword,
} from '../src/passwords.js';

const MAX_CONCURRENT_SCRYPT = 2;

describe('Password hashing', () => {
  it('verifies the right password and refuses a wrong one or a foreign format', async () => {
    const stored = await hashPassword('wonderland');
    assert.match(stored, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifyPassword('wonderland', stored), true);
    assert.equal(await verifyPassword('Wonderland', stored), false);
    assert.equal(await verifyPassword('wonderland', 'md5$abc'), false);
  });

  it(`a burst of sign-ins runs at most ${MAX_CONCURRENT_SCRYPT} scrypt at a time, and every one gets its answer`, async () => {
    const before = passwordCheckConcurrency();
    configurePasswordChecks({ concurrency: MAX_CONCURRENT_SCRYPT });
    after(() => configurePasswordChecks({ concurrency: before }));
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

  it('a check that would wait past the deadline is refused at once, with when to try again', async () => {
    const before = passwordCheckConcurrency();
    configurePasswordChecks({ concurrency: 1, maxWaitMs: 0 });
    let release = () => {};
    const holding = takeTurnForPasswordCheck(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      await assert.rejects(
        takeTurnForPasswordCheck(async () => 'never runs'),
        (err: unknown) => err instanceof PasswordChecksBusy && err.retryAfterS >= 1,
      );
      assert.equal(passwordChecksRunning(), 1, 'the refused check took no slot');
    } finally {
      release();
      await holding;
      configurePasswordChecks({ concurrency: before, maxWaitMs: 10_000 });
    }
    assert.equal(passwordChecksRunning(), 0);
    assert.equal(await takeTurnForPasswordCheck(async () => 'runs'), 'runs', 'free again once the slot is given back');
  });
});
