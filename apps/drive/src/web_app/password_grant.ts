/**
 * @module web_app/password_grant
 *
 * Drive's own first-party web app, as a CLIENT of the auth server: the Resource Owner Password Credentials
 * grant, RFC 6749 §4.3 (the notes' "Password" row: 1st party, no longer best practice; steps 1, 2, 6, 7, 8).
 *
 * Step 2: the web app sends the user's username and password, server to server, to the auth server's token
 * endpoint (found in its metadata, RFC 8414, and reached at the INTERNAL URL like every back-channel call of
 * the drive, see discovery.ts), authenticated as the confidential client `drive-web` with HTTP Basic
 * (`client_secret_basic`, RFC 6749 §2.3.1). Step 6: the answer is an access token (RFC 6749 §5.1), with no
 * refresh token.
 *
 * RFC 9700 §2.4: this grant MUST NOT be used any more; even a first party should use Authorization Code with
 * PKCE. The sign-in page says so: the grant is here to be seen, and compared.
 *
 * Every failure is turned into one of two errors the sign-in page knows how to show:
 * - WrongCredentials: the auth server said `invalid_grant` (RFC 6749 §5.2): wrong username or password, or
 *   too many failed attempts for that username (the auth server throttles, RFC 6749 §4.3.2);
 * - SignInUnavailable: the auth server could not be reached, was too slow, answered nonsense, or refused
 *   Drive's own client registration. The details go to the operator's log, never to the page.
 */
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import type { WebClientConfig } from '../config.js';
import type { AxiosInstance } from 'axios';
import { describeNetworkError, rememberSuccess } from '@oauth-demo/back-channel';
import { discoverEndpoint, isObject } from '../discovery.js';

/** What step 6 gave the web app; kept server side, in the session (routes/web_app.ts). */
export interface IssuedToken {
  accessToken: string;
  /** RFC 6749 §5.1: the granted scope; when the answer omits it, the scope that was asked for. */
  scope: string;
  /** ms since the epoch, from `expires_in`; null when the auth server did not say. */
  expiresAt: number | null;
  /** ms since the epoch. */
  issuedAt: number;
}

/** `invalid_grant`: the username or password is wrong, or the auth server is throttling this username. */
export class WrongCredentials extends Error {
  override readonly name = 'WrongCredentials';
  constructor(
    /** What the auth server said, safe to show (checked, shortened); its exact words for the throttle. */
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

/** Drive cannot sign anyone in right now. `status` is 503 when the auth server is unreachable, 500 when Drive is misconfigured. */
export class SignInUnavailable extends Error {
  override readonly name = 'SignInUnavailable';
  constructor(
    readonly status: 500 | 503,
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

/** One message for an unknown username and for a wrong password (RFC 6749 §5.2 and the auth server agree). */
const WRONG_CREDENTIALS_MESSAGE = 'Wrong username or password.';

const UNREACHABLE_MESSAGE =
  'Drive cannot reach the Auth server right now, so it cannot check your password. Nothing was signed in. Try again in a moment.';
const MISCONFIGURED_MESSAGE =
  "Drive's sign-in is not working: the Auth server refused Drive's own web app. This is not your fault; the operator's log says why.";

export interface PasswordGrantOptions {
  /** The issuer we trust (the auth server's public URL). */
  issuer: string;
  /** Where the drive reaches the auth server. */
  authInternalUrl: string;
  /** The drive's back channel (app.ts). */
  http: AxiosInstance;
  client: WebClientConfig;
  /** Time budget of each back-channel call (metadata, token, revocation), in ms. */
  timeoutMs?: number;
  /** Where the details of failures go (the operator's log). */
  log: (message: string) => void;
}

export interface PasswordGrantClient {
  /**
   * Steps 2 and 6. `endUserAddress` is the address of the person typing (the sign-in page's request): the auth
   * server counts failed sign-ins per address and user, and trusts this client to say whose they are (the
   * `End-User-Address` header, believed from drive-web only; see the auth server's routes/token.ts). Without it,
   * every learner would look like Drive's own address, and one learner's typos would block the whole class.
   * Throws WrongCredentials or SignInUnavailable.
   */
  signIn(username: string, password: string, endUserAddress?: string): Promise<IssuedToken>;
  /** RFC 7009: ask the auth server to revoke the token (on sign-out). Best effort: never throws. */
  revoke(accessToken: string): Promise<boolean>;
}

/** An `error` code worth repeating in the log: RFC 6749 §5.2's character set, bounded. */
function errorCode(body: Record<string, unknown>, status: number): string {
  return typeof body.error === 'string' && /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(body.error)
    ? body.error
    : `HTTP ${status}`;
}

/** The auth server's `error_description`, if it is something a page may show: printable, short. */
function safeDescription(body: Record<string, unknown>): string | undefined {
  const value = body.error_description;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= 300 && /^[\x20-\x7E\u00A0-\u024F\u2010-\u2027]+$/.test(trimmed)
    ? trimmed
    : undefined;
}

export function createPasswordGrantClient(options: PasswordGrantOptions): PasswordGrantClient {
  const timeoutMs = options.timeoutMs ?? 5000;
  const discovery = { issuer: options.issuer, authInternalUrl: options.authInternalUrl, http: options.http };
  // Discovered on first use and kept; after a failure, discovered again (the drive may start first).
  const tokenEndpoint = rememberSuccess(() => discoverEndpoint(discovery, 'token_endpoint'));
  const revocationEndpoint = rememberSuccess(() => discoverEndpoint(discovery, 'revocation_endpoint'));
  const authorization = buildBasicAuthorization(options.client.clientId, options.client.clientSecret);

  /** A form POST as `drive-web`; the parsed JSON object (or {} when the body is not one). Only network failures throw. */
  async function post(
    endpoint: URL,
    form: URLSearchParams,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    // The back channel never follows a redirect: the password would be posted wherever it points.
    const response = await options.http.post<unknown>(endpoint.href, form.toString(), {
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        Authorization: authorization,
        ...extraHeaders,
      },
      timeout: timeoutMs,
      responseType: 'json',
    });
    return { status: response.status, body: isObject(response.data) ? response.data : {} };
  }

  return {
    async signIn(username, password, endUserAddress) {
      let endpoint: URL;
      try {
        endpoint = await tokenEndpoint();
      } catch (err) {
        options.log(`sign-in unavailable: ${err instanceof Error ? err.message : String(err)}`);
        throw new SignInUnavailable(503, UNREACHABLE_MESSAGE);
      }

      // RFC 6749 §4.3.2: grant_type=password, username, password, scope.
      const form = new URLSearchParams({ grant_type: 'password', username, password, scope: options.client.scope });
      let answer: { status: number; body: Record<string, unknown> };
      try {
        answer = await post(endpoint, form, endUserAddress ? { 'end-user-address': endUserAddress } : {});
      } catch (err) {
        const reason = describeNetworkError(err);
        const why = reason === 'it did not answer in time' ? `no answer within ${timeoutMs} ms` : reason;
        options.log(`sign-in unavailable: the token endpoint ${endpoint.href} could not be reached (${why})`);
        throw new SignInUnavailable(503, UNREACHABLE_MESSAGE);
      }
      const { status, body } = answer;

      if (status === 200) {
        // RFC 6749 §5.1: access_token and token_type are REQUIRED; we only know how to use Bearer tokens.
        const tokenType = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : '';
        if (typeof body.access_token !== 'string' || body.access_token.length === 0 || tokenType !== 'bearer') {
          options.log('sign-in unavailable: the token endpoint answered 200 without a Bearer access_token');
          throw new SignInUnavailable(503, UNREACHABLE_MESSAGE);
        }
        const now = Date.now();
        const expiresIn =
          typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) && body.expires_in > 0
            ? body.expires_in
            : null;
        return {
          accessToken: body.access_token,
          scope: typeof body.scope === 'string' && body.scope.length > 0 ? body.scope : options.client.scope,
          expiresAt: expiresIn === null ? null : now + expiresIn * 1000,
          issuedAt: now,
        };
      }

      const code = errorCode(body, status);
      // RFC 6749 §5.2: "invalid_grant: The provided authorization grant (e.g., ... resource owner credentials)
      // is invalid". The auth server uses one message for an unknown user and a wrong password, and its own
      // words when it throttles; anything else it says is replaced by the one message.
      if (status === 400 && code === 'invalid_grant') {
        const description = safeDescription(body);
        throw new WrongCredentials(
          description && /too many/i.test(description) ? description : WRONG_CREDENTIALS_MESSAGE,
        );
      }
      if (status >= 500) {
        options.log(`sign-in unavailable: the token endpoint answered ${code}`);
        throw new SignInUnavailable(503, UNREACHABLE_MESSAGE);
      }
      // invalid_client (the secret differs between the two services), unauthorized_client (drive-web is not
      // registered for the password grant), invalid_scope, ...: Drive's registration is wrong, not the user.
      options.log(
        `sign-in refused the client "${options.client.clientId}": ${code}${safeDescription(body) ? ` (${safeDescription(body)})` : ''}. ` +
          'Check that DRIVE_WEB_CLIENT_SECRET is the same for the auth server and the drive, and that the client may use the password grant.',
      );
      throw new SignInUnavailable(500, MISCONFIGURED_MESSAGE);
    },

    async revoke(accessToken) {
      try {
        const endpoint = await revocationEndpoint();
        // RFC 7009 §2.1: the token, a hint, and the client's own authentication (a client revokes its own tokens).
        const { status } = await post(
          endpoint,
          new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
        );
        if (status !== 200) options.log(`sign-out: the revocation endpoint answered HTTP ${status}`);
        return status === 200;
      } catch (err) {
        options.log(
          `sign-out: the token could not be revoked: ${err instanceof Error && err.name !== 'AxiosError' ? err.message : describeNetworkError(err)}`,
        );
        return false;
      }
    },
  };
}
