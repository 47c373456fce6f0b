/**
 * @module express/record_http
 *
 * The express side of the recorder: one middleware that files each request and its response under a trace.
 * Back-channel requests name their trace with a W3C `traceparent` header; a front-channel route names it
 * by setting `res.locals.recording` (the browser sends no trace header).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { newSpanId, parseTraceparent, type Party, type Recorder, verifyTraceOrigin } from '../recorder.js';

export interface RecordingInfo {
  /** Trace id or another key later linked to one (e.g. `interaction:<id>`). Defaults to the traceparent. */
  key?: string;
  from?: Party;
  channel?: 'front' | 'back';
  step?: number;
  label?: string;
  note?: string;
  /** The note, once the answer's status is known (e.g. a token response or a refusal). */
  noteFor?: (status: number) => string | undefined;
}

const MAX_CAPTURE = 16 * 1024;

declare global {
  namespace Express {
    interface Locals {
      /** Set by recordExchanges on a request that came with no trace: describeExchange with a `key` calls it. */
      startRecording?: () => void;
    }
  }
}

/** Our services name themselves in User-Agent on the back channel (`photo-printer/…`, `drive/…`). */
function partyFromUserAgent(userAgent: string | undefined): Party {
  if (userAgent?.startsWith('drive')) return 'drive';
  if (userAgent?.startsWith('auth')) return 'auth';
  return 'printer';
}

function headersOf(source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

function bodyOf(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && Object.keys(body).length === 0) return undefined;
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body as Record<string, unknown>))
    for (const one of [value].flat()) form.append(name, String(one));
  return form.toString();
}

/**
 * Middleware, first of a peer of the printer (the auth server, Drive): a `traceparent` is believed only with the
 * printer's proof in `tracestate` (recorder.ts verifyTraceOrigin, keyed with TRACE_SECRET); otherwise both headers
 * are removed before anything reads them, so the request is recorded under no trace and links nothing
 * (issue 12 item 5: anyone can send a traceparent, and the recorder must not be theirs to fill).
 */
export function acceptTraceFromPrinter(traceSecret: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const traceparent = parseTraceparent(req.get('traceparent'));
    if (!traceparent || !verifyTraceOrigin(traceSecret, traceparent.traceId, req.get('tracestate'))) {
      delete req.headers.traceparent;
      delete req.headers.tracestate;
    }
    next();
  };
}

export interface RecordExchangesOptions {
  /**
   * The front channel (a browser, no traceparent) is anyone on the network: file its exchanges under the
   * browser's address, whose quota (maxTracesPerSource, maxBytesPerSource) a flood exhausts without touching
   * other learners' flows. (The printer's own front channel is keyed by trace ids it made itself: trusted.)
   */
  untrustedFrontChannel?: boolean;
}

export function recordExchanges(
  recorder: Recorder,
  recordedBy: Party,
  defaults: RecordingInfo = {},
  options: RecordExchangesOptions = {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!recorder.enabled) return next();
    const started = Date.now();
    const traceparent = parseTraceparent(req.get('traceparent'));
    // Most requests belong to no trace (a load test, a page without a flow): nothing is wrapped or copied for them,
    // unless their route names a trace before it answers (describeExchange with a `key` starts the recording).
    if (traceparent === undefined && defaults.key === undefined) res.locals.startRecording = record;
    else record();
    next();

    function record(): void {
      res.locals.startRecording = undefined;
      const chunks: Buffer[] = [];
      let captured = 0;
      const collect = (chunk: unknown, encoding?: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function' || captured >= MAX_CAPTURE) return;
        const buffer = Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
        chunks.push(buffer);
        captured += buffer.length;
      };
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        collect(chunk, rest[0]);
        return write(chunk, ...rest);
      }) as Response['write'];
      // When the answer was given: its 'finish' can come a loop turn later on a busy service, after the client has
      // already read the answer and gone on (the timeline would show step 6 after the step 7 it led to).
      let answeredAt: number | undefined;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        answeredAt ??= Date.now();
        collect(chunk, rest[0]);
        return end(chunk, ...rest);
      }) as Response['end'];

      res.once('finish', () => {
        const given = res.locals.recording as RecordingInfo | undefined;
        const key = (given && 'key' in given ? given.key : defaults.key) ?? traceparent?.traceId;
        if (!key) return;
        const described = { ...defaults, ...given };
        const { noteFor, ...info } = { ...described, note: described.noteFor?.(res.statusCode) ?? described.note };
        const contentType = String(res.getHeader('content-type') ?? '');
        const textual = /json|text|html|x-www-form-urlencoded/.test(contentType);
        const source =
          traceparent === undefined && options.untrustedFrontChannel ? `ip:${req.ip ?? 'unknown'}` : undefined;
        recorder.add(
          {
            id: newSpanId(),
            traceId: key,
            recordedBy,
            from: info.from ?? (traceparent ? partyFromUserAgent(req.get('user-agent')) : 'browser'),
            to: recordedBy,
            channel: info.channel ?? (traceparent ? 'back' : 'front'),
            ...(info.step !== undefined ? { step: info.step } : {}),
            label: info.label ?? `${req.method} ${req.path}`,
            ...(info.note !== undefined ? { note: info.note } : {}),
            at: started,
            durationMs: (answeredAt ?? Date.now()) - started,
            request: {
              method: req.method,
              url: req.originalUrl,
              headers: headersOf(req.headers),
              ...(bodyOf(req.body) !== undefined ? { body: bodyOf(req.body)! } : {}),
            },
            response: {
              status: res.statusCode,
              headers: headersOf(res.getHeaders()),
              ...(chunks.length > 0
                ? {
                    body: textual
                      ? Buffer.concat(chunks).toString('utf8')
                      : `(${captured} bytes of ${contentType || 'data'})`,
                  }
                : {}),
            },
          },
          source,
        );
      });
    }
  };
}

/**
 * Describe the current exchange for the recorder (merged over what was set before). Naming its trace (`key`)
 * starts the recording of a request that came with none; a route describes its exchange before it answers.
 */
export function describeExchange(res: Response, info: RecordingInfo): void {
  res.locals.recording = { ...(res.locals.recording as RecordingInfo | undefined), ...info };
  if (info.key !== undefined) res.locals.startRecording?.();
}
