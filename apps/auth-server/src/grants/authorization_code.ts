/**
 * @module grants/authorization_code
 *
 * The Authorization Code grant, RFC 6749 §4.1, with PKCE (RFC 7636).
 *
 * Front channel (steps 2-4 of the notes): routes/authorize.ts validates the request, routes/interaction.ts
 * signs the user in and asks for consent, then `createAuthorizationCode` below makes the code, and
 * authorize/authorization_response.ts sends it back (§4.1.2).
 * Back channel (steps 5-6): the client sends the code to the token endpoint and `authorizationCodeGrant`
 * checks it and issues the tokens.
 */
import { randomUUID } from 'node:crypto';
import { InvalidGrant, optionalParam, requiredParam, verifyCodeVerifier, type ParamSource } from '@oauth-demo/tokens';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import { pkceOptional } from '../lab/lab_clients.js';
import { now, type AuthStore } from '../store/index.js';
import { randomToken, type TokenResponse } from '../issuance.js';

export interface CodeRequest {
  grantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string;
}

/** Step 4: a short-lived, single-use code, bound to the client, the redirect_uri and the PKCE challenge. */
export function createAuthorizationCode(store: AuthStore, request: CodeRequest, lifetimeSeconds: number): string {
  const code = randomToken();
  store.codes.insert(code, { ...request, expiresAt: now() + lifetimeSeconds });
  return code;
}

/** Steps 5 and 6: the token request of RFC 6749 §4.1.3, checked in the section's order, and §4.1.4 the response. */
export async function authorizationCodeGrant(
  params: ParamSource,
  client: Client,
  { store, issuer }: AuthContext,
): Promise<TokenResponse> {
  // §4.1.3 (and RFC 7636 §4.5): the parameters. Missing or repeated ones are invalid_request.
  const code = requiredParam(params, 'code');
  const redirectUri = requiredParam(params, 'redirect_uri');
  // A lab copy (lab/lab_clients.ts) may have asked without PKCE; every other client must send its verifier.
  const codeVerifier = pkceOptional(client)
    ? optionalParam(params, 'code_verifier')
    : requiredParam(params, 'code_verifier');

  // §4.1.3: "require client authentication for confidential clients" and "authenticate the client": done by the
  // token endpoint before any grant runs (routes/token.ts, clients.ts authenticateClient).

  // §4.1.3: "ensure that the authorization code was issued to the authenticated confidential client, or if the
  // client is public, ensure that the code was issued to client_id in the request". An unknown code and another
  // client's code get the same answer, so a guessed code tells nothing.
  const row = store.codes.find(code);
  if (!row || row.client_id !== client.client_id) throw new InvalidGrant('The authorization code is not valid.');

  // §4.1.3: "ensure that the redirect_uri parameter is present if [it] was included in the initial authorization
  // request [...], and if included ensure that their values are identical" (we always require it).
  if (row.redirect_uri !== redirectUri)
    throw new InvalidGrant('redirect_uri does not match the authorization request.');

  // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge of the authorization request.
  // An empty code_challenge exists only for a lab copy's code made without PKCE: then there is nothing to verify.
  if (
    (row.code_challenge !== '' || codeVerifier !== undefined) &&
    (codeVerifier === undefined || !verifyCodeVerifier(codeVerifier, row.code_challenge))
  )
    throw new InvalidGrant('The code_verifier does not match the code_challenge.');

  // §4.1.3: "verify that the authorization code is valid", and §4.1.2: it is single use. This comes LAST, after
  // the client, redirect_uri and PKCE checks, where §4.1.3 lists it earlier: the replay rule below is destructive
  // (it revokes the tokens the first redemption gave the user's client), so it must be reachable only by the
  // client the code was issued to, holding its code_verifier. Checked first, a leaked code (a browser history, a
  // log, a Referer) would let anyone, with any client_id or verifier, cut the user off. Nothing above changes the
  // code, so a refused request leaves it usable by its client.
  // A code past its short lifetime that was never used is simply refused. A used one stays known for an hour after
  // it expires (housekeeping.ts), so that a late replay is still caught below.
  if (row.used_at === null && row.expires_at <= now()) throw new InvalidGrant('The authorization code expired.');
  const familyId = randomUUID();
  if (row.used_at !== null || !store.codes.markUsed(code, familyId)) {
    // §4.1.2: "If an authorization code is used more than once, the authorization server MUST deny the request
    // and SHOULD revoke (when possible) all tokens previously issued based on that code." Only those: the
    // user's consent (the grant) and tokens from other codes stay (store/codes.ts revokeReplayed).
    store.codes.revokeReplayed(code);
    throw new InvalidGrant('The authorization code was already used; the tokens issued with it are now revoked.');
  }
  if (!store.grants.isActive(row.grant_id)) throw new InvalidGrant('The grant behind this code was revoked.');

  // §4.1.4: the access token, and a refresh token when the client may refresh and the user allowed offline_access.
  const tokens = await issuer.issue({
    grantId: row.grant_id,
    clientId: client.client_id,
    userId: row.user_id,
    scope: row.scope,
    family: { id: familyId },
    withRefreshToken: client.grant_types.includes('refresh_token'),
  });
  // A replay that arrived while these tokens were being signed found none of them yet: revoke them now. The answer
  // is still this redemption's (it did win), but the tokens in it no longer work, as §4.1.2 asks.
  if (store.codes.find(code)?.replayed_at != null) store.codes.revokeReplayed(code);
  return tokens;
}
