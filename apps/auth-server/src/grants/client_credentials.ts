/**
 * @module grants/client_credentials
 *
 * The Client Credentials grant, RFC 6749 §4.4 (steps 2, 6, 7, 8 of the notes): a client asks for a token
 * for itself. There is no user, so no browser, no consent screen, and no refresh token (§4.4.3: "A refresh
 * token SHOULD NOT be included"). The token's `sub` is the client (RFC 9068 §2.2), so it opens no user's
 * resources.
 */
import { InvalidScope, optionalParam, parseScope, UnauthorizedClient, type ParamSource } from '@oauth-demo/tokens';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import type { TokenResponse } from '../issuance.js';

export async function clientCredentialsGrant(
  params: ParamSource,
  client: Client,
  { issuer }: AuthContext,
): Promise<TokenResponse> {
  // RFC 6749 §4.4: "MUST only be used by confidential clients" (it is authenticated by its secret).
  if (client.client_type !== 'confidential')
    throw new UnauthorizedClient('Only confidential clients may use client_credentials.');

  // RFC 6749 §3.3: no scope asked means the client's registered scopes.
  const asked = optionalParam(params, 'scope');
  const scope = asked === undefined ? client.scope : parseScope(asked);
  if (!scope || scope.length === 0 || !scope.every((s) => client.scope.includes(s)))
    throw new InvalidScope('This client may not ask for that scope.');

  return issuer.issue({
    grantId: null,
    clientId: client.client_id,
    userId: client.client_id,
    scope: scope.join(' '),
    withRefreshToken: false,
  });
}
