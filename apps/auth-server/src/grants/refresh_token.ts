/**
 * @module grants/refresh_token
 *
 * Refreshing an access token, RFC 6749 §6, with refresh-token rotation (RFC 9700 §4.14.2): every use returns
 * a new refresh token and retires the old one. If a retired token is presented again, someone holds a copy:
 * the whole family is revoked, with the access tokens of its grant.
 */
import {
  InvalidGrant,
  InvalidScope,
  optionalParam,
  parseScope,
  requiredParam,
  type ParamSource,
} from '@oauth-demo/tokens';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import type { TokenResponse } from '../issuance.js';
import { type AuthStore, now } from '../store/index.js';
import type { RefreshTokenRecord } from '../store/refresh_tokens.js';

/** RFC 6749 §6: the refresh request, checked in the section's order, then §5.1 the response. */
export function refreshTokenGrant(params: ParamSource, client: Client, ctx: AuthContext): Promise<TokenResponse> {
  return refresh(params, client, ctx, true);
}

/**
 * The same, WITHOUT rotation, for the attack lab's copy of the token endpoint only (lab/no_rotation.ts): it skips
 * rotation and nothing else, to show what a stolen refresh token is worth without it.
 */
export function refreshTokenGrantWithoutRotation(
  params: ParamSource,
  client: Client,
  ctx: AuthContext,
): Promise<TokenResponse> {
  return refresh(params, client, ctx, false);
}

async function refresh(
  params: ParamSource,
  client: Client,
  { store, issuer }: AuthContext,
  rotate: boolean,
): Promise<TokenResponse> {
  const refreshToken = requiredParam(params, 'refresh_token');
  const requestedScope = optionalParam(params, 'scope');

  // §6: "ensure that the refresh token was issued to the authenticated client" and "validate the refresh
  // token" (client authentication itself happened at the token endpoint, routes/token.ts).
  const row = store.refreshTokens.find(refreshToken);
  if (!row || row.client_id !== client.client_id) throw new InvalidGrant('The refresh token is not valid.');
  if (row.revoked_at !== null || row.grant_revoked_at !== null)
    throw new InvalidGrant('The refresh token was revoked.');
  if (row.family_expires_at <= now()) throw new InvalidGrant('The refresh token expired.');

  // RFC 6749 §6: the new scope may narrow the original, never widen it. Checked before rotating, so a
  // refused request leaves the client's refresh token usable.
  let scope = row.scope;
  if (requestedScope !== undefined) {
    const asked = parseScope(requestedScope);
    const granted = row.scope.split(' ');
    if (!asked || asked.length === 0 || !asked.every((s) => granted.includes(s))) {
      throw new InvalidScope('A refresh can only keep or narrow the scope that was granted.');
    }
    scope = asked.join(' ');
  }

  if (!rotate) {
    // A token the real endpoint already retired stays retired, and its reuse still revokes the family.
    if (row.rotated_at !== null) refuseReuse(store, row);
    // No rotation: no new refresh token; the one presented stays valid (RFC 6749 §6 allows this; RFC 9700 §4.14.2 does not for public clients).
    return issuer.issue({
      grantId: row.grant_id,
      clientId: client.client_id,
      userId: row.user_id,
      scope,
      withRefreshToken: false,
    });
  }

  // RFC 9700 §4.14.2, rotation, atomically: only one of concurrent refreshes can retire the token. It comes after
  // the checks above, so that a request the rightful client would not make (another client, a wider scope) never
  // burns the token nor revokes the family.
  if (!store.refreshTokens.rotate(refreshToken)) refuseReuse(store, row);

  return issuer.issue({
    grantId: row.grant_id,
    clientId: client.client_id,
    userId: row.user_id,
    scope,
    family: { id: row.family_id, expiresAt: row.family_expires_at },
    withRefreshToken: true,
  });
}

/**
 * RFC 9700 §4.14.2, refresh token reuse detection: a refresh token that was already rotated is presented again,
 * so two parties hold it (the rightful client and an attacker) and the server cannot tell which one is asking.
 * It revokes the whole token family, every refresh token and access token of the grant, and answers
 * invalid_grant (RFC 6749 §5.2): whoever holds a copy is now locked out, and the rightful client signs in again.
 */
function refuseReuse(store: AuthStore, row: RefreshTokenRecord): never {
  store.grants.revoke(row.grant_id);
  throw new InvalidGrant(
    'This refresh token was already used. Reuse means a copy may exist, so the whole family is now revoked.',
  );
}
