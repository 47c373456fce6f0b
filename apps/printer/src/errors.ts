/**
 * @module errors
 *
 * THE one place where an error becomes an HTTP answer for the printer. Route and protocol code only throws;
 * this module picks the status and the page. Three families:
 *
 * - OAuthError (from @oauth-demo/tokens), e.g. a repeated `state` parameter (RFC 6749 §3.1): the RFC's code
 *   and the error's own status.
 * - PrinterError (below): what the printer found wrong with an answer from the auth server or Drive, or a
 *   flow it refuses to continue. Each carries its page: heading, explanation, where to go next.
 * - Anything else is a bug: a 500 page that says nothing about the inside, and the details on stderr.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFound, OAuthError } from '@oauth-demo/tokens';
import { CsrfError, csrfErrorPage, isClientHttpError } from '@oauth-demo/web';
import { endTraceOnFailure } from '@oauth-demo/teaching';
import { redirectHomeWithNotice } from './routes/session_helpers.js';

/** The grants the printer uses at the token endpoint (the device grant by its short name). */
export type GrantLabel = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'device_code';

export interface ErrorPage {
  heading: string;
  message: string;
  explanation?: string;
  /** An RFC error code (`invalid_grant`, `invalid_token` …) when one applies: learners grep for it. */
  code?: string;
  backHref?: string;
  backLabel?: string;
}

abstract class PrinterError extends Error {
  abstract readonly status: number;
  abstract page(): ErrorPage;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const CONNECT_AGAIN = { backHref: '/', backLabel: 'Connect to Drive again' };

/** The auth server did not answer (metadata or token endpoint). Safe to retry: discovery is not cached on failure. */
export class AuthServerUnreachable extends PrinterError {
  readonly status = 503;
  constructor(
    readonly internalUrl: string,
    readonly reason: string,
  ) {
    super(`The auth server is not reachable at ${internalUrl}: ${reason}.`);
  }
  page(): ErrorPage {
    return {
      heading: 'The auth server is not reachable',
      code: 'temporarily_unavailable',
      message: `The auth server is not reachable at ${this.internalUrl}: ${this.reason}.`,
      explanation:
        'Photo Printer needs the Authorization Server to start the flow and to turn a code into a token. Start it (it may simply still be starting) and try again.',
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

/**
 * The auth server answered, but its metadata cannot be trusted or used: wrong issuer (RFC 8414 §3.3), no S256
 * (RFC 7636, RFC 9700 §2.1.1), a missing endpoint. The printer refuses to start a flow with it.
 */
export class AuthServerMetadataInvalid extends PrinterError {
  readonly status = 502;
  page(): ErrorPage {
    return {
      heading: "The auth server's metadata is not acceptable",
      message: this.message,
      explanation:
        "Before sending you anywhere, Photo Printer reads the Authorization Server's metadata (RFC 8414) and checks it. If the issuer it names is not exactly the one Photo Printer is configured to trust, a different server may be answering (a mix-up, RFC 9700 §4.4), so no flow is started. Check AUTH_PUBLIC_URL and AUTH_INTERNAL_URL.",
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

const BACK_TO_BUILDER = { backHref: '/request-builder', backLabel: 'Back to the request builder' };

/** The callback failed a check that must pass before any token request: `state` or `iss`. */
export class CallbackRejected extends PrinterError {
  readonly status = 400;
  constructor(
    message: string,
    readonly explanation: string,
    /** The answer to a request of the request builder: lead back there. */
    readonly fromBuilder = false,
  ) {
    super(message);
  }
  page(): ErrorPage {
    return {
      heading: 'This sign-in answer was refused',
      message: this.message,
      explanation: `${this.explanation} No token was requested.`,
      ...(this.fromBuilder ? BACK_TO_BUILDER : { backHref: '/', backLabel: 'Start again from Photo Printer' }),
    };
  }
}

/**
 * The status of Photo Printer's page when the auth server answered a step of the flow with an RFC 6749 error code
 * (§4.1.2.1 from the authorization endpoint, §5.2 from the token endpoint). Then it answered correctly, and the
 * flow simply ended refused: not "502 Bad Gateway", which is kept for a peer that failed.
 * - 400: what this request carried was refused: a code that expired, was used already or does not match its
 *   code_verifier (invalid_grant), a scope, a malformed request.
 * - 500: Photo Printer itself was refused: its registration or its configuration is wrong (a client secret that
 *   does not match, a grant it is not registered for). The instructor's to fix, so it is logged (errorHandler).
 * - 502: the auth server failed (server_error, an HTTP 5xx, an answer that is not RFC 6749's: invalid_response);
 *   503: it said it is overloaded (temporarily_unavailable). Unreachable is AuthServerUnreachable, 503.
 */
function refusedFlowStatus(code: string): number {
  switch (code) {
    case 'invalid_request':
    case 'invalid_grant':
    case 'invalid_scope':
      return 400;
    case 'invalid_client':
    case 'unauthorized_client':
    case 'unsupported_grant_type':
    case 'unsupported_response_type':
      return 500;
    case 'temporarily_unavailable':
      return 503;
    default:
      return 502;
  }
}

/** What each error of RFC 6749 §4.1.2.1 means, for the answers to the request builder's hand-made requests. */
const AUTHORIZATION_ERRORS: Record<string, string> = {
  invalid_request:
    'invalid_request: a required parameter is missing or invalid, or a parameter is repeated. Here, most often the code_challenge: this auth server requires PKCE for every code request (RFC 9700 §2.1.1, RFC 7636 §4.4.1).',
  invalid_scope: 'invalid_scope: the requested scope is unknown, malformed, or not allowed for this client.',
  unsupported_response_type:
    'unsupported_response_type: the auth server does not issue anything with this response_type. For this grant it is "code".',
  unauthorized_client: 'unauthorized_client: this client is not allowed to use this response_type.',
  server_error: 'server_error: the auth server failed while handling the request.',
  temporarily_unavailable: 'temporarily_unavailable: the auth server is overloaded or in maintenance; try again later.',
};

/** RFC 6749 §4.1.2.1: the auth server answered the authorization request with an error other than access_denied. */
export class AuthorizationFailed extends PrinterError {
  readonly status: number;
  constructor(
    readonly code: string,
    readonly description: string | undefined,
    /** The answer to a request of the request builder: explain the error and lead back there. */
    readonly fromBuilder = false,
  ) {
    super(`The auth server answered the authorization request with "${code}".`);
    const status = refusedFlowStatus(code);
    // A hand-made request is the learner's own: whatever it got refused for, it is their request that was refused.
    this.status = fromBuilder && status === 500 ? 400 : status;
  }
  page(): ErrorPage {
    const message = this.description ? `${this.message} It said: "${this.description}"` : this.message;
    const explanation =
      'Instead of a code, the Authorization Server sent your browser back with an error (RFC 6749 §4.1.2.1). Nothing was shared with Photo Printer.';
    if (this.fromBuilder) {
      const meaning = Object.hasOwn(AUTHORIZATION_ERRORS, this.code) ? ` ${AUTHORIZATION_ERRORS[this.code]}` : '';
      return {
        heading: 'The auth server refused your hand-made request',
        code: this.code,
        message,
        explanation: `${explanation}${meaning} It could send the error back to Photo Printer because the client_id and redirect_uri were valid: with a wrong redirect_uri it shows an error page itself instead.`,
        ...BACK_TO_BUILDER,
      };
    }
    return {
      heading: 'The auth server did not authorize Photo Printer',
      code: this.code,
      message,
      explanation,
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

/**
 * The token endpoint answered 503 with Retry-After: the auth server is overloaded and refused the request unread
 * (its load shedding, or its sign-in queue), so the code is still unused. The callback keeps it in the session
 * and its page retries by itself (routes/oauth.ts); elsewhere this is a plain "busy, try again" page.
 */
export class AuthServerBusy extends PrinterError {
  readonly status = 503;
  constructor(readonly retryAfterS: number) {
    super(`The auth server is busy (503): it asked to try again in ${retryAfterS} s.`);
  }
  page(): ErrorPage {
    return {
      heading: 'The auth server is busy',
      code: 'temporarily_unavailable',
      message: this.message,
      explanation:
        'Many learners at once: the Authorization Server answered "503 Service Unavailable" with Retry-After (RFC 9110 §15.6.4) instead of making everyone wait. Nothing was refused; try again in a moment.',
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

/** RFC 6749 §5.2: the token endpoint refused (invalid_grant, invalid_client …), or answered something unusable. */
export class TokenRequestFailed extends PrinterError {
  readonly status: number;
  constructor(
    readonly code: string,
    readonly description: string | undefined,
    readonly grant: GrantLabel,
  ) {
    super(`The token endpoint answered "${code}".`);
    // A refused refresh token: the permission behind it is gone (403), and the page says so and offers a new import.
    this.status = grant === 'refresh_token' && code === 'invalid_grant' ? 403 : refusedFlowStatus(code);
  }
  page(): ErrorPage {
    if (this.grant === 'refresh_token' && this.code === 'invalid_grant') {
      return {
        heading: 'Photo Printer’s permission to read your Drive is gone',
        code: this.code,
        message: this.description ? `${this.message} It said: "${this.description}"` : this.message,
        explanation:
          'Photo Printer’s refresh token was refused (RFC 6749 §5.2): most often it was revoked, because you (or the instructor’s reset) removed Photo Printer under Connected apps on the auth server, which revokes the grant with every token issued under it (RFC 7009 §2.1). It could also have been used already (rotation: only the newest refresh token works, RFC 9700 §4.14.2) or have expired. Photo Printer has forgotten its tokens. Your orders are kept. To re-order, import again: the authorization server asks for your consent again, and a new grant begins.',
        backHref: '/#import',
        backLabel: 'Import photos from Drive again (a new consent)',
      };
    }
    const why: Record<string, string> = {
      invalid_grant:
        'The code (or refresh token) was refused: it expired, was already used, or does not match this client, this redirect_uri or this code_verifier (RFC 6749 §5.2, RFC 7636 §4.6).',
      invalid_client:
        'Photo Printer could not authenticate itself: its client_id or client secret does not match the registration (RFC 6749 §2.3.1). Check PRINTER_CLIENT_ID and PRINTER_CLIENT_SECRET on both services.',
      unauthorized_client: 'This client is not registered for this grant type (RFC 6749 §5.2).',
      invalid_scope: 'The requested scope is unknown or exceeds what was granted (RFC 6749 §5.2).',
    };
    return {
      heading: 'The auth server refused to issue a token',
      code: this.code,
      message: this.description ? `${this.message} It said: "${this.description}"` : this.message,
      explanation: `${why[this.code] ?? 'See RFC 6749 §5.2 for the meaning of this code.'} ${
        this.grant === 'authorization_code'
          ? 'Codes are short-lived and single-use: start again to get a new one.'
          : 'Connect again to get new tokens.'
      }`,
      ...CONNECT_AGAIN,
    };
  }
}

/** Step-through: the learner paused longer than the code lives, and the auth server refused it (invalid_grant). */
export class CodeExpiredWhilePaused extends PrinterError {
  readonly status = 400;
  constructor(
    readonly pausedSeconds: number,
    /** The code's lifetime: published by the auth server, or the demo's default ("about"). */
    readonly lifetime: { seconds: number; published: boolean },
    readonly description: string | undefined,
  ) {
    super(`The authorization code was refused after a pause of ${pausedSeconds} s.`);
  }
  page(): ErrorPage {
    const lives = `${this.lifetime.published ? '' : 'about '}${this.lifetime.seconds} s`;
    return {
      heading: 'The code expired while the flow was paused',
      code: 'invalid_grant',
      message: this.description ? `${this.message} The auth server said: "${this.description}"` : this.message,
      explanation: `This is the authorization code’s short lifetime at work, not a fault: a code lives ${lives} here (RFC 6749 §4.1.2 asks for a short lifetime), so that a code stolen from a URL or a log is worthless by the time anyone could use it. In step-through mode you paused longer than that. Start again: a new code comes with a new flow, and this time continue within ${lives}.`,
      backHref: '/#import',
      backLabel: 'Start again: Import photos from Drive',
    };
  }
}

/** Not connected (no token in this browser session): not a page but a redirect home with a notice. */
export class NotConnected extends Error {
  constructor() {
    super('Connect Photo Printer to your Drive first: press "Import photos from Drive".');
    this.name = 'NotConnected';
  }
}

/**
 * RFC 6750 §3.1: Drive refused the token (401 invalid_token) or found its scope too small (403
 * insufficient_scope). The reason is Drive's, read from its `WWW-Authenticate: Bearer` challenge
 * (`error`, `error_description`): the printer repeats it rather than guessing (an expired token, a revoked one,
 * one for another audience and one signed with an algorithm Drive does not accept all answer invalid_token).
 * The printer has already forgotten an invalid token (see connection.ts).
 */
export class DriveRefusedToken extends PrinterError {
  readonly status = 403;
  constructor(
    readonly code: string,
    readonly description: string | undefined,
    /** The scope Drive said it needs (RFC 6750 §3, with insufficient_scope). */
    readonly requiredScope?: string,
  ) {
    super(DriveRefusedToken.summary(code, description, requiredScope));
  }

  /** One sentence: what Drive said, in its own words when it gave any. */
  static summary(code: string, description: string | undefined, requiredScope?: string): string {
    if (description) return `Drive refused the access token (${code}): "${description}"`;
    if (code === 'insufficient_scope') {
      return `Drive refused: the access token does not carry the scope needed${requiredScope ? ` (${requiredScope})` : ''}.`;
    }
    return `Drive refused the access token (${code}) without saying why.`;
  }

  page(): ErrorPage {
    return {
      heading: 'Drive refused the access token',
      code: this.code,
      message: this.message,
      explanation:
        this.code === 'insufficient_scope'
          ? 'A token only opens what it was granted for (RFC 6750 §3.1). Connect again and allow "view your photos" on the consent screen.'
          : 'Drive answered 401 with WWW-Authenticate: Bearer error="invalid_token" (RFC 6750 §3.1); the quoted reason is its own. ' +
            'A token can be refused because it expired, was revoked, was meant for another resource server, or is signed in a way Drive does not accept. ' +
            'Photo Printer has forgotten it; connecting again gets a new one. Orders already placed are kept.',
      ...CONNECT_AGAIN,
    };
  }
}

export class DriveUnreachable extends PrinterError {
  readonly status = 503;
  constructor(
    readonly internalUrl: string,
    readonly reason: string,
  ) {
    super(`Drive is not reachable at ${internalUrl}: ${reason}.`);
  }
  page(): ErrorPage {
    return {
      heading: 'Drive is not reachable',
      code: 'temporarily_unavailable',
      message: this.message,
      explanation:
        'Photo Printer fetches your photos from the Resource Server over the back channel. Start Drive and try again.',
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

/** Drive answered something the printer cannot use (a 5xx, malformed JSON, an image type it will not store). */
export class DriveAnswerInvalid extends PrinterError {
  readonly status = 502;
  page(): ErrorPage {
    return {
      heading: 'Drive sent an answer Photo Printer cannot use',
      message: this.message,
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

/**
 * The kiosk could not start the Device Authorization Grant (RFC 8628 §3.1-3.2): the auth server does not offer
 * it, refused the kiosk's request, or answered something the kiosk cannot show. The learner's own request (a
 * button) carried nothing of the refused one, which is the kiosk's registration: a refusal in OAuth's words is
 * Photo Printer's fault (500, logged for the instructor), busy is 503, and only an auth server that failed or
 * answered outside RFC 8628 is a bad gateway (502), as for the code flow (refusedFlowStatus).
 */
export class DeviceFlowFailed extends PrinterError {
  readonly status: number;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    // The code flow's statuses, except that a refused request here is never the learner's own: 400 becomes 500.
    const status = code === undefined ? 502 : refusedFlowStatus(code);
    this.status = status === 400 ? 500 : status;
  }
  page(): ErrorPage {
    const page: ErrorPage = {
      heading: 'The kiosk could not start',
      message: this.message,
      explanation:
        'The kiosk asks the Authorization Server for a device code and a user code (RFC 8628 §3.1) before it can show you anything to approve.',
      backHref: '/kiosk',
      backLabel: 'Back to the kiosk',
    };
    if (this.code) page.code = this.code;
    return page;
  }
}

/** The lesson bar was asked to go somewhere the lesson has no segment for (a hand-made form). */
export class LessonSegmentUnknown extends PrinterError {
  readonly status = 400;
  page(): ErrorPage {
    return {
      heading: 'No such lesson segment',
      message: this.message,
      explanation:
        'The lesson bar moves with next, previous, stop or the id of one of the segments of docs/lesson.md; the lesson is where it was.',
    };
  }
}

/** Renders a 404 for anything unknown, and for orders of another browser session (never "forbidden": no hint it exists). */
export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFound('There is no such page on Photo Printer.'));
};

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  if (err instanceof NotConnected) {
    redirectHomeWithNotice(req, res, 'not-connected');
    return;
  }
  const { status, page } = toPage(err);
  // An error page of a flow's exchange ends that flow: later page loads are not filed under it.
  endTraceOnFailure(req, res);
  // Overload, said with when to come back (RFC 9110 §10.2.3); not a fault of the printer's, so not logged.
  if (err instanceof AuthServerBusy) res.set('Retry-After', String(err.retryAfterS));
  else if (status >= 500 && !(err instanceof PrinterError))
    console.error('[printer] unexpected error on %s %s:', req.method, req.originalUrl, err);
  else if (err instanceof PrinterError && status >= 500) console.error(`[printer] ${err.name}: ${err.message}`);
  res.status(status).render('error', {
    heading: page.heading,
    message: page.message,
    explanation: page.explanation,
    code: page.code,
    backHref: page.backHref ?? '/',
    backLabel: page.backLabel ?? 'Back to Photo Printer',
  });
};

function toPage(err: unknown): { status: number; page: ErrorPage } {
  if (err instanceof PrinterError) return { status: err.status, page: err.page() };
  if (err instanceof CsrfError) {
    const { status, ...page } = csrfErrorPage(err);
    return { status, page };
  }
  if (err instanceof NotFound) {
    return {
      status: 404,
      page: { heading: 'Not found', message: err.error_description ?? 'There is no such page on Photo Printer.' },
    };
  }
  if (err instanceof OAuthError) {
    return {
      status: err.status,
      page: {
        heading: 'This request was refused',
        code: err.error,
        message: err.error_description ?? 'The request is not valid.',
      },
    };
  }
  // body-parser and the router mark client mistakes (body too large, bad percent-encoding) with a 4xx `status`.
  if (isClientHttpError(err)) {
    return {
      status: err.status,
      page: {
        heading: 'This request was refused',
        message: err.status === 413 ? 'The form you sent is too large.' : 'The request is malformed.',
      },
    };
  }
  return {
    status: 500,
    page: {
      heading: 'Something went wrong in Photo Printer',
      message: 'An unexpected error happened. It has been logged on the server; nothing about it is shown here.',
    },
  };
}

/** An instructor's page asked with instructor mode off, where it is offered: say how to turn it on. */
export class InstructorModeOff extends PrinterError {
  readonly status = 403;
  constructor() {
    super('Instructor mode is off.');
  }
  page(): ErrorPage {
    return {
      heading: 'Turn instructor mode on first',
      message: 'This page is for the instructor (it shows the whole class, or changes it), and instructor mode is off.',
      explanation:
        'Turn it on under Behind the scenes on any Photo Printer page (with the instructor key when the demo was started with one), then open this page again.',
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}

/** Instructor mode reveals secrets, so it is refused where it is not offered or without the right key. */
export class InstructorModeRefused extends PrinterError {
  readonly status = 403;
  constructor() {
    super('Instructor mode refused.');
  }
  page(): ErrorPage {
    return {
      heading: 'Instructor mode is not available here',
      message:
        'Instructor mode shows secrets (the client secret, codes, tokens), so it needs the instructor key on a shared deployment.',
      explanation:
        'Start the printer with INSTRUCTOR_KEY=<something> and type it next to the switch, or run the demo on your own machine (public URL on localhost).',
      backHref: '/',
      backLabel: 'Back to Photo Printer',
    };
  }
}
