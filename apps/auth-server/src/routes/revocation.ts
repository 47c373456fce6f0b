/**
 * @module routes/revocation
 *
 * Token revocation, RFC 7009: a client says "I no longer need this token" (a user signing out of the
 * client, say). Revoking a refresh token ends its grant, with every access token issued under it
 * (RFC 7009 §2.1: "SHOULD also invalidate all access tokens based on the same authorization grant").
 */
import { Router } from 'express';
import { describeExchange } from '@oauth-demo/teaching';
import { InvalidGrant, optionalParam, requiredParam } from '@oauth-demo/tokens';
import { authenticateClient } from '../clients.js';
import type { AuthContext } from '../context.js';
import { backChannel, postOnly } from './back_channel.js';

export function revocationRouter({ clients, tokens, store }: AuthContext): Router {
  const router = Router();

  router.post('/revoke', backChannel, async (req, res) => {
    describeExchange(res, { label: 'Revocation (RFC 7009)' });
    const caller = authenticateClient(req, clients);
    const token = requiredParam(req.body, 'token');
    const found = await tokens.find(token, optionalParam(req.body, 'token_type_hint'));

    // RFC 7009 §2.1: "The authorization server first validates the client credentials [...] and then verifies
    // whether the token was issued to the client making the revocation request. If this validation fails, the
    // request is refused and the client is informed of the error". §2.2.1 says how: an RFC 6749 §5.2 error
    // response, and of those, invalid_grant is the one whose definition says "was issued to another client"
    // (400). The token is left untouched. An unknown token is still 200 (§2.2: the client could do nothing about
    // it), so this answer reveals only that a token the caller already holds is someone else's.
    if (found) {
      const owner = found.kind === 'access_token' ? found.claims.client_id : found.clientId;
      if (owner !== caller.client_id)
        throw new InvalidGrant('This token was issued to another client; only that client may revoke it.');
      if (found.kind === 'refresh_token') store.grants.revoke(found.grantId);
      else {
        const { jti, client_id, sub, scope, exp } = found.claims;
        store.accessTokens.revoke({ jti, clientId: client_id, subject: sub, scope, expiresAt: exp });
      }
    }
    res.status(200).end();
  });

  router.all('/revoke', postOnly);

  return router;
}
