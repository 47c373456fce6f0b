/**
 * @module oauth/revocation
 *
 * RFC 7009: when the user disconnects, the printer does not merely forget the tokens, it asks the auth server to
 * revoke them, so a copy (a log, a backup of the session database) is worthless too.
 */
import { postAuthenticated, type TokenEndpointDeps } from './token_endpoint.js';
import type { Connection } from './connection.js';

/**
 * Revoke the refresh token (RFC 7009 §2.1: the auth server should then also end the access tokens of the same
 * grant), or the access token when there is no refresh token. Best effort: returns whether the auth server said
 * 200; an auth server without a revocation_endpoint, or an unreachable one, is not an error here.
 */
export async function revokeConnection(deps: TokenEndpointDeps, connection: Connection): Promise<boolean> {
  try {
    const metadata = await deps.metadata.get();
    if (!metadata.revocation_endpoint) return false;
    const form = connection.refresh_token
      ? new URLSearchParams({ token: connection.refresh_token, token_type_hint: 'refresh_token' })
      : new URLSearchParams({ token: connection.access_token, token_type_hint: 'access_token' });
    const response = await postAuthenticated(deps, metadata.revocation_endpoint, form);
    return response.status === 200;
  } catch {
    return false; // the tokens are forgotten already, and expire on their own
  }
}
