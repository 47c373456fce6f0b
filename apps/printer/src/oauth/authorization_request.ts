/**
 * @module oauth/authorization_request
 *
 * Step 2: Photo Printer sends the browser to the authorization endpoint with an authorization request
 * (RFC 6749 §4.1.1) protected by PKCE (RFC 7636 §4.3) and a `state` (RFC 6749 §10.12).
 *
 * The two secrets of the request stay on the server, in this browser's session:
 * - `state`: random, ≥ 128 bits. It comes back on the callback and binds the answer to THIS browser's request,
 *   so an attacker cannot make your browser finish a flow they started (CSRF, RFC 6749 §10.12, RFC 9700 §4.7).
 * - `code_verifier`: only its SHA-256 (`code_challenge`) goes out now; the verifier itself is sent later, on
 *   the back channel, so a code stolen on its way back is useless to the thief (RFC 7636 §1, RFC 9700 §2.1.1).
 */
import { randomBytes } from 'node:crypto';
import { CODE_CHALLENGE_METHOD, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import type { ClientRegistration } from '../config.js';
import type { AuthServerMetadata } from './metadata.js';

export interface PendingAuthorization {
  state: string;
  code_verifier: string;
  /** ms since the epoch: an answer that comes back much later is refused. */
  createdAt: number;
  /** Sent from the request builder (routes/request_builder.ts): the callback's error pages lead back there. */
  builder?: true;
  /** The scope a request builder's request asked for (what the photos page compares with the granted scope). */
  requestedScope?: string;
}

/** How long the user may take to sign in and consent. The code itself then lives ≤ 60 s at the auth server. */
export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

/** Several tabs may start a flow; keep only the latest few so a session cannot grow without bound. */
const MAX_PENDING_AUTHORIZATIONS = 3;

export interface AuthorizationRequest {
  /** Where the browser is sent: the authorization endpoint with the request in the query. */
  url: string;
  pending: PendingAuthorization;
}

export interface AuthorizationRequestOptions {
  /**
   * OpenID Connect Core §3.1.2.1 `prompt`: `consent` asks the auth server to show its consent screen even when the
   * user allowed Photo Printer before ("Ask me again" on the home page).
   */
  prompt?: 'consent';
  now?: number;
}

export function buildAuthorizationRequest(
  metadata: AuthServerMetadata,
  client: ClientRegistration,
  options: AuthorizationRequestOptions = {},
): AuthorizationRequest {
  const now = options.now ?? Date.now();
  const state = randomBytes(32).toString('base64url'); // 256 bits; RFC 6749 §10.10 asks for unguessable values
  const code_verifier = generateCodeVerifier(); // RFC 7636 §4.1: 43 characters, 256 bits
  // RFC 6749 §3.1: the endpoint URI "MAY include a query component, which MUST be retained": URL keeps it.
  const url = new URL(metadata.authorization_endpoint);
  const params = url.searchParams;
  params.set('response_type', 'code'); // RFC 6749 §4.1.1: the Authorization Code grant
  params.set('client_id', client.clientId);
  params.set('redirect_uri', client.redirectUri); // exactly the registered one (RFC 6749 §3.1.2, RFC 9700 §4.1.3)
  params.set('scope', client.scope); // RFC 6749 §3.3
  params.set('state', state);
  params.set('code_challenge', calculateCodeChallenge(code_verifier)); // RFC 7636 §4.2
  params.set('code_challenge_method', CODE_CHALLENGE_METHOD); // RFC 7636 §4.3: S256, never plain
  if (options.prompt) params.set('prompt', options.prompt); // OpenID Connect Core §3.1.2.1: ask again
  return { url: url.href, pending: { state, code_verifier, createdAt: now } };
}

/** Remember a new request, dropping expired ones and keeping at most MAX_PENDING_AUTHORIZATIONS. */
export function rememberPending(
  list: PendingAuthorization[] | undefined,
  pending: PendingAuthorization,
  now = Date.now(),
): PendingAuthorization[] {
  const live = (list ?? []).filter((p) => now - p.createdAt < PENDING_AUTHORIZATION_TTL_MS);
  return [...live, pending].slice(-MAX_PENDING_AUTHORIZATIONS);
}
