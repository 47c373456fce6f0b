/**
 * @module load_shedding
 *
 * Overload said honestly (issue 15): a service that already has `maxInFlight` requests under way answers the next
 * one at once with 503 Service Unavailable and `Retry-After` (RFC 9110 §15.6.4, §10.2.3), instead of queueing it
 * behind the others until the browser gives up. A page the browser asked for with GET says "busy, retrying" and
 * reloads itself after Retry-After (a GET is safe to send again, RFC 9110 §9.2.1); any other request gets the
 * short JSON `temporarily_unavailable` (the code RFC 6749 §4.1.2.1 names for this) and is not retried for the user:
 * a form sent twice could act twice. Nothing of the shed request is read: its handler never runs, so an
 * authorization code or a `state` it carries is still unused when it is sent again.
 *
 * What this does not reach: connections the kernel holds before the service accepts them (its listen queue).
 * A busy Node process accepts one connection per event-loop turn (bench/README.md): keeping its turns short
 * (this limit, bounded password hashing, handlers taking turns in turns.ts) is how that queue stays short.
 */
import type { NextFunction, Request, Response } from 'express';

export interface LoadSheddingOptions {
  /** Requests under way at once before the next is refused; 0 turns shedding off. */
  maxInFlight: number;
  /** Seconds the client is told to wait (Retry-After). */
  retryAfterS?: number;
  /** The name the busy page gives the service ("Photo Printer"). */
  serviceName: string;
}

export function shedLoad(options: LoadSheddingOptions) {
  const retryAfterS = options.retryAfterS ?? 1;
  let inFlight = 0;
  return function loadShedding(req: Request, res: Response, next: NextFunction): void {
    if (options.maxInFlight <= 0) {
      next();
      return;
    }
    if (inFlight >= options.maxInFlight) {
      res.status(503).set('Retry-After', String(retryAfterS)).set('Cache-Control', 'no-store');
      if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
        res
          .type('html')
          .send(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${retryAfterS}">` +
              `<title>Busy, retrying</title></head><body><main><h1>${escapeHtml(options.serviceName)} is busy, retrying</h1>` +
              `<p>Many learners at once: this page reloads itself in ${retryAfterS} s. Nothing was lost.</p></main></body></html>`,
          );
      } else
        res.json({
          error: 'temporarily_unavailable',
          error_description: `${options.serviceName} is busy. Try again in ${retryAfterS} s.`,
        });
      return;
    }
    inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
