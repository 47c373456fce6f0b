/**
 * @module session_data
 *
 * What the printer keeps in a browser's server-side session (SQLite, see @oauth-demo/web). The browser holds
 * only the signed session id in the `printer.sid` cookie (HttpOnly): tokens, the code_verifier and the state
 * never reach it (RFC 6749 §10.3, RFC 9700 §2.1).
 */
import type { PendingAuthorization } from './oauth/authorization_request.js';
import type { Connection } from './oauth/connection.js';

export interface Notice {
  kind: 'info' | 'good' | 'bad';
  text: string;
}

/** Shown once on /photos right after the callback: what steps 4-6 produced. */
export interface JustConnected {
  requestedScope: string;
  grantedScope: string;
  refreshToken: boolean;
}

declare module 'express-session' {
  interface SessionData {
    /** Authorization requests sent and not yet answered (one per tab, a few at most). */
    pendingAuthorizations?: PendingAuthorization[];
    /** The tokens, after step 6. */
    connection?: Connection;
    /** Random, made when the first order is placed; carried over when the session id is regenerated. */
    browserKey?: string;
    notice?: Notice;
    justConnected?: JustConnected;
    justOrdered?: boolean;
  }
}
