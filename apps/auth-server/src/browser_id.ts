/**
 * @module browser_id
 *
 * Which browser did this? The printer's exercise "Approve the kiosk from a second browser" (RFC 8628 §3.3: the
 * user answers on a device they trust, not on the one asking; §5.4 remote phishing) needs to tell the browser that
 * approved the kiosk from the one that authorized Photo Printer, and nothing more about either.
 *
 * Each browser session gets a random id of its own, kept in the session only: never the session id (a
 * credential), never sent to the browser or to anyone else. The database holds its SHA-256 (store/database.ts,
 * the grants' and device requests' browser_hash), and the printer learns only whether two are equal
 * (routes/learners.ts). The id survives signing in (sign_in.ts startSignedInSession); signing out forgets it.
 */
import type { Request } from 'express';
import { randomToken } from './issuance.js';
import { hashToken } from './store/index.js';

declare module 'express-session' {
  interface SessionData {
    /** This browser's random id (browser_id.ts). */
    browserId?: string;
  }
}

/** The SHA-256 of this browser's id, made on first use. */
export function browserHash(req: Request): string {
  req.session.browserId ??= randomToken();
  return hashToken(req.session.browserId);
}
