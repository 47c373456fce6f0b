/**
 * @module routes/session_helpers
 *
 * Promise forms of express-session's callback API, and the browser key that ties orders to a browser session.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';

/** A new session id with the old one destroyed: whatever was fixed in the old cookie is worthless now. */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

/**
 * The browser's order key: random, made the first time it places an order, stored with each order and in the
 * session. Only a session holding the key sees those orders.
 */
export function browserKey(req: Request): string {
  req.session.browserKey ??= randomBytes(32).toString('base64url');
  return req.session.browserKey;
}
