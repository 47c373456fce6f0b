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
import { pkceOptional } from '../lab/lab_clients.js';
import { isKnownScope } from '../scopes.js';

export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  /** `code`: Authorization Code (RFC 6749 §4.1). `token`: Implicit (§4.2), legacy, opt-in per client. */
  response_type: 'code' | 'token';
  scope: string[];
  /** Byte-exact, echoed back unchanged (RFC 6749 §4.1.2). */
  state: string | undefined;
  /** PKCE, always for `code`; absent for `token` (there is no token request to bind). */
  code_challenge: string | undefined;
  /** What the client asks of the interaction (OpenID Connect Core §3.1.2.1), empty when it asks nothing. */
  prompt: Prompt[];
}

/**
 * The `prompt` values of OpenID Connect Core §3.1.2.1, which learners meet in every real provider:
 * - `none`: show no page at all; if signing in or consent would be needed, answer with an error instead;
 * - `login`: ask the user to sign in again, even when already signed in here;
 * - `consent`: ask for consent again, even when it is remembered;
 * - `select_account`: let the user choose the account; with no account chooser here, the same as `login`.
 */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;
export type Prompt = (typeof PROMPT_VALUES)[number];

function isPrompt(value: string): value is Prompt {
  return (PROMPT_VALUES as readonly string[]).includes(value);
}

/**
 * How the answer travels back: in the query for `code`, in the fragment for `token` (RFC 6749 §4.2.2),
 * so the token is never sent to the client's server, only to the page's script.
 */
export type ResponseMode = 'query' | 'fragment';

/** Where errors may go once the client and its redirect_uri are verified. */
export interface VerifiedRedirect {
  redirectUri: string;
  state: string | undefined;
  responseMode: ResponseMode;
}

/** Step 1 of validation: who is asking, and where may we send the answer? Throws page-only errors. */
export function verifyClientAndRedirectUri(
  params: ParamSource,
  clients: ClientRepository,
): { client: Client; redirect: VerifiedRedirect } {
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
    throw new InvalidRedirectUri(
      'This redirect_uri is not registered for this application, so we will not send you there.',
    );
  }
  // state can only be echoed if it is readable; a repeated state is reported without it.
  let state: string | undefined;
  try {
    state = optionalParam(params, 'state');
  } catch {
    state = undefined;
  }
  // RFC 6749 §4.2.2.1: errors of an implicit request also go in the fragment.
  const responseMode: ResponseMode = params?.response_type === 'token' ? 'fragment' : 'query';
  return { client, redirect: { redirectUri, state, responseMode } };
}

/** Step 2 of validation: the rest of the request. Errors thrown here are sent back to the client. */
export function validateAuthorizationRequest(
  params: ParamSource,
  client: Client,
  redirect: VerifiedRedirect,
): AuthorizationRequest {
  // Repeated parameters are invalid_request (RFC 6749 §3.1), state included.
  const state = optionalParam(params, 'state');

  const responseType = optionalParam(params, 'response_type');
  if (responseType === undefined) throw new InvalidRequest('response_type is missing.');
  if (responseType !== 'code' && responseType !== 'token')
    throw new UnsupportedResponseType(`response_type "${responseType}" is not supported here.`);
  // Each response type is opt-in per client: the Implicit flow only for a client registered for it.
  if (!client.response_types.includes(responseType))
    throw new UnauthorizedClient(`This client may not use response_type=${responseType}.`);

  const scopeParam = optionalParam(params, 'scope');
  if (scopeParam === undefined) throw new InvalidScope('scope is missing: say what you want access to.');
  const scope = parseScope(scopeParam);
  if (!scope || scope.length === 0) throw new InvalidScope('scope is malformed.');
  const unknown = scope.filter((s) => !isKnownScope(s) || !client.scope.includes(s));
  if (unknown.length > 0) throw new InvalidScope(`Scope not available to this client: ${unknown.join(' ')}.`);

  // PKCE for every code request (RFC 9700 §2.1.1), S256 only: `plain` would put the secret on the front
  // channel. An implicit request has no token request to bind, which is part of why it is legacy.
  let codeChallenge: string | undefined;
  if (responseType === 'code') {
    codeChallenge = optionalParam(params, 'code_challenge');
    const method = optionalParam(params, 'code_challenge_method');
    // The attack lab's copies of the printer alone may go without (lab/lab_clients.ts), to show what PKCE stops.
    if (codeChallenge === undefined && !(method === undefined && pkceOptional(client)))
      throw new InvalidRequest('code_challenge is required (PKCE, RFC 7636).');
    if (codeChallenge !== undefined && method !== CODE_CHALLENGE_METHOD)
      throw new InvalidRequest('code_challenge_method must be S256.');
    if (codeChallenge !== undefined && !isValidCodeChallenge(codeChallenge))
      throw new InvalidRequest('code_challenge must be 43 base64url characters (RFC 7636 §4.2).');
  }

  // OpenID Connect Core §3.1.2.1: a space-delimited list. An unknown value, or `none` with another one, is
  // invalid_request (sent back to the client like every error after step 1, RFC 6749 §4.1.2.1).
  const promptParam = optionalParam(params, 'prompt');
  const prompt: Prompt[] = [];
  for (const value of promptParam === undefined ? [] : promptParam.split(' ').filter((v) => v !== '')) {
    if (!isPrompt(value))
      throw new InvalidRequest(
        `prompt value "${value.slice(0, 40)}" is not supported (none, login, consent, select_account).`,
      );
    if (!prompt.includes(value)) prompt.push(value);
  }
  if (prompt.includes('none') && prompt.length > 1)
    throw new InvalidRequest('prompt=none cannot be combined with another prompt value.');

  return {
    client_id: client.client_id,
    redirect_uri: redirect.redirectUri,
    response_type: responseType,
    scope,
    state,
    code_challenge: codeChallenge,
    prompt,
  };
}

/** Where the answer to a validated request goes, and how (the request was verified on arrival). */
export function redirectOf(request: AuthorizationRequest): VerifiedRedirect {
  return {
    redirectUri: request.redirect_uri,
    state: request.state,
    responseMode: request.response_type === 'token' ? 'fragment' : 'query',
  };
}
