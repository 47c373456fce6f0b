/**
 * @module errors
 *
 * THE one place where errors become HTTP responses in the drive.
 *
 * For the API (and the other machine routes) this is RFC 6750 §3, the Bearer challenge:
 * - no token at all: 401 with `WWW-Authenticate: Bearer realm="drive", resource_metadata="…"` and NO error
 *   code (§3.1: "the resource server SHOULD NOT include an error code or other error information");
 * - malformed request, e.g. a broken Authorization header: 400 `invalid_request`;
 * - expired, forged or foreign token: 401 `invalid_token`;
 * - valid token without the needed scope: 403 `insufficient_scope`, naming the scope.
 * Each challenge also names our protected resource metadata (RFC 9728 §5.1), so a client that only knows an
 * API URL can find out which authorization server to ask.
 *
 * For the HTML pages, the shared error view. Never a stack trace: anything unexpected is logged and answered
 * 500 `server_error` with no detail. A form without a valid CSRF token (the web app's sign-in and sign-out)
 * is a 403 page.
 */
import type { NextFunction, Request, Response } from 'express';
import {
  buildBearerChallenge,
  InsufficientScope,
  InvalidRequest,
  InvalidToken,
  type OAuthError,
} from '@oauth-demo/tokens';
import {
  answerErrorsAsJson,
  CsrfError,
  csrfErrorPage,
  sendErrorJson,
  toOAuthError,
  UnreadableRequest,
} from '@oauth-demo/web';

/** The realm of our Bearer challenges (RFC 6750 §3, RFC 7235 §2.2). */
const REALM = 'drive';

/**
 * The request carries no bearer token at all (RFC 6750 §3.1). Not an OAuth error: there is no error code
 * to send, only a challenge that says how to authenticate.
 */
export class MissingAccessToken extends Error {
  override readonly name = 'MissingAccessToken';
  readonly status = 401;
  constructor() {
    super('This API needs an access token: send "Authorization: Bearer <access token>" (RFC 6750 §2.1).');
  }
}

/** Mount on machine routes: their errors are JSON (the shared half of error handling is in @oauth-demo/web). */
export { answerErrorsAsJson };

/** RFC 6750 §3.1: the three errors about the bearer token come with a Bearer challenge. */
function isBearerError(error: OAuthError): boolean {
  // A request express itself could not read is answered invalid_request, but it is not about the token.
  if (error instanceof UnreadableRequest) return false;
  return error instanceof InvalidRequest || error instanceof InvalidToken || error instanceof InsufficientScope;
}

const PAGE_HEADINGS: Record<number, string> = {
  400: 'This request cannot be completed',
  401: 'Sign in needed',
  403: 'Not allowed',
  404: 'Not found',
  500: 'Something went wrong',
  503: 'Temporarily unavailable',
};

export function errorHandler(resourceMetadataUrl: string) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }

    if (err instanceof MissingAccessToken) {
      res
        .status(401)
        .set('WWW-Authenticate', buildBearerChallenge({ realm: REALM, resourceMetadata: resourceMetadataUrl }));
      // The body says how to authenticate, with no error code (RFC 6750 §3.1).
      res.json({ message: err.message });
      return;
    }

    // Before toOAuthError: a CsrfError carries status 403, which would otherwise read as "could not be read".
    if (err instanceof CsrfError) {
      const page = csrfErrorPage(err);
      res
        .status(page.status)
        .render('error', { title: 'Error', ...page, backHref: '/signin', backLabel: 'Sign in to Drive' });
      return;
    }

    const error = toOAuthError(err, (unexpected) => console.error('drive: unexpected error', unexpected));

    if (res.locals.jsonErrors) {
      if (isBearerError(error)) {
        res.set(
          'WWW-Authenticate',
          buildBearerChallenge({ realm: REALM, error, resourceMetadata: resourceMetadataUrl }),
        );
      }
      // The auth server may be back in a moment (e.g. still starting).
      if (error.status === 503) res.set('Retry-After', '5');
      sendErrorJson(res, error);
      return;
    }

    res.status(error.status).render('error', {
      title: 'Error',
      heading: PAGE_HEADINGS[error.status] ?? 'This request cannot be completed',
      code: error.error,
      message: error.error_description ?? '',
      backHref: '/',
      backLabel: 'Drive home',
    });
  };
}

export function notFound(req: Request, res: Response): void {
  if (res.locals.jsonErrors || req.accepts(['html', 'json']) === 'json') {
    res.status(404).json({ error: 'not_found' });
    return;
  }
  res.status(404).render('error', {
    title: 'Not found',
    heading: 'Not found',
    message: 'There is no page here.',
    code: 'not_found',
    backHref: '/',
    backLabel: 'Drive home',
  });
}
