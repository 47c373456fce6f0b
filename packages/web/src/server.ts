/**
 * @module server
 *
 * Listening is separate from building the app (`createApp()`), so tests can run the app on a free port.
 */
import type { Server } from 'node:http';
import type { Express } from 'express';

export interface StartedServer {
  server: Server;
  /** The actual port (useful when asked for port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * How long an idle keep-alive connection from a browser stays open. Node's default is 5 s; browsers keep theirs
 * for minutes (Chrome 300 s, Firefox 115 s). With 5 s, every learner who spends more than 5 s on another service
 * (signing in at the auth server while a class does the same) comes back on a new TCP connection, and a service
 * whose event loop is busy accepts only one new connection per loop turn (libuv ≥ 1.45 accepts once per poll,
 * libuv PR #3696): in benchmark 3 such connections waited 12-16 s in the kernel's accept queue while requests
 * on kept connections passed in under a second (bench/README.md, "Why some requests waited 30 s").
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function listen(app: Express, port: number, host: string): Promise<StartedServer> {
  return new Promise((resolvePromise, reject) => {
    const server = app.listen(port, host);
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // A request's head must still arrive in time on a kept connection (slowloris), as by default.
    server.headersTimeout = Math.max(server.headersTimeout, KEEP_ALIVE_TIMEOUT_MS + 1000);
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(
          new Error(`Port ${port} on ${host} is already in use. Set another port in the environment (see README).`),
        );
      else reject(err);
    });
    server.once('listening', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolvePromise({
        server,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Stop cleanly on Ctrl-C or `kill`, running `cleanup` (e.g. closing the database) once. */
export function stopOnSignals(cleanup: () => Promise<void> | void): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cleanup();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
