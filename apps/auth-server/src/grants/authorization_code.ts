/**
 * @module grants/authorization_code
 *
 * The Authorization Code grant, RFC 6749 §4.1, with PKCE (RFC 7636).
 *
 * Front channel (steps 2-4 of the notes): routes/authorize.ts validates the request, routes/interaction.ts
 * signs the user in and asks for consent, then `createAuthorizationCode` below makes the code.
 * Back channel (steps 5-6): the client sends the code to the token endpoint and `authorizationCodeGrant`
 * checks it and issues the tokens.
 */
import { InvalidGrant, requiredParam, verifyCodeVerifier, type ParamSource } from '@oauth-demo/tokens';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
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

/** Steps 5 and 6: RFC 6749 §4.1.3 (the request) and §4.1.4 (the response). */
export async function authorizationCodeGrant(params: ParamSource, client: Client, { store, issuer }: AuthContext): Promise<TokenResponse> {
  const code = requiredParam(params, 'code');
  const redirectUri = requiredParam(params, 'redirect_uri');
  const codeVerifier = requiredParam(params, 'code_verifier');

  // Single use, atomically (store/codes.ts markUsed).
  const consumed = store.codes.markUsed(code);
  const row = store.codes.find(code);

  if (!row) throw new InvalidGrant('The authorization code is not valid.');
  if (!consumed) {
    // RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization server MUST
    // deny the request and SHOULD revoke (when possible) all tokens previously issued based on that code."
    store.grants.revoke(row.grant_id);
    throw new InvalidGrant('The authorization code was already used; the tokens issued with it are now revoked.');
  }
  if (row.expires_at <= now()) throw new InvalidGrant('The authorization code expired.');
  // RFC 6749 §4.1.3: the code must have been issued to this client...
  if (row.client_id !== client.client_id) throw new InvalidGrant('The authorization code was issued to another client.');
  // ...and redirect_uri must be identical to the one in the authorization request.
  if (row.redirect_uri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request.');
  // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge of the request.
  if (!verifyCodeVerifier(codeVerifier, row.code_challenge)) throw new InvalidGrant('The code_verifier does not match the code_challenge.');
  if (!store.grants.isActive(row.grant_id)) throw new InvalidGrant('The grant behind this code was revoked.');

  return issuer.issue({
    grantId: row.grant_id,
    clientId: client.client_id,
    userId: row.user_id,
    scope: row.scope,
    withRefreshToken: client.grant_types.includes('refresh_token'),
  });
}
