/**
 * @module routes/introspection
 *
 * Token introspection, RFC 7662: a protected resource (or the client itself) asks "is this token active,
 * and what does it allow?". Step 8 of the notes, when the resource server chooses to ask the authorization
 * server instead of verifying the JWT itself.
 */
import { Router } from 'express';
import { describeExchange } from '@oauth-demo/teaching';
import { InvalidClient, optionalParam, requiredParam } from '@oauth-demo/tokens';
import { authenticateClient, type Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import type { FoundToken } from '../token_lookup.js';
import { backChannel, postOnly } from './back_channel.js';

export function introspectionRouter({ clients, config, tokens }: AuthContext): Router {
  const router = Router();

  /**
   * Who may learn about a token (RFC 7662 §4: "the authorization server MUST determine whether the
   * caller is authorized"): the client it was issued to, or the resource server it is for.
   */
  function mayIntrospect(caller: Client, found: FoundToken): boolean {
    if (found.kind === 'access_token') {
      if (found.claims.client_id === caller.client_id) return true;
      return caller.client_id === config.driveClientId && found.claims.aud === config.driveResource;
    }
    return found.clientId === caller.client_id;
  }

  router.post('/introspect', backChannel, async (req, res) => {
    describeExchange(res, { label: 'Introspection: is this token active? (RFC 7662)' });
    // RFC 7662 §2.1: the endpoint requires authorization; here, client authentication with a secret. A
    // public client only names itself, which anyone can do, so it may not ask (metadata says Basic only).
    const caller = authenticateClient(req, clients);
    // Step 8 of the notes when Drive asks (the resource server checking the token it was sent); a client
    // asking about its own token is not a step of the flow.
    if (caller.client_id === config.driveClientId) describeExchange(res, { step: 8 });
    if (caller.token_endpoint_auth_method === 'none')
      throw new InvalidClient('Introspection needs client authentication with a secret.');
    const token = requiredParam(req.body, 'token');
    const found = await tokens.find(token, optionalParam(req.body, 'token_type_hint'));

    // RFC 7662 §2.2: for a token that is unknown, expired, revoked, or not the caller's business, the
    // answer is exactly {"active": false}, with nothing more that could be probed.
    if (!found?.active || !mayIntrospect(caller, found)) {
      res.json({ active: false });
      return;
    }
    if (found.kind === 'access_token') {
      const { claims } = found;
      res.json({
        active: true,
        token_type: 'Bearer',
        scope: claims.scope,
        client_id: claims.client_id,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
        exp: claims.exp,
        iat: claims.iat,
        jti: claims.jti,
      });
      return;
    }
    res.json({
      active: true,
      token_type: 'refresh_token',
      scope: found.scope,
      client_id: found.clientId,
      sub: found.userId,
      iss: config.issuer,
      exp: found.exp,
      iat: found.iat,
    });
  });

  router.all('/introspect', postOnly);

  return router;
}
