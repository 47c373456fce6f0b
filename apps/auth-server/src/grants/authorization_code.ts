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
import { InvalidGrant, optionalParam, requiredParam, verifyCodeVerifier, type ParamSource } from '@oauth-demo/tokens';
import type { Db } from '@oauth-demo/web';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import { pkceOptional } from '../lab/lab_clients.js';
import { hashToken, now } from '../db.js';
import { randomToken, type TokenResponse } from '../issuance.js';

export interface CodeRequest {
  grantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string;
}

interface CodeRow {
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string;
  expires_at: number;
  used_at: number | null;
}

/** Step 4: a short-lived, single-use code, bound to the client, the redirect_uri and the PKCE challenge. */
export function createAuthorizationCode(db: Db, request: CodeRequest, lifetimeSeconds: number): string {
  const code = randomToken();
  db.prepare(`INSERT INTO authorization_codes (code_hash, grant_id, client_id, user_id, redirect_uri, scope, code_challenge, expires_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
    hashToken(code), request.grantId, request.clientId, request.userId, request.redirectUri, request.scope, request.codeChallenge, now() + lifetimeSeconds,
  );
  return code;
}

/** Steps 5 and 6: RFC 6749 §4.1.3 (the request) and §4.1.4 (the response). */
export async function authorizationCodeGrant(params: ParamSource, client: Client, { db, issuer }: AuthContext): Promise<TokenResponse> {
  const code = requiredParam(params, 'code');
  const redirectUri = requiredParam(params, 'redirect_uri');
  // A lab copy (lab/lab_clients.ts) may have asked without PKCE; every other client must send its verifier.
  const codeVerifier = pkceOptional(client) ? optionalParam(params, 'code_verifier') : requiredParam(params, 'code_verifier');
  const codeHash = hashToken(code);

  // Single use, atomically: of any number of concurrent redemptions exactly one sees `used_at IS NULL`
  // and wins (SQLite serialises writers; better-sqlite3 runs this in one synchronous statement).
  const consumed = db.prepare('UPDATE authorization_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL').run(now(), codeHash).changes === 1;
  const row = db.prepare<[string], CodeRow>('SELECT * FROM authorization_codes WHERE code_hash = ?').get(codeHash);

  if (!row) throw new InvalidGrant('The authorization code is not valid.');
  if (!consumed) {
    // RFC 6749 §4.1.2: "If an authorization code is used more than once, the authorization server MUST
    // deny the request and SHOULD revoke (when possible) all tokens previously issued based on that code."
    issuer.revokeGrant(row.grant_id);
    throw new InvalidGrant('The authorization code was already used; the tokens issued with it are now revoked.');
  }
  if (row.expires_at <= now()) throw new InvalidGrant('The authorization code expired.');
  // RFC 6749 §4.1.3: the code must have been issued to this client...
  if (row.client_id !== client.client_id) throw new InvalidGrant('The authorization code was issued to another client.');
  // ...and redirect_uri must be identical to the one in the authorization request.
  if (row.redirect_uri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request.');
  // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge of the request.
  // An empty code_challenge exists only for a lab copy's code made without PKCE: then there is nothing to verify.
  if ((row.code_challenge !== '' || codeVerifier !== undefined) && (codeVerifier === undefined || !verifyCodeVerifier(codeVerifier, row.code_challenge))) throw new InvalidGrant('The code_verifier does not match the code_challenge.');
  if (!issuer.isGrantActive(row.grant_id)) throw new InvalidGrant('The grant behind this code was revoked.');

  return issuer.issue({
    grantId: row.grant_id,
    clientId: client.client_id,
    userId: row.user_id,
    scope: row.scope,
    withRefreshToken: client.grant_types.includes('refresh_token'),
  });
}
