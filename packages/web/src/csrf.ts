/**
 * @module csrf
 *
 * Cross-site request forgery protection for our HTML forms (OWASP ASVS V3.5). Every form echoes a random token
 * as a hidden `csrf` field, and a POST is accepted only when the field equals a token this browser holds:
 *
 * - in its server-side session, when the session already holds something (signed in, a flow under way):
 *   the synchronizer token pattern;
 * - otherwise in a cookie of its own (`<session cookie>.csrf`, HttpOnly, SameSite=Lax, signed with the session
 *   secret): the signed double-submit cookie pattern. An anonymous visitor looking at a page with a form then
 *   costs the server nothing: no session row is stored for them (issue 12 item 7, docs/design.md), and a flood of
 *   cookie-less requests cannot fill the session table.
 *
 * The token is made only by pages that render a form (they call csrfToken), never by the others.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

declare module 'express-session' {
  interface SessionData {
    csrf?: string;
  }
}

export interface CsrfCookie {
  name: string;
  secure: boolean;
  secret: string;
}

/** Where each request's anonymous CSRF cookie lives: set by sessionMiddleware (session.ts). */
const cookies = new WeakMap<Request, CsrfCookie>();

/** A token made while serving this request (the cookie it sets is not in the request's own Cookie header). */
const madeNow = new WeakMap<Request, string>();

export function useCsrfCookie(req: Request, cookie: CsrfCookie): void {
  cookies.set(req, cookie);
}

export class CsrfError extends Error {
  override readonly name = 'CsrfError';
  readonly status = 403;
}

/** Does the session hold anything besides its cookie (and a CSRF token)? Then it is stored anyway. */
export function sessionHoldsSomething(req: Request): boolean {
  const data = req.session as unknown as Record<string, unknown> | undefined;
  if (!data) return false;
  return Object.keys(data).some((key) => key !== 'cookie' && key !== 'csrf' && data[key] !== undefined);
}

/** The CSRF token for this browser, made on first use. Put it in every form as `<input type="hidden" name="csrf">`. */
export function csrfToken(req: Request): string {
  if (req.session?.csrf) return req.session.csrf;
  const cookie = cookies.get(req);
  if (!cookie || sessionHoldsSomething(req)) {
    // The session is stored anyway (it holds a flow or a signed-in user): keep the token there.
    req.session.csrf = randomBytes(32).toString('base64url');
    return req.session.csrf;
  }
  const existing = madeNow.get(req) ?? readCookieToken(req, cookie);
  if (existing) return existing;
  const nonce = randomBytes(32).toString('base64url');
  const token = `${nonce}.${sign(cookie.secret, nonce)}`;
  req.res?.cookie(cookie.name, token, { httpOnly: true, sameSite: 'lax', secure: cookie.secure, path: '/' });
  madeNow.set(req, token);
  return token;
}

/** Middleware for POST routes: the form's token must equal the session's, or this browser's CSRF cookie. */
export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  const sent: unknown = req.body?.csrf;
  const cookie = cookies.get(req);
  const expected = [req.session?.csrf, cookie ? readCookieToken(req, cookie) : undefined];
  if (typeof sent !== 'string' || !expected.some((token) => token !== undefined && equal(sent, token))) {
    next(new CsrfError('This form expired or did not come from this site. Go back, reload the page and try again.'));
    return;
  }
  next();
}

function equal(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function sign(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`csrf|${nonce}`).digest('base64url');
}

/** This browser's CSRF cookie when its signature is ours (a value made up by someone else is ignored). */
function readCookieToken(req: Request, cookie: { name: string; secret: string }): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== cookie.name) continue;
    const value = part.slice(eq + 1).trim();
    const [nonce, mac, extra] = value.split('.');
    if (extra !== undefined || !nonce || !mac || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) return undefined;
    return equal(mac, sign(cookie.secret, nonce)) ? value : undefined;
  }
  return undefined;
}
