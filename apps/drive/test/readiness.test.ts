/**
 * Keeping token validation ready (readiness.ts): retried after failures, quiet while the services start
 * together, then reported at most once per period, and the recovery reported once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessTokenClaims } from '@oauth-demo/tokens';
import { Readiness } from '../src/readiness.js';

const fast = { firstRetryMs: 10, maxRetryMs: 20, refreshMs: 60_000, quietStartMs: 60, reportEveryMs: 60_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function validatorFailing(times: number) {
  const v = {
    calls: 0,
    validate: async (): Promise<AccessTokenClaims> => assert.fail('not called'),
    async prepare() {
      v.calls++;
      if (v.calls <= times) throw new Error(`auth server down (attempt ${v.calls})`);
    },
  };
  return v;
}

describe('Readiness', () => {
  it('retries until prepare succeeds; quiet at first, then one report, then one recovery message', async () => {
    const validator = validatorFailing(8);
    const logs: string[] = [];
    const readiness = new Readiness(validator, (m) => logs.push(m), fast);
    readiness.start();
    try {
      const deadline = Date.now() + 3000;
      while (validator.calls < 9 && Date.now() < deadline) await sleep(5);
      await sleep(5);
      assert.equal(validator.calls, 9, 'eight failures, then the success');
      assert.equal(logs.length, 2, logs.join('\n'));
      assert.match(
        logs[0]!,
        /^cannot fetch the authorization server keys yet, retrying: auth server down \(attempt \d\)$/,
      );
      assert.match(logs[1]!, /works again/);
    } finally {
      readiness.stop();
    }
  });

  it('says nothing when it works at once, and stop() ends the retries', async () => {
    const ok = validatorFailing(0);
    const quiet: string[] = [];
    const a = new Readiness(ok, (m) => quiet.push(m), fast);
    a.start();
    await sleep(30);
    a.stop();
    assert.equal(ok.calls, 1, 'one prepare; the next only after refreshMs');
    assert.deepEqual(quiet, []);

    const down = validatorFailing(Infinity);
    const b = new Readiness(down, () => {}, fast);
    b.start();
    await sleep(40);
    b.stop();
    const calls = down.calls;
    await sleep(60);
    assert.equal(down.calls, calls, 'no attempt after stop()');
  });
});
