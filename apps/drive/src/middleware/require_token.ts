/**
 * @module middleware/require_token
 *
 * The guard in front of every API route: no valid access token with the needed scope, no photo.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type AccessTokenClaims, OAuthError, parseBearerAuthorization } from '@oauth-demo/tokens';
import { describeExchange } from '@oauth-demo/teaching';
import { MissingAccessToken } from '../errors.js';
import type { TokenValidator } from '../token_validator.js';
import { wasRemembered } from '../verified_token_cache.js';

declare global {
  namespace Express {
    interface Locals {
      /** The validated access token of this request (set by requireAccessToken). */
      token?: AccessTokenClaims;
    }
  }
}

/**
 * Let the request through only with a valid access token carrying `requiredScope`; its claims go to
 * `res.locals.token`.
 *
 * The token is read from the `Authorization: Bearer` header only (RFC 6750 §2.1). The form-body and
 * `?access_token=` query methods (§2.2, §2.3) are deliberately not supported: a token in a URL ends up in
 * logs, browser history and Referer headers (RFC 6750 §5.3, RFC 9700 §4.3.2). A request with a token only
 * in the query is simply a request without a token.
 */
export function requireAccessToken(validator: TokenValidator, requiredScope: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // For the timeline: this is step 7 (a call with the token) and the verdict is step 8.
    describeExchange(res, {
      from: 'printer',
      step: 7,
      label: `Drive API call: ${req.method} ${req.baseUrl}${req.path}`,
      note: 'Step 8: no token, refused',
    });
    const token = parseBearerAuthorization(req.headers.authorization); // throws InvalidRequest when malformed
    if (token === null) throw new MissingAccessToken();
    // Local JWT verification or introspection, depending on DRIVE_TOKEN_VALIDATION: the same claims either way.
    try {
      res.locals.token = await validator.validate(token, requiredScope);
    } catch (err) {
      describeExchange(res, {
        note: `Step 8: token refused (${err instanceof OAuthError ? `${err.error}: ${err.error_description ?? ''}` : 'error'})`,
      });
      throw err;
    }
    const { sub, scope, client_id: clientId } = res.locals.token;
    const how = wasRemembered(res.locals.token)
      ? ' (verified on an earlier call; Drive remembers a verified token for at most a minute, never past its exp)'
      : '';
    describeExchange(res, { note: `Step 8: token valid: sub=${sub}, client_id=${clientId}, scope="${scope}"${how}` });
    next();
  };
}

/** The verified token of a request behind requireAccessToken. */
export function verifiedToken(res: Response): AccessTokenClaims {
  const token = res.locals.token;
  if (!token) throw new Error('verifiedToken() used on a route without requireAccessToken()');
  return token;
}

/**
 * Whose photos may this token open? RFC 9068 §2.2: `sub` names the resource owner; for a grant with no
 * user at all (client credentials, RFC 6749 §4.4) the authorization server puts the client's own identifier
 * in `sub`. Such a token acts for the client itself, so it opens no user's photos: null. Checked explicitly
 * rather than hoping no user shares a name with a client: a client registered as "alice" must not read
 * alice's photos with a token it got for itself.
 */
export function resourceOwnerOf(token: AccessTokenClaims): string | null {
  return token.sub === token.client_id ? null : token.sub;
}
