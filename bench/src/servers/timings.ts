/**
 * @module servers/timings
 *
 * Preloaded into each service by benchmark 3 only (`node --import …/timings.js server.js`, with
 * BENCH_TIMINGS_FILE set by the bench): per-request server-side timings, one NDJSON line per request, so that a
 * slow request of the load generator can be attributed to where it waited (bench/src/attribution.ts). The
 * services' own code knows nothing of it; a service started without this preload pays nothing.
 *
 * Per request (all times in ms since the epoch, from one clock shared by every process on the machine):
 * - `acc`: the service accepted the TCP connection (its `connection` event: the kernel's accept queue is behind);
 * - `req`: Node parsed the request head and handed it to express (event-loop wait before it);
 * - `fin`: the response was handed to the kernel (`finish`);
 * - `bc`: each back-channel call made while handling it (http.request): start, socket given by the agent
 *   (`sock`: waiting for one of its maxSockets), TCP connected (`con`, only for a new socket), response head, end;
 * - `tp`: work sent to libuv's thread pool (scrypt, WebCrypto sign/verify): from the call to its result.
 * The load generator's `x-bench-request` header joins a line to the client's own timings; back-channel calls carry
 * it on as `x-bench-parent`, so the auth server's /token line names the printer's /callback it served.
 * Every second also one `loop` line: the longest event-loop delay in that second.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
// One record of the NDJSON this preload writes: its reader, attribution.ts, owns the type (type-only import: no
// runtime dependency in the services).
import type { ServerCall as Call, ServerTiming as Timing } from '../attribution.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_TIMINGS_FILE;
const service = process.env.BENCH_TIMINGS_SERVICE ?? 'service';
const now = () => performance.timeOrigin + performance.now();
const round = (t: number | undefined) => (t === undefined ? undefined : Math.round(t * 10) / 10);

if (file) {
  const store = new AsyncLocalStorage<Timing>();
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, lines.join(''));
    lines = [];
  };
  setInterval(flush, 500).unref();
  process.once('exit', flush);

  const accepted = new WeakMap<Socket, { at: number; count: number }>();
  const originalEmit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'connection') accepted.set(args[0] as Socket, { at: now(), count: 0 });
    const emitOriginal = () => (originalEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
    if (event !== 'request') return emitOriginal();
    const req = args[0] as http.IncomingMessage;
    const res = args[1] as http.ServerResponse;
    const at = now();
    const socketInfo = accepted.get(req.socket) ?? { at, count: 0 };
    socketInfo.count++;
    const id = req.headers['x-bench-request'];
    const parent = req.headers['x-bench-parent'];
    const timing: Timing = {
      svc: service,
      ...(typeof id === 'string' ? { id } : {}),
      ...(typeof parent === 'string' ? { parent } : {}),
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      acc: socketInfo.at,
      req: at,
      nth: socketInfo.count,
      bc: [],
      tp: [],
    };
    res.once('finish', () => {
      timing.fin = now();
      timing.status = res.statusCode;
      lines.push(
        `${JSON.stringify(timing, (k, v) => (typeof v === 'number' && k !== 'nth' && k !== 'status' ? round(v) : v))}\n`,
      );
    });
    return store.run(timing, emitOriginal);
  } as typeof http.Server.prototype.emit;

  // Back-channel calls (axios uses http.request with maxRedirects: 0).
  const originalRequest = http.request;
  http.request = function request(this: unknown, ...args: unknown[]) {
    const timing = store.getStore();
    const first = args[0];
    if (timing && first && typeof first === 'object' && !(first instanceof URL)) {
      const options = first as http.RequestOptions;
      options.headers = { ...(options.headers as Record<string, string>), 'x-bench-parent': timing.id ?? '' };
    }
    const req = (originalRequest as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    if (timing) {
      const call: Call = { path: req.path.split('?')[0]!, start: now() };
      timing.bc.push(call);
      req.once('socket', (socket: Socket) => {
        call.sock = now();
        call.reused = req.reusedSocket;
        if (socket.connecting) socket.once('connect', () => (call.con = now()));
      });
      req.once('response', (res: http.IncomingMessage) => {
        call.res = now();
        call.status = res.statusCode;
        res.once('end', () => (call.end = now()));
      });
      req.once('close', () => (call.end ??= now()));
    }
    return req;
  } as typeof http.request;

  // The thread pool: scrypt (password checks) and WebCrypto (jose's ES256 sign and verify).
  const originalScrypt = crypto.scrypt;
  crypto.scrypt = function scrypt(this: unknown, ...args: unknown[]) {
    const timing = store.getStore();
    const callback = args.at(-1) as (...r: unknown[]) => void;
    if (timing && typeof callback === 'function') {
      const start = now();
      args[args.length - 1] = (...r: unknown[]) => {
        timing.tp.push({ kind: 'scrypt', start, end: now() });
        callback(...r);
      };
    }
    return (originalScrypt as (...a: unknown[]) => void).apply(this, args);
  } as typeof crypto.scrypt;
  const subtle = Object.getPrototypeOf(globalThis.crypto.subtle) as SubtleCrypto;
  for (const kind of ['sign', 'verify'] as const) {
    const original = subtle[kind] as (...a: unknown[]) => Promise<unknown>;
    (subtle as unknown as Record<string, unknown>)[kind] = function wrapped(this: SubtleCrypto, ...args: unknown[]) {
      const timing = store.getStore();
      const start = now();
      const result = original.apply(this, args);
      if (timing) void result.then(() => timing.tp.push({ kind, start, end: now() })).catch(() => undefined);
      return result;
    };
  }

  // The longest event-loop delay in each second.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    lines.push(`${JSON.stringify({ svc: service, loop: Math.round(now()), maxMs: round(delay.max / 1e6) })}\n`);
    delay.reset();
  }, 1000).unref();
}
