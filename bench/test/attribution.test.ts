import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attribute, partsOf, type ServerTiming } from '../src/attribution.js';
import type { ClientTiming } from '../src/http_client.js';

describe('attribution of a request to where it waited', () => {
  const client: ClientTiming = {
    id: '7',
    step: 'printer GET /callback',
    start: 0,
    sock: 1,
    con: 3,
    res: 9100,
    end: 9105,
  };
  const server: ServerTiming = {
    svc: 'printer',
    id: '7',
    method: 'GET',
    path: '/callback',
    acc: 8003,
    req: 8010,
    fin: 9100,
    status: 303,
    nth: 1,
    bc: [{ path: '/token', start: 8020, sock: 8520, res: 9000, end: 9001 }],
    tp: [],
  };

  it('cuts a request into consecutive parts that add up to its whole time', () => {
    const parts = partsOf(client, server);
    assert.deepEqual(parts, {
      'client queue': 1,
      connect: 2,
      'accept queue': 8000,
      'before handler': 7,
      'back-channel socket wait': 500,
      'back channel': 481,
      'in handler': 109,
      'to client': 5,
    });
    const sum = Object.values(parts).reduce((a, b) => a + b, 0);
    assert.equal(sum, client.end! - client.start);
  });

  it('a request the service never saw is "no answer"', () => {
    const lost: ClientTiming = {
      id: '8',
      step: 'printer GET /',
      start: 0,
      sock: 0,
      con: 1,
      end: 30_000,
      error: 'timeout',
    };
    assert.deepEqual(partsOf(lost, undefined), { connect: 1, 'no answer': 29_999 });
  });

  it('joins by request id and counts slow accepts', () => {
    const a = attribute([client], { requests: [server], loops: [{ svc: 'printer', loop: 1, maxMs: 600 }] });
    assert.equal(a.joined, 1);
    assert.equal(a.slowAccepts, 1);
    assert.equal(a.steps[0]!.slowOnNewConnection, 1);
    assert.deepEqual(a.loops, [{ service: 'printer', maxMs: 600, secondsOver500Ms: 1 }]);
  });
});
