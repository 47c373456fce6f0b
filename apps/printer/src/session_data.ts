/**
 * @module session_data
 *
 * What the printer keeps in a browser's server-side session (SQLite, see @oauth-demo/web). The browser holds
 * only the signed session id in the `printer.sid` cookie (HttpOnly): tokens, the code_verifier and the state
 * never reach it (RFC 6749 §10.3, RFC 9700 §2.1).
 */
import type { LessonState } from '@oauth-demo/teaching';
import type { KioskState } from './kiosk.js';
import type { LabState } from './lab/state.js';
import type { PendingAuthorization } from './oauth/authorization_request.js';
import type { Connection, Rotation } from './oauth/connection.js';
import type { PrintLabRun } from './print_lab.js';
import type { OrderForm } from './orders.js';

export interface Notice {
  kind: 'info' | 'good' | 'bad';
  text: string;
}

/** Shown once on /photos right after the callback: what steps 4-6 produced. */
export interface JustConnected {
  requestedScope: string;
  grantedScope: string;
  refreshToken: boolean;
  /** Step 3 was skipped: the auth server remembered the user's consent, given then (ISO 8601, UTC). */
  consentRememberedAt?: string;
}

/** Shown once on the new order's page after "Re-order": what the re-order needed from the auth server and Drive. */
export interface JustReordered {
  fromOrderId: string;
  photosChecked: number;
  /** Present when the access token had expired and was refreshed for the re-order. */
  rotation?: Rotation;
  /** RFC 7662, asked about the OLD refresh token after the rotation: false = dead. null = could not ask. */
  oldRefreshTokenActive?: boolean | null;
  /** When the access token used expires (after the refresh, if any). */
  accessExpiresAt: number | null;
}

declare module 'express-session' {
  interface SessionData {
    /**
     * A code whose exchange the auth server was too busy to look at (503 + Retry-After), with its verifier, kept
     * here only, for the callback page that retries by itself (routes/oauth.ts); at most a minute, used once.
     */
    busyExchange?: { code: string; code_verifier: string; issuer: string; at: number };
    /** Authorization requests sent and not yet answered (one per tab, a few at most). */
    pendingAuthorizations?: PendingAuthorization[];
    /** The request builder's state and code_verifier, made for its page and not sent yet (routes/request_builder.ts). */
    builderPending?: PendingAuthorization;
    /** A state the learner typed into the request builder: its answer is refused, and the callback says why. */
    builderForeignState?: { state: string; createdAt: number };
    /** The scope the request builder's answered request asked for, until the tokens are kept (routes/oauth.ts). */
    builderRequestedScope?: string;
    /** The tokens, after step 6. */
    connection?: Connection;
    /** The learner's auth-server account (`sub` of the tokens received for this browser): exercises.ts. */
    learner?: string;
    /** Random, made when the first order is placed; carried over when the session id is regenerated. */
    browserKey?: string;
    notice?: Notice;
    justConnected?: JustConnected;
    /** From the callback of the flow under way: when the consent the auth server remembered was given. */
    consentRememberedAt?: string;
    justOrdered?: boolean;
    /** An order form that was refused (e.g. no photo chosen): shown once on the photos page (POST-redirect-GET). */
    refusedOrder?: { form: OrderForm; errors: string[] };
    justReordered?: JustReordered;
    /** A re-order that could not be placed, shown once on the old order's page. */
    reorderProblem?: string;
    /** The print lab's last run (no token in it: fingerprints and what Drive answered). */
    printLab?: PrintLabRun;
    /** The kiosk's device flow in this browser (the device_code and, once approved, the kiosk's token). */
    kiosk?: KioskState;
    /** The lesson the instructor runs from the lesson bar (routes/teaching/lesson.ts): segment and clocks. */
    lesson?: LessonState;
    /**
     * The one-time token of the lesson segment whose page is on the auth server or Drive (no lesson bar there): `n`
     * on that page brings it back to `GET /lesson/next`, which goes on to the next segment (routes/teaching/lesson.ts).
     */
    lessonHandoff?: { index: number; token: string };
    /** The attack lab (/lab): this learner's defense switches, the lab copy's requests and the results. */
    lab?: LabState;
    // The teaching layer's own fields (traces, teaching switches, the step-through hop) are declared by
    // @oauth-demo/teaching (express/session.ts).
  }
}
