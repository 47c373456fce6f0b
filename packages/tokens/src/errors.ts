/**
 * @module errors
 *
 * Every error the protocol can answer with, as a typed class named after its RFC error code, so that a
 * learner can grep `invalid_grant` and land here. Each app translates these to HTTP in exactly one place
 * (its error handler); protocol code only ever throws them.
 *
 * - RFC 6749 §4.1.2.1: authorization endpoint errors (sent back to the client's redirect_uri)
 * - RFC 6749 §5.2: token endpoint errors (JSON body, 400; 401 for invalid_client)
 * - RFC 6750 §3.1: resource server errors (WWW-Authenticate: Bearer)
 */

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'not_found';

export abstract class OAuthError extends Error {
  /** The RFC's error code, sent as `error`. */
  abstract readonly error: OAuthErrorCode;
  /** HTTP status when this error is answered directly (not by redirect). */
  readonly status: number = 400;
  /**
   * May this error be sent to the client's redirect_uri? Only once the client and the exact redirect_uri
   * have been verified, and never for errors about the client or the redirect_uri themselves
   * (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3).
   */
  readonly allowRedirect: boolean = true;

  constructor(readonly error_description?: string) {
    super(error_description);
    this.name = new.target.name;
  }

  /** The JSON body of RFC 6749 §5.2. */
  toJSON(): { error: OAuthErrorCode; error_description?: string } {
    return this.error_description === undefined
      ? { error: this.error }
      : { error: this.error, error_description: this.error_description };
  }
}

/** RFC 6749 §5.2: missing, repeated or malformed parameter; unsupported parameter value. */
export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}

/**
 * RFC 6749 §5.2: client authentication failed. 401, and `WWW-Authenticate: Basic` when the client tried
 * HTTP Basic (`usedBasic`).
 */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  override readonly allowRedirect = false;
  constructor(
    description?: string,
    readonly usedBasic = false,
  ) {
    super(description);
  }
}

/** RFC 6749 §5.2: the code or refresh token is invalid, expired, revoked, replayed, or bound to someone else. */
export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}

/** RFC 6749 §4.1.2.1 and §5.2: this client may not use this grant or response type. */
export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}

/** RFC 6749 §5.2 */
export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}

/** RFC 6749 §4.1.2.1 */
export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}

/** RFC 6749 §3.3, §4.1.2.1, §5.2 */
export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}

/** RFC 6749 §4.1.2.1: the resource owner said no (the Deny button). RFC 8628 §3.5 at the token endpoint. */
export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
}

/**
 * OpenID Connect Core §3.1.2.6: `prompt=none` was asked, but the user is not signed in at the authorization
 * server, so it cannot answer without showing a page. Sent back to the client's redirect_uri.
 */
export class LoginRequired extends OAuthError {
  readonly error = 'login_required';
}

/**
 * OpenID Connect Core §3.1.2.6: `prompt=none` was asked, but the user has not (yet) allowed this client what it
 * asks for, so the consent screen would be needed. Sent back to the client's redirect_uri.
 */
export class ConsentRequired extends OAuthError {
  readonly error = 'consent_required';
}

/** RFC 8628 §3.5: the user has not answered yet; poll again after the interval. */
export class AuthorizationPending extends OAuthError {
  readonly error = 'authorization_pending';
}

/** RFC 8628 §3.5: polling too fast; the interval grows by 5 seconds for this and every later request. */
export class SlowDown extends OAuthError {
  readonly error = 'slow_down';
}

/** RFC 8628 §3.5: the device_code expired; the device must start over. */
export class ExpiredToken extends OAuthError {
  readonly error = 'expired_token';
}

/** RFC 6749 §4.1.2.1: never carries internal details; see the error handlers. */
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}

/** RFC 6749 §4.1.2.1: a back-channel peer is down; safe to retry later. */
export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
}

/**
 * The client_id is unknown or the redirect_uri is not registered for it. Shown to the user as a page and
 * NEVER redirected: redirecting to an unverified URI is an open redirector (RFC 6749 §4.1.2.1,
 * RFC 9700 §4.1.3). The wire code is `invalid_request`; the class name says why.
 */
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_request';
  override readonly allowRedirect = false;
}

/** The authorization request names a client that is not registered; never redirected either. */
export class InvalidClientId extends OAuthError {
  readonly error = 'invalid_client';
  override readonly allowRedirect = false;
}

/** RFC 6750 §3.1: expired, revoked, malformed, or not for this resource server. 401. */
export class InvalidToken extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
}

/** RFC 6750 §3.1: the token is fine but lacks the scope this resource needs. 403, with the needed scope. */
export class InsufficientScope extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;
  constructor(
    readonly requiredScope: string,
    description?: string,
  ) {
    super(description ?? `This resource needs the scope "${requiredScope}".`);
  }
}

/** Not an OAuth error: a resource that does not exist, or that the token's owner may not see. */
export class NotFound extends OAuthError {
  readonly error = 'not_found';
  override readonly status = 404;
}
