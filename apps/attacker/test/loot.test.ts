import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LootBox, RUN_ID } from '../src/loot.js';

describe('LootBox', () => {
  it('keeps each run apart: one learner never sees another learner’s loot', () => {
    const box = new LootBox();
    box.add('run-a-0123456789abcdef', { scenario: 'pkce', success: true, summary: 'a', details: [] });
    box.add('run-b-0123456789abcdef', { scenario: 'csrf', success: false, summary: 'b', details: [] });
    assert.deepEqual(
      box.list('run-a-0123456789abcdef').map((l) => l.summary),
      ['a'],
    );
    assert.deepEqual(
      box.list('run-b-0123456789abcdef').map((l) => l.summary),
      ['b'],
    );
    assert.deepEqual(box.list('run-c-0123456789abcdef'), []);
  });

  it('is bounded per run', () => {
    const box = new LootBox();
    for (let i = 0; i < 30; i++)
      box.add('run-a-0123456789abcdef', { scenario: 'pkce', success: false, summary: String(i), details: [] });
    const list = box.list('run-a-0123456789abcdef');
    assert.equal(list.length, 20);
    assert.equal(list.at(-1)!.summary, '29');
  });

  it('accepts only run ids the printer makes (URL-safe, 16-64 characters)', () => {
    assert.ok(RUN_ID.test('Abc_-0123456789xyz'));
    assert.ok(!RUN_ID.test('short'));
    assert.ok(!RUN_ID.test('../../etc/passwd/0123456789'));
  });
});
