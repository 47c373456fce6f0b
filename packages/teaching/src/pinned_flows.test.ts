import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PINNED_PER_SESSION, capFlows, flowsForList, pinFlow } from './pinned_flows.js';

const flows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `f${i}` }));

describe('pinned flows (issue 18 item 2)', () => {
  it('the cap drops the oldest unpinned flows and never a pinned one', () => {
    let all: { id: string; pinned?: boolean }[] = flows(6);
    all = pinFlow(all, 'f0', true).flows;
    all = pinFlow(all, 'f2', true).flows;
    const { kept, dropped } = capFlows(all, 4);
    assert.deepEqual(
      dropped.map((f) => f.id),
      ['f1', 'f3'],
    );
    assert.deepEqual(
      kept.map((f) => f.id),
      ['f0', 'f2', 'f4', 'f5'],
    );
    // Flow after flow: the pinned first flow survives any number of new ones.
    let session = all;
    for (let i = 6; i < 100; i++) session = capFlows([...session, { id: `f${i}` }], 4).kept;
    assert.deepEqual(
      session.map((f) => f.id),
      ['f0', 'f2', 'f98', 'f99'],
    );
  });

  it('under the cap, nothing is dropped', () => {
    const { kept, dropped } = capFlows(flows(3), 20);
    assert.equal(kept.length, 3);
    assert.equal(dropped.length, 0);
  });

  it('pins are bounded: a session cannot pin more than MAX_PINNED_PER_SESSION flows', () => {
    let all: { id: string; pinned?: boolean }[] = flows(MAX_PINNED_PER_SESSION + 2);
    for (let i = 0; i < MAX_PINNED_PER_SESSION; i++) {
      const r = pinFlow(all, `f${i}`, true);
      assert.equal(r.result, 'pinned');
      all = r.flows;
    }
    const refused = pinFlow(all, `f${MAX_PINNED_PER_SESSION}`, true);
    assert.equal(refused.result, 'full');
    assert.equal(refused.flows.filter((f) => f.pinned).length, MAX_PINNED_PER_SESSION);
    // Pinning one already pinned is no new pin; unpinning makes room.
    assert.equal(pinFlow(all, 'f0', true).result, 'pinned');
    const unpinned = pinFlow(all, 'f0', false);
    assert.equal(unpinned.result, 'unpinned');
    assert.equal(unpinned.flows[0]!.pinned, undefined);
    assert.equal(pinFlow(unpinned.flows, `f${MAX_PINNED_PER_SESSION}`, true).result, 'pinned');
    assert.equal(pinFlow(all, 'not-a-flow', true).result, 'unknown');
  });

  it('lists pinned flows first, newest first in each group', () => {
    const all = [{ id: 'a', pinned: true }, { id: 'b' }, { id: 'c', pinned: true }, { id: 'd' }];
    assert.deepEqual(
      flowsForList(all).map((f) => f.id),
      ['c', 'a', 'd', 'b'],
    );
  });
});
