/**
 * @module session
 *
 * express-session configured the same way in every service: its own cookie name (cookies are per host, not
 * per port, so three services on localhost sharing `connect.sid` would overwrite each other), HttpOnly,
 * SameSite=Lax, Secure when the service is public over https, and a SQLite store.
 */
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Db } from './database.js';
import { SqliteSessionStore } from './session_store.js';

export interface SessionOptions {
  /** e.g. `auth.sid` */
  cookieName: string;
  secret: string;
  db: Db;
  /** The service's public URL: Secure cookies when it is https. */
  publicUrl: string;
  maxAgeMs?: number;
}

export function sessionMiddleware(options: SessionOptions): { middleware: RequestHandler; store: SqliteSessionStore } {
  const store = new SqliteSessionStore(options.db);
  const middleware = session({
    name: options.cookieName,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.publicUrl.startsWith('https:'),
      path: '/',
      maxAge: options.maxAgeMs ?? 8 * 60 * 60 * 1000,
    },
  });
  return { middleware, store };
}
