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

export function listen(app: Express, port: number, host: string): Promise<StartedServer> {
  return new Promise((resolvePromise, reject) => {
    const server = app.listen(port, host);
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
