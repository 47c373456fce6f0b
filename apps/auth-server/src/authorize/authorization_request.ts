/**
 * @module authorize/authorization_request
 *
 * Validating an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3), in the order that keeps users safe:
 *
 * 1. the client and the exact redirect_uri first. Until both are verified, an error is shown as a page and
 *    NEVER redirected, or we would be an open redirector (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3);
 * 2. then everything else; those errors go back to the verified redirect_uri with `error`, `state` and
 *    `iss` (RFC 6749 §4.1.2.1, RFC 9207).
 */
import {
  CODE_CHALLENGE_METHOD,
  InvalidClientId,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidScope,
  isValidCodeChallenge,
  optionalParam,
  parseScope,
  UnauthorizedClient,
  UnsupportedResponseType,
  type ParamSource,
} from '@oauth-demo/tokens';
import type { Client, ClientRepository } from '../clients.js';
import { isKnownScope } from '../scopes.js';

export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  response_type: 'code';
  scope: string[];
  /** Byte-exact, echoed back unchanged (RFC 6749 §4.1.2). */
  state: string | undefined;
  code_challenge: string;
  code_challenge_method: 'S256';
}

/** Where errors may go once the client and its redirect_uri are verified. */
export interface VerifiedRedirect {
  redirectUri: string;
  state: string | undefined;
}

/** Step 1 of validation: who is asking, and where may we send the answer? Throws page-only errors. */
export function verifyClientAndRedirectUri(params: ParamSource, clients: ClientRepository): { client: Client; redirect: VerifiedRedirect } {
  let clientId: string | undefined;
  let redirectUri: string | undefined;
  try {
    clientId = optionalParam(params, 'client_id');
    redirectUri = optionalParam(params, 'redirect_uri');
  } catch {
    throw new InvalidRedirectUri('client_id or redirect_uri is repeated or malformed.');
  }
  if (clientId === undefined) throw new InvalidClientId('The request has no client_id.');
  const client = clients.find(clientId);
  if (!client) throw new InvalidClientId('No application is registered with this client_id.');
  // Exact string comparison: no normalisation of case, trailing slashes, dots, ports or userinfo
  // (RFC 9700 §4.1.3; RFC 6749 §3.1.2.3). We always require redirect_uri, so the binding is explicit.
  if (redirectUri === undefined) throw new InvalidRedirectUri('The request has no redirect_uri.');
  if (!client.redirect_uris.includes(redirectUri)) {
    throw new InvalidRedirectUri('This redirect_uri is not registered for this application, so we will not send you there.');
  }
  // state can only be echoed if it is readable; a repeated state is reported without it.
  let state: string | undefined;
  try {
    state = optionalParam(params, 'state');
  } catch {
    state = undefined;
  }
  return { client, redirect: { redirectUri, state } };
}

/** Step 2 of validation: the rest of the request. Errors thrown here are sent back to the client. */
export function validateAuthorizationRequest(params: ParamSource, client: Client, redirect: VerifiedRedirect): AuthorizationRequest {
  // Repeated parameters are invalid_request (RFC 6749 §3.1), state included.
  const state = optionalParam(params, 'state');

  const responseType = optionalParam(params, 'response_type');
  if (responseType === undefined) throw new InvalidRequest('response_type is missing.');
  if (responseType !== 'code') {
    // The implicit flow (`token`) is only for clients registered for it (a later part of the story).
    if (responseType === 'token' && !client.response_types.includes('token')) throw new UnauthorizedClient('This client may not use response_type=token.');
    throw new UnsupportedResponseType(`response_type "${responseType}" is not supported here.`);
  }
  if (!client.response_types.includes('code')) throw new UnauthorizedClient('This client may not use response_type=code.');

  const scopeParam = optionalParam(params, 'scope');
  if (scopeParam === undefined) throw new InvalidScope('scope is missing: say what you want access to.');
  const scope = parseScope(scopeParam);
  if (!scope || scope.length === 0) throw new InvalidScope('scope is malformed.');
  const unknown = scope.filter((s) => !isKnownScope(s) || !client.scope.includes(s));
  if (unknown.length > 0) throw new InvalidScope(`Scope not available to this client: ${unknown.join(' ')}.`);

  // PKCE for every client (RFC 9700 §2.1.1), S256 only: `plain` would put the secret on the front channel.
  const codeChallenge = optionalParam(params, 'code_challenge');
  const method = optionalParam(params, 'code_challenge_method');
  if (codeChallenge === undefined) throw new InvalidRequest('code_challenge is required (PKCE, RFC 7636).');
  if (method !== CODE_CHALLENGE_METHOD) throw new InvalidRequest('code_challenge_method must be S256.');
  if (!isValidCodeChallenge(codeChallenge)) throw new InvalidRequest('code_challenge must be 43 base64url characters (RFC 7636 §4.2).');

  return {
    client_id: client.client_id,
    redirect_uri: redirect.redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  };
}

/**
 * The authorization response URL (RFC 6749 §4.1.2 and §4.1.2.1): the client's redirect_uri with our
 * parameters added to its query, `state` exactly as received, and `iss` (RFC 9207 §2).
 */
export function authorizationResponseUrl(redirectUri: string, issuer: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  url.searchParams.append('iss', issuer);
  return url.href;
}
