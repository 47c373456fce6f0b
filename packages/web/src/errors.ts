/**
 * @module errors
 *
 * The half of error handling the three apps share; the other half (what an OAuth error means for each, RFC 6749
 * §5.2 JSON or a redirect at the auth server, RFC 6750 §3 challenges at Drive, pages at the printer) stays in each
 * app's `src/errors.ts`, the one place where that app turns errors into HTTP.
 */
import type { NextFunction, Request, Response } from 'express';
import { InvalidRequest, OAuthError, ServerError } from '@oauth-demo/tokens';
import type { CsrfError } from './csrf.js';

declare global {
  namespace Express {
    interface Locals {
      /** Set on machine routes (API, metadata, back channel): errors are answered as JSON, not as a page. */
      jsonErrors?: boolean;
    }
  }
}

/** Mount on machine routes: their errors are JSON. */
export function answerErrorsAsJson(_req: Request, res: Response, next: NextFunction): void {
  res.locals.jsonErrors = true;
  next();
}

/**
 * Errors raised by express itself and its body parsers (413 too large, 400 malformed JSON or form, a path with
 * broken percent-encoding) carry a 4xx `status`: the client's mistake, not ours.
 */
export function isClientHttpError(err: unknown): err is { status: number } {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** A request express itself could not read: `invalid_request` (RFC 6749 §5.2), 413 when it was too large, else 400. */
export class UnreadableRequest extends InvalidRequest {
  override readonly status: number;
  constructor(httpStatus: number) {
    super(httpStatus === 413 ? 'The request is too large.' : 'The request could not be read.');
    this.status = httpStatus === 413 ? 413 : 400;
  }
}

/**
 * Any error as the OAuth error to answer: ours as they are, express's client errors as UnreadableRequest, anything
 * else as a server_error with at most `description` (its details go to `log`, never to the caller).
 */
export function toOAuthError(err: unknown, log: (err: unknown) => void, description?: string): OAuthError {
  if (err instanceof OAuthError) return err;
  if (isClientHttpError(err)) return new UnreadableRequest(err.status);
  log(err);
  return new ServerError(description);
}

/** RFC 6749 §5.2 (and RFC 6750 §3, RFC 7662, RFC 7009): the JSON body of an error, with its status. */
export function sendErrorJson(res: Response, error: OAuthError): void {
  res.status(error.status).json(error.toJSON());
}

/** What an expired or missing CSRF token (csrf.ts) shows: 403 and the same words in every app. */
export function csrfErrorPage(err: CsrfError): {
  status: 403;
  heading: string;
  message: string;
  code: 'csrf';
  explanation: string;
} {
  return {
    status: 403,
    heading: 'This form expired',
    message: err.message,
    code: 'csrf',
    explanation:
      'Every form here carries a secret token tied to your browser session, so another site cannot submit it for you (cross-site request forgery). Go back, reload the page and send it again.',
  };
}

/** A class of errors, for lookups by class (never by `constructor.name`, which minifiers and subclasses change). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** The value of the first entry whose class `error` is an instance of (a subclass matches its parent's entry). */
export function lookUpByClass<T>(error: unknown, table: ReadonlyArray<readonly [ErrorClass, T]>): T | undefined {
  return table.find(([errorClass]) => error instanceof errorClass)?.[1];
}
