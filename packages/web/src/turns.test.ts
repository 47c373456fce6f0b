/**
 * turns.ts (issue 15): queued handlers run a few per event-loop turn, in arrival order, so the loop turns (and
 * accepts a new connection) between them; each keeps its request's async context.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express, { type NextFunction, type Request, type Response } from 'express';
import { takeTurns } from './turns.js';

const req = {} as Request;
const res = {} as Response;

describe('takeTurns: handlers wait in one line and the loop turns between them', () => {
  it('runs handlers in arrival order, and lets the loop turn between two when the budget is spent', async () => {
    const turns = takeTurns({ budgetMs: 0 });
    const seen: string[] = [];
    const all = new Promise<void>((resolve) => {
      turns(req, res, (() => {
        seen.push('a');
        // Queued by the first handler: without turns it would run after b and c (same turn).
        setImmediate(() => seen.push('loop turned'));
      }) as NextFunction);
      turns(req, res, (() => seen.push('b')) as NextFunction);
      turns(req, res, (() => {
        seen.push('c');
        resolve();
      }) as NextFunction);
    });
    assert.deepEqual(seen, [], 'nothing runs before the current turn ends');
    await all;
    assert.deepEqual(seen.slice(0, 2), ['a', 'loop turned']);
    assert.deepEqual(
      seen.filter((x) => x !== 'loop turned'),
      ['a', 'b', 'c'],
    );
  });

  it('with a budget, runs several handlers in one turn', async () => {
    const turns = takeTurns({ budgetMs: 60_000 });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      turns(req, res, (() => {
        seen.push('a');
        setImmediate(() => seen.push('loop turned'));
      }) as NextFunction);
      turns(req, res, (() => {
        seen.push('b');
        resolve();
      }) as NextFunction);
    });
    assert.deepEqual(seen, ['a', 'b']);
  });

  it("keeps each request's async context (AsyncLocalStorage)", async () => {
    const turns = takeTurns({ budgetMs: 0 });
    const als = new AsyncLocalStorage<string>();
    const got = await Promise.all(
      ['first', 'second'].map(
        (name) =>
          new Promise<string | undefined>((resolve) =>
            als.run(name, () => turns(req, res, (() => resolve(als.getStore())) as NextFunction)),
          ),
      ),
    );
    assert.deepEqual(got, ['first', 'second']);
  });

  it('serves an express app: every request answered, errors still reach the error handler', async () => {
    const app = express();
    app.use(takeTurns({ budgetMs: 0 }));
    app.get('/ok/:n', (request, response) => {
      response.send(`ok ${request.params.n}`);
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.use((_err: unknown, _request: Request, response: Response, _next: NextFunction) => {
      response.status(500).send('handled');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bodies = await Promise.all(
        Array.from({ length: 20 }, (_, n) => fetch(`${base}/ok/${n}`).then((r) => r.text())),
      );
      assert.deepEqual(
        bodies,
        Array.from({ length: 20 }, (_, n) => `ok ${n}`),
      );
      const boom = await fetch(`${base}/boom`);
      assert.equal(boom.status, 500);
      assert.equal(await boom.text(), 'handled');
      assert.equal(await (await fetch(`${base}/ok/after`)).text(), 'ok after', 'the queue goes on after an error');
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
