/**
 * @module introspection
 *
 * Step 8 the other way (`DRIVE_TOKEN_VALIDATION=introspection`): the drive does not read the token at all.
 * On every API call it asks the authorization server "is this token active, and what does it allow?"
 * (RFC 7662, OAuth 2.0 Token Introspection), then checks the answer as strictly as token_verifier.ts checks
 * a JWT.
 *
 * The trade-off, which is the lesson:
 * - local JWT verification (token_verifier.ts): no call per request, and the API keeps working while the
 *   auth server is down; but nothing in a JWT changes when it is revoked, so a revoked token is accepted
 *   until its `exp`;
 * - introspection (here): one back-channel round trip per request (latency, load on the auth server, and
 *   the API stops when the auth server does); but the auth server's answer is current, so a revoked token
 *   is refused on the very next request. The token could even be opaque: the drive needs no signing keys.
 * RFC 7662 §4 allows caching answers to save the round trip. We deliberately do not: a cached "active" is
 * exactly the window that revocation is meant to close.
 *
 * A failure is never a success. If the auth server cannot be asked (down, too slow, it refuses the drive's
 * own credentials, its answer is not JSON), the request is refused with 503 temporarily_unavailable; the
 * reason goes to the log only, never to the API caller.
 *
 * Sending and checking are two functions (`introspect`, then `processIntrospectionResponse`), so the
 * checks can be read, and tested, on their own.
 */
import {
  type AccessTokenClaims,
  buildBasicAuthorization,
  hasScope,
  InsufficientScope,
  InvalidToken,
  MAX_PARAM_LENGTH,
  TemporarilyUnavailable,
} from '@oauth-demo/tokens';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { describeNetworkError, rememberSuccess } from '@oauth-demo/back-channel';
import { discoverEndpoint, isObject } from './discovery.js';
import type { TokenValidator } from './token_validator.js';

export interface IntrospectionOptions {
  /** The issuer we trust, exactly as the answer's `iss` must say (the auth server's public URL). */
  issuer: string;
  /** This resource server's identifier; the answer's `aud` must name it. */
  audience: string;
  /** Where the drive reaches the auth server (metadata endpoints are rewritten to it, see @oauth-demo/back-channel). */
  authInternalUrl: string;
  /** The drive's back channel (app.ts). */
  http: AxiosInstance;
  /**
   * The drive's own client registration at the auth server. RFC 7662 §2.1: the endpoint requires
   * authorization, so that nobody can use it to probe tokens; here, HTTP Basic client authentication.
   */
  clientId: string;
  clientSecret: string;
  /** How long to wait for the metadata, and for each introspection answer. */
  timeoutMs?: number;
  /** Where failures are reported for the operator (never to the API caller). */
  log?: (message: string) => void;
}

/** RFC 7662 §2.2: the answer is a JSON object whose one REQUIRED member is the boolean `active`. */
export interface IntrospectionResponse extends Record<string, unknown> {
  active: boolean;
}

/** Seconds of clock skew tolerated on `exp` and `nbf`, the same as the JWT path. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Each API call waits for this answer, so the budget is short. Past it, the request is refused (503):
 * better a clear "try again" than a hanging API.
 */
const DEFAULT_TIMEOUT_MS = 3000;

const UNAVAILABLE = 'The authorization server could not be asked about this token; access is refused.';

export function createIntrospectionValidator(options: IntrospectionOptions): TokenValidator {
  const log = options.log ?? ((message: string) => console.warn(`drive: ${message}`));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Discovered on first use, and again after a failure: the drive may start before the auth server.
  const endpoint = rememberSuccess(() => discoverEndpoint(options, 'introspection_endpoint'));
  // RFC 7662 §2.1 with RFC 6749 §2.3.1 (client_secret_basic). Built once; never logged.
  const authorization = buildBasicAuthorization(options.clientId, options.clientSecret);

  return {
    async validate(token, requiredScope) {
      // The auth server refuses a `token` parameter longer than any token it issues (400 invalid_request),
      // and a 400 from it would read here as "cannot ask" (503). A token that long is simply not one of its
      // tokens: the same answer as for any other unknown token, without the round trip.
      if (token.length > MAX_PARAM_LENGTH) throw new InvalidToken('The access token is not active.');

      let answer: IntrospectionResponse;
      try {
        answer = await introspect(await endpoint(), token, { http: options.http, authorization, timeoutMs });
      } catch (err) {
        // Internal URLs and status codes are for the operator; the caller learns only "refused, retry".
        log(`token introspection unavailable: ${err instanceof Error ? err.message : String(err)}`);
        throw new TemporarilyUnavailable(UNAVAILABLE);
      }
      return processIntrospectionResponse(answer, {
        issuer: options.issuer,
        audience: options.audience,
        requiredScope,
      });
    },
  };
}

/**
 * RFC 7662 §2.1, the introspection request: a POST, form-encoded, with the `token` and (optionally) a
 * `token_type_hint`, authenticated as the drive. Returns the answer when it is a well-formed RFC 7662 §2.2
 * response; throws (with the reason, for the log) when the auth server could not be asked or did not
 * answer properly. Any throw here means 503, never "valid".
 *
 * The back channel (@oauth-demo/back-channel) keeps connections alive: consecutive requests reuse one TCP
 * connection to the auth server instead of paying a new handshake each time. It never follows a redirect: the
 * token goes to the endpoint we chose, nowhere else.
 */
async function introspect(
  endpoint: URL,
  token: string,
  { http, authorization, timeoutMs }: { http: AxiosInstance; authorization: string; timeoutMs: number },
): Promise<IntrospectionResponse> {
  let response: AxiosResponse<unknown>;
  try {
    response = await http.post<unknown>(
      endpoint.href,
      new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      {
        headers: {
          Authorization: authorization,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        // One deadline for the whole exchange, the body included.
        timeout: timeoutMs,
        responseType: 'text',
      },
    );
  } catch (err) {
    const reason = describeNetworkError(err);
    throw new Error(
      reason === 'it did not answer in time'
        ? `the introspection endpoint ${endpoint.href} did not answer within ${timeoutMs} ms`
        : `cannot reach the introspection endpoint ${endpoint.href} (${reason})`,
    );
  }

  if (response.status !== 200) {
    // RFC 7662 §2.1: the drive authenticates as a client. A 401 is the auth server refusing the DRIVE, not
    // the token: a configuration error the operator must see.
    const hint =
      response.status === 401
        ? "; it refused the drive's client credentials: DRIVE_CLIENT_ID and DRIVE_CLIENT_SECRET must be the ones the auth server knows"
        : '';
    throw new Error(`the introspection endpoint ${endpoint.href} answered HTTP ${response.status}${hint}`);
  }

  let body: unknown;
  try {
    body = JSON.parse(String(response.data));
  } catch {
    throw new Error(`the introspection endpoint ${endpoint.href} did not answer JSON`);
  }
  // RFC 7662 §2.2: "active" is REQUIRED. Without it this is not an introspection answer, and we cannot
  // tell anything about the token: the auth server's fault, not the token's.
  if (!isObject(body) || typeof body.active !== 'boolean') {
    throw new Error(
      `the introspection endpoint ${endpoint.href} answered JSON without a boolean "active" (RFC 7662 §2.2)`,
    );
  }
  return body as IntrospectionResponse;
}

export interface ExpectedToken {
  issuer: string;
  audience: string;
  requiredScope: string;
  /** Unix seconds; now by default. */
  now?: number;
}

/**
 * RFC 7662 §2.2, the introspection response, checked as strictly as a JWT (RFC 9068 §4): "active" is only
 * where the checks start. The token must also be a bearer access token, from our issuer, for this drive,
 * not expired, and carry the needed scope. Returns the same claims the JWT path returns, so the routes
 * cannot tell the two modes apart.
 */
export function processIntrospectionResponse(
  answer: IntrospectionResponse,
  expected: ExpectedToken,
): AccessTokenClaims {
  const now = expected.now ?? Math.floor(Date.now() / 1000);

  // RFC 7662 §2.2: `active: false` (unknown, expired, revoked, tampered, or none of the drive's business)
  // comes with nothing else, and means: refuse.
  if (answer.active !== true) throw new InvalidToken('The access token is not active.');

  // token_type (RFC 7662 §2.2; its values are those of RFC 6749 §7.1, compared case-insensitively): only an
  // access token is a bearer credential. A refresh token, for instance, must not open the API.
  const { token_type: tokenType } = answer;
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw new InvalidToken('The token is not a bearer access token.');
  }

  // iss (RFC 7662 §2.2): exactly the one issuer the drive trusts.
  if (answer.iss !== expected.issuer) throw new InvalidToken('The "iss" claim is not valid for this resource server.');

  // aud (RFC 7662 §2.2, a string or an array of strings as in RFC 7519 §4.1.3): it must name this drive. An
  // active token for another API is still not a token for us.
  const { aud } = answer;
  if (!(aud === expected.audience || (Array.isArray(aud) && aud.includes(expected.audience)))) {
    throw new InvalidToken('The "aud" claim is not valid for this resource server.');
  }

  // exp, iat, nbf (RFC 7662 §2.2): seconds since the epoch. The auth server already judged the token
  // active; checking the time again costs nothing and guards against an answer that is wrong.
  const { exp, iat, nbf } = answer;
  if (typeof exp !== 'number' || typeof iat !== 'number')
    throw new InvalidToken('The token has no valid "exp" or "iat".');
  if (exp <= now - CLOCK_TOLERANCE_SECONDS) throw new InvalidToken('The access token expired.');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + CLOCK_TOLERANCE_SECONDS)) {
    throw new InvalidToken('The access token is not valid yet.');
  }

  // sub, client_id, jti (RFC 7662 §2.2): what the routes need, required here as on the JWT path.
  const { sub, client_id: clientId, jti, scope } = answer;
  if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof jti !== 'string') {
    throw new InvalidToken('The token does not name its subject, client and id.');
  }

  // scope (RFC 7662 §2.2, space-separated as in RFC 6749 §3.3): last, so that 403 insufficient_scope is
  // only ever said about a token that is otherwise good (RFC 6750 §3.1).
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidToken('The "scope" claim must be a string.');
  if (!hasScope(scope, expected.requiredScope)) throw new InsufficientScope(expected.requiredScope);

  return { iss: expected.issuer, sub, aud: expected.audience, client_id: clientId, scope: scope ?? '', iat, exp, jti };
}
