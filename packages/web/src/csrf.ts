/**
 * @module csrf
 *
 * Cross-site request forgery protection for our HTML forms: a random token kept in the server-side session
 * and echoed by every form as a hidden `csrf` field (synchronizer token pattern, OWASP ASVS V3.5).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

declare module 'express-session' {
  interface SessionData {
    csrf?: string;
  }
}

export class CsrfError extends Error {
  override readonly name = 'CsrfError';
  readonly status = 403;
}

/** The session's CSRF token, made on first use. Put it in every form as `<input type="hidden" name="csrf">`. */
export function csrfToken(req: Request): string {
  req.session.csrf ??= randomBytes(32).toString('base64url');
  return req.session.csrf;
}

/** Middleware for POST routes: the form's token must equal the session's. */
export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  const sent: unknown = req.body?.csrf;
  const expected = req.session?.csrf;
  if (typeof sent !== 'string' || !expected || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
    next(new CsrfError('This form expired or did not come from this site. Go back, reload the page and try again.'));
    return;
  }
  next();
}
