import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  GRANT_KEYS,
  GRANT_STEPS,
  STEP_NUMBERS,
  stepBar,
  stepNumbersOf,
  tokenRequestStep,
  tokenResponseNote,
} from './steps.js';

describe('the one definition of each grant’s steps', () => {
  it('agrees with the notes’ grants table (docs/notes.md)', () => {
    const notes = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'docs', 'notes.md'), 'utf8');
    const rows: Record<string, string> = {
      authorization_code: 'Authorization Code',
      implicit: 'Implicit',
      client_credentials: 'Client Credentials',
      password: 'Password',
    };
    for (const [key, name] of Object.entries(rows)) {
      const line = notes.split('\n').find((l) => l.startsWith(`| ${name}`));
      assert.ok(line, `the notes' table has a ${name} row`);
      const steps = line.split('|')[3]?.trim().split(/\s+/).map(Number);
      assert.deepEqual(stepNumbersOf(key as keyof typeof GRANT_STEPS), steps, name);
    }
  });

  it('says, for every grant, either what each of the eight steps is or why it does not exist', () => {
    for (const key of GRANT_KEYS) {
      const def = GRANT_STEPS[key];
      for (const n of STEP_NUMBERS) {
        const has = def.steps.some((s) => s.n === n);
        const absent = def.absent[n];
        assert.ok(has !== (absent !== undefined), `${key} step ${n}: exactly one of "a step" or "absent, because…"`);
      }
      assert.deepEqual(
        def.steps.map((s) => s.n),
        [...def.steps.map((s) => s.n)].sort((a, b) => a - b),
        `${key}: in order`,
      );
      for (const n of Object.keys(def.refusals).map(Number))
        assert.ok(
          def.steps.some((s) => s.n === n),
          `${key}: a refusal at ${n}, a step it has`,
        );
    }
  });

  it('labels refusals as refusals, never as issuing a token', () => {
    for (const key of GRANT_KEYS) {
      for (const refusal of Object.values(GRANT_STEPS[key].refusals))
        assert.doesNotMatch(`${refusal.title} ${refusal.detail}`, /issues (the|an) access token/i);
    }
    assert.match(tokenResponseNote('authorization_code', 200), /^Step 6: the token response/);
    assert.match(tokenResponseNote('refresh_token', 400), /^Step 6, refused/);
    assert.doesNotMatch(tokenResponseNote('refresh_token', 400), /token response/);
  });

  it('builds a page’s step bar only from its grant’s steps; another grant’s step throws', () => {
    const bar = stepBar('device_code', [3], { refused: [3] });
    assert.deepEqual(
      bar.steps.map((s) => s.n),
      [1, 2, 3, 5, 6, 7, 8],
    );
    assert.deepEqual(bar.refused, [3]);
    assert.throws(() => stepBar('device_code', [4]), /step 4 does not exist in the device_code grant/);
    assert.throws(() => stepBar('refresh_token', [1]), /does not exist/);
    assert.throws(() => stepBar('client_credentials', [2], { refused: [2] }), /no refusal/);
  });

  it('says on the bar why a grant skips numbers: each missing step with its reason, from the one definition', () => {
    const device = stepBar('device_code', [5]).gaps!;
    assert.equal(device.question, 'Why no step 4?');
    assert.match(device.numbering, /the notes’ eight steps of the Authorization Code flow/);
    assert.deepEqual(device.absent, [{ n: 4, why: GRANT_STEPS.device_code.absent[4] }]);
    const password = stepBar('password', [2]).gaps!;
    assert.equal(password.question, 'Why no steps 3, 4 and 5?');
    assert.deepEqual(
      password.absent.map((a) => a.n),
      [3, 4, 5],
    );
    assert.match(password.absent[0]!.why, /no consent screen/);
    assert.equal(stepBar('client_credentials', [2]).gaps?.question, 'Why no steps 1, 3, 4 and 5?');
    // Every grant: the bar's numbers and its missing ones are the eight, once each.
    for (const key of GRANT_KEYS) {
      const bar = stepBar(key, []);
      const all = [...bar.steps.map((s) => s.n), ...(bar.gaps?.absent.map((a) => a.n) ?? [])].sort();
      assert.deepEqual(all, [...STEP_NUMBERS], key);
    }
    assert.equal(stepBar('authorization_code', [1]).gaps, undefined, 'all eight: nothing to explain');
  });

  it('numbers a token request by its grant: a refresh is not "the code and its code_verifier"', () => {
    assert.equal(tokenRequestStep('client_credentials')?.step, 2);
    assert.equal(tokenRequestStep('password')?.step, 2);
    assert.equal(tokenRequestStep('refresh_token')?.step, 5);
    assert.doesNotMatch(tokenRequestStep('refresh_token')?.label ?? '', /code_verifier/);
    assert.equal(tokenRequestStep('__proto__'), undefined);
    assert.equal(tokenRequestStep(42), undefined);
  });
});

describe('step-through: the code’s remaining lifetime', () => {
  it('counts down from the code’s arrival and goes negative once it has expired', async () => {
    const { codeLifetime, CODE_LIFETIME_HINT_S } = await import('./step_through.js');
    const now = Date.UTC(2026, 0, 1);
    assert.equal(codeLifetime(now - 10_000, now)?.secondsLeft, CODE_LIFETIME_HINT_S - 10);
    assert.ok((codeLifetime(now - (CODE_LIFETIME_HINT_S + 5) * 1000, now)?.secondsLeft ?? 0) < 0);
    assert.equal(codeLifetime(undefined, now), undefined);
  });
});
