/**
 * @module routes/session_helpers
 *
 * Promise forms of express-session's callback API, and the browser key that ties orders to a browser session.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { sessionHoldsSomething } from '@oauth-demo/web';
import type { Notice } from '../session_data.js';

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

/**
 * Notices an anonymous visitor may be shown after a redirect, by name in the home page's query
 * (`/?notice=not-connected`): fixed texts, so the query cannot put words in our mouth.
 */
export const ANONYMOUS_NOTICES = {
  'not-connected': {
    kind: 'info',
    text: 'Connect Photo Printer to your Drive first: press "Import photos from Drive".',
  },
  'no-paused-step': { kind: 'info', text: 'There is no paused step: start a flow with step-through mode on.' },
} as const satisfies Record<string, Notice>;

/**
 * Show `notice` once on the home page. Kept in the session when the session holds something anyway; for an
 * anonymous visitor, named in the URL instead, so that a request without a session stores none (issue 12 item 7).
 */
export function redirectHomeWithNotice(req: Request, res: Response, name: keyof typeof ANONYMOUS_NOTICES): void {
  if (sessionHoldsSomething(req)) {
    req.session.notice = { ...ANONYMOUS_NOTICES[name] };
    res.redirect(303, '/');
    return;
  }
  res.redirect(303, `/?notice=${name}`);
}
