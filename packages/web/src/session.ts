/**
 * @module session
 *
 * express-session configured the same way in every service: its own cookie name (cookies are per host, not
 * per port, so three services on localhost sharing `connect.sid` would overwrite each other), HttpOnly,
 * SameSite=Lax, Secure when the service is public over https, and a SQLite store.
 *
 * A session is stored only when it holds something (saveUninitialized: false, and no CSRF token in it for an
 * anonymous visitor: csrf.ts), so cookie-less requests add no row. A session that holds something but nobody
 * signed in (a flow started, then abandoned) is kept one hour after its last use; a signed-in one for `maxAgeMs`.
 */
import session from 'express-session';
import type { RequestHandler } from 'express';
import { useCsrfCookie } from './csrf.js';
import type { Db } from './database.js';
import { SqliteSessionStore } from './session_store.js';

export interface SessionOptions {
  /** e.g. `auth.sid` */
  cookieName: string;
  secret: string;
  db: Db;
  /** The service's public URL: Secure cookies when it is https. */
  publicUrl: string;
  /** How long a signed-in session lasts (default 8 hours). */
  maxAgeMs?: number;
  /** Whether a session's data counts as signed in (kept `maxAgeMs`); otherwise it is kept `signedOutMaxAgeMs`. */
  isSignedIn?: (data: session.SessionData) => boolean;
  /** How long a signed-out session is kept after its last use (default 1 hour). */
  signedOutMaxAgeMs?: number;
}

export const SIGNED_OUT_SESSION_MAX_AGE_MS = 60 * 60 * 1000;

export function sessionMiddleware(options: SessionOptions): { middleware: RequestHandler; store: SqliteSessionStore } {
  const store = new SqliteSessionStore(options.db, undefined, {
    isSignedIn: options.isSignedIn ?? (() => false),
    signedOutMaxAgeMs: options.signedOutMaxAgeMs ?? SIGNED_OUT_SESSION_MAX_AGE_MS,
  });
  const secure = options.publicUrl.startsWith('https:');
  const csrfCookie = { name: `${options.cookieName}.csrf`, secure, secret: options.secret };
  const handler = session({
    name: options.cookieName,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: options.maxAgeMs ?? 8 * 60 * 60 * 1000,
    },
  });
  const middleware: RequestHandler = (req, res, next) => {
    useCsrfCookie(req, csrfCookie);
    handler(req, res, next);
  };
  return { middleware, store };
}
