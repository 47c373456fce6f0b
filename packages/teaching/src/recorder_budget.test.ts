/**
 * Issue 12 item 5: the recorder cannot be abused. A byte budget, clipping, per-trace and per-source quotas, and a
 * traceparent believed only with the printer's proof. The floods below send 10 000 and more recorded-looking
 * exchanges; what is asserted is the bytes the recorder itself counts it holds (Recorder.bytes), never timing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIP, type Exchange, Recorder, formatTracestate, newTraceId, verifyTraceOrigin } from './recorder.js';

const big = (n: number) => 'x'.repeat(n);

const exchange = (traceId: string, size = 2000): Exchange => ({
  id: '0123456789abcdef',
  traceId,
  recordedBy: 'auth',
  from: 'browser',
  to: 'auth',
  channel: 'front',
  label: 'GET /authorize',
  at: Date.now(),
  durationMs: 1,
  request: {
    method: 'GET',
    url: `/authorize?${big(size)}`,
    headers: { 'user-agent': big(size), cookie: big(size) },
    body: big(size * 4),
  },
  response: { status: 200, headers: { 'content-type': 'text/html' }, body: big(size * 8) },
});

describe('Recorder budget (issue 12 item 5)', () => {
  it('clips URLs, headers, labels and bodies before keeping them', () => {
    const recorder = new Recorder({ enabled: true });
    const traceId = newTraceId();
    const headers = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`h${i}`, big(5000)]));
    recorder.add({
      ...exchange(traceId, 100_000),
      label: big(10_000),
      request: { method: 'GET', url: big(100_000), headers, body: big(100_000) },
    });
    const [kept] = recorder.list(traceId);
    assert.ok(kept!.request.url!.length < CLIP.url + 50);
    assert.ok(kept!.label.length < CLIP.label + 50);
    assert.equal(Object.keys(kept!.request.headers).length, CLIP.headers + 1, 'the first 40 headers and a note');
    assert.ok(Object.values(kept!.request.headers).every((v) => v.length < CLIP.headerValue + 50));
    assert.ok(kept!.request.body!.length < 8 * 1024 + 50);
    assert.ok(recorder.bytes < 256 * 1024);
  });

  it('a flood of 10 000 exchanges from one address stays within that address’s quota and evicts nobody else', () => {
    const recorder = new Recorder({ enabled: true });
    const printerFlow = newTraceId();
    const otherLearner = newTraceId();
    recorder.add({ ...exchange(printerFlow), channel: 'back', from: 'printer' }); // trusted (proven)
    recorder.add(exchange(otherLearner), 'ip:192.168.1.8');
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      // New traces (new interaction ids) and long ones (the same trace again and again), alternately.
      recorder.add(exchange(i % 2 === 0 ? newTraceId() : 'f'.repeat(32)), 'ip:192.168.1.66');
      peak = Math.max(peak, recorder.bytes);
    }
    const quota = recorder.maxBytes / 16; // maxBytesPerSource by default
    const victims = recorder.list(printerFlow).length + recorder.list(otherLearner).length;
    assert.equal(victims, 2, 'the other flows are all there');
    assert.ok(
      peak <= quota + 2 * 256 * 1024,
      `peak ${peak} bytes within the flooder's quota (${quota}) and the two others' flows`,
    );
    console.log(
      `# flood of 10 000 from one address: peak ${peak} bytes held (bound: maxBytes ${recorder.maxBytes}, per-address quota ${quota})`,
    );
  });

  it('floods from many addresses never pass the whole budget, and trusted flows go last', () => {
    const recorder = new Recorder({ enabled: true, maxBytes: 2 * 1024 * 1024, maxTraces: 100_000 });
    const printerFlows = Array.from({ length: 5 }, () => newTraceId());
    for (const id of printerFlows) recorder.add({ ...exchange(id), channel: 'back', from: 'printer' });
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      recorder.add(exchange(newTraceId()), `ip:10.0.${i % 250}.${i % 200}`);
      peak = Math.max(peak, recorder.bytes);
    }
    assert.ok(peak <= recorder.maxBytes, `peak ${peak} ≤ ${recorder.maxBytes}`);
    assert.ok(
      printerFlows.every((id) => recorder.list(id).length === 1),
      'the printer’s flows survive the flood',
    );
    console.log(`# flood of 20 000 from 250 addresses: peak ${peak} bytes held (bound ${recorder.maxBytes})`);
  });

  it('a trace id proves its origin only with the printer’s HMAC in tracestate', () => {
    const secret = 's'.repeat(43);
    const traceId = newTraceId();
    assert.equal(verifyTraceOrigin(secret, traceId, formatTracestate(secret, traceId)), true);
    assert.equal(
      verifyTraceOrigin(secret, traceId, `vendor=1,${formatTracestate(secret, traceId)}`),
      true,
      'other tracestate members are allowed',
    );
    assert.equal(
      verifyTraceOrigin(secret, traceId, formatTracestate('t'.repeat(43), traceId)),
      false,
      'another secret',
    );
    assert.equal(verifyTraceOrigin(secret, newTraceId(), formatTracestate(secret, traceId)), false, 'another trace');
    assert.equal(verifyTraceOrigin(secret, traceId, undefined), false);
    assert.equal(verifyTraceOrigin(secret, traceId, 'oauthdemo='), false);
  });
});
