/**
 * Issue 12 item 5, against the real auth server: 10 000 recorded-looking requests (a traceparent without the
 * printer's proof, and front-channel authorization requests that each open a new interaction) cannot grow the
 * recorder past its stated bound nor push out a flow the printer proved. Measured: the bytes the recorder counts
 * it holds (Recorder.bytes), not the process's memory.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTraceparent, formatTracestate, newTraceId } from '@oauth-demo/teaching';
import { authorizePath, startAuthServer, TEST_TRACE_SECRET, validAuthorizeParams, type TestServer } from './helpers.js';

let server: TestServer;
before(async () => {
  server = await startAuthServer();
});
after(() => server.destroy());

describe('the recorder under a flood', () => {
  it('records a traceparent only with the printer’s proof', async () => {
    const proven = newTraceId();
    const forged = newTraceId();
    await fetch(`${server.url}/.well-known/jwks.json`, {
      headers: { traceparent: formatTraceparent(proven), tracestate: formatTracestate(TEST_TRACE_SECRET, proven) },
    });
    await fetch(`${server.url}/.well-known/jwks.json`, {
      headers: {
        traceparent: formatTraceparent(forged),
        tracestate: formatTracestate('not-the-secret-0123456789-0123456789-abcdef', forged),
      },
    });
    await fetch(`${server.url}/.well-known/jwks.json`, { headers: { traceparent: formatTraceparent(forged) } });
    const list = async (id: string) =>
      ((await (await fetch(`${server.url}/_demo/recordings/${id}`)).json()) as { exchanges: unknown[] }).exchanges;
    assert.equal((await list(proven)).length, 1);
    assert.equal((await list(forged)).length, 0);
  });

  it('10 000 requests from one address: the recorder stays under its bound and the printer’s flow stays', async () => {
    const recorder = server.app.context.recorder;
    const victim = newTraceId();
    const proof = { traceparent: formatTraceparent(victim), tracestate: formatTracestate(TEST_TRACE_SECRET, victim) };
    await fetch(`${server.url}/.well-known/oauth-authorization-server`, { headers: proof });
    const before = recorder.list(victim).length;
    assert.equal(before, 1);
    const padding = 'p'.repeat(4000);
    let peak = 0;
    let sent = 0;
    while (sent < 10_000) {
      const batch = Array.from({ length: 25 }, (_, i) => {
        const n = sent + i;
        if (n % 2 === 0) {
          const id = newTraceId();
          return fetch(`${server.url}/.well-known/jwks.json?${padding}`, {
            headers: {
              traceparent: formatTraceparent(id),
              tracestate: `oauthdemo=${padding.slice(0, 43)}`,
              'x-pad': padding,
            },
          });
        }
        return fetch(`${server.url}${authorizePath(validAuthorizeParams({ state: padding.slice(0, 500) }))}`, {
          redirect: 'manual',
          headers: { 'x-pad': padding },
        });
      });
      for (const res of await Promise.all(batch)) await res.arrayBuffer();
      sent += batch.length;
      peak = Math.max(peak, recorder.bytes);
    }
    const perAddress = recorder.maxBytes / 16;
    assert.ok(
      peak <= perAddress + 64 * 1024,
      `peak ${peak} bytes: the flooding address's quota (${perAddress}) plus the printer's one flow`,
    );
    assert.ok(peak <= recorder.maxBytes);
    assert.equal(recorder.list(victim).length, before, 'the printer’s flow is untouched');
    console.log(
      `# auth server, 10 000 flood requests: recorder peak ${peak} bytes (per-address quota ${perAddress}, whole budget ${recorder.maxBytes})`,
    );
  });
});
