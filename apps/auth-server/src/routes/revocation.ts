/**
 * @module routes/revocation
 *
 * Token revocation, RFC 7009: a client says "I no longer need this token" (a user signing out of the
 * client, say). Revoking a refresh token ends its grant, with every access token issued under it
 * (RFC 7009 §2.1: "SHOULD also invalidate all access tokens based on the same authorization grant").
 */
import { Router } from 'express';
import { describeExchange } from '@oauth-demo/teaching';
import { optionalParam, requiredParam } from '@oauth-demo/tokens';
import { authenticateClient } from '../clients.js';
import type { AuthContext } from '../context.js';
import { backChannel } from './back_channel.js';

export function revocationRouter({ clients, tokens, store }: AuthContext): Router {
  const router = Router();

  router.post('/revoke', ...backChannel, async (req, res) => {
    describeExchange(res, { label: 'Revocation (RFC 7009)' });
    const caller = authenticateClient(req, clients);
    const token = requiredParam(req.body, 'token');
    const found = await tokens.find(token, optionalParam(req.body, 'token_type_hint'));

    // A client can only revoke its own tokens. For an unknown token, or someone else's, the answer is the
    // same 200 (RFC 7009 §2.2), so this endpoint tells nobody whether a token they hold is valid.
    if (found) {
      const owner = found.kind === 'access_token' ? found.claims.client_id : found.clientId;
      if (owner === caller.client_id) {
        if (found.kind === 'refresh_token' && found.grantId) store.grants.revoke(found.grantId);
        else if (found.kind === 'access_token') store.accessTokens.revoke(found.claims.jti);
      }
    }
    res.status(200).end();
  });

  return router;
}
