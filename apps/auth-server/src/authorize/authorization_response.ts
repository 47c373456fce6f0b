/**
 * @module authorize/authorization_response
 *
 * The authorization response: how the answer to an authorization request travels back to the client, through
 * the user's browser, to the client's verified redirect_uri (step 4 of the notes).
 *
 * - §4.1.2 (Authorization Code): `code` and `state`, in the query;
 * - §4.2.2 (Implicit): `access_token`, `token_type`, `expires_in`, `scope` and `state`, in the fragment, so the
 *   token reaches only the page's script and never the client's server (and never a refresh token);
 * - §4.1.2.1 / §4.2.2.1 (errors): `error`, `error_description` and `state`, in the query or the fragment as the
 *   success answer would have been;
 * - every one of them with `iss` (RFC 9207 §2), so a client that talks to several authorization servers can tell
 *   which one answered (mix-up attacks, RFC 9700 §4.4).
 *
 * Only ever to a redirect_uri verified against the client's registration (authorization_request.ts, step 1 of
 * validation); a 303, so the browser turns the posted consent form into a GET (RFC 9700 §4.12).
 */
import type { Response } from 'express';
import type { ResponseMode, VerifiedRedirect } from './authorization_request.js';

/**
 * Not a standard parameter: this demo's own, added to a code response when step 3 was skipped because the user had
 * already allowed this client (remembered consent), with the time they allowed it. RFC 6749 §4.1.2 lets an
 * authorization server add parameters ("The client MUST ignore unrecognized response parameters"); the `demo_`
 * prefix says it is no standard one. Photo Printer uses it only to tell you that step 3 was skipped and why.
 */
export const CONSENT_REMEMBERED_PARAM = 'demo_consent_remembered';

/** §4.1.2: the code (and, when consent was remembered, the demo's note: CONSENT_REMEMBERED_PARAM). */
export interface CodeResponse {
  code: string;
  [CONSENT_REMEMBERED_PARAM]?: string;
}

/** §4.2.2: the access token itself (Implicit grant). */
export interface ImplicitResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

/** §4.1.2.1 / §4.2.2.1: the error. */
export interface ErrorResponse {
  error: string;
  error_description?: string;
}

export type AuthorizationResponse = CodeResponse | ImplicitResponse | ErrorResponse;

/**
 * The response URL: the client's redirect_uri with our parameters added (its own query kept, §3.1.2), `state`
 * exactly as received, and `iss`.
 */
function authorizationResponseUrl(
  redirectUri: string,
  issuer: string,
  params: Record<string, string | number | undefined>,
  mode: ResponseMode = 'query',
): string {
  const url = new URL(redirectUri);
  const answer = mode === 'query' ? url.searchParams : new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) answer.append(name, String(value));
  answer.append('iss', issuer);
  if (mode === 'fragment') url.hash = answer.toString();
  return url.href;
}

/**
 * RFC 6749 §4.1.2.1 / §4.2.2.1: error_description "MUST NOT include characters outside the set %x20-21 / %x23-5B /
 * %x5D-7E". Our descriptions quote what the client sent (`response_type "authorization_code"`, a scope), so a
 * double quote becomes a single one, a backslash a slash, and anything else outside the set is dropped: a client
 * that checks the set (Photo Printer does) then shows the description instead of discarding it.
 */
function errorDescriptionValue(text: string): string {
  return text
    .replaceAll('"', "'")
    .replaceAll('\\', '/')
    .replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}

/** Send the browser back to the client with the answer. */
export function sendAuthorizationResponse(
  res: Response,
  to: VerifiedRedirect,
  issuer: string,
  answer: AuthorizationResponse,
): void {
  const sent =
    'error_description' in answer && answer.error_description !== undefined
      ? { ...answer, error_description: errorDescriptionValue(answer.error_description) }
      : answer;
  res.redirect(303, authorizationResponseUrl(to.redirectUri, issuer, { ...sent, state: to.state }, to.responseMode));
}
