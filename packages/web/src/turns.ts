/**
 * @module turns
 *
 * Requests take turns, so a busy service still accepts new connections (issue 15, bench/README.md "Why some
 * requests waited 30 s").
 *
 * Node accepts at most one new connection per event-loop turn (libuv ≥ 1.45 accepts once per poll, libuv PR
 * #3696). Without a queue, a turn runs the handler of every request that arrived on a kept-alive connection since
 * the last one: with a class of 200 learners on a busy CPU such a turn lasted 0.3-1 s, so connections opened in
 * that time were accepted at one or two per second and the last of them waited 20-30 s in the kernel's accept
 * queue, never seen by the service, while learners on kept connections were served in under a second.
 *
 * This middleware puts each request's handler in a first-come, first-served queue and runs the queue for at most
 * `budgetMs` per turn (at least one handler), then lets the loop turn: it accepts the next connection, reads the
 * requests that arrived, and the queue goes on. Every learner waits in the same line, whether their browser
 * already had a connection or not. The total work is the same; only the order is fair.
 *
 * What it does not bound: work after a handler's first `await` (a back-channel answer, a signature) runs when
 * its I/O completes, outside the queue. The in-flight limit (load_shedding.ts) bounds how much of that there is.
 */
import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';

export interface TurnsOptions {
  /** Milliseconds of handlers run per event-loop turn before the loop may accept and read again (at least one). */
  budgetMs?: number;
}

/** 5 ms of handlers per turn: up to ~200 accepts per second however busy the service is. */
const DEFAULT_BUDGET_MS = 5;

export function takeTurns(options: TurnsOptions = {}) {
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const queue: Array<() => void> = [];
  let scheduled = false;

  const runSome = () => {
    const start = performance.now();
    try {
      do {
        const handler = queue.shift();
        if (!handler) break;
        handler();
      } while (performance.now() - start < budgetMs);
    } finally {
      // An immediate queued while immediates run waits for the next turn: the poll phase (accept, read) runs first.
      if (queue.length > 0) setImmediate(runSome);
      else scheduled = false;
    }
  };

  return function turns(_req: Request, _res: Response, next: NextFunction): void {
    // The handler keeps the request's async context (AsyncLocalStorage: the timeline's trace, the bench's timings).
    queue.push(AsyncResource.bind(() => next()));
    if (!scheduled) {
      scheduled = true;
      setImmediate(runSome);
    }
  };
}
