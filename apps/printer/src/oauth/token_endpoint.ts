/**
 * @module oauth/token_endpoint
 *
 * Steps 5 and 6, and the refresh of RFC 6749 §6: the printer calls the token endpoint over the back channel.
 * The request is a form (`application/x-www-form-urlencoded`, RFC 6749 §4.1.3), the printer authenticates with
 * HTTP Basic (`client_secret_basic`, RFC 6749 §2.3.1), and the answer is JSON (RFC 6749 §5.1 / §5.2).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { describeNetworkError } from '@oauth-demo/back-channel';
import type { ClientRegistration } from '../config.js';
import { AuthServerBusy, AuthServerUnreachable, type GrantLabel, TokenRequestFailed } from '../errors.js';
import type { MetadataClient } from './metadata.js';

/** RFC 6749 §5.1, as the printer keeps it. */
export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  /** ms since the epoch, from `expires_in`; null when the auth server did not say. */
  expiresAt: number | null;
  /** What was granted. RFC 6749 §5.1: when `scope` is absent it is the scope that was requested. */
  scope: string;
  refresh_token?: string;
}

export interface TokenEndpointDeps {
  http: AxiosInstance;
  metadata: MetadataClient;
  client: ClientRegistration;
  authInternalUrl: string;
}

/** Steps 5-6: RFC 6749 §4.1.3 with the PKCE code_verifier of RFC 7636 §4.5. */
export function exchangeAuthorizationCode(
  deps: TokenEndpointDeps,
  code: string,
  code_verifier: string,
): Promise<TokenSet> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    // RFC 6749 §4.1.3: REQUIRED because it was in the authorization request, and identical to it.
    redirect_uri: deps.client.redirectUri,
    code_verifier,
  });
  return requestToken(deps, form, 'authorization_code', deps.client.scope);
}

/**
 * RFC 6749 §6: a new access token from the refresh token, with no user present. The answer may carry a new
 * refresh token (rotation, RFC 9700 §4.14.2); the old one must then no longer be used.
 */
export async function refreshTokens(
  deps: TokenEndpointDeps,
  refresh_token: string,
  grantedScope: string,
): Promise<TokenSet> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token });
  const tokens = await requestToken(deps, form, 'refresh_token', grantedScope);
  // RFC 6749 §6: without a new refresh token in the answer, the old one stays valid.
  return tokens.refresh_token ? tokens : { ...tokens, refresh_token };
}

async function requestToken(
  deps: TokenEndpointDeps,
  form: URLSearchParams,
  grant: 'authorization_code' | 'refresh_token',
  defaultScope: string,
): Promise<TokenSet> {
  const metadata = await deps.metadata.get();
  const response = await postAuthenticated(deps, metadata.token_endpoint, form);
  const body = responseBody(response);
  // Overload, not a refusal (RFC 9110 §15.6.4): the request was not looked at, so it may be sent again later.
  const retryAfter = Number(response.headers['retry-after']);
  if (response.status === 503 && Number.isInteger(retryAfter) && retryAfter >= 0)
    throw new AuthServerBusy(Math.min(30, Math.max(1, retryAfter)));
  if (response.status !== 200) {
    const error = readTokenError(response);
    throw new TokenRequestFailed(error.code, error.description, grant);
  }
  return parseTokenResponse(body, defaultScope, grant);
}

/** The JSON object of an answer, or `{}` when it is not one. */
export function responseBody(response: AxiosResponse<unknown>): Record<string, unknown> {
  return typeof response.data === 'object' && response.data !== null && !Array.isArray(response.data)
    ? (response.data as Record<string, unknown>)
    : {};
}

/** RFC 6749 §5.2 (and RFC 8628 §3.5): the error of a refused token request. */
export interface TokenError {
  status: number;
  code: string;
  description?: string;
}

/** RFC 6749 §5.2: 400 (or 401 for invalid_client) with a JSON {error, error_description}; checked before it is shown. */
export function readTokenError(response: AxiosResponse<unknown>): TokenError {
  const body = responseBody(response);
  const code =
    typeof body.error === 'string' && /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(body.error)
      ? body.error
      : `HTTP ${response.status}`;
  const error: TokenError = { status: response.status, code };
  if (typeof body.error_description === 'string') error.description = body.error_description.slice(0, 300);
  return error;
}

/**
 * A form POST to one of the auth server's endpoints WITHOUT HTTP Basic: for a public client (`client_id` in the
 * body, no secret: the kiosk) or for `client_secret_post` (the print lab, secret in the body). Only network
 * failures throw.
 */
export async function postForm(
  deps: Pick<TokenEndpointDeps, 'http' | 'metadata' | 'authInternalUrl'>,
  endpoint: string,
  form: URLSearchParams,
): Promise<AxiosResponse<unknown>> {
  try {
    return await deps.http.post<unknown>(deps.metadata.internal(endpoint), form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      responseType: 'json',
    });
  } catch (error) {
    throw new AuthServerUnreachable(deps.authInternalUrl, describeNetworkError(error));
  }
}

/**
 * A form POST to one of the auth server's endpoints, authenticated as the printer with HTTP Basic
 * (`client_secret_basic`, RFC 6749 §2.3.1), at the endpoint's internal URL. Only network failures throw.
 */
export async function postAuthenticated(
  deps: TokenEndpointDeps,
  endpoint: string,
  form: URLSearchParams,
): Promise<AxiosResponse<unknown>> {
  try {
    return await deps.http.post<unknown>(deps.metadata.internal(endpoint), form.toString(), {
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded', // RFC 6749 §4.1.3, RFC 7009 §2.1
        Authorization: buildBasicAuthorization(deps.client.clientId, deps.client.clientSecret),
      },
      responseType: 'json',
    });
  } catch (error) {
    throw new AuthServerUnreachable(deps.authInternalUrl, describeNetworkError(error));
  }
}

/** RFC 6749 §5.1, checked field by field: a malformed answer is refused, not half-used. */
export function parseTokenResponse(
  body: Record<string, unknown>,
  defaultScope: string,
  grant: GrantLabel,
  now = Date.now(),
): TokenSet {
  const bad = (what: string) =>
    new TokenRequestFailed('invalid_response', `The token response ${what} (RFC 6749 §5.1).`, grant);
  if (typeof body.access_token !== 'string' || body.access_token === '') throw bad('has no access_token');
  // RFC 6749 §7.1 and RFC 6750 §4: the type is case-insensitive; the printer only knows how to use Bearer.
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer')
    throw bad('is not of token_type Bearer');
  if (body.expires_in !== undefined && (typeof body.expires_in !== 'number' || !(body.expires_in >= 0)))
    throw bad('has an invalid expires_in');
  if (body.scope !== undefined && typeof body.scope !== 'string') throw bad('has an invalid scope');
  if (body.refresh_token !== undefined && (typeof body.refresh_token !== 'string' || body.refresh_token === ''))
    throw bad('has an invalid refresh_token');
  const tokens: TokenSet = {
    access_token: body.access_token,
    token_type: 'Bearer',
    expiresAt: typeof body.expires_in === 'number' ? now + body.expires_in * 1000 : null,
    scope: typeof body.scope === 'string' ? body.scope : defaultScope,
  };
  if (typeof body.refresh_token === 'string') tokens.refresh_token = body.refresh_token;
  return tokens;
}
