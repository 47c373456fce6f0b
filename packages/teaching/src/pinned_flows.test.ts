import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PINNED_PER_SESSION, capFlows, flowsForList, pinFlow } from './pinned_flows.js';
import { type Exchange, newTraceId, Recorder } from './recorder.js';

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

describe('a pinned flow in the recorder (issue 18 item 2)', () => {
  const exchange = (traceId: string, body = 'x'): Exchange => ({
    id: '0123456789abcdef',
    traceId,
    recordedBy: 'printer',
    from: 'printer',
    to: 'auth',
    channel: 'back',
    label: 'token request',
    at: Date.now(),
    durationMs: 1,
    request: { method: 'POST', url: '/token', headers: {}, body },
    response: { status: 200, headers: {} },
  });

  it('outlives the trace cap while unpinned traces go; unpinned, it goes like the others', () => {
    const recorder = new Recorder({ enabled: true, maxTraces: 3 });
    const first = newTraceId();
    recorder.add(exchange(first));
    recorder.pin(first);
    const later = Array.from({ length: 10 }, () => newTraceId());
    for (const id of later) recorder.add(exchange(id));
    assert.equal(recorder.size, 3);
    assert.equal(recorder.list(first).length, 1, 'the pinned flow is kept');
    assert.equal(recorder.list(later[0]!).length, 0, 'the oldest unpinned went');
    recorder.unpin(first);
    recorder.add(exchange(newTraceId()));
    assert.equal(recorder.list(first).length, 0);
  });

  it('pins are bounded: a new pin past maxPinnedTraces releases the oldest', () => {
    const recorder = new Recorder({ enabled: true, maxTraces: 4, maxPinnedTraces: 2 });
    const ids = Array.from({ length: 3 }, () => newTraceId());
    for (const id of ids) {
      recorder.add(exchange(id));
      recorder.pin(id);
    }
    for (let i = 0; i < 6; i++) recorder.add(exchange(newTraceId()));
    assert.equal(recorder.list(ids[0]!).length, 0, 'its pin was released, and it went');
    assert.equal(recorder.list(ids[1]!).length, 1);
    assert.equal(recorder.list(ids[2]!).length, 1);
  });

  it('the byte budget still holds over pinned flows', () => {
    const recorder = new Recorder({ enabled: true, maxBytes: 64 * 1024, maxBytesPerTrace: 32 * 1024 });
    for (let i = 0; i < 50; i++) {
      const id = newTraceId();
      recorder.add(exchange(id, 'b'.repeat(4000)));
      recorder.pin(id);
    }
    assert.ok(recorder.bytes <= recorder.maxBytes);
    assert.ok(recorder.size > 0);
  });

  it('outlives the age limit', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const recorder = new Recorder({ enabled: true, maxAgeMs: 60_000 });
    const pinned = newTraceId();
    const other = newTraceId();
    recorder.add(exchange(pinned));
    recorder.add(exchange(other));
    recorder.pin(pinned);
    t.mock.timers.tick(120_000);
    recorder.add(exchange(newTraceId()));
    assert.equal(recorder.list(pinned).length, 1);
    assert.equal(recorder.list(other).length, 0);
  });
});
