/**
 * @module servers/stall_watch
 *
 * Preloaded into each service by benchmark 3 (`node --import …/stall_watch.js server.js`): reports on stderr
 * every time the event loop was blocked for more than STALL_MS, so that a learner's timeout can be told apart
 * from a service that stopped answering (a long synchronous task, a slow disk under SQLite) and one that only
 * queued. A timer every 100 ms, nothing else: it changes nothing the service does.
 */
const TICK_MS = 100;
const STALL_MS = 1000;

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - TICK_MS;
  last = now;
  if (late > STALL_MS)
    console.error(`[stall] event loop blocked ${Math.round(late)} ms, until ${new Date().toISOString()}`);
}, TICK_MS).unref();
