/**
 * The printer's back channel (back_channel.ts): a peer that never answers costs a learner at most the
 * timeout, even for calls queued behind other slow calls (the agent keeps at most 16 connections per peer).
 * Found while chasing timeouts under 200 learners in bench/ (benchmark 3).
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createBackChannel, describeNetworkError } from '../src/back_channel.js';

describe('Back channel deadline', () => {
  it('20 calls to a peer that never answers all fail "in time", the queued ones included', async () => {
    const sockets: Socket[] = [];
    // Accepts connections and reads requests, never answers.
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const timeoutMs = 1000;
    const backChannel = createBackChannel(timeoutMs);
    try {
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          backChannel.http.get(`http://127.0.0.1:${port}/token`).then(
            () => 'answered',
            (error: unknown) => ({ reason: describeNetworkError(error), afterMs: performance.now() - started }),
          ),
        ),
      );
      for (const outcome of outcomes) {
        assert.notEqual(outcome, 'answered');
        assert.equal(typeof outcome === 'object' && outcome.reason, 'it did not answer in time');
      }
      const times = outcomes.map((o) => (typeof o === 'object' ? o.afterMs : Infinity));
      const [fastest, slowest] = [Math.min(...times), Math.max(...times)];
      // All 20 share one deadline, the 4 calls queued behind the first 16 included: their wait for a socket
      // counts in the timeout (axios's timer runs from the call). Had it started at the socket, they would fail
      // a whole timeout after the others. (Compared with each other, not with the clock: a loaded CI machine
      // delays every timer alike.)
      assert.ok(fastest >= timeoutMs * 0.9, `no call failed before the timeout (${Math.round(fastest)} ms)`);
      assert.ok(slowest - fastest < timeoutMs / 2, `all failed together: ${Math.round(fastest)} to ${Math.round(slowest)} ms`);
    } finally {
      backChannel.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
